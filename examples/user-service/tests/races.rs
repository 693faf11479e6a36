//! The cache's races under loom and shuttle. A failing test prints its replay command:
//! `RACETRACK_REPLAY=<token> cargo nextest run -p user-service <test> --no-capture`.

mod scenarios;

// ANCHOR: tests
mod stale_refresh {
    // loom::buggy_is_detected, loom::fixed_holds, …, and the failing trace pinned as a snapshot.
    racetrack::scheduler_tests!(crate::scenarios::STALE_REFRESH, loom, shuttle_pct, shuttle_random; snapshots: loom);
}

mod shutdown_drains {
    // A guard: loom::holds, shuttle_pct::holds.
    racetrack::scheduler_tests!(guard crate::scenarios::SHUTDOWN_DRAINS, loom, shuttle_pct);
}
// ANCHOR_END: tests

/// The CLI's registry (`examples/racetrack.rs`) holds every scenario, each well formed.
#[test]
fn the_cli_registry_holds_every_scenario() {
    let ids: Vec<&str> = scenarios::SCENARIOS.iter().map(|s| s.id).collect();
    assert_eq!(ids, ["stale-refresh", "shutdown-drains"]);
    scenarios::SCENARIOS.iter().for_each(|s| s.check().unwrap());
}
