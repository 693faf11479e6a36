//! blocking-event-loop under every scheduler it supports — seed 000 (dcellison/kai#127, #123).

use blocking_event_loop::{stress, SCENARIO};
use racetrack::stress::StressConfig;
use racetrack::testing::detected;
use racetrack::Variant;
use racetrack::{run_cell, RunOptions};

// The pinned failing traces (`snapshots::<scheduler>`, at the default seed):
//   The documented failing interleavings, pinned at the default seed: alice's verify_code runs on
//   the event loop and waits for bob, who cannot be served.
racetrack::scheduler_tests!(SCENARIO, tokio_paused, shuttle_pct, shuttle_random; snapshots: tokio_paused, shuttle_pct);

/// Figures, printed not asserted (speed is measured, never a test's verdict): the buggy cell costs
/// the one real-time stall limit (500 ms under tokio; shuttle reports the deadlock at once).
#[test]
fn cell_figures() {
    for scheduler in SCENARIO.gate_schedulers() {
        let found = detected(&SCENARIO, scheduler, None);
        let fixed = run_cell(&SCENARIO, scheduler, Variant::Fixed, &RunOptions::default());
        assert!(fixed.ok, "{}", racetrack::testing::describe(&fixed));
        println!(
            "{scheduler}: buggy detected at schedule {} in {} ms wall ({:?} ms virtual); fixed held over {} in {} ms wall",
            found.schedules, found.elapsed_ms, found.virtual_ms, fixed.schedules, fixed.elapsed_ms
        );
    }
}

/// Stress with real subprocesses: the fixed bot serves bob while alice verifies, and fails
/// closed when the helper is missing.
#[test]
fn stress_with_real_subprocesses() {
    let fixed = stress::run(&StressConfig::new(Variant::Fixed, 3, 2), &|_| {});
    println!("stress fixed: {fixed}");
    assert_eq!(fixed.failures, 0, "{fixed}");
    assert!(fixed.liveness_problems.is_empty(), "{fixed}");
    let buggy = stress::run(&StressConfig::new(Variant::Buggy, 3, 2), &|_| {});
    println!("stress buggy: {buggy}");
    assert_eq!(buggy.failures, buggy.trials, "{buggy}");
}
