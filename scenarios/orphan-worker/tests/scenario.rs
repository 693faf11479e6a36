//! orphan-worker under every scheduler it supports — seed 004 (hermes-agent PR "reap leaked
//! slash_worker processes/fds on disconnect, create-race, and parent-death", C2 + restart site).

use orphan_worker::{EVERY_SITE, SCENARIO};
use racetrack::SchedulerId;

// The pinned failing traces (`snapshots::<scheduler>`, at the default seed):
// - loom:
//   The restart/reap race, pinned: loom's first detection (loom's order is deterministic).
racetrack::scheduler_tests!(SCENARIO, loom, shuttle_pct; snapshots: loom);

/// The create/close race, pinned: shuttle-pct's first detection at seed 2 (the default seed's
/// first detection is the restart race, pinned by the loom snapshot below).
#[test]
fn failing_trace_snapshot() {
    insta::assert_snapshot!(
        "shuttle_pct_seed2_buggy_trace",
        racetrack::testing::failing_trace(&SCENARIO, SchedulerId::ShuttlePct, Some(2))
    );
}

/// The stress run with real `sleep` workers: the fixed variant leaks nothing, and neither
/// variant leaves a process behind once the run is over (checked in /proc).
#[test]
fn stress_fixed_leaks_nothing_and_nothing_outlives_the_run() {
    racetrack::testing::stress_fixed_never_shows_the_bug(&SCENARIO, 5, 2);
}

/// The other spawn sites, each against another teardown entry.
mod every_site {
    use super::*;
    racetrack::scheduler_tests!(EVERY_SITE, loom, shuttle_pct);
}
