//! The cache's races under loom and shuttle. A failing test prints its replay command:
//! `RACETRACK_REPLAY=<token> cargo nextest run -p user-service <test> --no-capture`.

// ANCHOR: tests
mod scenarios; // tests/scenarios/mod.rs: the scenarios, shared with the CLI

mod stale_refresh {
    // loom::buggy_is_detected, loom::fixed_holds, …, and the failing trace pinned as a snapshot.
    racetrack::scheduler_tests!(super::scenarios::STALE_REFRESH, loom, shuttle_pct, shuttle_random; snapshots: loom);
}

mod shutdown_drains {
    // A guard: loom::holds, shuttle_pct::holds.
    racetrack::scheduler_tests!(guard super::scenarios::SHUTDOWN_DRAINS, loom, shuttle_pct);
}
// ANCHOR_END: tests

// ANCHOR: run_cell
/// A test of your own over one cell: `run_cell` returns the verdict, what caught it, the replay
/// token and the trace. Here: the trace shows the documented interleaving.
#[test]
fn the_failing_trace_shows_the_refresh_installing_its_value_after_the_put() {
    use racetrack::{run_cell, CaughtBy, RunOptions, SchedulerId::Loom, Variant, Verdict};

    let buggy = run_cell(&scenarios::STALE_REFRESH, Loom, Variant::Buggy, &RunOptions::default());
    assert_eq!((buggy.verdict, buggy.caught_by), (Verdict::Detected, Some(CaughtBy::Safety)));
    let trace = buggy.trace.unwrap();
    let put = trace.find("put limit=20").expect(&trace);
    assert!(trace[put..].contains("refresh limit: installed 10"), "{trace}");
}
// ANCHOR_END: run_cell

/// The CLI's registry (`examples/racetrack.rs`) holds every scenario, each well formed.
#[test]
fn the_cli_registry_holds_every_scenario() {
    let ids: Vec<&str> = scenarios::SCENARIOS.iter().map(|s| s.id).collect();
    assert_eq!(ids, ["stale-refresh", "shutdown-drains"]);
    scenarios::SCENARIOS.iter().for_each(|s| s.check().unwrap());
}
