//! SCTBench CS `reorder_bad.c` as `reorder_5_bad` and `reorder_20_bad` (mc-imperial/sctbench;
//! the Java ports in cmu-pasta/spaghetti-bench): setters write `a = 1` and then `b = -1`; a checker
//! reads `a` and then `b` and expects either neither write or both, but can read between a
//! setter's two writes. Fixed: setters and the checker take one lock around their pair.

use super::{join_all, spawn_sharing};
use crate::{program, Program};
use racetrack::sync::{Arc, AtomicI64, Mutex, Ordering::SeqCst};
use racetrack::{Scenario, Variant};

struct Pair {
    a: AtomicI64,
    b: AtomicI64,
    lock: Mutex<()>,
}

fn set(p: &Pair, variant: Variant) {
    let _held = (variant == Variant::Fixed).then(|| p.lock.lock());
    p.a.store(1, SeqCst);
    p.b.store(-1, SeqCst);
}

fn check(p: &Pair, variant: Variant) {
    let _held = (variant == Variant::Fixed).then(|| p.lock.lock());
    let (a, b) = (p.a.load(SeqCst), p.b.load(SeqCst));
    tracing::info!(a, b, "check");
    racetrack::safety!((a == 0 && b == 0) || (a == 1 && b == -1), "read a = {a}, b = {b}: half a write");
}

fn run(variant: Variant, setters: usize) {
    let pair = Arc::new(Pair { a: AtomicI64::new(0), b: AtomicI64::new(0), lock: Mutex::new(()) });
    let mut threads: Vec<_> =
        (0..setters).map(|i| spawn_sharing(&format!("set-{i}"), &pair, move |pair| set(pair, variant))).collect();
    threads.push(spawn_sharing("check", &pair, move |pair| check(pair, variant)));
    join_all(threads);
}

/// `reorder-5`: 4 setters, 1 checker (6 threads with main), depth 2.
pub const PROGRAM: Program = program(
    Scenario::new("reorder-5", "checker reads between a setter's two writes")
        .source("mc-imperial/sctbench concurrent-software-benchmarks/reorder_bad.c (reorder_5_bad)")
        .oracles("the checker sees neither write or both", "")
        .threads(&|v| run(v, 4)),
    6,
    2,
);

/// `reorder-20`: 19 setters, 1 checker (21 threads with main), depth 2.
pub const MANY: Program = program(
    Scenario::new("reorder-20", "checker reads between a setter's two writes, 19 setters")
        .source("mc-imperial/sctbench concurrent-software-benchmarks/reorder_bad.c (reorder_20_bad)")
        .oracles("the checker sees neither write or both", "")
        .threads(&|v| run(v, 19)),
    21,
    2,
);
