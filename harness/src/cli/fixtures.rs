//! Hand-made results of a small pair (`pair`: loom and shuttle-pct), for the gate's unit tests.

use crate::outcome::{BudgetRecord, CaughtBy, CellResult, Verdict};

/// A result of the pair's `cell` and `variant`: buggy detected at `schedules`, fixed held over them.
pub(crate) fn result(cell: &str, variant: &str, schedules: u64, budget: BudgetRecord) -> CellResult {
    let buggy = variant == "buggy";
    let verdict = if buggy { Verdict::Detected } else { Verdict::Held };
    CellResult {
        scenario: "pair".into(),
        scheduler: cell.into(),
        variant: variant.into(),
        expected: verdict,
        verdict,
        ok: true,
        schedules,
        exhaustive: !buggy && cell == "loom",
        elapsed_ms: 0,
        failure: buggy.then(|| "safety oracle violated: lost".into()),
        caught_by: buggy.then_some(CaughtBy::Safety),
        replay: None,
        seed: 1,
        bound: None,
        virtual_ms: None,
        trace: buggy.then(|| format!("trace of {cell}")),
        steps: None,
        budget: Some(budget),
        shard: None,
        strategy: None,
        shrink: None,
    }
}

/// A loom budget.
pub(crate) fn loom(schedules: u64, bound: u64) -> BudgetRecord {
    BudgetRecord { schedules, preemption_bound: Some(bound), ..BudgetRecord::default() }
}

/// A shuttle-pct budget.
pub(crate) fn pct(schedules: u64, depth: u64) -> BudgetRecord {
    BudgetRecord { schedules, pct_depth: Some(depth), ..BudgetRecord::default() }
}

/// Every cell of the pair, as it should be.
pub(crate) fn green() -> Vec<CellResult> {
    vec![
        result("loom", "buggy", 3, loom(100, 2)),
        result("loom", "fixed", 40, loom(100, 2)),
        result("shuttle-pct", "buggy", 2, pct(50, 3)),
        result("shuttle-pct", "fixed", 50, pct(50, 3)),
    ]
}
