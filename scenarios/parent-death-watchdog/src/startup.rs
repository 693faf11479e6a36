//! The startup window: the watchdog arms while the gateway dies.
//!
//! One POSIX gateway has spawned two workers, and each arms its watchdog on its own thread while
//! the gateway is SIGKILLed, reaped, and its pid handed to an unrelated process:
//!
//! - `worker` arms as the seed's does, from `getppid()` and then that pid's creation time. The
//!   kill can land between the two reads, and the creation time it records is then the
//!   unrelated process's: only the `getppid()` check still sees the orphaning. If the kill lands
//!   before `getppid()`, the watchdog watches init (the seed's documented residual) and is
//!   exempt from the exit oracle.
//! - `worker-2` is armed with the identity the gateway passed at spawn (its pid and creation
//!   time), which closes that residual: it must exit whenever the kill lands.

use crate::workload::{check_orphan, CONFIG, END, KILL_DUE};
use models::watchdog::{Exited, InFlight, Killed, ParentIdentity, Reparent, SimProcess, SimProcesses, Watchdog, INIT};
use racetrack::sync::thread;
use racetrack::sync::Arc;
use racetrack::Variant;
use tracing::info;

/// What a watchdog thread hands back: the parent it armed for, and how its run ended.
type Armed = (ParentIdentity, Result<Exited, Killed>);

/// Both workers arm on their own threads as the gateway dies and its pid is reused.
pub fn run(variant: Variant) {
    let kernel = SimProcesses::new("posix", Reparent::ToInit);
    kernel.kill_due_by(KILL_DUE);
    kernel.end_run_at(END);
    let gateway = kernel.spawn(INIT, "gateway");
    let from_getppid = kernel.process(kernel.spawn(gateway, "worker"));
    let passed = kernel.process(kernel.spawn(gateway, "worker-2"));
    // What the gateway puts on worker-2's command line: its own pid and creation time.
    let at_spawn = ParentIdentity { pid: gateway, start_time: kernel.holder(gateway).map(|p| p.start_time) };

    let arm_and_run = |name: &str, worker: &SimProcess, identity: Option<ParentIdentity>| {
        let worker = worker.clone();
        thread::Builder::new().name(name).spawn(move || -> Armed {
            let in_flight = Arc::new(InFlight::new());
            let watchdog = match identity {
                None => Watchdog::arm(variant, worker, CONFIG, in_flight),
                Some(parent) => Watchdog::arm_for(variant, worker, CONFIG, in_flight, parent),
            };
            (watchdog.parent(), watchdog.run())
        })
    };
    let first = arm_and_run("watchdog-getppid", &from_getppid, None);
    let second = arm_and_run("watchdog-passed", &passed, Some(at_spawn));

    kernel.kill(gateway);
    kernel.spawn(INIT, "unrelated");

    let (armed_for, _) = first.join().expect("the first watchdog thread panicked");
    let _ = second.join().expect("the second watchdog thread panicked");
    if armed_for.pid == INIT {
        info!("worker armed after its parent died: it watches init (the documented residual)");
    } else {
        check_orphan("POSIX, armed from getppid()", &kernel, gateway, &from_getppid.record(), false);
    }
    check_orphan("POSIX, armed with the identity passed at spawn", &kernel, gateway, &passed.record(), false);
}
