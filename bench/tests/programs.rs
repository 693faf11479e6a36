//! Every benchmark program has teeth under the default exploration at seed 1, and every fixed
//! variant holds under it over a short budget: cheap checks (the measurements are the bench
//! command's, never a test's).

use racetrack::{run_cell, RunOptions, SchedulerId, Variant, Verdict};

#[test]
fn every_buggy_program_is_found_by_the_default() {
    for program in racetrack_bench::programs() {
        let r = run_cell(&program.scenario, SchedulerId::Default, Variant::Buggy, &RunOptions::default());
        assert!(r.ok && r.verdict == Verdict::Detected, "{}", racetrack::testing::describe(&r));
        let shrink = r.shrink.expect("a detection reports its shrink");
        assert!(shrink.preemptions.1 <= shrink.preemptions.0, "{}: {shrink:?}", program.scenario.id);
    }
}

#[test]
fn every_fixed_program_holds_under_the_default() {
    for program in racetrack_bench::programs() {
        let r = run_cell(&program.scenario, SchedulerId::Default, Variant::Fixed, &RunOptions::new(None, Some(50)));
        assert!(r.ok && r.verdict == Verdict::Held, "{}", racetrack::testing::describe(&r));
    }
}

#[test]
fn every_program_names_where_it_comes_from() {
    for program in racetrack_bench::programs() {
        let s = program.scenario;
        assert!(s.source.is_some_and(|src| !src.is_empty()), "{} has no source", s.id);
        assert_eq!(s.check(), Ok(()));
        assert_eq!(program.fits_loom(), s.budget(SchedulerId::Loom).is_some(), "{}: loom column", s.id);
    }
}

/// The default exploration through the test macro a user writes (`default` is a cell like any).
mod by_default {
    use racetrack_bench::programs::ALL;
    const LOST_UPDATE: racetrack::Scenario = ALL[ALL.len() - 1].scenario;
    racetrack::scheduler_tests!(LOST_UPDATE, default; snapshots: default);
}
