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
    racetrack_cli::SCENARIOS.iter().copied().chain([TOOTHLESS, ABORTS, HANGS, LOST_UPDATE, LATE_BUG]).collect()
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
