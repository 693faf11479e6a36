//! Fixture scenarios for the gate tests: each one is broken on purpose, so the gate can prove it
//! notices (a toothless scenario, a cell that aborts its process, a cell that hangs, one that
//! leaves a process behind, one that shows whether it ran at all).
#![deny(missing_docs)]

use racetrack::{Budget, Scenario, SchedulerId::*, Variant};
use std::future::Future;
use std::pin::Pin;
use std::process::{Command, Stdio};

/// The file [`MARKS`] creates when any of its cells runs (if the variable is set).
pub const MARKER_VARIABLE: &str = "RACETRACK_FIXTURE_MARKER";
/// The file [`ORPHANS`] writes the pid of the process it starts to (if the variable is set).
pub const PIDFILE_VARIABLE: &str = "RACETRACK_FIXTURE_PIDFILE";

fn no_bug_at_all(_: Variant) {}

fn aborts(_: Variant) {
    std::process::abort();
}

fn hangs(_: Variant) {
    // Blocks the real OS thread the model checker runs on: only the cell's timeout ends it.
    std::thread::sleep(std::time::Duration::from_secs(3600));
}

fn mark() {
    if let Some(path) = std::env::var_os(MARKER_VARIABLE) {
        std::fs::write(path, "a cell ran").expect("writing the marker file");
    }
}

fn marks(_: Variant) {
    mark();
}

fn marks_async(_: Variant) -> Pin<Box<dyn Future<Output = ()>>> {
    Box::pin(async { mark() })
}

fn starts_a_process_and_hangs(_: Variant) {
    // Its output goes nowhere, so only the process, not a pipe it holds, can outlive the cell.
    let mut sleep = Command::new("sleep");
    sleep.arg("300").stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
    let mut sleeper = sleep.spawn().expect("starting sleep");
    if let Some(path) = std::env::var_os(PIDFILE_VARIABLE) {
        std::fs::write(path, sleeper.id().to_string()).expect("writing the pid file");
    }
    let _ = sleeper.wait(); // five minutes: only the cell's timeout ends it
    hangs(Variant::Fixed);
}

/// A scenario whose buggy variant has no bug: its buggy cell must fail the gate.
pub const TOOTHLESS: Scenario = Scenario::new("fixture-toothless", "fixture: a scenario that lost its teeth")
    .threads(&no_bug_at_all)
    .schedulers(&[(ShuttleRandom, Budget::schedules(10))]);

/// A scenario whose run aborts the process (as a loom deadlock with held guards can).
pub const ABORTS: Scenario = Scenario::new("fixture-aborts", "fixture: a cell that aborts its process")
    .threads(&aborts)
    .schedulers(&[(Loom, Budget::schedules(10))]);

/// A scenario whose run never finishes.
pub const HANGS: Scenario = Scenario::new("fixture-hangs", "fixture: a cell that hangs")
    .threads(&hangs)
    .schedulers(&[(ShuttleRandom, Budget::schedules(10))]);

/// A scenario whose run starts a process and then never finishes: when the cell's timeout ends
/// it, the process must end too.
pub const ORPHANS: Scenario = Scenario::new("fixture-orphans", "fixture: a cell that starts a process and hangs")
    .threads(&starts_a_process_and_hangs)
    .schedulers(&[(ShuttleRandom, Budget::schedules(10))]);

/// A scenario whose every cell leaves a file behind ([`MARKER_VARIABLE`]): a bad input must be
/// refused before any cell runs, which the file's absence shows. One cell per kind of replay
/// token (loom, shuttle, seeded).
pub const MARKS: Scenario =
    Scenario::new("fixture-marks", "fixture: a cell that shows it ran").threads(&marks).tasks(&marks_async).schedulers(
        &[(Loom, Budget::schedules(1)), (ShuttleRandom, Budget::schedules(1)), (TokioPaused, Budget::schedules(1))],
    );

/// The real registry followed by the fixtures.
pub fn registry_with_fixtures() -> Vec<Scenario> {
    racetrack_cli::SCENARIOS.iter().copied().chain([TOOTHLESS, ABORTS, HANGS, ORPHANS, MARKS]).collect()
}
