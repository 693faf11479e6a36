//! A command that outlasts the grace window, and a parent pid that nobody reuses.
//!
//! - POSIX: the gateway is SIGKILLed while the worker runs a command that never finishes by
//!   itself, and its pid goes to an unrelated process. The drain may hold the exit for the grace
//!   window and no longer: the orphan must exit within poll + grace, cutting the command off.
//! - Windows: the gateway is SIGKILLed and its pid stays free. The recorded parent pid never
//!   changes there, so the only sign is that no process holds that pid any more (psutil's
//!   `NoSuchProcess`), which must count as orphaned.

use crate::workload::{check_orphan, CONFIG, END, KILL_DUE};
use models::watchdog::{InFlight, Reparent, SimProcesses, Watchdog, INIT};
use racetrack::sync::thread;
use racetrack::sync::Arc;
use racetrack::Variant;
use tracing::info;

/// The command that hangs.
pub const HUNG: &str = "/compress";

/// Both gateways die; the POSIX worker's command never finishes, the Windows gateway's pid stays
/// free.
pub fn run(variant: Variant) {
    let world = |label: &str, reparent| {
        let kernel = SimProcesses::new(label, reparent);
        kernel.kill_due_by(KILL_DUE);
        kernel.end_run_at(END);
        let gateway = kernel.spawn(INIT, "gateway");
        let worker = kernel.process(kernel.spawn(gateway, "worker"));
        (kernel, gateway, worker)
    };
    let (posix, posix_gateway, posix_worker) = world("posix", Reparent::ToInit);
    let (windows, windows_gateway, windows_worker) = world("windows", Reparent::Never);

    let in_flight = Arc::new(InFlight::new());
    let posix_watchdog =
        Watchdog::arm(variant, posix_worker.clone(), CONFIG, Arc::clone(&in_flight)).start("watchdog-posix");
    let windows_watchdog =
        Watchdog::arm(variant, windows_worker.clone(), CONFIG, Arc::new(InFlight::new())).start("watchdog-windows");
    let command = {
        let (worker, in_flight) = (posix_worker.clone(), Arc::clone(&in_flight));
        thread::Builder::new().name("command").spawn(move || {
            let _busy = in_flight.begin();
            info!("running {HUNG}, which never finishes by itself");
            worker.hang();
        })
    };

    in_flight.wait_begun();
    posix.kill(posix_gateway);
    posix.spawn(INIT, "unrelated");
    windows.kill(windows_gateway);

    command.join().expect("the command thread panicked");
    let _ = posix_watchdog.join().expect("the POSIX watchdog thread panicked");
    let _ = windows_watchdog.join().expect("the Windows watchdog thread panicked");
    check_orphan("POSIX", &posix, posix_gateway, &posix_worker.record(), true);
    check_orphan("Windows, parent pid left free", &windows, windows_gateway, &windows_worker.record(), false);
}
