//! Fixture scenarios for the gate tests: each one is broken on purpose, so the gate can prove it
//! notices (a toothless scenario, a cell that aborts its process, a cell that hangs).
#![deny(missing_docs)]

use racetrack::{Budget, Scenario, SchedulerId::*, Variant};

fn no_bug_at_all(_: Variant) {}

fn aborts(_: Variant) {
    std::process::abort();
}

fn hangs(_: Variant) {
    // Blocks the real OS thread the model checker runs on: only the cell's timeout ends it.
    std::thread::sleep(std::time::Duration::from_secs(3600));
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

/// The real registry followed by the fixtures.
pub fn registry_with_fixtures() -> Vec<Scenario> {
    racetrack_cli::SCENARIOS.iter().copied().chain([TOOTHLESS, ABORTS, HANGS]).collect()
}
