//! loom's own bug demo (`tests/smoke.rs`, `checks_fail`, tokio-rs/loom): `BuggyInc` increments
//! with a load and then a store, so two threads can both read 0. Fixed: `fetch_add`.

use super::{join_all, spawn_sharing};
use crate::{program, Program};
use racetrack::sync::{Arc, AtomicUsize, Ordering};
use racetrack::{Scenario, Variant};

fn inc(num: &AtomicUsize, variant: Variant) {
    match variant {
        Variant::Buggy => {
            let current = num.load(Ordering::Acquire);
            tracing::info!(current, "read");
            num.store(current + 1, Ordering::Release);
        }
        Variant::Fixed => drop(num.fetch_add(1, Ordering::AcqRel)),
    }
}

fn run(variant: Variant) {
    let num = Arc::new(AtomicUsize::new(0));
    let threads = (0..2).map(|i| spawn_sharing(&format!("inc-{i}"), &num, move |num| inc(num, variant))).collect();
    join_all(threads);
    let total = num.load(Ordering::Relaxed);
    racetrack::safety!(total == 2, "an increment was lost: {total} after two");
}

/// `lost-update`: 3 threads, depth 1.
pub const PROGRAM: Program = program(
    Scenario::new("lost-update", "loom's BuggyInc: load-then-store increment")
        .source("tokio-rs/loom tests/smoke.rs (checks_fail)")
        .oracles("no increment is lost", "")
        .threads(&run),
    3,
    1,
);
