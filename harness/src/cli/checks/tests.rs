//! Every reason the gate fails or passes, on hand-made baselines and results.

use super::{budget_changes, compare, Finding, Kind};
use crate::cli::baseline::{Baseline, Snapshot};
use crate::cli::fixtures::{green, loom, pct, result};
use crate::outcome::{BudgetRecord, CellResult, Verdict};
use crate::{Budget, Scenario, SchedulerId::*};

const PAIR: Scenario = Scenario::new("pair", "a pair")
    .threads(&|_| {})
    .schedulers(&[(Loom, Budget::schedules(100).preemptions(2)), (ShuttlePct, Budget::schedules(50))]);

fn snapshot(file: &str, hash: &str) -> Snapshot {
    Snapshot { cell: Some("loom".into()), file: file.into(), scenario: "pair".into(), sha256: hash.into() }
}

fn findings(baseline: &Baseline, results: &[CellResult], snapshots: &[Snapshot]) -> Vec<Finding> {
    compare(baseline, results, snapshots, &[PAIR], &|_| true)
}

fn fails(findings: &[Finding]) -> Vec<String> {
    findings.iter().filter(|f| f.kind == Kind::Fail).map(|f| f.to_string()).collect()
}

#[test]
fn an_unchanged_run_finds_nothing() {
    let snaps = [snapshot("scenarios/pair/x.snap", "aa")];
    let baseline = Baseline::new(&green(), snaps.to_vec(), 1, 10);
    assert_eq!(findings(&baseline, &green(), &snaps), []);
}

#[test]
fn a_lower_budget_a_weaker_bound_and_a_smaller_depth_fail_naming_the_cell() {
    let baseline = Baseline::new(&green(), vec![], 1, 10);
    let mut now = green();
    now[1] = result("loom", "fixed", 40, loom(100, 1));
    now[3] = result("shuttle-pct", "fixed", 20, pct(20, 2));
    assert_eq!(
        fails(&findings(&baseline, &now, &[])),
        [
            "✗ pair · loom · fixed: preemption bound lowered: 2 → 1",
            "✗ pair · shuttle-pct · fixed: budget lowered: 50 → 20",
            "✗ pair · shuttle-pct · fixed: pct depth lowered: 3 → 2",
        ]
    );
}

#[test]
fn a_bound_where_there_was_none_is_weaker_and_none_where_there_was_one_stronger() {
    let unbounded = BudgetRecord { schedules: 100, unbounded: true, ..BudgetRecord::default() };
    assert_eq!(
        budget_changes(&unbounded, &loom(100, 3)),
        [(Kind::Fail, "preemption bound lowered: unbounded → 3".into())]
    );
    assert_eq!(
        budget_changes(&loom(100, 3), &unbounded),
        [(Kind::Stronger, "preemption bound raised: 3 → unbounded".into())]
    );
    let tick =
        |us| BudgetRecord { schedules: 5, tick_us: Some(us), virtual_ms: Some(10_000), ..BudgetRecord::default() };
    assert_eq!(
        budget_changes(&tick(1_000), &tick(10_000)),
        [(Kind::Fail, "turmoil tick coarser: 1 ms → 10 ms".into())]
    );
}

#[test]
fn a_missing_scheduler_scenario_or_variant_fails() {
    let baseline = Baseline::new(&green(), vec![], 1, 10);
    let without_pct = &green()[..2];
    const LOOM_ONLY: Scenario =
        Scenario::new("pair", "").threads(&|_| {}).schedulers(&[(Loom, Budget::schedules(100).preemptions(2))]);
    let found = compare(&baseline, without_pct, &[], &[LOOM_ONLY], &|_| true);
    assert_eq!(
        fails(&found),
        ["✗ pair · shuttle-pct: scheduler shuttle-pct missing: the baseline runs the scenario under it"]
    );
    let found = compare(&baseline, &[], &[], &[], &|_| true);
    assert_eq!(fails(&found), ["✗ pair: scenario missing: the baseline has 4 cell(s) of it, the registry none"]);
    let fixed_only: Vec<CellResult> = green().into_iter().filter(|r| r.variant == "fixed").collect();
    let found = findings(&baseline, &fixed_only, &[]);
    assert_eq!(fails(&found).len(), 2);
    assert!(fails(&found)[0].ends_with("buggy variant missing (is the scenario a guard now?)"), "{found:?}");
}

#[test]
fn a_much_later_detection_fails_a_little_later_one_is_noted_an_earlier_one_is_stronger() {
    let baseline = Baseline::new(&green(), vec![], 1, 10);
    let mut now = green();
    now[0] = result("loom", "buggy", 31, loom(100, 2));
    now[0].trace = green()[0].trace.clone();
    now[2] = result("shuttle-pct", "buggy", 1, pct(50, 3));
    now[2].trace = green()[2].trace.clone();
    let found = findings(&baseline, &now, &[]);
    assert_eq!(
        fails(&found),
        ["✗ pair · loom · buggy: detected later: at schedule 31, baseline 3 (more than 10× later: the test lost sensitivity)"]
    );
    assert!(found
        .iter()
        .any(|f| f.kind == Kind::Stronger && f.reason == "detected earlier: at schedule 1, baseline 2"));
    now[0].schedules = 30;
    assert_eq!(fails(&findings(&baseline, &now, &[])), Vec::<String>::new());
}

#[test]
fn a_changed_trace_or_a_deleted_snapshot_fails() {
    let snaps = [snapshot("scenarios/pair/tests/snapshots/s__snapshots__loom_buggy_trace.snap", "aa")];
    let baseline = Baseline::new(&green(), snaps.to_vec(), 1, 10);
    let mut now = green();
    now[0].trace = Some("another interleaving".into());
    let found = fails(&findings(&baseline, &now, &[]));
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].starts_with("✗ pair · loom · buggy: pinned trace changed: sha256 "), "{found:?}");
    assert_eq!(
        found[1],
        "✗ pair · loom: pinned snapshot deleted: scenarios/pair/tests/snapshots/s__snapshots__loom_buggy_trace.snap"
    );
    let edited = [snapshot(&snaps[0].file, "bb")];
    assert!(fails(&findings(&baseline, &green(), &edited))[0].contains("pinned snapshot changed"));
}

#[test]
fn a_missed_expectation_fails_and_new_cells_and_bigger_budgets_are_stronger() {
    let baseline = Baseline::new(&green()[..3], vec![], 1, 10);
    let mut now = green();
    now[1] = result("loom", "fixed", 40, loom(1000, 3));
    let found = findings(&baseline, &now, &[]);
    assert_eq!(fails(&found), Vec::<String>::new());
    let stronger: Vec<String> = found.iter().filter(|f| f.kind == Kind::Stronger).map(|f| f.to_string()).collect();
    assert_eq!(
        stronger,
        [
            "+ pair · loom · fixed: budget raised: 100 → 1000",
            "+ pair · loom · fixed: preemption bound raised: 2 → 3",
            "+ pair · shuttle-pct · fixed: new cell (not in the baseline)",
        ]
    );
    now[3].verdict = Verdict::Detected;
    now[3].ok = false;
    assert!(fails(&findings(&baseline, &now, &[]))[0]
        .starts_with("✗ pair · shuttle-pct · fixed: missed its expectation: expected held, got detected"));
}

#[test]
fn a_lost_exhaustion_fails() {
    let baseline = Baseline::new(&green(), vec![], 1, 10);
    let mut now = green();
    now[1].exhaustive = false;
    now[1].schedules = 100;
    assert_eq!(
        fails(&findings(&baseline, &now, &[])),
        ["✗ pair · loom · fixed: no longer exhaustive: held over 100 within the budget, the baseline exhausted the space"]
    );
}
