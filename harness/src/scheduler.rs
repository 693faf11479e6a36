use serde::Serialize;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// A controlled scheduler (backend) a scenario can run under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SchedulerId {
    /// loom: exhaustive DPOR model checking, optionally preemption-bounded.
    Loom,
    /// shuttle's random scheduler.
    ShuttleRandom,
    /// shuttle's PCT (probabilistic concurrency testing) scheduler.
    ShuttlePct,
    /// shuttle's depth-first (exhaustive) scheduler.
    ShuttleDfs,
    /// shuttle's uniform random walk scheduler.
    ShuttleUrw,
    /// racetrack's default exploration: a fixed, deterministic portfolio of shuttle strategies
    /// sharing one budget (see `engines/portfolio.rs`), stopping at the first detection and
    /// reporting which strategy found it. What a scenario without `.schedulers(…)` runs.
    Default,
    /// tokio current-thread runtime with paused virtual time.
    TokioPaused,
    /// turmoil's simulated network, seeded.
    Turmoil,
    /// Real OS threads, sockets, files and processes, many iterations. Reports a rate.
    Stress,
}

impl SchedulerId {
    /// Every scheduler, in the order reports list them.
    pub const ALL: [SchedulerId; 9] = [
        SchedulerId::Default,
        SchedulerId::Loom,
        SchedulerId::ShuttleRandom,
        SchedulerId::ShuttlePct,
        SchedulerId::ShuttleDfs,
        SchedulerId::ShuttleUrw,
        SchedulerId::TokioPaused,
        SchedulerId::Turmoil,
        SchedulerId::Stress,
    ];

    /// The id used on the command line, in tokens and in reports.
    pub const fn as_str(self) -> &'static str {
        match self {
            SchedulerId::Loom => "loom",
            SchedulerId::ShuttleRandom => "shuttle-random",
            SchedulerId::ShuttlePct => "shuttle-pct",
            SchedulerId::ShuttleDfs => "shuttle-dfs",
            SchedulerId::ShuttleUrw => "shuttle-urw",
            SchedulerId::Default => "default",
            SchedulerId::TokioPaused => "tokio-paused",
            SchedulerId::Turmoil => "turmoil",
            SchedulerId::Stress => "stress",
        }
    }

    /// Whether `racetrack run` gates on it. Stress runs on the real machine and only reports a
    /// rate; it has its own command.
    pub const fn is_gate(self) -> bool {
        !matches!(self, SchedulerId::Stress)
    }

    /// Whether it runs on shuttle (the four shuttle strategies and the default portfolio of them).
    pub const fn is_shuttle(self) -> bool {
        matches!(
            self,
            SchedulerId::ShuttleRandom
                | SchedulerId::ShuttlePct
                | SchedulerId::ShuttleDfs
                | SchedulerId::ShuttleUrw
                | SchedulerId::Default
        )
    }

    /// The list of accepted ids, for error messages.
    pub fn accepted() -> String {
        Self::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
    }
}

impl fmt::Display for SchedulerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SchedulerId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        // Test modules spell ids with underscores (`shuttle_pct::fixed_holds`).
        let s = s.replace('_', "-");
        Self::ALL
            .into_iter()
            .find(|id| id.as_str() == s)
            .ok_or_else(|| format!("unknown scheduler '{s}': expected one of {}", Self::accepted()))
    }
}

/// Schedules the default exploration runs when a scenario names no scheduler: the benchmark
/// (`bench/`) finds every one of its programs within this budget in every seed.
pub const DEFAULT_SCHEDULES: u64 = 10_000;

/// What a scenario that names no scheduler (no `.schedulers(…)`) runs: the
/// [default exploration](SchedulerId::Default) over [`DEFAULT_SCHEDULES`].
pub const DEFAULT_EXPLORATION: &[(SchedulerId, Budget)] =
    &[(SchedulerId::Default, Budget::schedules(DEFAULT_SCHEDULES))];

/// How much a scheduler may explore for one cell.
///
/// `schedules` bounds executions (loom permutations, shuttle iterations, turmoil/tokio seeds).
/// The other fields only mean something to the schedulers named in their docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Budget {
    /// Executions to explore at most (`--budget` overrides it).
    pub schedules: u64,
    /// loom: preemption bound (`None` explores every interleaving).
    pub preemption_bound: Option<usize>,
    /// shuttle-pct: bug depth to target.
    pub pct_depth: usize,
    /// tokio-paused / turmoil: virtual time one execution may take before it counts as stalled.
    pub virtual_time: Duration,
    /// turmoil: simulated time per step (turmoil's default is 1 ms). A coarser tick covers long
    /// virtual spans (pings every 20 s, a 45 s deadline) in far fewer steps.
    pub tick: Duration,
    /// Tells apart two budgets for the same scheduler in one scenario (PCT at depth 3 and at depth
    /// 10): the cell is then named `<scheduler>-<label>` (`shuttle-pct-deep`) in reports, tokens
    /// and test names. Kebab-case.
    pub label: Option<&'static str>,
}

impl Budget {
    /// A budget of `schedules` executions with the schedulers' defaults for everything else.
    pub const fn schedules(schedules: u64) -> Self {
        Budget {
            schedules,
            preemption_bound: None,
            pct_depth: 3,
            virtual_time: Duration::from_secs(60),
            tick: Duration::from_millis(1),
            label: None,
        }
    }

    /// Names this budget, so a scenario can run the same scheduler under several budgets: the
    /// cell becomes `<scheduler>-<label>`.
    pub const fn named(mut self, label: &'static str) -> Self {
        self.label = Some(label);
        self
    }

    /// Sets loom's preemption bound.
    pub const fn preemptions(mut self, bound: usize) -> Self {
        self.preemption_bound = Some(bound);
        self
    }

    /// Sets shuttle-pct's depth.
    pub const fn depth(mut self, depth: usize) -> Self {
        self.pct_depth = depth;
        self
    }

    /// Sets turmoil's tick.
    pub const fn tick(mut self, tick: Duration) -> Self {
        self.tick = tick;
        self
    }

    /// Sets the virtual-time limit of one execution.
    pub const fn virtual_time(mut self, limit: Duration) -> Self {
        self.virtual_time = limit;
        self
    }
}

/// A cell's scheduler column: a scheduler, and the label of its budget when a scenario runs that
/// scheduler more than once (`shuttle-pct`, `shuttle-pct-deep`). It is what reports, replay tokens
/// and test module names (`shuttle_pct_deep`, underscores for dashes) call the cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellName {
    /// The engine.
    pub scheduler: SchedulerId,
    /// The budget's label, if any.
    pub label: Option<&'static str>,
}

impl fmt::Display for CellName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.label {
            None => f.write_str(self.scheduler.as_str()),
            Some(label) => write!(f, "{}-{label}", self.scheduler),
        }
    }
}

impl CellName {
    /// Splits `name` (`shuttle-pct-deep`, or `shuttle_pct_deep` as a test module spells it) into
    /// the scheduler it starts with and the label after it.
    pub fn split(name: &str) -> Result<(SchedulerId, Option<String>), String> {
        let name = name.replace('_', "-");
        // Longest id first, so `shuttle-pct-…` is never read as a label of a shorter id.
        let mut ids = SchedulerId::ALL;
        ids.sort_by_key(|id| std::cmp::Reverse(id.as_str().len()));
        for id in ids {
            if name == id.as_str() {
                return Ok((id, None));
            }
            if let Some(label) = name.strip_prefix(id.as_str()).and_then(|rest| rest.strip_prefix('-')) {
                return Ok((id, Some(label.to_owned())));
            }
        }
        Err(format!(
            "unknown scheduler '{name}': expected one of {} (optionally followed by -<label>)",
            SchedulerId::accepted()
        ))
    }
}

/// A duration for people: `750 ms`, `42.0 s`, `6.1 min`, `12.0 h`.
pub(crate) fn human(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    match secs {
        s if s < 1.0 => format!("{} ms", duration.as_millis()),
        s if s < 120.0 => format!("{s:.1} s"),
        s if s < 7200.0 => format!("{:.1} min", s / 60.0),
        s => format!("{:.1} h", s / 3600.0),
    }
}
