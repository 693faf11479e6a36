//! SCTBench CS `circular_buffer_bad.c` (mc-imperial/sctbench): a producer and a consumer take
//! turns through `send`/`receive` flags, seven loop iterations each, and the consumer checks that
//! its i-th iteration removes the value the producer inserted in *its* i-th iteration. An
//! iteration that finds it is not its turn does nothing, so iterations and items drift apart.
//! Fixed: each side numbers the items it actually moves, so the consumer's k-th item is the
//! producer's k-th.

use super::{join_all, spawn};
use crate::{program, Program};
use racetrack::sync::{Arc, Mutex};
use racetrack::{Scenario, Variant};

const BUFFER_MAX: usize = 10;
const N: usize = 7;

struct Log {
    buffer: [usize; BUFFER_MAX],
    first: usize,
    next: usize,
    send: bool,
    receive: bool,
}

impl Log {
    fn remove(&mut self) -> Option<usize> {
        (self.next > 0 && self.first < BUFFER_MAX).then(|| {
            self.first += 1;
            self.buffer[self.first - 1]
        })
    }

    fn insert(&mut self, value: usize) {
        if self.next < BUFFER_MAX {
            self.buffer[self.next] = value;
            self.next = (self.next + 1) % BUFFER_MAX;
        }
    }
}

fn run(variant: Variant) {
    let log = Arc::new(Mutex::new(Log { buffer: [0; BUFFER_MAX], first: 0, next: 0, send: true, receive: false }));
    let producer = {
        let log = Arc::clone(&log);
        spawn("producer", move || {
            let mut sent = 0;
            for i in 0..N {
                let mut log = log.lock();
                if log.send {
                    let value = if variant == Variant::Buggy { i } else { sent };
                    tracing::info!(value, "insert");
                    log.insert(value);
                    sent += 1;
                    log.send = false;
                    log.receive = true;
                }
            }
        })
    };
    let consumer = {
        let log = Arc::clone(&log);
        spawn("consumer", move || {
            let mut received = 0;
            for i in 0..N {
                let mut log = log.lock();
                if log.receive {
                    let expected = if variant == Variant::Buggy { i } else { received };
                    let got = log.remove();
                    tracing::info!(?got, expected, "remove");
                    racetrack::safety!(got == Some(expected), "removed {got:?}, expected {expected}");
                    received += 1;
                    log.receive = false;
                    log.send = true;
                }
            }
        })
    };
    join_all(vec![producer, consumer]);
}

/// `circular-buffer`: 3 threads, depth 2.
pub const PROGRAM: Program = program(
    Scenario::new("circular-buffer", "circular buffer: the consumer's iteration is not the producer's")
        .source("mc-imperial/sctbench concurrent-software-benchmarks/circular_buffer_bad.c")
        .oracles("the consumer removes what it expects", "")
        .threads(&run),
    3,
    2,
);
