//! shuttle's own test of PCT's Fig. 1(b) (awslabs/shuttle `tests/basic/pct.rs`,
//! `figure1b_pct_with_many_tasks`; Burckhardt et al., "A Randomized Scheduler with Probabilistic
//! Guarantees of Finding Bugs", ASPLOS 2010): one thread tests that a shared pointer is set and
//! then, under a second lock acquisition, dereferences it, while another thread clears it between;
//! eighteen more threads add scheduling points. Sleeps (yields under a model checker) pace the
//! threads. Fixed: test and use under one lock acquisition.

use super::{join_all, spawn};
use crate::{program, Program};
use racetrack::sync::{thread, Arc, Mutex};
use racetrack::{Scenario, Variant};
use std::time::Duration;

fn pause(steps: usize) {
    for _ in 0..steps {
        thread::sleep(Duration::from_millis(1));
    }
}

fn run(variant: Variant, threads: usize) {
    let x = Arc::new(Mutex::new(Some(1u32)));
    let mut handles: Vec<_> = (0..threads - 2).map(|i| spawn(format!("busy-{i}"), || pause(5))).collect();
    handles.push({
        let x = Arc::clone(&x);
        spawn("clear", move || {
            pause(5);
            *x.lock() = None;
            tracing::info!("cleared");
            pause(4);
        })
    });
    handles.push({
        let x = Arc::clone(&x);
        spawn("use", move || {
            pause(4);
            match variant {
                Variant::Buggy => {
                    let set = x.lock().is_some();
                    if set {
                        tracing::info!("saw it set");
                        racetrack::safety!(x.lock().is_some(), "null dereference: cleared after the check");
                    }
                }
                Variant::Fixed => {
                    let x = x.lock();
                    if x.is_some() {
                        tracing::info!("saw it set");
                    }
                }
            }
            pause(4);
        })
    });
    join_all(handles);
}

/// `pct-fig1b-20`: 20 threads and main, depth 2.
pub const PROGRAM: Program = program(
    Scenario::new("pct-fig1b-20", "PCT Fig. 1(b): check-then-use among 20 threads")
        .source("awslabs/shuttle tests/basic/pct.rs (figure1b_pct_with_many_tasks)")
        .oracles("no use of a cleared pointer", "")
        .threads(&|v| run(v, 20)),
    21,
    2,
);
