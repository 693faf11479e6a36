//! SCTBench CS `bluetooth_driver_bad.c` (mc-imperial/sctbench; the Windows Bluetooth driver of
//! Qadeer and Wu's KISS): `PnpAdd` checks the stopping flag *then* counts itself in, so `PnpStop`
//! can set the flag, see the count drop to zero and mark the device stopped in between, and the
//! add goes on working on a stopped device. Fixed: count in first, then check the flag (and back
//! out if stopping), so a stop cannot see zero while an add is past its check.

use super::{join_all, spawn};
use crate::{program, Program};
use racetrack::sync::{Arc, AtomicBool, AtomicI64, Ordering::SeqCst};
use racetrack::{Scenario, Variant};

struct Device {
    pending_io: AtomicI64,
    stopping_flag: AtomicBool,
    stopping_event: AtomicBool,
    stopped: AtomicBool,
}

impl Device {
    fn io_increment(&self, variant: Variant) -> bool {
        match variant {
            Variant::Buggy => {
                if self.stopping_flag.load(SeqCst) {
                    return false;
                }
                self.pending_io.fetch_add(1, SeqCst);
                true
            }
            Variant::Fixed => {
                self.pending_io.fetch_add(1, SeqCst);
                if self.stopping_flag.load(SeqCst) {
                    self.io_decrement();
                    return false;
                }
                true
            }
        }
    }

    fn io_decrement(&self) {
        if self.pending_io.fetch_sub(1, SeqCst) == 1 {
            self.stopping_event.store(true, SeqCst);
        }
    }

    fn pnp_add(&self, variant: Variant) {
        let counted = self.io_increment(variant);
        if counted {
            tracing::info!("add: working");
            racetrack::safety!(!self.stopped.load(SeqCst), "PnpAdd worked on a stopped device");
        }
        // The original decrements whether or not it counted itself in.
        if counted || variant == Variant::Buggy {
            self.io_decrement();
        }
    }

    fn pnp_stop(&self) {
        self.stopping_flag.store(true, SeqCst);
        self.io_decrement();
        if self.stopping_event.load(SeqCst) {
            tracing::info!("stop: released the device");
            self.stopped.store(true, SeqCst);
        }
    }
}

fn run(variant: Variant) {
    let device = Arc::new(Device {
        pending_io: AtomicI64::new(1),
        stopping_flag: AtomicBool::new(false),
        stopping_event: AtomicBool::new(false),
        stopped: AtomicBool::new(false),
    });
    let stop = {
        let device = Arc::clone(&device);
        spawn("stop", move || device.pnp_stop())
    };
    device.pnp_add(variant);
    join_all(vec![stop]);
}

/// `bluetooth-driver`: 2 threads, depth 2.
pub const PROGRAM: Program = program(
    Scenario::new("bluetooth-driver", "Bluetooth driver: add works on a device being stopped")
        .source("mc-imperial/sctbench concurrent-software-benchmarks/bluetooth_driver_bad.c")
        .oracles("no work on a stopped device", "")
        .threads(&run),
    2,
    2,
);
