//! Base against head: what changed, cell by cell, between the base commit's matrix and the
//! head's (`gate --base REF`, or `--base-result FILE`): cells added, removed, flipped (verdict or
//! ok changed), budgets changed, detection schedule before → after, failing trace changed (with
//! its diff, through `similar`). An unchanged cell is a row too, so a clean tree shows every cell.

use super::baseline::{Entry, Key};
use super::checks;
use super::tables;
use crate::outcome::{BudgetRecord, CellResult, Verdict};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Budgets by (scenario, cell).
pub(crate) type Budgets = BTreeMap<(String, String), BudgetRecord>;

/// One kind of change of a cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Change {
    Added,
    Removed,
    Flipped,
    /// A bigger budget (or one that is merely different).
    Budget,
    /// A lower budget, or a weaker bound or depth.
    BudgetWeaker,
    Detection,
    Trace,
}

impl Change {
    fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Flipped => "flipped",
            Change::Budget => "budget",
            Change::BudgetWeaker => "budget weaker",
            Change::Detection => "detection moved",
            Change::Trace => "trace changed",
        }
    }
}

/// One cell's row.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Row {
    pub scenario: String,
    pub cell: String,
    pub variant: String,
    /// Empty: unchanged.
    pub changes: Vec<Change>,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The whole delta.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Delta {
    /// What the base is (`origin/main (3f2a…)`, or the result file).
    pub base: String,
    pub rows: Vec<Row>,
    /// Unified diffs of the failing traces that changed, by cell.
    pub trace_diffs: Vec<(String, String)>,
}

/// The delta from `base` to `head` (each a matrix's results; rows in head order, then the removed
/// ones). `budgets` fills in base budgets its results do not carry (an older racetrack).
pub(crate) fn compute(base_name: String, base: &[CellResult], head: &[CellResult], budgets: &Budgets) -> Delta {
    let key = |r: &CellResult| (r.scenario.clone(), r.scheduler.clone(), r.variant.clone());
    let before: BTreeMap<Key, &CellResult> = base.iter().map(|r| (key(r), r)).collect();
    let after: BTreeMap<Key, &CellResult> = head.iter().map(|r| (key(r), r)).collect();
    let budget_of =
        |r: &CellResult| r.budget.or_else(|| budgets.get(&(r.scenario.clone(), r.scheduler.clone())).copied());
    let mut rows = Vec::new();
    let mut trace_diffs = Vec::new();
    let mut order: Vec<&Key> = head.iter().map(|r| after.get_key_value(&key(r)).expect("own key").0).collect();
    order.extend(before.keys().filter(|k| !after.contains_key(*k)));
    for k in order {
        let (old, new) = (before.get(k).copied(), after.get(k).copied());
        let mut changes = Vec::new();
        match (old, new) {
            (None, Some(_)) => changes.push(Change::Added),
            (Some(_), None) => changes.push(Change::Removed),
            (Some(old), Some(new)) => {
                if (old.verdict, old.ok) != (new.verdict, new.ok) {
                    changes.push(Change::Flipped);
                }
                if let (Some(a), Some(b)) = (budget_of(old), budget_of(new)) {
                    if a != b {
                        let weaker = checks::budget_changes(&a, &b).iter().any(|(kind, _)| *kind == checks::Kind::Fail);
                        changes.push(if weaker { Change::BudgetWeaker } else { Change::Budget });
                    }
                }
                let (a, b) = (Entry::from_result(old), Entry::from_result(new));
                if a.detected_at != b.detected_at && a.detected_at.is_some() && b.detected_at.is_some() {
                    changes.push(Change::Detection);
                }
                if a.trace_sha256 != b.trace_sha256 && a.trace_sha256.is_some() && b.trace_sha256.is_some() {
                    changes.push(Change::Trace);
                    let diff = similar::TextDiff::from_lines(
                        old.trace.as_deref().unwrap_or(""),
                        new.trace.as_deref().unwrap_or(""),
                    );
                    let text = diff.unified_diff().context_radius(2).header("base", "head").to_string();
                    trace_diffs.push((b.name(), text));
                }
            }
            (None, None) => {}
        }
        let describe = |r: &CellResult| describe(r, budget_of(r));
        rows.push(Row {
            scenario: k.0.clone(),
            cell: k.1.clone(),
            variant: k.2.clone(),
            changes,
            before: old.map(describe),
            after: new.map(describe),
        });
    }
    Delta { base: base_name, rows, trace_diffs }
}

/// A cell's outcome and budget in a few words.
fn describe(r: &CellResult, budget: Option<BudgetRecord>) -> String {
    let outcome = match r.verdict {
        Verdict::Detected => format!("detected at {}", r.schedules),
        Verdict::Held if r.exhaustive => format!("held over {}, exhaustive", r.schedules),
        Verdict::Held => format!("held over {}", r.schedules),
        other => other.to_string(),
    };
    let mark = if r.ok { "" } else { "✗ " };
    match budget {
        Some(b) => format!("{mark}{outcome} ({b})"),
        None => format!("{mark}{outcome}"),
    }
}

impl Delta {
    /// How many rows have each change, and how many none.
    pub fn summary(&self) -> String {
        let count = |c: Change| self.rows.iter().filter(|r| r.changes.contains(&c)).count();
        let unchanged = self.rows.iter().filter(|r| r.changes.is_empty()).count();
        format!(
            "delta against {}: {} cells: {} added, {} removed, {} flipped, {} budgets changed, {} detections moved, {} traces changed, {unchanged} unchanged",
            self.base,
            self.rows.len(),
            count(Change::Added),
            count(Change::Removed),
            count(Change::Flipped),
            count(Change::Budget) + count(Change::BudgetWeaker),
            count(Change::Detection),
            count(Change::Trace),
        )
    }

    /// The delta table (in Markdown the unchanged cells fold away), then the trace diffs.
    pub fn render(&self, markdown: bool) -> String {
        let row = |r: &Row| {
            let change = if r.changes.is_empty() {
                "unchanged".to_owned()
            } else {
                r.changes.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
            };
            let side = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".to_owned());
            vec![r.scenario.clone(), r.cell.clone(), r.variant.clone(), change, side(&r.before), side(&r.after)]
        };
        const HEADER: [&str; 6] = ["scenario", "cell", "variant", "change", "before", "after"];
        let (changed, unchanged): (Vec<&Row>, Vec<&Row>) = self.rows.iter().partition(|r| !r.changes.is_empty());
        let mut out = if markdown {
            let mut out = match changed.is_empty() {
                true => "no cell changed\n".to_owned(),
                false => tables::render(&HEADER, &changed.iter().map(|r| row(r)).collect::<Vec<_>>(), true),
            };
            if !unchanged.is_empty() {
                let table = tables::render(&HEADER, &unchanged.iter().map(|r| row(r)).collect::<Vec<_>>(), true);
                let _ = write!(
                    out,
                    "\n<details><summary>{} unchanged cells</summary>\n\n{table}\n</details>\n",
                    unchanged.len()
                );
            }
            out
        } else {
            tables::render(&HEADER, &self.rows.iter().map(row).collect::<Vec<_>>(), false)
        };
        for (cell, diff) in &self.trace_diffs {
            if markdown {
                let _ = write!(out, "\n<details><summary>{cell}: failing trace, base → head</summary>\n\n```diff\n{diff}```\n</details>\n");
            } else {
                let _ = write!(out, "\n{cell}: failing trace, base → head\n{diff}");
            }
        }
        out
    }
}

/// The budgets a `racetrack list --format json` document declares, by (scenario, cell): what an
/// older racetrack's results lack.
pub(crate) fn budgets_from_list(text: &str) -> Budgets {
    let mut out = BTreeMap::new();
    let Ok(serde_json::Value::Array(scenarios)) = serde_json::from_str::<serde_json::Value>(text) else { return out };
    let duration_ms =
        |d: &serde_json::Value| d["secs"].as_u64().unwrap_or(0) * 1000 + d["nanos"].as_u64().unwrap_or(0) / 1_000_000;
    let duration_us =
        |d: &serde_json::Value| d["secs"].as_u64().unwrap_or(0) * 1_000_000 + d["nanos"].as_u64().unwrap_or(0) / 1000;
    for s in &scenarios {
        let Some(id) = s["id"].as_str() else { continue };
        for cell in s["schedulers"].as_array().into_iter().flatten() {
            let (Some(name), b) = (cell["id"].as_str(), &cell["budget"]) else { continue };
            let Ok((scheduler, _)) = crate::scheduler::CellName::split(name) else { continue };
            let mut budget = crate::Budget::schedules(b["schedules"].as_u64().unwrap_or(0));
            budget.preemption_bound = b["preemption_bound"].as_u64().map(|n| n as usize);
            budget.pct_depth = b["pct_depth"].as_u64().unwrap_or(3) as usize;
            budget.virtual_time = std::time::Duration::from_millis(duration_ms(&b["virtual_time"]));
            budget.tick = std::time::Duration::from_micros(duration_us(&b["tick"]));
            out.insert((id.to_owned(), name.to_owned()), BudgetRecord::new(scheduler, &budget));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{compute, Change};
    use crate::cli::fixtures::{green, loom, result};

    #[test]
    fn a_same_matrix_is_all_unchanged_and_changes_are_named() {
        let same = compute("base".into(), &green(), &green(), &Default::default());
        assert!(same.rows.iter().all(|r| r.changes.is_empty()) && same.rows.len() == 4);
        assert!(same.summary().ends_with("0 traces changed, 4 unchanged"), "{}", same.summary());

        let mut head = green();
        head.remove(3); // shuttle-pct fixed: gone
        head[0] = result("loom", "buggy", 9, loom(100, 2));
        head[0].trace = Some("another interleaving".into());
        head[1] = result("loom", "fixed", 40, loom(100, 1)); // a weaker bound
        let delta = compute("base".into(), &green(), &head, &Default::default());
        let changes: Vec<(&str, &str, Vec<Change>)> =
            delta.rows.iter().map(|r| (r.cell.as_str(), r.variant.as_str(), r.changes.clone())).collect();
        assert_eq!(
            changes,
            [
                ("loom", "buggy", vec![Change::Detection, Change::Trace]),
                ("loom", "fixed", vec![Change::BudgetWeaker]),
                ("shuttle-pct", "buggy", vec![]),
                ("shuttle-pct", "fixed", vec![Change::Removed]),
            ]
        );
        assert_eq!(delta.rows[0].before.as_deref(), Some("detected at 3 (100 schedules, preemption bound 2)"));
        assert_eq!(delta.rows[0].after.as_deref(), Some("detected at 9 (100 schedules, preemption bound 2)"));
        assert!(
            delta.trace_diffs[0].1.contains("-trace of loom\n\\ No newline at end of file\n+another interleaving"),
            "{:?}",
            delta.trace_diffs
        );
        let markdown = delta.render(true);
        assert!(markdown.contains("<details><summary>1 unchanged cells</summary>"), "{markdown}");
    }
}
