//! SCTBench CS `twostage_bad.c` and `twostage_100_bad.c` (mc-imperial/sctbench): writers set
//! `data1` under one lock and then `data2 = data1 + 1` under another; a reader that sees `data1`
//! set reads `data2` and expects `data1 + 1`, but can read between a writer's two stages. Fixed:
//! both stages under the first lock (taken before the second, by both sides), so a reader sees
//! both or neither.

use super::{join_all, spawn_sharing};
use crate::{program, Program};
use racetrack::sync::{Arc, Mutex};
use racetrack::{Scenario, Variant};

struct Data {
    data1: Mutex<i64>,
    data2: Mutex<i64>,
}

fn writer(d: &Data, variant: Variant) {
    let mut one = d.data1.lock();
    *one = 1;
    let value = *one;
    if variant == Variant::Buggy {
        drop(one);
        tracing::info!("stage one done");
        *d.data2.lock() = value + 1;
    } else {
        *d.data2.lock() = value + 1;
        drop(one);
    }
}

fn reader(d: &Data, variant: Variant) {
    let one = d.data1.lock();
    if *one == 0 {
        return;
    }
    let t1 = *one;
    let one = if variant == Variant::Buggy {
        drop(one);
        None
    } else {
        Some(one)
    };
    let t2 = *d.data2.lock();
    drop(one);
    tracing::info!(t1, t2, "read");
    racetrack::safety!(t2 == t1 + 1, "read data1 = {t1} but data2 = {t2}");
}

fn run(variant: Variant, writers: usize) {
    let data = Arc::new(Data { data1: Mutex::new(0), data2: Mutex::new(0) });
    let mut threads: Vec<_> =
        (0..writers).map(|i| spawn_sharing(&format!("writer-{i}"), &data, move |data| writer(data, variant))).collect();
    threads.push(spawn_sharing("reader", &data, move |data| reader(data, variant)));
    join_all(threads);
}

/// `twostage`: one writer, one reader; 3 threads, depth 2.
pub const PROGRAM: Program = program(
    Scenario::new("twostage", "two-stage update read between its stages")
        .source("mc-imperial/sctbench concurrent-software-benchmarks/twostage_bad.c")
        .oracles("a reader sees both stages or neither", "")
        .threads(&|v| run(v, 1)),
    3,
    2,
);

/// `twostage-100`: 99 writers, one reader; 101 threads, depth 2.
pub const MANY: Program = program(
    Scenario::new("twostage-100", "two-stage update, 99 writers")
        .source("mc-imperial/sctbench concurrent-software-benchmarks/twostage_100_bad.c")
        .oracles("a reader sees both stages or neither", "")
        .threads(&|v| run(v, 99)),
    101,
    2,
);
