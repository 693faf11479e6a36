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
    let fixtures = [TOOTHLESS, ABORTS, HANGS, ORPHANS, MARKS, LOST_UPDATE, LATE_BUG];
    racetrack_cli::SCENARIOS.iter().copied().chain(fixtures).collect()
}

/// Two threads bump a counter; the buggy variant loads then stores, and loses an update. A pair
/// that is cheap under loom and shuttle-pct: the gate's own tests baseline and gate it.
pub const LOST_UPDATE: Scenario = Scenario::new("fixture-lost-update", "fixture: a load-then-store counter")
    .oracles("no update is lost", "both threads ran")
    .threads(&lost_update)
    .traces(&["racetrack_gate"])
    .schedulers(&[(Loom, Budget::schedules(100).preemptions(2)), (ShuttlePct, Budget::schedules(20))]);

fn lost_update(variant: Variant) {
    use racetrack::sync::{thread, Arc, AtomicUsize, Ordering};
    let hits = Arc::new(AtomicUsize::new(0));
    let bump = {
        let hits = Arc::clone(&hits);
        move || match variant {
            Variant::Buggy => {
                let seen = hits.load(Ordering::SeqCst);
                tracing::info!(seen, "read the count");
                hits.store(seen + 1, Ordering::SeqCst);
                tracing::info!(stored = seen + 1, "stored the count");
            }
            Variant::Fixed => drop(hits.fetch_add(1, Ordering::SeqCst)),
        }
    };
    let other = thread::Builder::new().name("other").spawn(bump.clone());
    bump();
    other.join().expect("join");
    let hits = hits.load(Ordering::SeqCst);
    racetrack::safety!(hits == 2, "an update was lost: the count is {hits}, not 2");
}

/// A guard whose code regressed so deep in loom's order that only the 25th schedule shows it (a
/// process-wide count of executions stands in for a deep interleaving): with a budget of 10,
/// only shard 3 of 4 owns it — what the soak job exists to find.
pub const LATE_BUG: Scenario = Scenario::new("fixture-late-bug", "fixture: a regression only schedule 25 shows")
    .oracles("schedule 25 never comes", "")
    .guard()
    .threads(&late_bug)
    .schedulers(&[(Loom, Budget::schedules(10))]);

/// Executions of [`LATE_BUG`] in this process (real, not modelled: it counts loom's executions).
static EXECUTIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn late_bug(_: Variant) {
    use racetrack::sync::{thread, Arc, AtomicUsize, Ordering};
    let n = EXECUTIONS.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
    // Three threads, two dependent steps each: 90 interleavings for loom to walk.
    let shared = Arc::new(AtomicUsize::new(0));
    let step = {
        let shared = Arc::clone(&shared);
        move || {
            shared.fetch_add(1, Ordering::SeqCst);
            shared.fetch_add(1, Ordering::SeqCst);
        }
    };
    let others = [thread::spawn(step.clone()), thread::spawn(step.clone())];
    step();
    for other in others {
        other.join().expect("join");
    }
    racetrack::safety!(n != 25, "schedule {n} is the one that shows the bug");
}
