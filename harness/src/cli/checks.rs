//! What `racetrack gate` checks a fresh run against the baseline for. Each [`Finding`] names the
//! cell (or the scenario) and says why; a [`Kind::Fail`] fails the gate.
//!
//! Weaker (fails): a cell missed its expectation; a scenario, scheduler, cell or variant of the
//! baseline is gone; fewer schedules; for loom a smaller preemption bound, or a bound where there
//! was none; for shuttle-pct a smaller depth; less virtual time; a coarser turmoil tick; a fixed
//! cell no longer exhaustive; a detection more than `later_detection_factor` times later; a
//! pinned trace or snapshot file changed or deleted. Stronger (reported, passes): new cells and
//! snapshots, bigger budgets and bounds, earlier detections, a space now exhausted. Other changes
//! (a detection later within the factor, another catcher, a different space size) are notes.

use super::baseline::{Baseline, Entry, Key, Snapshot};
use crate::outcome::{BudgetRecord, CellResult};
use crate::scheduler::CellName;
use crate::Scenario;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// How a finding counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Kind {
    /// Weaker than the baseline, or not meeting its expectation: fails the gate.
    Fail,
    /// Stronger than the baseline.
    Stronger,
    /// A change worth knowing that neither weakens nor strengthens.
    Note,
}

/// One thing the gate found about a cell or a scenario.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Finding {
    pub kind: Kind,
    pub scenario: String,
    /// The cell, when the finding is about one (absent: the whole scenario).
    pub cell: Option<String>,
    pub variant: Option<String>,
    pub reason: String,
}

impl Finding {
    fn new(kind: Kind, scenario: &str, cell: Option<&str>, variant: Option<&str>, reason: String) -> Self {
        let owned = |s: Option<&str>| s.map(str::to_owned);
        Finding { kind, scenario: scenario.to_owned(), cell: owned(cell), variant: owned(variant), reason }
    }

    fn about(kind: Kind, entry: &Entry, reason: String) -> Self {
        Finding::new(kind, &entry.scenario, Some(&entry.cell), Some(&entry.variant), reason)
    }

    /// `scenario · cell · variant`, as far as the finding names them.
    pub fn subject(&self) -> String {
        [Some(&self.scenario), self.cell.as_ref(), self.variant.as_ref()]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mark = match self.kind {
            Kind::Fail => "✗",
            Kind::Stronger => "+",
            Kind::Note => "·",
        };
        write!(f, "{mark} {}: {}", self.subject(), self.reason)
    }
}

/// Everything `results` (a fresh run of the scenarios `in_scope` accepts) and the snapshot files
/// found now say against `baseline`, failures first, each group in cell order.
pub(crate) fn compare(
    baseline: &Baseline,
    results: &[CellResult],
    snapshots: &[Snapshot],
    registry: &[Scenario],
    in_scope: &dyn Fn(&str) -> bool,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for r in results.iter().filter(|r| !r.ok) {
        findings.push(Finding::new(Kind::Fail, &r.scenario, Some(&r.scheduler), Some(&r.variant), missed(r)));
    }
    let fresh: BTreeMap<Key, Entry> =
        results.iter().map(|r| (Entry::from_result(r).key(), Entry::from_result(r))).collect();
    let factor = baseline.later_detection_factor;
    let mut gone_scenarios = BTreeSet::new();
    let mut gone_schedulers = BTreeSet::new();
    for old in baseline.cells.iter().filter(|e| in_scope(&e.scenario)) {
        match fresh.get(&old.key()) {
            Some(new) => findings.extend(against(old, new, factor)),
            None => match missing(old, registry) {
                Missing::Scenario if gone_scenarios.insert(old.scenario.clone()) => {
                    let n = baseline.cells.iter().filter(|e| e.scenario == old.scenario).count();
                    let reason = format!("scenario missing: the baseline has {n} cell(s) of it, the registry none");
                    findings.push(Finding::new(Kind::Fail, &old.scenario, None, None, reason));
                }
                Missing::Scheduler(scheduler) if gone_schedulers.insert((old.scenario.clone(), scheduler.clone())) => {
                    let reason = format!("scheduler {scheduler} missing: the baseline runs the scenario under it");
                    findings.push(Finding::new(Kind::Fail, &old.scenario, Some(&old.cell), None, reason));
                }
                Missing::Cell(why) => findings.push(Finding::about(Kind::Fail, old, why)),
                _ => {}
            },
        }
    }
    for new in fresh.values().filter(|e| baseline.entry(&e.key()).is_none()) {
        findings.push(Finding::about(Kind::Stronger, new, "new cell (not in the baseline)".into()));
    }
    findings.extend(compare_snapshots(&baseline.snapshots, snapshots, in_scope));
    findings.sort_by_key(|f| f.kind);
    findings
}

fn missed(r: &CellResult) -> String {
    let caught = r.caught_by.map(|c| format!(", caught by the {} check", c.as_str())).unwrap_or_default();
    let failure = r.failure.as_deref().map(|f| format!(": {f}")).unwrap_or_default();
    format!(
        "missed its expectation: expected {}, got {} after {} schedule(s){caught}{failure}",
        r.expected, r.verdict, r.schedules
    )
}

enum Missing {
    Scenario,
    Scheduler(String),
    Cell(String),
}

/// What of a baseline cell the registry no longer has.
fn missing(old: &Entry, registry: &[Scenario]) -> Missing {
    let Some(scenario) = registry.iter().find(|s| s.id == old.scenario) else { return Missing::Scenario };
    let gone = || Missing::Cell(format!("cell {} missing: the scenario no longer has that budget", old.cell));
    let Ok((scheduler, _)) = CellName::split(&old.cell) else { return gone() };
    if !scenario.cells().any(|(cell, _)| cell.scheduler == scheduler) {
        return Missing::Scheduler(scheduler.to_string());
    }
    match scenario.cell(&old.cell) {
        Err(_) => gone(),
        Ok(_) => Missing::Cell(format!("{} variant missing (is the scenario a guard now?)", old.variant)),
    }
}

/// One cell, baseline against fresh.
fn against(old: &Entry, new: &Entry, factor: u64) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut say = |kind, reason: String| out.push(Finding::about(kind, new, reason));
    if let (Some(before), Some(now)) = (&old.budget, &new.budget) {
        for (kind, reason) in budget_changes(before, now) {
            say(kind, reason);
        }
    }
    match (old.detected_at, new.detected_at) {
        (Some(before), Some(now)) if now > before.saturating_mul(factor) => say(
            Kind::Fail,
            format!("detected later: at schedule {now}, baseline {before} (more than {factor}× later: the test lost sensitivity)"),
        ),
        (Some(before), Some(now)) if now > before => {
            say(Kind::Note, format!("detected later: at schedule {now}, baseline {before} (within {factor}×)"))
        }
        (Some(before), Some(now)) if now < before => {
            say(Kind::Stronger, format!("detected earlier: at schedule {now}, baseline {before}"))
        }
        _ => {}
    }
    if let (Some(before), Some(now)) = (&old.trace_sha256, &new.trace_sha256) {
        if before != now {
            say(Kind::Fail, format!("pinned trace changed: sha256 {} → {}", &before[..12], &now[..12]));
        }
    }
    if old.caught_by != new.caught_by && new.caught_by.is_some() {
        let name = |c: Option<crate::CaughtBy>| c.map_or("nothing", |c| c.as_str());
        say(Kind::Note, format!("now caught by {}, baseline {}", name(new.caught_by), name(old.caught_by)));
    }
    match (old.exhaustive, new.exhaustive) {
        (true, false) if new.held_over.is_some() => say(
            Kind::Fail,
            format!(
                "no longer exhaustive: held over {} within the budget, the baseline exhausted the space",
                new.held_over.unwrap_or(0)
            ),
        ),
        (false, true) => say(Kind::Stronger, "now exhaustive: the whole (bounded) space is explored".into()),
        (true, true) if old.held_over != new.held_over => say(
            Kind::Note,
            format!("space size changed: {} → {} schedules", old.held_over.unwrap_or(0), new.held_over.unwrap_or(0)),
        ),
        _ => {}
    }
    out
}

/// How a budget changed, each change as weaker (fail) or stronger.
pub(crate) fn budget_changes(before: &BudgetRecord, now: &BudgetRecord) -> Vec<(Kind, String)> {
    let mut out = Vec::new();
    let mut compare =
        |what: &str, old: Option<u64>, new: Option<u64>, more_is_stronger: bool, show: &dyn Fn(u64) -> String| {
            if let (Some(old), Some(new)) = (old, new) {
                if old != new {
                    let stronger = (new > old) == more_is_stronger;
                    let verb = match (new > old, stronger) {
                        (true, true) => "raised",
                        (false, false) => "lowered",
                        (true, false) => "coarser",
                        (false, true) => "finer",
                    };
                    let kind = if stronger { Kind::Stronger } else { Kind::Fail };
                    out.push((kind, format!("{what} {verb}: {} → {}", show(old), show(new))));
                }
            }
        };
    let plain = |n: u64| n.to_string();
    let ms = |n: u64| crate::scheduler::human(std::time::Duration::from_millis(n));
    let us = |n: u64| crate::scheduler::human(std::time::Duration::from_micros(n));
    compare("budget", Some(before.schedules), Some(now.schedules), true, &plain);
    compare("pct depth", before.pct_depth, now.pct_depth, true, &plain);
    compare("virtual time", before.virtual_ms, now.virtual_ms, true, &ms);
    compare("turmoil tick", before.tick_us, now.tick_us, false, &us);
    // loom: no bound is the strongest; a smaller bound, or a bound where there was none, is weaker.
    let bound = |b: &BudgetRecord| if b.unbounded { Some(u64::MAX) } else { b.preemption_bound };
    let show_bound = |n: u64| if n == u64::MAX { "unbounded".to_owned() } else { n.to_string() };
    compare("preemption bound", bound(before), bound(now), true, &show_bound);
    out
}

fn compare_snapshots(before: &[Snapshot], now: &[Snapshot], in_scope: &dyn Fn(&str) -> bool) -> Vec<Finding> {
    let mut out = Vec::new();
    let cell = |s: &Snapshot| s.cell.clone();
    for old in before.iter().filter(|s| in_scope(&s.scenario)) {
        let (kind, reason) = match now.iter().find(|s| s.file == old.file) {
            None => (Kind::Fail, format!("pinned snapshot deleted: {}", old.file)),
            Some(new) if new.sha256 != old.sha256 => (Kind::Fail, format!("pinned snapshot changed: {}", old.file)),
            Some(_) => continue,
        };
        out.push(Finding { kind, scenario: old.scenario.clone(), cell: cell(old), variant: None, reason });
    }
    for new in now.iter().filter(|s| in_scope(&s.scenario) && !before.iter().any(|b| b.file == s.file)) {
        let reason = format!("new pinned snapshot: {}", new.file);
        out.push(Finding {
            kind: Kind::Stronger,
            scenario: new.scenario.clone(),
            cell: cell(new),
            variant: None,
            reason,
        });
    }
    out
}

#[cfg(test)]
mod tests;
