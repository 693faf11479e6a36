//! Per-scenario tests: [`scheduler_tests!`](crate::scheduler_tests) writes
//! `<scheduler>::buggy_is_detected` and `<scheduler>::fixed_holds` for each scheduler named (a
//! guard: `<scheduler>::holds`), and a pinned trace snapshot per scheduler asked for.
//!
//! A failing test prints, with its replay token, the one command that reruns exactly that schedule
//! in that test: `RACETRACK_REPLAY=<token> cargo nextest run -p <crate> <test>`. With
//! `RACETRACK_REPLAY` set to a token of the test's own cell, the test runs that one schedule and
//! prints its trace instead of exploring.

use crate::engines::{replay_cell, run_named_cell, RunOptions};
use crate::outcome::{CellResult, Verdict};
use crate::scenario::Scenario;
use crate::token::ReplayToken;
use racetrack_sync::Variant;
use std::fmt::Display;

/// The variable a test reads a replay token from.
pub const REPLAY_VAR: &str = "RACETRACK_REPLAY";

/// Where a generated test lives, for the command that reruns it.
#[derive(Clone, Copy, Debug)]
pub struct TestName {
    /// The package (`CARGO_PKG_NAME` of the crate the test is in).
    pub package: &'static str,
    /// `module_path!()` of the test's module, its crate's name first.
    pub module: &'static str,
    /// The test function's name.
    pub function: &'static str,
}

impl TestName {
    /// The path a test runner filters by: the module path without the crate name, then the fn.
    pub fn path(&self) -> String {
        match self.module.split_once("::") {
            Some((_, inner)) => format!("{inner}::{}", self.function),
            None => self.function.to_owned(),
        }
    }

    /// The command that reruns `token`'s schedule in this test.
    pub fn replay_command(&self, token: &str) -> String {
        format!("{REPLAY_VAR}={token} cargo nextest run -p {} {} --no-capture", self.package, self.path())
    }
}

/// Runs one cell (`cell`: a scheduler or a labelled cell's name, `shuttle_pct` spelling works) in
/// this process and panics, with the whole result and the command that replays it, unless it met
/// its expectation. Under [`REPLAY_VAR`] naming this very cell, runs that one schedule instead.
#[track_caller]
pub fn expect(scenario: &Scenario, cell: &str, variant: Variant, test: TestName) -> CellResult {
    scenario.check().unwrap_or_else(|e| panic!("{e}"));
    let name = scenario.cell(cell).unwrap_or_else(|e| panic!("{e}")).0.to_string();
    if let Some(token) = replay_token_for(scenario, &name, variant) {
        return replay_here(scenario, &token);
    }
    let result = run_named_cell(scenario, &name, variant, &RunOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let rerun = result.replay.as_deref().map(|t| format!("rerun this schedule here: {}\n", test.replay_command(t)));
    assert!(result.ok, "{}{}", describe(&result), rerun.unwrap_or_default());
    if result.verdict == Verdict::Detected {
        // What a developer reading the test log needs to reproduce it.
        println!("{}", describe(&result));
    }
    result
}

/// Runs the one schedule `token` names and prints its trace; panics unless it reproduced a
/// failure, and, as the exploring test would, unless the cell met its expectation: replaying a
/// `fixed_holds` that failed shows the failure again and fails again.
#[track_caller]
fn replay_here(scenario: &Scenario, token: &ReplayToken) -> CellResult {
    let result = replay_cell(&[*scenario], token).unwrap_or_else(|e| panic!("{e}"));
    println!("{REPLAY_VAR}: replayed {token}\n{}", describe(&result));
    assert!(result.replay.is_some(), "{REPLAY_VAR}: the token {token} did not reproduce a failure");
    assert!(result.ok, "{REPLAY_VAR}: the replayed schedule fails this cell:\n{}", describe(&result));
    result
}

/// The token in [`REPLAY_VAR`], if it names this scenario's `cell` and `variant`. A token for
/// another cell is left alone, so a wider test filter runs every other test as usual; a token
/// that does not parse is a panic naming it.
fn replay_token_for(scenario: &Scenario, cell: &str, variant: Variant) -> Option<ReplayToken> {
    let text = std::env::var(REPLAY_VAR).ok()?;
    let token: ReplayToken = text.parse().unwrap_or_else(|e| panic!("{REPLAY_VAR}: {e}"));
    (token.scenario == scenario.id && token.cell == cell && token.variant == variant).then_some(token)
}

/// The rendered failing trace of `scenario`'s buggy variant in `cell` (a [`SchedulerId`] or a
/// cell's name) at `seed` (or the default seed): what a scenario pins as its insta snapshot.
/// Panics, with the whole result, if the buggy variant was not detected.
///
/// [`SchedulerId`]: crate::SchedulerId
#[track_caller]
pub fn failing_trace(scenario: &Scenario, cell: impl Display, seed: Option<u64>) -> String {
    let result = detected(scenario, &cell, seed);
    result.trace.unwrap_or_else(|| panic!("{} under {cell}: a detection without a trace", scenario.id))
}

/// Runs `scenario`'s buggy variant in `cell` (at `seed`, or the default seed) and returns the
/// detection; panics, with the whole result, if the bug was not detected.
#[track_caller]
pub fn detected(scenario: &Scenario, cell: impl Display, seed: Option<u64>) -> CellResult {
    let result = run_named_cell(scenario, &cell.to_string(), Variant::Buggy, &RunOptions::new(seed, None))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(result.verdict, Verdict::Detected, "{}", describe(&result));
    result
}

/// Runs `scenario`'s real-OS stress run for both variants (`iterations` rounds of `threads`) and
/// panics unless neither reports a liveness problem and the fixed variant never shows the bug.
/// The buggy rate is printed, not asserted: on the real machine, timing decides.
#[track_caller]
pub fn stress_fixed_never_shows_the_bug(scenario: &Scenario, iterations: u64, threads: usize) {
    let run = scenario.stress.unwrap_or_else(|| panic!("{} has no stress run", scenario.id));
    for &variant in scenario.variants() {
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
        "{} under {} ({}): expected {}, got {} after {} schedule(s){}{}\n",
        r.scenario,
        r.scheduler,
        r.variant,
        r.expected,
        r.verdict,
        r.schedules,
        if r.exhaustive { ", space exhausted" } else { "" },
        r.caught_by.map(|c| format!(", caught by the {} check", c.as_str())).unwrap_or_default(),
    );
    if let Some(failure) = &r.failure {
        text.push_str(&format!("failure: {failure}\n"));
    }
    if let Some(token) = &r.replay {
        // Not "racetrack replay …": the built-in CLI does not know a service's own scenarios.
        text.push_str(&format!("replay token: {token}\n"));
    }
    if let Some(trace) = &r.trace {
        text.push_str(trace);
    }
    text
}

/// Writes the tests of a scenario's cells, one module per scheduler named (a labelled cell's
/// module is its name with underscores: `shuttle_pct_deep`). The scenario is a `const` (or a
/// path to one), named as anywhere in the invoking module; one invocation per module (put each
/// scenario's in a `mod` of its own):
///
/// - a pair: `<scheduler>::buggy_is_detected` and `<scheduler>::fixed_holds`;
/// - a guard (`guard SCENARIO, …`): `<scheduler>::holds`;
/// - after `; snapshots:`, `snapshots::<scheduler>`: the buggy variant's failing trace there, at
///   the default seed, as the insta snapshot `<scheduler>_buggy_trace` (checked, never written,
///   under `INSTA_UPDATE=no`; the crate needs no insta dependency of its own).
///
/// ```ignore
/// racetrack::scheduler_tests!(janitor_toctou::SCENARIO, loom, shuttle_pct, shuttle_random; snapshots: shuttle_pct);
/// // → loom::buggy_is_detected, loom::fixed_holds, …, snapshots::shuttle_pct
/// racetrack::scheduler_tests!(guard my_service::POOL_GUARD, loom, shuttle_pct);
/// // → loom::holds, shuttle_pct::holds
/// ```
#[macro_export]
macro_rules! scheduler_tests {
    (guard $scenario:expr, $($scheduler:ident),+ $(,)?) => {
        $crate::__scenario_here!($scenario);
        $(
            mod $scheduler {
                #[test]
                fn holds() {
                    let scenario = &super::__RACETRACK_SCENARIO;
                    assert!(scenario.guard, "{} is a pair: write its tests without `guard`", scenario.id);
                    $crate::testing::expect(scenario, stringify!($scheduler), $crate::Variant::Fixed, $crate::__test_name!(holds));
                }
            }
        )+
    };
    ($scenario:expr, $($scheduler:ident),+ $(; snapshots: $($snapshot:ident),+)? $(,)?) => {
        $crate::__scenario_here!($scenario);
        $(
            mod $scheduler {
                #[test]
                fn buggy_is_detected() {
                    let scenario = &super::__RACETRACK_SCENARIO;
                    assert!(!scenario.guard, "{} is a guard: write its tests as `scheduler_tests!(guard …)`", scenario.id);
                    $crate::testing::expect(scenario, stringify!($scheduler), $crate::Variant::Buggy, $crate::__test_name!(buggy_is_detected));
                }

                #[test]
                fn fixed_holds() {
                    $crate::testing::expect(&super::__RACETRACK_SCENARIO, stringify!($scheduler), $crate::Variant::Fixed, $crate::__test_name!(fixed_holds));
                }
            }
        )+
        $(
            mod snapshots {
                $(
                    #[test]
                    fn $snapshot() {
                        $crate::__insta::assert_snapshot!(
                            concat!(stringify!($snapshot), "_buggy_trace"),
                            $crate::testing::failing_trace(&super::__RACETRACK_SCENARIO, stringify!($snapshot), None)
                        );
                    }
                )+
            }
        )?
    };
}

/// Names the scenario where [`scheduler_tests!`] is invoked, so any path that works there
/// (`SCENARIO`, `super::SCENARIO`, `crate::scenarios::SCENARIO`) works in the modules it writes.
#[doc(hidden)]
#[macro_export]
macro_rules! __scenario_here {
    ($scenario:expr) => {
        #[allow(dead_code)] // only the #[test] fns use it
        const __RACETRACK_SCENARIO: $crate::Scenario = $scenario;
    };
}

/// The [`TestName`] of the test function `$function` in the module the macro expands in.
#[doc(hidden)]
#[macro_export]
macro_rules! __test_name {
    ($function:ident) => {
        $crate::testing::TestName {
            package: env!("CARGO_PKG_NAME"),
            module: module_path!(),
            function: stringify!($function),
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::{thread, Arc, AtomicUsize, Ordering};
    use crate::{Budget, SchedulerId::ShuttlePct};

    /// A "fix" that is the bug again: a load-then-store counter in both variants.
    fn lost_update(_: Variant) {
        let hits = Arc::new(AtomicUsize::new(0));
        let bump = {
            let hits = Arc::clone(&hits);
            move || hits.store(hits.load(Ordering::SeqCst) + 1, Ordering::SeqCst)
        };
        let other = thread::spawn(bump.clone());
        bump();
        other.join().unwrap();
        crate::safety!(hits.load(Ordering::SeqCst) == 2, "an update was lost");
    }

    const BROKEN_FIX: Scenario = Scenario::new("broken-fix", "a fix that is the bug again")
        .threads(&lost_update)
        .schedulers(&[(ShuttlePct, Budget::schedules(200))]);

    fn token_of(variant: Variant) -> ReplayToken {
        let found = run_named_cell(&BROKEN_FIX, "shuttle-pct", variant, &RunOptions::default()).unwrap();
        found.replay.expect("the lost update is found").parse().unwrap()
    }

    #[test]
    fn replaying_a_detected_buggy_cell_passes() {
        assert_eq!(replay_here(&BROKEN_FIX, &token_of(Variant::Buggy)).verdict, Verdict::Detected);
    }

    #[test]
    fn replaying_a_failed_fixed_cell_fails_again() {
        let failed = std::panic::catch_unwind(|| replay_here(&BROKEN_FIX, &token_of(Variant::Fixed)));
        let message = *failed.expect_err("a regression replayed must still fail").downcast::<String>().unwrap();
        assert!(
            message.contains("the replayed schedule fails this cell") && message.contains("an update was lost"),
            "{message}"
        );
        assert!(message.contains("replay token: rt1:broken-fix:shuttle-pct:fixed:1:"), "{message}");
    }
}
