//! shuttle's uniform-random-walk demo (awslabs/shuttle `tests/demo/surw.rs`,
//! `uneven_task_lengths_sync`; Zhao et al., "Selectively Uniform Concurrency Testing", ASPLOS
//! 2025): a one-step task resets a value that a 25-step task keeps writing; the bug is the reset
//! landing after every write (the writer's work is lost), which a random walk almost never
//! schedules (it must pick the long task 25 times in a row) and a uniform walk does. Fixed: the
//! writer starts only after the reset.

use super::{join_all, spawn};
use crate::{program, Program};
use racetrack::sync::{thread, Arc, AtomicBool, AtomicUsize, Ordering::SeqCst};
use racetrack::{Scenario, Variant};

const EVENTS: usize = 25;

fn run(variant: Variant) {
    let value = Arc::new(AtomicUsize::new(1));
    let reset_done = Arc::new(AtomicBool::new(false));
    let reset = {
        let (value, reset_done) = (Arc::clone(&value), Arc::clone(&reset_done));
        spawn("reset", move || {
            value.store(0, SeqCst);
            reset_done.store(true, SeqCst);
            tracing::info!("reset");
        })
    };
    let writer = {
        let (value, reset_done) = (Arc::clone(&value), Arc::clone(&reset_done));
        spawn("writer", move || {
            while variant == Variant::Fixed && !reset_done.load(SeqCst) {
                thread::yield_now();
            }
            for _ in 0..EVENTS {
                value.store(1, SeqCst);
            }
        })
    };
    join_all(vec![reset, writer]);
    racetrack::safety!(value.load(SeqCst) == 1, "the reset landed after all {EVENTS} writes: they are lost");
}

/// `uneven`: 3 threads, depth 1 (the reset after the writer's last write).
pub const PROGRAM: Program = program(
    Scenario::new("uneven", "SURW: a one-step reset after a 25-step writer")
        .source("awslabs/shuttle tests/demo/surw.rs (uneven_task_lengths_sync)")
        .oracles("the writer's work survives the reset", "")
        .threads(&run),
    3,
    1,
);
