//! disconnect-reap under turmoil — seed 004 (hermes-agent, C1: disconnect reap + uvicorn ws_ping).

use disconnect_reap::SCENARIO;
use racetrack::testing::detected;
use racetrack::Variant;
use racetrack::{run_cell, RunOptions, SchedulerId};

// The pinned failing traces (`snapshots::<scheduler>`, at the default seed):
// - turmoil:
//   The documented failure, pinned at the default seed: A vanishes without FIN, no ping ever
//   notices, and 45 s later its session and worker are still there while B chats on.
racetrack::scheduler_tests!(SCENARIO, turmoil; snapshots: turmoil);

/// The 45 s bound is virtual time; wall time is printed as a figure, never asserted.
#[test]
fn the_bound_is_virtual_time() {
    let found = detected(&SCENARIO, SchedulerId::Turmoil, None);
    assert!(found.virtual_ms.unwrap() >= 45_000, "{:?} ms virtual", found.virtual_ms);
    let fixed = run_cell(&SCENARIO, SchedulerId::Turmoil, Variant::Fixed, &RunOptions::default());
    assert!(fixed.ok, "{}", racetrack::testing::describe(&fixed));
    println!(
        "turmoil: buggy detected after {} seed(s), {} ms virtual, {} ms wall; fixed held over {} seeds, {} ms virtual, {} ms wall",
        found.schedules,
        found.virtual_ms.unwrap(),
        found.elapsed_ms,
        fixed.schedules,
        fixed.virtual_ms.unwrap(),
        fixed.elapsed_ms
    );
}
