//! SCTBench CS `token_ring_bad.c` (mc-imperial/sctbench): three stages each copy their
//! predecessor's value in one atomic step (`x1 = (x3+1)%4`, `x2 = x1`, `x3 = x2`) and a checker
//! asserts, once all three ran, that the ring agrees; it only does if the stages ran in ring order.
//! Fixed: the token is passed: a stage runs only after its predecessor's flag is set.

use super::{join_all, spawn};
use crate::{program, Program};
use racetrack::sync::{thread, Arc, Mutex};
use racetrack::{Scenario, Variant};

#[derive(Default)]
struct Ring {
    x: [u32; 3],
    flag: [bool; 3],
}

/// Stage `i` in one atomic section; in the fixed variant it first waits for stage `i - 1`.
fn stage(ring: &Mutex<Ring>, i: usize, variant: Variant) {
    loop {
        let mut r = ring.lock();
        if variant == Variant::Buggy || i == 0 || r.flag[i - 1] {
            r.x[i] = if i == 0 { (r.x[2] + 1) % 4 } else { r.x[i - 1] };
            r.flag[i] = true;
            tracing::info!(stage = i + 1, value = r.x[i], "stage");
            return;
        }
        drop(r);
        thread::yield_now();
    }
}

fn run(variant: Variant) {
    let ring = Arc::new(Mutex::new(Ring { x: [1, 2, 1], flag: [false; 3] }));
    let mut threads: Vec<_> = (0..3)
        .map(|i| {
            let ring = Arc::clone(&ring);
            spawn(format!("t{}", i + 1), move || stage(&ring, i, variant))
        })
        .collect();
    threads.push({
        let ring = Arc::clone(&ring);
        spawn("checker", move || {
            let r = ring.lock();
            if r.flag.iter().all(|&f| f) {
                racetrack::safety!(r.x[0] == r.x[1] && r.x[1] == r.x[2], "the ring disagrees: {:?}", r.x);
            }
        })
    });
    join_all(threads);
}

/// `token-ring`: 5 threads, depth 3 (the checker after all three stages, and the stages out of
/// ring order).
pub const PROGRAM: Program = program(
    Scenario::new("token-ring", "token ring: stages run out of ring order")
        .source("mc-imperial/sctbench concurrent-software-benchmarks/token_ring_bad.c")
        .oracles("the ring agrees once every stage ran", "")
        .threads(&run),
    5,
    3,
);
