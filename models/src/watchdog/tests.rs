//! Single-threaded checks of the watchdog on the simulated table — seed 004 (C3). The races
//! themselves are the `parent-death-watchdog` scenario's.

use super::*;

const CONFIG: Config = Config {
    poll: Duration::from_millis(100),
    grace: Duration::from_millis(200),
    drain_tick: Duration::from_millis(50),
};
const END: Duration = Duration::from_secs(1);

/// init → gateway → worker, with the run ending at `END`.
fn world(reparent: Reparent) -> (SimProcesses, Pid, SimProcess) {
    let kernel = SimProcesses::new("test", reparent);
    kernel.end_run_at(END);
    let gateway = kernel.spawn(INIT, "gateway");
    let worker = kernel.spawn(gateway, "worker");
    (kernel.clone(), gateway, kernel.process(worker))
}

fn arm(variant: Variant, worker: &SimProcess) -> Watchdog<SimProcess> {
    Watchdog::arm(variant, worker.clone(), CONFIG, Arc::new(InFlight::new()))
}

/// The gateway dies and an unrelated process gets its pid before the next poll.
fn kill_and_reuse(kernel: &SimProcesses, gateway: Pid) {
    kernel.kill(gateway);
    assert_eq!(kernel.spawn(INIT, "unrelated"), gateway, "the freed pid is handed out again");
}

#[test]
fn fixed_exits_when_the_parent_pid_is_reused_on_both_platforms() {
    for reparent in [Reparent::ToInit, Reparent::Never] {
        let (kernel, gateway, worker) = world(reparent);
        let watchdog = arm(Variant::Fixed, &worker);
        kill_and_reuse(&kernel, gateway);
        assert_eq!(watchdog.run(), Ok(Exited { drained: Duration::ZERO }), "{reparent:?}");
        assert_eq!(worker.record().end, Some(End::Exited { code: 0, at: Duration::ZERO }));
    }
}

#[test]
fn buggy_lives_on_while_its_parent_pid_belongs_to_another_process() {
    for reparent in [Reparent::ToInit, Reparent::Never] {
        let (kernel, gateway, worker) = world(reparent);
        let watchdog = arm(Variant::Buggy, &worker);
        kill_and_reuse(&kernel, gateway);
        assert_eq!(watchdog.run(), Err(Killed), "{reparent:?}");
        assert_eq!(worker.record().end, Some(End::Killed { at: END }));
    }
}

#[test]
fn buggy_exits_when_the_pid_is_still_free_at_its_poll() {
    let (kernel, gateway, worker) = world(Reparent::ToInit);
    let watchdog = arm(Variant::Buggy, &worker);
    kernel.kill(gateway);
    assert!(watchdog.run().is_ok());
}

#[test]
fn a_worker_whose_parent_lives_never_exits() {
    for variant in Variant::ALL {
        let (_kernel, _gateway, worker) = world(Reparent::ToInit);
        assert_eq!(arm(variant, &worker).run(), Err(Killed), "{variant}");
    }
}

#[test]
fn an_in_flight_command_holds_the_exit_for_at_most_the_grace_window() {
    let (kernel, gateway, worker) = world(Reparent::ToInit);
    let in_flight = Arc::new(InFlight::new());
    let watchdog = Watchdog::arm(Variant::Fixed, worker.clone(), CONFIG, Arc::clone(&in_flight));
    let _busy = in_flight.begin();
    kernel.kill(gateway);
    assert_eq!(watchdog.run(), Ok(Exited { drained: CONFIG.grace }));
    assert!(!worker.write("done"), "a command finishing after exit is cut off");
}

/// The seed's documented residual: the gateway dies before the watchdog arms, `getppid()` is
/// already init, and the worker watches init for ever. Passing the identity at spawn closes it.
#[test]
fn residual_a_parent_dead_before_arming_anchors_the_watchdog_to_init() {
    let (kernel, gateway, worker) = world(Reparent::ToInit);
    kernel.kill(gateway);
    let late = arm(Variant::Fixed, &worker);
    assert_eq!(late.parent().pid, INIT);
    assert_eq!(late.run(), Err(Killed), "armed after the death: never exits");

    let (kernel, gateway, worker) = world(Reparent::ToInit);
    // What the gateway would pass on the worker's command line: its own pid and creation time.
    let at_spawn = ParentIdentity { pid: gateway, start_time: worker.start_time(gateway) };
    kernel.kill(gateway);
    let passed = Watchdog::arm_for(Variant::Fixed, worker, CONFIG, Arc::new(InFlight::new()), at_spawn);
    assert!(passed.run().is_ok(), "armed with the identity passed at spawn: exits");
}

/// A command that has finished no longer holds an orphan's exit: it exits at its first orphaned
/// poll, without draining (the seed's `_in_flight.clear()` in the command's `finally`).
#[test]
fn a_finished_command_does_not_hold_the_exit() {
    let (kernel, gateway, worker) = world(Reparent::ToInit);
    let in_flight = Arc::new(InFlight::new());
    let watchdog = Watchdog::arm(Variant::Fixed, worker.clone(), CONFIG, Arc::clone(&in_flight));
    drop(in_flight.begin());
    assert!(!in_flight.is_set(), "the command's end clears the flag");
    kernel.kill(gateway);
    assert_eq!(watchdog.run(), Ok(Exited { drained: Duration::ZERO }));
}
