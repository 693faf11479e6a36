//! parent-death-watchdog under every scheduler it supports — seed 004 (hermes-agent#35626, C3:
//! the slash worker's parent-death watchdog with the create_time PID-reuse guard).

use models::Variant;
use parent_death_watchdog::{workload, SCENARIO};
use racetrack::token::ReplayToken;
use racetrack::{replay_cell, run_cell, RunOptions, SchedulerId, Verdict};

racetrack::scheduler_tests!(SCENARIO, loom, shuttle_pct);

/// The documented failing interleaving, pinned: shuttle-pct's first detection at the default
/// seed. The gateway is SIGKILLed mid-command, pid 100 goes to an unrelated process, and the
/// pid-only watchdog keeps finding "its parent".
#[test]
fn failing_trace_snapshot() {
    let result = run_cell(&SCENARIO, SchedulerId::ShuttlePct, Variant::Buggy, &RunOptions::default());
    insta::assert_snapshot!("shuttle_pct_buggy_trace", result.trace.expect("buggy variant must be detected"));
}

/// A detection replays from its token alone: same failure, same trace, byte for byte.
fn detection_replays_byte_for_byte(scheduler: SchedulerId) {
    let found = run_cell(&SCENARIO, scheduler, Variant::Buggy, &RunOptions::default());
    assert_eq!(found.verdict, Verdict::Detected, "{scheduler}");
    let token: ReplayToken = found.replay.as_deref().expect("a detection has a token").parse().unwrap();
    let again = replay_cell(&[SCENARIO], &token).unwrap();
    assert_eq!(again.verdict, Verdict::Detected, "{scheduler}: {again:?}");
    assert_eq!(again.failure, found.failure, "{scheduler}");
    assert_eq!(again.trace, found.trace, "{scheduler}");
}

#[test]
fn shuttle_pct_detection_replays_byte_for_byte() {
    detection_replays_byte_for_byte(SchedulerId::ShuttlePct);
}

#[test]
fn loom_detection_replays_byte_for_byte() {
    detection_replays_byte_for_byte(SchedulerId::Loom);
}

/// The same seed gives the same verdict, schedule count and trace. (loom's fixed cell is left
/// out: an exhaustive DFS is deterministic by construction, and it is the slowest cell.)
#[test]
fn runs_are_deterministic() {
    let cells = [
        (SchedulerId::Loom, Variant::Buggy),
        (SchedulerId::ShuttlePct, Variant::Buggy),
        (SchedulerId::ShuttlePct, Variant::Fixed),
    ];
    for (scheduler, variant) in cells {
        let first = run_cell(&SCENARIO, scheduler, variant, &RunOptions::default()).without_timing();
        let second = run_cell(&SCENARIO, scheduler, variant, &RunOptions::default()).without_timing();
        assert_eq!(first, second, "{scheduler} {variant}");
    }
}

/// The workload on real threads (the simulated table's virtual time, std primitives): the
/// fixed watchdog holds whatever the OS scheduler does.
#[test]
fn fixed_workload_holds_on_real_threads() {
    for _ in 0..50 {
        workload::run(Variant::Fixed);
    }
}
