//! Inspect's `Dining3.c` / `Dining5.c` (mc-imperial/sctbench inspect_examples; dining
//! philosophers, forks as permits under a mutex and condition variable). The buggy table has
//! every philosopher take the left fork first: if each takes its left fork before any takes its
//! right one, all wait forever (shuttle and loom report the deadlock). The bug needs one ordering
//! per philosopher: depth n. Fixed: the last philosopher takes its right fork first (Inspect's
//! `OddPhilosopher`), which breaks the cycle.

use super::{join_all, spawn_sharing};
use crate::{program, Program};
use racetrack::sync::{Arc, Condvar, Mutex};
use racetrack::{Scenario, Variant};

struct Fork {
    free: Mutex<bool>,
    freed: Condvar,
}

impl Fork {
    fn take(&self) {
        let mut free = self.free.lock();
        while !*free {
            free = self.freed.wait(free);
        }
        *free = false;
    }

    fn put(&self) {
        *self.free.lock() = true;
        self.freed.notify_one();
    }
}

fn philosopher(forks: &[Fork], i: usize, variant: Variant) {
    let n = forks.len();
    let (left, right) = (i, (i + 1) % n);
    let (first, second) = if variant == Variant::Fixed && i == n - 1 { (right, left) } else { (left, right) };
    forks[first].take();
    tracing::info!(fork = first, "took first fork");
    forks[second].take();
    tracing::info!("eats");
    forks[second].put();
    forks[first].put();
}

fn run(variant: Variant, n: usize) {
    let forks: Arc<Vec<Fork>> =
        Arc::new((0..n).map(|_| Fork { free: Mutex::new(true), freed: Condvar::new() }).collect());
    let threads = (0..n)
        .map(|i| spawn_sharing(&format!("phil-{i}"), &forks, move |forks| philosopher(forks, i, variant)))
        .collect();
    join_all(threads);
}

/// `dining-3`: 3 philosophers (4 threads with main), depth 3.
pub const THREE: Program = program(
    Scenario::new("dining-3", "three philosophers all take their left fork first")
        .source("mc-imperial/sctbench inspect_examples/Dining3.c")
        .oracles("no deadlock", "")
        .threads(&|v| run(v, 3)),
    4,
    3,
);

/// `dining-5`: 5 philosophers (6 threads with main), depth 5.
pub const FIVE: Program = program(
    Scenario::new("dining-5", "five philosophers all take their left fork first")
        .source("mc-imperial/sctbench inspect_examples/Dining5.c")
        .oracles("no deadlock", "")
        .threads(&|v| run(v, 5)),
    6,
    5,
);
