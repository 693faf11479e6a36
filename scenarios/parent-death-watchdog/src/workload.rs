//! One execution of the race on simulated process tables, one per platform.
//!
//! init → gateway → worker (with a command in flight), and a second gateway → sibling worker
//! whose parent lives. The gateway is SIGKILLed while the worker's command runs and is reaped;
//! an unrelated process is spawned next and gets the gateway's pid. Time is virtual: each
//! worker's clock is the sum of its watchdog's sleeps, so "within poll + grace" is counted in
//! polls and drain ticks.

use models::watchdog::{
    Config, End, Exited, InFlight, Killed, Pid, Record, Reparent, SimProcess, SimProcesses, Watchdog, INIT,
};
use racetrack::sync::thread::{self, JoinHandle};
use racetrack::sync::Arc;
use racetrack::Variant;
use racetrack::{liveness, safety};
use std::time::Duration;
use tracing::info;

/// The watchdog's timing in the model: grace longer than a poll, so that a watchdog that skips
/// the drain exits measurably early.
pub const CONFIG: Config = Config {
    poll: Duration::from_millis(100),
    grace: Duration::from_millis(200),
    drain_tick: Duration::from_millis(100),
};
/// The gateway is killed no later than one poll after the workers armed.
pub const KILL_DUE: Duration = CONFIG.poll;
/// The run ends (whatever still runs is killed) one poll after the latest moment an orphan may exit.
pub const END: Duration = Duration::from_millis(
    (KILL_DUE.as_millis() + CONFIG.poll.as_millis() + CONFIG.grace.as_millis() + CONFIG.poll.as_millis()) as u64,
);
/// The command the gateway sent before it died.
pub const COMMAND: &str = "/status";

/// One world per platform, raced at once: the POSIX gateway dies mid-command, the Windows one
/// too, and each pid is handed to an unrelated process.
pub fn run(variant: Variant) {
    let posix = World::new(variant, Reparent::ToInit);
    let windows = World::new(variant, Reparent::Never);
    // A worker whose parent lives, next to the orphan-to-be (the anti-cheat half).
    let sibling = posix.kernel.process(posix.kernel.spawn(posix.kernel.spawn(INIT, "gateway-2"), "sibling"));
    let sibling_watchdog = Watchdog::arm(variant, sibling.clone(), CONFIG, Arc::new(InFlight::new())).start("sibling");
    let command = {
        let (worker, in_flight) = (posix.worker.clone(), Arc::clone(&posix.in_flight));
        thread::Builder::new().name("command").spawn(move || {
            let _busy = in_flight.begin();
            info!("running {COMMAND}");
            worker.write(&format!("done {COMMAND}"));
        })
    };

    // The gateway dies while its command runs, is reaped, and its pid goes to a new process.
    posix.in_flight.wait_begun();
    posix.kill_gateway_and_reuse_its_pid();
    windows.kill_gateway_and_reuse_its_pid();

    command.join().expect("the command thread panicked");
    let _ = sibling_watchdog.join().expect("the sibling's watchdog thread panicked");
    posix.check(true);
    windows.check(false);
    let sibling = sibling.record();
    liveness!(
        sibling.end == Some(End::Killed { at: END }),
        "worker {} exited although its parent lives: {:?}",
        sibling.pid,
        sibling.end
    );
}

/// One platform's process table: init → gateway → worker, its watchdog running.
struct World {
    os: &'static str,
    kernel: SimProcesses,
    gateway: Pid,
    worker: SimProcess,
    in_flight: Arc<InFlight>,
    watchdog: Option<JoinHandle<Result<Exited, Killed>>>,
}

impl World {
    fn new(variant: Variant, reparent: Reparent) -> Self {
        let os = match reparent {
            Reparent::ToInit => "POSIX",
            Reparent::Never => "Windows",
        };
        let kernel = SimProcesses::new(&os.to_lowercase(), reparent);
        kernel.kill_due_by(KILL_DUE);
        kernel.end_run_at(END);
        let gateway = kernel.spawn(INIT, "gateway");
        let worker = kernel.process(kernel.spawn(gateway, "worker"));
        // The worker arms before it announces itself (as in the seed's integration test), so no
        // kill precedes arming: that window is the documented residual, not this race.
        let in_flight = Arc::new(InFlight::new());
        let watchdog = Watchdog::arm(variant, worker.clone(), CONFIG, Arc::clone(&in_flight));
        let watchdog = Some(watchdog.start(&format!("watchdog-{}", os.to_lowercase())));
        World { os, kernel, gateway, worker, in_flight, watchdog }
    }

    fn kill_gateway_and_reuse_its_pid(&self) {
        self.kernel.kill(self.gateway);
        self.kernel.spawn(INIT, "unrelated");
    }

    /// Joins the watchdog and checks the orphan's oracles (the drain only where a command ran).
    fn check(mut self, command_sent: bool) {
        if let Some(watchdog) = self.watchdog.take() {
            let _ = watchdog.join().expect("the watchdog thread panicked");
        }
        check_orphan(self.os, &self.kernel, self.gateway, &self.worker.record(), command_sent);
    }
}

/// The orphan exits by itself within poll + grace, after draining its command (`command_sent`:
/// a command was in flight when its parent died).
pub(crate) fn check_orphan(os: &str, kernel: &SimProcesses, gateway: Pid, worker: &Record, command_sent: bool) {
    let Some(died) = worker.parent_died_at else {
        liveness!(false, "{os}: worker {} exited while its parent {gateway} was alive: {:?}", worker.pid, worker.end);
        return;
    };
    let limit = CONFIG.poll + CONFIG.grace;
    let at = match worker.end {
        Some(End::Exited { at, .. }) => at,
        _ => {
            let now = kernel.holder(gateway).map(|p| format!("{} (start {})", p.name, p.start_time));
            safety!(
                false,
                "{os}: orphaned worker {} still running {}ms after its parent {gateway} died (pid {gateway} is now {}); \
                 it must exit within poll + grace = {}ms",
                worker.pid,
                (worker.clock - died).as_millis(),
                now.unwrap_or_else(|| "free".into()),
                limit.as_millis()
            );
            return;
        }
    };
    safety!(
        at - died <= limit,
        "{os}: orphaned worker {} exited {}ms after its parent died, later than poll + grace = {}ms",
        worker.pid,
        (at - died).as_millis(),
        limit.as_millis()
    );
    let drained = !command_sent || worker.output.iter().any(|line| line == &format!("done {COMMAND}"));
    liveness!(
        drained || at - died >= CONFIG.grace,
        "{os}: worker {} cut off its in-flight command {}ms after its parent died, before the {}ms grace window",
        worker.pid,
        (at - died).as_millis(),
        CONFIG.grace.as_millis()
    );
}
