//! Async tasks on the current [`Engine`]: spawn, spawn_blocking, yield, sleep, timeout, a
//! virtual-time [`Instant`], and a [`Gate`] a blocking call can wait on.
//!
//! - [`Engine::Std`] means tokio: the harness's `tokio-paused` and `turmoil` backends run the
//!   model on a current-thread runtime with paused (virtual) time; `stress` on a real one.
//! - [`Engine::Shuttle`] means shuttle's futures executor. shuttle has no clock: `sleep` is a
//!   yield, `timeout` never fires and `Instant::elapsed` is zero, so a stall there shows as the
//!   deadlock shuttle reports (every task blocked), not as a timeout.
//!
//! tokio's sync types (`RwLock`, `mpsc`, `oneshot`, `Notify`) are executor-agnostic and serve
//! both engines; only what needs an executor or a clock lives here.
//!
//! Under tokio the harness may set a *jitter seed* ([`with_jitter_seed`]): every [`spawn`]ed
//! task then yields a seeded number of times before it first runs, and every [`yield_now`] a
//! seeded number of extra times. tokio's current-thread scheduler is FIFO and its own RNG is
//! unseeded outside `tokio_unstable`, so this is how one seed picks one interleaving, and the
//! same seed always picks the same one.

use super::engine::Engine;
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

std::thread_local! {
    static JITTER: Cell<Option<u64>> = const { Cell::new(None) };
}

/// Runs `f` with seeded scheduling jitter for tokio tasks (see the module docs); `None` turns
/// it off. Restores the previous setting afterwards.
pub fn with_jitter_seed<R>(seed: Option<u64>, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<u64>);
    impl Drop for Restore {
        fn drop(&mut self) {
            JITTER.with(|j| j.set(self.0));
        }
    }
    let _restore = Restore(JITTER.with(|j| j.replace(seed.map(|s| s ^ 0x9e37_79b9_7f4a_7c15))));
    f()
}

/// The next jittered yield count in `0..bound` (0 without a jitter seed): splitmix64.
fn jitter(bound: u64) -> u64 {
    JITTER.with(|j| match j.get() {
        None => 0,
        Some(state) => {
            let state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            j.set(Some(state));
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            (z ^ (z >> 31)) % bound
        }
    })
}

fn engine() -> Engine {
    match Engine::current() {
        Engine::Loom => panic!("racetrack_sync::task: async tasks do not run under loom: use tokio-paused or shuttle"),
        e => e,
    }
}

/// An owned permission to await a spawned task. Awaiting it returns the task's output; a panic
/// in the task is re-raised in the awaiting task (an oracle failed there).
#[derive(Debug)]
pub struct JoinHandle<T>(JoinInner<T>);

#[derive(Debug)]
enum JoinInner<T> {
    Tokio(tokio::task::JoinHandle<T>),
    #[cfg(feature = "shuttle")]
    Shuttle(shuttle::future::JoinHandle<T>),
    /// A blocking call on a shuttle thread: its result comes through the oneshot.
    #[cfg(feature = "shuttle")]
    ShuttleThread(tokio::sync::oneshot::Receiver<T>, Option<shuttle::thread::JoinHandle<()>>),
}

impl<T> Future for JoinHandle<T> {
    type Output = T;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let result = match &mut self.0 {
            JoinInner::Tokio(h) => match Pin::new(h).poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(r) => r.map_err(|e| if e.is_panic() { e.into_panic() } else { Box::new(e.to_string()) }),
            },
            #[cfg(feature = "shuttle")]
            JoinInner::Shuttle(h) => match Pin::new(h).poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(r) => r.map_err(|e| Box::new(format!("{e:?}")) as Box<dyn std::any::Any + Send>),
            },
            #[cfg(feature = "shuttle")]
            JoinInner::ShuttleThread(rx, thread) => match Pin::new(rx).poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(r) => {
                    // The thread has sent its result (or panicked): joining returns at once.
                    let joined = thread.take().map_or(Ok(()), |t| t.join());
                    joined.and_then(|()| r.map_err(|_| Box::new("the blocking thread ended without a result") as _))
                }
            },
        };
        Poll::Ready(result.unwrap_or_else(|payload| std::panic::resume_unwind(payload)))
    }
}

/// Spawns a task on the current executor.
pub fn spawn<F>(fut: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    JoinHandle(match engine() {
        #[cfg(feature = "shuttle")]
        Engine::Shuttle => JoinInner::Shuttle(shuttle::future::spawn(fut)),
        _ => {
            let delay = jitter(3);
            JoinInner::Tokio(tokio::spawn(async move {
                for _ in 0..delay {
                    tokio::task::yield_now().await;
                }
                fut.await
            }))
        }
    })
}

/// Runs a blocking function off the executor: tokio's blocking pool, or a shuttle thread.
pub fn spawn_blocking<F, T>(f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    JoinHandle(match engine() {
        #[cfg(feature = "shuttle")]
        Engine::Shuttle => {
            let (tx, rx) = tokio::sync::oneshot::channel();
            let thread = shuttle::thread::spawn(move || drop(tx.send(f())));
            JoinInner::ShuttleThread(rx, Some(thread))
        }
        _ => JoinInner::Tokio(tokio::task::spawn_blocking(f)),
    })
}

/// Lets other tasks run (a scheduling point).
pub async fn yield_now() {
    match engine() {
        #[cfg(feature = "shuttle")]
        Engine::Shuttle => shuttle::future::yield_now().await,
        _ => {
            for _ in 0..=jitter(2) {
                tokio::task::yield_now().await;
            }
        }
    }
}

/// Sleeps for `duration` of (virtual, under tokio-paused) time; under shuttle a yield.
pub async fn sleep(duration: Duration) {
    match engine() {
        #[cfg(feature = "shuttle")]
        Engine::Shuttle => shuttle::future::yield_now().await,
        _ => tokio::time::sleep(duration).await,
    }
}

/// The future's output, or `Err(Elapsed)` once `limit` has passed. Under shuttle, which has no
/// clock, it never fires: a future that cannot finish is a deadlock shuttle reports.
pub async fn timeout<F: Future>(limit: Duration, fut: F) -> Result<F::Output, Elapsed> {
    match engine() {
        Engine::Shuttle => Ok(fut.await),
        _ => tokio::time::timeout(limit, fut).await.map_err(|_| Elapsed(limit)),
    }
}

/// [`timeout`] ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Elapsed(pub Duration);

impl std::fmt::Display for Elapsed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "deadline of {:?} elapsed", self.0)
    }
}

impl std::error::Error for Elapsed {}

/// A point in the executor's time: tokio's (virtual when paused); under shuttle time stands still.
#[derive(Clone, Copy, Debug)]
pub struct Instant(Option<tokio::time::Instant>);

impl Instant {
    /// Now.
    pub fn now() -> Self {
        Instant(match engine() {
            Engine::Shuttle => None,
            _ => Some(tokio::time::Instant::now()),
        })
    }

    /// Time passed since `self` (always zero under shuttle).
    pub fn elapsed(&self) -> Duration {
        self.0.map_or(Duration::ZERO, |t| t.elapsed())
    }
}

/// A latch a *blocking* call waits on until some other part of the program opens it: the
/// simulated side of a narrow interface uses it to block "until the scenario says so".
///
/// On real threads the wait is bounded by a real-time limit, so a program that can never open
/// the gate (its only thread is the one waiting) fails deterministically instead of hanging.
/// Under shuttle there is no clock: such a wait is a deadlock, which shuttle reports.
#[derive(Debug)]
pub struct Gate {
    open: super::Mutex<bool>,
    opened: super::Condvar,
}

impl Gate {
    /// A closed gate.
    pub fn new() -> Self {
        Gate { open: super::Mutex::new(false), opened: super::Condvar::new() }
    }

    /// Opens the gate and wakes every waiter.
    pub fn open(&self) {
        *self.open.lock() = true;
        self.opened.notify_all();
    }

    /// Whether the gate is open.
    pub fn is_open(&self) -> bool {
        *self.open.lock()
    }

    /// Blocks the calling thread until the gate opens; `false` if `real_time_limit` passed
    /// first (real threads only). Polls in 1 ms steps: the facade's condvar has no timed wait,
    /// and the limit is a safety net, not a measurement.
    pub fn wait_blocking(&self, real_time_limit: Duration) -> bool {
        match Engine::current() {
            Engine::Std => {
                let started = std::time::Instant::now();
                while !self.is_open() {
                    if started.elapsed() >= real_time_limit {
                        return false;
                    }
                    std::thread::sleep(Duration::from_millis(1));
                }
                true
            }
            _ => {
                drop(self.opened.wait_while(self.open.lock(), |open| !*open));
                true
            }
        }
    }
}

impl Default for Gate {
    fn default() -> Self {
        Self::new()
    }
}
