//! Chaos mode for real threads, in the spirit of rr's: perturb the OS scheduler at the facade's
//! operations so that a stress run visits interleavings the machine's usual timing avoids.
//!
//! Off by default, and then free: every hook is one relaxed atomic load. [`enable`] turns it on
//! for the whole process with a seed; from then on, at each facade operation on
//! [`Engine::Std`](crate::Engine::Std) (a lock, a condvar wait or notify, an atomic access, a
//! yield, a spawn, and the start of a spawned thread), the calling thread draws from its own generator and sometimes yields its time slice
//! or sleeps a few microseconds; and each thread the facade spawns is, with some chance, made a
//! *low-priority* thread that yields and sleeps far more often (rr's "random low-priority
//! thread"). Timing on a real machine is not reproducible, so the seed names the perturbation,
//! not an interleaving; it is reported so that a run can be repeated with the same one.
//! Model-checked runs (loom, shuttle) never consult it.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::time::Duration;

static ENABLED: AtomicBool = AtomicBool::new(false);
static PARTS: AtomicU8 = AtomicU8::new(Parts::ALL.0);
static SEED: AtomicU64 = AtomicU64::new(0);
/// Hands every thread a distinct generator stream.
static THREADS: AtomicU64 = AtomicU64::new(0);

/// Out of 256 draws at an operation: how many yield, and how many sleep.
const YIELD_IN_256: u64 = 24;
const SLEEP_IN_256: u64 = 6;
/// One spawned thread in this many is low-priority.
const LOW_PRIORITY_ONE_IN: u64 = 4;
/// A low-priority thread perturbs this many times as often.
const LOW_PRIORITY_FACTOR: u64 = 8;
/// The longest sleep, in microseconds.
const MAX_SLEEP_US: u64 = 200;

std::thread_local! {
    /// This thread's generator state (0: not seeded yet) and whether it is low-priority.
    static STATE: Cell<(u64, bool)> = const { Cell::new((0, false)) };
}

/// Which perturbations chaos mode makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parts(u8);

impl Parts {
    /// Random yields at facade operations.
    pub const YIELDS: Parts = Parts(1);
    /// Random short sleeps at facade operations.
    pub const SLEEPS: Parts = Parts(2);
    /// Some spawned threads perturbed far more often than the rest.
    pub const LOW_PRIORITY: Parts = Parts(4);
    /// Every perturbation.
    pub const ALL: Parts = Parts(7);
    /// None (a start to add parts to).
    pub const NONE: Parts = Parts(0);

    /// These parts and `other`'s.
    pub const fn with(self, other: Parts) -> Parts {
        Parts(self.0 | other.0)
    }

    fn has(self, part: Parts) -> bool {
        self.0 & part.0 != 0
    }
}

/// What chaos mode does (or did, once disabled), in words, for a report.
pub fn describe() -> String {
    let seed = SEED.load(Ordering::SeqCst);
    let parts = Parts(PARTS.load(Ordering::SeqCst));
    let mut what = Vec::new();
    if parts.has(Parts::YIELDS) {
        what.push(format!("yields with p={:.3}", YIELD_IN_256 as f64 / 256.0));
    }
    if parts.has(Parts::SLEEPS) {
        what.push(format!("sleeps up to {MAX_SLEEP_US} µs with p={:.3}", SLEEP_IN_256 as f64 / 256.0));
    }
    let mut text = format!("chaos seed {seed}: at each facade operation a thread {}", what.join(" and "));
    if parts.has(Parts::LOW_PRIORITY) {
        text.push_str(&format!(
            "; one spawned thread in {LOW_PRIORITY_ONE_IN} is low-priority (perturbed {LOW_PRIORITY_FACTOR}× as often)"
        ));
    }
    text
}

/// Turns chaos mode on for the whole process, with every perturbation.
pub fn enable(seed: u64) {
    enable_parts(seed, Parts::ALL);
}

/// Turns chaos mode on for the whole process, with the perturbations `parts` names.
pub fn enable_parts(seed: u64, parts: Parts) {
    SEED.store(seed, Ordering::SeqCst);
    PARTS.store(parts.0, Ordering::SeqCst);
    ENABLED.store(true, Ordering::SeqCst);
}

/// Turns chaos mode off.
pub fn disable() {
    ENABLED.store(false, Ordering::SeqCst);
}

/// Whether chaos mode is on.
pub fn is_on() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// The hook at a facade operation on real threads.
#[inline]
pub(crate) fn point() {
    if ENABLED.load(Ordering::Relaxed) {
        perturb();
    }
}

/// The hook at the start of a thread the facade spawned: maybe make it low-priority, then
/// perturb its start like any operation.
#[inline]
pub(crate) fn thread_start() {
    if ENABLED.load(Ordering::Relaxed) {
        if Parts(PARTS.load(Ordering::Relaxed)).has(Parts::LOW_PRIORITY) {
            let low = draw() % LOW_PRIORITY_ONE_IN == 0;
            STATE.with(|s| s.set((s.get().0, low)));
        }
        perturb();
    }
}

#[cold]
fn perturb() {
    let parts = Parts(PARTS.load(Ordering::Relaxed));
    let low = STATE.with(|s| s.get().1);
    let roll = draw() % 256;
    let scale = if low { LOW_PRIORITY_FACTOR } else { 1 };
    let sleeps = if parts.has(Parts::SLEEPS) { SLEEP_IN_256 * scale } else { 0 };
    let yields = if parts.has(Parts::YIELDS) { YIELD_IN_256 * scale } else { 0 };
    if roll < sleeps {
        std::thread::sleep(Duration::from_micros(1 + draw() % MAX_SLEEP_US));
    } else if roll < sleeps + yields {
        std::thread::yield_now();
    }
}

/// The next number from this thread's generator (splitmix64), seeded from the chaos seed and
/// the thread's arrival order.
fn draw() -> u64 {
    STATE.with(|s| {
        let (mut state, low) = s.get();
        if state == 0 {
            let n = THREADS.fetch_add(1, Ordering::Relaxed) + 1;
            state = SEED.load(Ordering::Relaxed) ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        }
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        s.set((state, low));
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn off_by_default_and_on_only_when_enabled() {
        assert!(!super::is_on());
        super::point(); // a no-op
        super::enable(7);
        assert!(super::is_on());
        for _ in 0..100 {
            super::point();
        }
        super::disable();
        assert!(!super::is_on());
        assert!(super::describe().starts_with("chaos seed 7: "));
    }
}
