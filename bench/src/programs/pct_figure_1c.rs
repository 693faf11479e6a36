//! shuttle's own test of PCT's Fig. 1(c) (awslabs/shuttle `tests/basic/pct.rs`, `figure_1c`;
//! Burckhardt et al., ASPLOS 2010): two threads take two locks in opposite orders, paced by
//! sleeps; if each takes its first lock before the other takes its second, both wait forever.
//! Fixed: both take the locks in the same order.

use super::{join_all, spawn};
use crate::{program, Program};
use racetrack::sync::{thread, Arc, Mutex};
use racetrack::{Scenario, Variant};
use std::time::Duration;

const COUNT: usize = 4;

fn pause() {
    for _ in 0..COUNT {
        thread::sleep(Duration::from_millis(1));
    }
}

fn both(first: &Mutex<u32>, second: &Mutex<u32>) {
    pause();
    let a = first.lock();
    tracing::info!("took its first lock");
    pause();
    let b = second.lock();
    pause();
    racetrack::safety!(*a + *b == 0, "the locks hold {} and {}", *a, *b);
}

fn run(variant: Variant) {
    let (a, b) = (Arc::new(Mutex::new(0)), Arc::new(Mutex::new(0)));
    let one = {
        let (a, b) = (Arc::clone(&a), Arc::clone(&b));
        spawn("a-then-b", move || both(&a, &b))
    };
    let two = spawn("b-then-a", move || match variant {
        Variant::Buggy => both(&b, &a),
        Variant::Fixed => both(&a, &b),
    });
    join_all(vec![one, two]);
}

/// `pct-fig1c`: 3 threads, depth 2.
pub const PROGRAM: Program = program(
    Scenario::new("pct-fig1c", "PCT Fig. 1(c): two locks in opposite orders")
        .source("awslabs/shuttle tests/basic/pct.rs (figure_1c)")
        .oracles("no deadlock", "")
        .threads(&run),
    3,
    2,
);
