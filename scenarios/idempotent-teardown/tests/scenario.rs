//! idempotent-teardown under every scheduler it supports — seed 004 (hermes-agent PR "reap leaked
//! slash_worker processes/fds …", the idempotent teardown funnel).

use idempotent_teardown::{EVERY_ENTRY, SCENARIO};

// The pinned failing traces (`snapshots::<scheduler>`, at the default seed):
// - shuttle_pct:
//   A late signal, pinned: shuttle-pct's first detection at the default seed (shutdown and the
//   close RPC both poll the worker as running; shutdown kills and reaps it, then the close RPC's
//   SIGTERM goes to a pid that is no longer its worker's).
// - loom:
//   A late signal, pinned: loom's first detection (loom's order is deterministic): the close RPC
//   and shutdown both close the worker; one SIGTERMs its pid after the other reaped it.
racetrack::scheduler_tests!(SCENARIO, loom, shuttle_pct; snapshots: shuttle_pct, loom);

/// The stress run with real `sleep` workers: the fixed variant leaks nothing, and neither
/// variant leaves a process behind once the run is over (checked in /proc).
#[test]
fn stress_fixed_leaks_nothing_and_nothing_outlives_the_run() {
    racetrack::testing::stress_fixed_never_shows_the_bug(&SCENARIO, 5, 2);
}

/// The worker's own close raced directly, and the other teardown entries.
mod every_entry {
    use super::*;
    racetrack::scheduler_tests!(EVERY_ENTRY, loom, shuttle_pct);
}
