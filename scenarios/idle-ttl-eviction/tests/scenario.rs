//! idle-ttl-eviction under every scheduler it supports — seed 004 (hermes-agent's idle-session
//! reaper, its re-check under `_sessions_lock`, and `session.active_list` skipping finalized
//! sessions, #38950).

use idle_ttl_eviction::SCENARIO;
use models::Variant;
use racetrack::{replay_cell, run_cell, RunOptions, SchedulerId};

racetrack::scheduler_tests!(SCENARIO, loom, shuttle_pct);

/// The documented failing interleaving, pinned: shuttle-pct's first detection at the default seed.
#[test]
fn failing_trace_snapshot() {
    let result = run_cell(&SCENARIO, SchedulerId::ShuttlePct, Variant::Buggy, &RunOptions::default());
    insta::assert_snapshot!("shuttle_pct_buggy_trace", result.trace.expect("buggy variant must be detected"));
}

/// loom's first detection (loom's order is deterministic).
#[test]
fn loom_failing_trace_snapshot() {
    let result = run_cell(&SCENARIO, SchedulerId::Loom, Variant::Buggy, &RunOptions::default());
    insta::assert_snapshot!("loom_buggy_trace", result.trace.expect("buggy variant must be detected"));
}

#[test]
fn shuttle_pct_detection_replays() {
    let found = run_cell(&SCENARIO, SchedulerId::ShuttlePct, Variant::Buggy, &RunOptions::default());
    let token = found.replay.clone().expect("detected").parse().expect("a well-formed token");
    let again = replay_cell(&[SCENARIO], &token).expect("known scenario");
    assert_eq!((again.failure, again.trace), (found.failure, found.trace), "replay differs");
}
