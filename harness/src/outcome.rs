use crate::scheduler::{Budget, CellName, SchedulerId};
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
/// ARCHITECTURE.md's CLI contract, followed by the figures and the trace.
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
    /// The failing interleaving's steps, for the pictures of a Markdown report (absent in results
    /// of a racetrack that predates them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<TraceStep>>,
    /// The budget the cell ran under (after `--budget` / `--scale`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<BudgetRecord>,
    /// The slice of the cell's exploration this run covered, for a `run --shard k/n`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardRun>,
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

/// One step of a failing interleaving: who did it, and what (see [`crate::trace::Step`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceStep {
    /// The logical thread or task.
    pub actor: String,
    /// The event's message and fields.
    pub text: String,
}

impl From<&crate::trace::Step> for TraceStep {
    fn from(step: &crate::trace::Step) -> Self {
        TraceStep { actor: step.actor.clone(), text: step.text.clone() }
    }
}

/// The parts of a [`Budget`] that mean something to one scheduler, as reports and the gate's
/// baseline record them. Fields are in alphabetical order (the baseline's keys are sorted).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetRecord {
    /// shuttle-pct: the bug depth PCT targets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pct_depth: Option<u64>,
    /// loom: the preemption bound (absent with `unbounded`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preemption_bound: Option<u64>,
    /// Executions to explore at most.
    pub schedules: u64,
    /// turmoil: simulated time per step, in microseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tick_us: Option<u64>,
    /// loom: every interleaving, no preemption bound.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unbounded: bool,
    /// tokio-paused, turmoil: virtual time one execution may take, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub virtual_ms: Option<u64>,
}

impl BudgetRecord {
    /// What of `budget` `scheduler` uses.
    pub fn new(scheduler: SchedulerId, budget: &Budget) -> Self {
        let mut record = BudgetRecord { schedules: budget.schedules, ..BudgetRecord::default() };
        match scheduler {
            SchedulerId::Loom => match budget.preemption_bound {
                Some(bound) => record.preemption_bound = Some(bound as u64),
                None => record.unbounded = true,
            },
            SchedulerId::ShuttlePct => record.pct_depth = Some(budget.pct_depth as u64),
            SchedulerId::TokioPaused => record.virtual_ms = Some(budget.virtual_time.as_millis() as u64),
            SchedulerId::Turmoil => {
                record.virtual_ms = Some(budget.virtual_time.as_millis() as u64);
                record.tick_us = Some(budget.tick.as_micros() as u64);
            }
            _ => {}
        }
        record
    }
}

impl fmt::Display for BudgetRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} schedules", self.schedules)?;
        if let Some(bound) = self.preemption_bound {
            write!(f, ", preemption bound {bound}")?;
        }
        if self.unbounded {
            write!(f, ", unbounded")?;
        }
        if let Some(depth) = self.pct_depth {
            write!(f, ", pct depth {depth}")?;
        }
        if let Some(ms) = self.virtual_ms {
            write!(f, ", {} virtual", crate::scheduler::human(std::time::Duration::from_millis(ms)))?;
        }
        if let Some(us) = self.tick_us {
            write!(f, ", tick {}", crate::scheduler::human(std::time::Duration::from_micros(us)))?;
        }
        Ok(())
    }
}

/// Which slice of every cell's exploration a run covers: `--shard k/n`, `k` from 1.
///
/// A cell's exploration is one global order of schedules; shard `k` of `n` owns positions
/// `(k-1)·B+1 ..= k·B` of it (B: the cell's schedule budget), so `n` shards together explore
/// `n·B` schedules and none twice. How an engine reaches its slice: tokio-paused and turmoil
/// run seeds `seed + (k-1)·B …`; shuttle-random, -pct and -urw run the B executions of the stream
/// seeded `seed + (k-1)·B`; loom and shuttle-dfs, whose order cannot be entered in the middle,
/// walk the first `(k-1)·B` executions without owning them (see [`ShardRun::walked`]).
///
/// ```
/// use racetrack::Shard;
/// let shard: Shard = "2/4".parse().unwrap();
/// assert_eq!((shard.index, shard.count, shard.offset(1000)), (2, 4, 1000));
/// assert!("0/4".parse::<Shard>().is_err() && "5/4".parse::<Shard>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// Which shard, from 1.
    pub index: u64,
    /// How many shards.
    pub count: u64,
}

impl Shard {
    /// Schedules of the global order before this shard's slice, for a budget of `budget`.
    pub fn offset(&self, budget: u64) -> u64 {
        (self.index - 1).saturating_mul(budget)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("malformed shard '{text}': expected K/N with 1 <= K <= N (e.g. 2/4)");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let (index, count): (u64, u64) = (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

/// What a sharded run covered of a cell's global order of schedules (see [`Shard`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardRun {
    /// Which shard, from 1; 0 for the merge of all `count` shards.
    pub index: u64,
    /// How many shards.
    pub count: u64,
    /// The first position of the global order the run owns (1-based).
    pub first: u64,
    /// The last position it owns.
    pub last: u64,
    /// Executions run before the slice to reach it, not owned (loom, shuttle-dfs).
    pub walked: u64,
    /// The global position of the failing schedule, for a detection (inside the slice, or in a
    /// walked one: then the shard owning it finds it too).
    pub detected_at: Option<u64>,
}
