//! SCTBench CS `stack_bad.c` (mc-imperial/sctbench): a pusher pushes ten values and sets `flag`;
//! a popper pops ten times whenever `flag` is set, but `flag` stays set once the first push
//! happened, so the popper can pop more than was pushed and underflow. Fixed: pop only what is
//! there (the flag is "the stack is not empty").

use super::{join_all, spawn};
use crate::{program, Program};
use racetrack::sync::{Arc, Mutex};
use racetrack::{Scenario, Variant};

const SIZE: usize = 10;

struct Stack {
    items: Vec<usize>,
    flag: bool,
}

fn run(variant: Variant) {
    let stack = Arc::new(Mutex::new(Stack { items: Vec::with_capacity(SIZE), flag: false }));
    let pusher = {
        let stack = Arc::clone(&stack);
        spawn("pusher", move || {
            for i in 0..SIZE {
                let mut s = stack.lock();
                racetrack::safety!(s.items.len() < SIZE, "stack overflow");
                s.items.push(i);
                s.flag = true;
            }
        })
    };
    let popper = {
        let stack = Arc::clone(&stack);
        spawn("popper", move || {
            for _ in 0..SIZE {
                let mut s = stack.lock();
                let pop = match variant {
                    Variant::Buggy => s.flag,
                    Variant::Fixed => !s.items.is_empty(),
                };
                if pop {
                    tracing::info!(depth = s.items.len(), "pop");
                    racetrack::safety!(s.items.pop().is_some(), "stack underflow: popped an empty stack");
                }
            }
        })
    };
    join_all(vec![pusher, popper]);
}

/// `stack`: 3 threads, depth 2.
pub const PROGRAM: Program = program(
    Scenario::new("stack", "stack: a sticky flag lets pops outrun pushes")
        .source("mc-imperial/sctbench concurrent-software-benchmarks/stack_bad.c")
        .oracles("no pop of an empty stack", "")
        .threads(&run),
    3,
    2,
);
