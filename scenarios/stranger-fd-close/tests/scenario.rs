//! stranger-fd-close under every scheduler it supports — seed 001 (hermes-agent#29544, fixes
//! #29507: TLS bytes written over kanban.db's header through a recycled fd).

use models::Variant;
use racetrack::stress::StressConfig;
use racetrack::{replay_cell, run_cell, RunOptions, Scenario, SchedulerId, Verdict};
use stranger_fd_close::{stress, workload, SCENARIO};

racetrack::scheduler_tests!(SCENARIO, loom, shuttle_pct);

/// The same workload with only the safety oracles, so that a detection can only be the bytes
/// landing in the database (the full scenario also fails the buggy variant, earlier, on "closed
/// by the stranger").
const CORRUPTION: Scenario = Scenario::new(SCENARIO.id, SCENARIO.seed, "safety oracles only")
    .oracles(SCENARIO.safety, "-")
    .threads(workload::run_corruption_oracles_only)
    .schedulers(SCENARIO.schedulers);

/// Seed 001's failure itself — the TLS record on the database header — is reached under every
/// scheduler, within the scenario's own budget.
#[test]
fn buggy_corrupts_the_database_under_each_scheduler() {
    for scheduler in SCENARIO.gate_schedulers() {
        let r = run_cell(&CORRUPTION, scheduler, Variant::Buggy, &RunOptions::default());
        assert_eq!(r.verdict, Verdict::Detected, "{}", racetrack::testing::describe(&r));
        let failure = r.failure.unwrap_or_default();
        assert!(
            failure.starts_with("safety oracle violated: kanban.db header overwritten: 17 03 03 00 13"),
            "{scheduler}: {failure}"
        );
        println!("{scheduler}: header corrupted at schedule {}", r.schedules);
    }
}

/// loom's fixed cell covers its whole space under the stated preemption bound.
#[test]
fn loom_fixed_space_is_exhausted_under_preemption_bound_2() {
    let r = run_cell(&SCENARIO, SchedulerId::Loom, Variant::Fixed, &RunOptions::default());
    assert_eq!(r.verdict, Verdict::Held, "{}", racetrack::testing::describe(&r));
    assert!(r.exhaustive, "loom stopped at its budget after {} schedules", r.schedules);
    assert_eq!(r.bound.as_deref(), Some("preemption bound 2"));
}

/// The documented failing interleaving at a pinned schedule (loom, preemption bound 2, the first
/// execution that corrupts the header), in the seed's five steps: the worker's BIO caches fd 3;
/// the stranger shuts down and closes fd 3; the dispatcher's open gets fd 3; the worker flushes its
/// 24-byte record to fd 3; the next open finds the header corrupted.
#[test]
fn failing_trace_snapshot() {
    let r = run_cell(&CORRUPTION, SchedulerId::Loom, Variant::Buggy, &RunOptions::default());
    let token = r.replay.clone().expect("buggy variant must be detected");
    let trace = r.trace.expect("a detection has a trace");
    insta::assert_snapshot!("loom_buggy_corruption_trace", format!("{token}\n{}\n\n{trace}", r.failure.unwrap()));

    // The token replays that very schedule.
    let again = replay_cell(&[CORRUPTION], &token.parse().unwrap()).unwrap();
    assert_eq!(again.trace.as_deref(), Some(trace.as_str()), "{}", racetrack::testing::describe(&again));
}

/// The workload on real threads (the simulated kernel, std primitives): the fix holds whatever the
/// OS scheduler does.
#[test]
fn fixed_workload_holds_on_real_threads() {
    for _ in 0..200 {
        workload::run(Variant::Fixed);
    }
}

/// On the real OS the fix never corrupts the file, the interrupt always unblocks the request, no
/// fd leaks, and the header check refuses a corrupted file. (The buggy rate is the machine's; it is
/// measured by `racetrack stress`, not asserted.)
#[test]
fn fixed_stress_on_the_real_os_never_corrupts() {
    let report = stress::run(&StressConfig::new(Variant::Fixed, 100, 1), &|_| {});
    assert_eq!(report.trials, 100);
    assert_eq!(report.failures, 0, "{report}");
    assert!(report.liveness_problems.is_empty(), "{report}");
}
