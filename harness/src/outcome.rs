use crate::scheduler::{CellName, SchedulerId};
use racetrack_sync::Variant;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a cell's run concluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// An oracle failed in some schedule: the race (or a broken mechanism) was caught.
    Detected,
    /// Every explored schedule satisfied every oracle.
    Held,
    /// The run itself broke (a crash outside any schedule, an engine error).
    Error,
    /// The run did not finish within its wall-clock limit.
    Timeout,
}

impl Verdict {
    /// What a variant must produce: the bug is detected, the fix (or a guard's code) holds.
    pub fn expected_for(variant: Variant) -> Verdict {
        match variant {
            Variant::Buggy => Verdict::Detected,
            Variant::Fixed => Verdict::Held,
        }
    }

    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Detected => "detected",
            Verdict::Held => "held",
            Verdict::Error => "error",
            Verdict::Timeout => "timeout",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What caught a detection. Only these count: any other panic (an unwrap, an engine limit such as
/// loom's thread cap or shuttle's step bound) is an [`Verdict::Error`], never teeth.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CaughtBy {
    /// The safety oracle: the documented bug happened.
    Safety,
    /// The liveness / anti-cheat oracle: the mechanism stopped working. A buggy cell caught only
    /// by this is not ok (the mechanism broke, which hides whether the race is caught).
    Liveness,
    /// The engine found every thread or task blocked (shuttle's and loom's deadlock report), or
    /// the workload did not finish within its virtual time (tokio-paused, turmoil).
    Deadlock,
}

impl CaughtBy {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            CaughtBy::Safety => "safety",
            CaughtBy::Liveness => "liveness",
            CaughtBy::Deadlock => "deadlock",
        }
    }
}

/// The result of one (scenario, scheduler, variant) cell. Field order is the JSON schema of
/// DESIGN.md, followed by the figures and the trace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellResult {
    /// Scenario id.
    pub scenario: String,
    /// Scheduler id.
    pub scheduler: String,
    /// `buggy` or `fixed`.
    pub variant: String,
    /// `detected` for buggy, `held` for fixed.
    pub expected: Verdict,
    /// What happened.
    pub verdict: Verdict,
    /// `verdict == expected` (and, for a buggy cell, the detection came from the safety oracle
    /// or the engine, not from a broken liveness mechanism).
    pub ok: bool,
    /// Executions explored (up to and including the failing one).
    pub schedules: u64,
    /// Whether the whole space (or the whole bounded space, see `bound`) was explored.
    pub exhaustive: bool,
    /// Wall-clock time of the run. The only field that varies between identical runs.
    pub elapsed_ms: u64,
    /// The failure message, for a detection (or what broke, for an error or timeout).
    pub failure: Option<String>,
    /// What caught a detection (absent otherwise).
    pub caught_by: Option<CaughtBy>,
    /// A token that `racetrack replay` reproduces the failure from.
    pub replay: Option<String>,
    /// The seed the run used.
    pub seed: u64,
    /// What bounded the exploration (`preemption bound 2`, `pct depth 3`, `budget`).
    pub bound: Option<String>,
    /// Virtual time covered, for schedulers with a virtual clock.
    pub virtual_ms: Option<u64>,
    /// The failing interleaving, rendered (one column per thread or task).
    pub trace: Option<String>,
    /// For a detection by the default exploration: the strategy in its portfolio that found it
    /// (`urw`, `pct-3`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<String>,
    /// For a detection: how its schedule was shrunk before it was reported (the token and the
    /// trace are the shrunk ones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shrink: Option<Shrunk>,
}

/// How a detection's schedule was shrunk: preemptions and steps before and after (absent where
/// the engine has no such notion). A detection is only replaced by a schedule that fails the
/// same oracle (see `engines/shrink.rs`), so `preemptions.1 <= preemptions.0` always.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shrunk {
    /// What was shrunk: `schedule` (shuttle: the recorded schedule), `preemption bound` (loom:
    /// the smallest bound that still finds it), or `n/a` with the reason.
    pub method: String,
    /// Preemptions (loom: the preemption bound) before and after; `None` where it does not apply
    /// (loom unbounded: before only).
    pub preemptions: (Option<u64>, Option<u64>),
    /// Scheduling steps before and after (shuttle only).
    pub steps: (Option<u64>, Option<u64>),
    /// Candidate executions the search ran.
    pub attempts: u64,
}

impl Shrunk {
    /// An engine where shrinking does not apply, and why.
    pub fn not_applicable(why: &str) -> Self {
        Shrunk { method: format!("n/a: {why}"), preemptions: (None, None), steps: (None, None), attempts: 0 }
    }

    /// `2 → 0` / `n/a` for a report column.
    pub fn preemptions_text(&self) -> String {
        before_after(self.preemptions)
    }

    /// `41 → 17` / `n/a` for a report column.
    pub fn steps_text(&self) -> String {
        before_after(self.steps)
    }
}

fn before_after(pair: (Option<u64>, Option<u64>)) -> String {
    let show = |v: Option<u64>| v.map_or("unbounded".to_owned(), |v| v.to_string());
    match pair {
        (None, None) => "n/a".to_owned(),
        (before, after) => format!("{} → {}", show(before), show(after)),
    }
}

impl CellResult {
    /// A copy with the wall-clock field zeroed, for comparing runs.
    pub fn without_timing(&self) -> CellResult {
        CellResult { elapsed_ms: 0, ..self.clone() }
    }

    /// Executions per wall-clock second.
    pub fn schedules_per_sec(&self) -> f64 {
        self.schedules as f64 * 1000.0 / (self.elapsed_ms.max(1) as f64)
    }

    /// The scheduler, parsed back from the cell's name.
    pub fn scheduler_id(&self) -> Option<SchedulerId> {
        CellName::split(&self.scheduler).ok().map(|(scheduler, _)| scheduler)
    }
}
