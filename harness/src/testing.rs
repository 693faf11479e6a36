//! Per-scenario tests: [`scheduler_tests!`](crate::scheduler_tests) writes
//! `<scheduler>::buggy_is_detected` and `<scheduler>::fixed_holds` for each scheduler named.

use crate::engines::{run_cell, RunOptions};
use crate::outcome::{CellResult, Verdict};
use crate::scenario::Scenario;
use crate::scheduler::SchedulerId;
use racetrack_sync::Variant;

/// Runs one cell in this process and panics, with the whole result, unless it met its
/// expectation. Returns the result for further checks.
#[track_caller]
pub fn expect(scenario: &Scenario, scheduler: &str, variant: Variant) -> CellResult {
    let scheduler: SchedulerId = scheduler.parse().unwrap_or_else(|e| panic!("{e}"));
    let result = run_cell(scenario, scheduler, variant, &RunOptions::default());
    assert!(result.ok, "{}", describe(&result));
    if result.verdict == Verdict::Detected {
        // What a developer reading the test log needs to reproduce it.
        println!("{}", describe(&result));
    }
    result
}

/// The rendered failing trace of `scenario`'s buggy variant under `scheduler` (at `seed`, or the
/// default seed): what a scenario pins as its insta snapshot. Panics, with the whole result, if
/// the buggy variant was not detected.
#[track_caller]
pub fn failing_trace(scenario: &Scenario, scheduler: SchedulerId, seed: Option<u64>) -> String {
    let result = detected(scenario, scheduler, seed);
    result.trace.unwrap_or_else(|| panic!("{} under {scheduler}: a detection without a trace", scenario.id))
}

/// Runs `scenario`'s buggy variant under `scheduler` (at `seed`, or the default seed) and returns
/// the detection; panics, with the whole result, if the bug was not detected.
#[track_caller]
pub fn detected(scenario: &Scenario, scheduler: SchedulerId, seed: Option<u64>) -> CellResult {
    let result = run_cell(scenario, scheduler, Variant::Buggy, &RunOptions::new(seed, None));
    assert_eq!(result.verdict, Verdict::Detected, "{}", describe(&result));
    result
}

/// Runs `scenario`'s real-OS stress run for both variants (`iterations` rounds of `threads`) and
/// panics unless neither reports a liveness problem and the fixed variant never shows the bug.
/// The buggy rate is printed, not asserted: on the real machine, timing decides.
#[track_caller]
pub fn stress_fixed_never_shows_the_bug(scenario: &Scenario, iterations: u64, threads: usize) {
    let run = scenario.stress.unwrap_or_else(|| panic!("{} has no stress run", scenario.id));
    for variant in Variant::ALL {
        let report = run(&crate::stress::StressConfig::new(variant, iterations, threads), &|_| {});
        println!("{variant}:\n{report}");
        assert!(report.liveness_problems.is_empty(), "{variant}: {:?}", report.liveness_problems);
        if variant == Variant::Fixed {
            assert_eq!(report.failures, 0, "the fixed variant showed the bug: {report}");
        }
    }
}

/// A cell result in words, with its replay line and trace.
pub fn describe(r: &CellResult) -> String {
    let mut text = format!(
        "{} under {} ({}): expected {}, got {} after {} schedule(s){}\n",
        r.scenario,
        r.scheduler,
        r.variant,
        r.expected,
        r.verdict,
        r.schedules,
        if r.exhaustive { ", space exhausted" } else { "" }
    );
    if let Some(failure) = &r.failure {
        text.push_str(&format!("failure: {failure}\n"));
    }
    if let Some(token) = &r.replay {
        text.push_str(&format!("reproduce with: racetrack replay {token}\n"));
    }
    if let Some(trace) = &r.trace {
        text.push_str(trace);
    }
    text
}

/// Writes, for each scheduler named, a module with `buggy_is_detected` and `fixed_holds`.
///
/// ```ignore
/// racetrack::scheduler_tests!(janitor_toctou::SCENARIO, loom, shuttle_pct, shuttle_random);
/// // → loom::buggy_is_detected, loom::fixed_holds, shuttle_pct::buggy_is_detected, …
/// ```
#[macro_export]
macro_rules! scheduler_tests {
    ($scenario:expr, $($scheduler:ident),+ $(,)?) => {
        $(
            mod $scheduler {
                #[allow(unused_imports)]
                use super::*;

                #[test]
                fn buggy_is_detected() {
                    $crate::testing::expect(&$scenario, stringify!($scheduler), $crate::Variant::Buggy);
                }

                #[test]
                fn fixed_holds() {
                    $crate::testing::expect(&$scenario, stringify!($scheduler), $crate::Variant::Fixed);
                }
            }
        )+
    };
}
