//! SCTBench CS `wronglock_bad.c` (mc-imperial/sctbench, its default of one `funcA` and seven
//! `funcB` threads, and the same program with 31 `funcB`s, which it takes as arguments): `funcA`
//! increments the counter under `dataLock` and checks its own increment, but `funcB` increments
//! it under another lock (`thisLock`), so a `funcB` can land inside `funcA`'s critical section.
//! Fixed: `funcB` takes `dataLock`.

use super::{join_all, spawn_sharing};
use crate::{program, Program};
use racetrack::sync::{Arc, AtomicI64, Mutex, Ordering::SeqCst};
use racetrack::{Scenario, Variant};

struct Shared {
    data_value: AtomicI64,
    data_lock: Mutex<()>,
    this_lock: Mutex<()>,
}

fn increment(value: &AtomicI64) {
    let v = value.load(SeqCst);
    value.store(v + 1, SeqCst);
}

fn func_a(s: &Shared) {
    let _held = s.data_lock.lock();
    let x = s.data_value.load(SeqCst);
    increment(&s.data_value);
    let now = s.data_value.load(SeqCst);
    tracing::info!(x, now, "funcA");
    racetrack::safety!(now == x + 1, "funcA's increment of {x} reads back {now}");
}

fn func_b(s: &Shared, variant: Variant) {
    let _held = if variant == Variant::Buggy { s.this_lock.lock() } else { s.data_lock.lock() };
    increment(&s.data_value);
}

fn run(variant: Variant, b_threads: usize) {
    let shared =
        Arc::new(Shared { data_value: AtomicI64::new(0), data_lock: Mutex::new(()), this_lock: Mutex::new(()) });
    let mut threads = vec![spawn_sharing("funcA", &shared, move |shared| func_a(shared))];
    threads.extend(
        (0..b_threads).map(|i| spawn_sharing(&format!("funcB-{i}"), &shared, move |shared| func_b(shared, variant))),
    );
    join_all(threads);
}

/// `wronglock`: 1 + 7 threads (9 with main), depth 1.
pub const PROGRAM: Program = program(
    Scenario::new("wronglock", "counter incremented under the wrong lock")
        .source("mc-imperial/sctbench concurrent-software-benchmarks/wronglock_bad.c")
        .oracles("funcA reads back its own increment", "")
        .threads(&|v| run(v, 7)),
    9,
    1,
);

/// `wronglock-32`: 1 + 31 threads (33 with main), depth 1.
pub const MANY: Program = program(
    Scenario::new("wronglock-32", "counter incremented under the wrong lock, 31 funcBs")
        .source("mc-imperial/sctbench concurrent-software-benchmarks/wronglock_bad.c (iNum2 = 31)")
        .oracles("funcA reads back its own increment", "")
        .threads(&|v| run(v, 31)),
    33,
    1,
);
