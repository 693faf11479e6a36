//! shuttle's Coyote demo (awslabs/shuttle `tests/demo/bounded_buffer.rs`; Tom Cargill's
//! BoundedBuffer puzzle): readers and writers share one condition variable and wake one waiter
//! per operation, so a reader can wake the other reader instead of the writer and all three wait
//! forever. The minimal configuration: a one-slot buffer, two readers of five items, one writer
//! of ten. Fixed: wake every waiter (`notify_all`).

use super::{join_all, spawn};
use crate::{program, Program};
use racetrack::sync::{Arc, Condvar, Mutex};
use racetrack::{Scenario, Variant};

struct Buffer {
    slots: Mutex<(Vec<usize>, usize)>,
    changed: Condvar,
    size: usize,
    variant: Variant,
}

impl Buffer {
    fn wake(&self) {
        match self.variant {
            Variant::Buggy => self.changed.notify_one(),
            Variant::Fixed => self.changed.notify_all(),
        }
    }

    fn put(&self, x: usize) {
        let mut s = self.changed.wait_while(self.slots.lock(), |s| s.0.len() == self.size);
        s.0.push(x);
        s.1 += 1;
        self.wake();
    }

    fn take(&self) -> usize {
        let mut s = self.changed.wait_while(self.slots.lock(), |s| s.0.is_empty());
        let x = s.0.remove(0);
        tracing::info!(x, "took");
        self.wake();
        x
    }
}

fn run(variant: Variant) {
    let buffer = Arc::new(Buffer { slots: Mutex::new((Vec::new(), 0)), changed: Condvar::new(), size: 1, variant });
    let mut threads: Vec<_> = (0..2)
        .map(|i| {
            let buffer = Arc::clone(&buffer);
            spawn(format!("reader-{i}"), move || {
                for _ in 0..5 {
                    buffer.take();
                }
            })
        })
        .collect();
    threads.push({
        let buffer = Arc::clone(&buffer);
        spawn("writer", move || (0..10).for_each(|i| buffer.put(i)))
    });
    join_all(threads);
}

/// `bounded-buffer`: 4 threads, depth 3.
pub const PROGRAM: Program = program(
    Scenario::new("bounded-buffer", "Cargill's BoundedBuffer: notify_one wakes the wrong waiter")
        .source("awslabs/shuttle tests/demo/bounded_buffer.rs")
        .oracles("no deadlock", "")
        .threads(&run),
    4,
    3,
);
