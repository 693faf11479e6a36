//! parent-death-watchdog under every scheduler it supports — seed 004 (hermes-agent#35626, C3:
//! the slash worker's parent-death watchdog with the create_time PID-reuse guard).

use parent_death_watchdog::{workload, SCENARIO};
use racetrack::Variant;

// The pinned failing traces (`snapshots::<scheduler>`, at the default seed):
// - shuttle_pct:
//   The documented failing interleaving, pinned: shuttle-pct's first detection at the default
//   seed. The gateway is SIGKILLed mid-command, pid 100 goes to an unrelated process, and the
//   pid-only watchdog keeps finding "its parent".
racetrack::scheduler_tests!(SCENARIO, loom, shuttle_pct; snapshots: shuttle_pct);

/// The startup window: the gateway dies while the watchdog arms (`getppid()` and the creation
/// time read apart; the identity passed at spawn).
mod startup_window {
    use parent_death_watchdog::STARTUP;
    racetrack::scheduler_tests!(STARTUP, loom, shuttle_pct);
}

/// A command that never finishes (the grace bound) and a parent pid left free (Windows).
mod hung_command_and_free_pid {
    use parent_death_watchdog::HUNG_COMMAND;
    racetrack::scheduler_tests!(HUNG_COMMAND, loom, shuttle_pct);
}

// Replay round-trips and run-to-run determinism are checked for every cell by the workspace
// gate (tests/gate), not repeated per scenario.

/// The workload on real threads (the simulated table's virtual time, std primitives): the
/// fixed watchdog holds whatever the OS scheduler does.
#[test]
fn fixed_workload_holds_on_real_threads() {
    for _ in 0..50 {
        workload::run(Variant::Fixed);
        parent_death_watchdog::startup::run(Variant::Fixed);
        parent_death_watchdog::hung_command::run(Variant::Fixed);
    }
}
