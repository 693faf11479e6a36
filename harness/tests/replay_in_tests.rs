//! Replay inside the test runner: a failing generated test prints the one command that reruns its
//! schedule in that test, and `scheduler_tests!` honours `RACETRACK_REPLAY`.

use racetrack::sync::{thread, Arc, AtomicUsize, Ordering};
use racetrack::testing::{expect, TestName, REPLAY_VAR};
use racetrack::{Budget, Scenario, SchedulerId::*, Variant};
use std::process::Command;

fn lost_update(variant: Variant) {
    let hits = Arc::new(AtomicUsize::new(0));
    let bump = {
        let hits = Arc::clone(&hits);
        move || match variant {
            Variant::Buggy => hits.store(hits.load(Ordering::SeqCst) + 1, Ordering::SeqCst),
            Variant::Fixed => drop(hits.fetch_add(1, Ordering::SeqCst)),
        }
    };
    let other = thread::spawn(bump.clone());
    bump();
    other.join().unwrap();
    racetrack::safety!(hits.load(Ordering::SeqCst) == 2, "an update was lost");
}

const LOST_UPDATE: Scenario = Scenario::new("lost-update", "load-then-store counter")
    .threads(&lost_update)
    .schedulers(&[(ShuttlePct, Budget::schedules(200))]);

racetrack::scheduler_tests!(LOST_UPDATE, shuttle_pct);

/// The fixed variant of a broken "fix": the failing test's message carries the rerun command.
const BROKEN_FIX: Scenario = Scenario::new("broken-fix", "a fix that is the bug again")
    .threads(&|_| lost_update(Variant::Buggy))
    .schedulers(&[(ShuttlePct, Budget::schedules(200))]);

#[test]
fn a_failing_test_prints_the_command_that_reruns_its_schedule() {
    let test = TestName { package: "racetrack", module: "replay_in_tests::shuttle_pct", function: "fixed_holds" };
    let failed = std::panic::catch_unwind(|| expect(&BROKEN_FIX, "shuttle_pct", Variant::Fixed, test));
    let message = *failed.expect_err("a broken fix must fail its test").downcast::<String>().unwrap();
    let line = message.lines().find(|l| l.starts_with("rerun this schedule here: ")).expect(&message);
    assert!(
        line.starts_with("rerun this schedule here: RACETRACK_REPLAY=rt1:broken-fix:shuttle-pct:fixed:1:")
            && line.ends_with(" cargo nextest run -p racetrack shuttle_pct::fixed_holds --no-capture"),
        "{line}"
    );
}

#[test]
fn racetrack_replay_reruns_exactly_that_schedule_in_the_generated_test() {
    let found = racetrack::testing::detected(&LOST_UPDATE, ShuttlePct, None);
    let token = found.replay.unwrap();
    // This test binary, filtered to the generated test, as the printed command would run it.
    let run = |token: &str| {
        Command::new(std::env::current_exe().unwrap())
            .args(["shuttle_pct::buggy_is_detected", "--exact", "--nocapture"])
            .env(REPLAY_VAR, token)
            .output()
            .unwrap()
    };
    let out = run(&token);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains(&format!("{REPLAY_VAR}: replayed {token}")), "{stdout}");
    assert!(stdout.contains(found.trace.as_deref().unwrap()), "the replay prints the same trace:\n{stdout}");
    // A token of another cell leaves the test exploring as usual.
    let other = run("rt1:another-scenario:loom:buggy:1:pbx-i1");
    assert!(other.status.success() && !String::from_utf8_lossy(&other.stdout).contains("replayed"));
}
