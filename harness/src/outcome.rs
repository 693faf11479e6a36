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
