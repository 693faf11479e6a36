//! The backends: one file per engine, all behind [`run_cell`].
//!
//! A backend explores executions of a scenario's body and returns an [`Exploration`]: how many
//! schedules it ran, whether that was the whole space, and the first failing schedule with what
//! replays it. Everything else a cell reports (verdict, what caught it, token, timing) is
//! assembled here once, on a thread of the cell's own.

mod env;
mod loom;
mod portfolio;
mod seeded;
mod shrink;
mod shuttle;
mod tokio_paused;
mod turmoil;

use crate::outcome::{BudgetRecord, CaughtBy, CellResult, Shard, ShardRun, Shrunk, Verdict};
use crate::scenario::{Scenario, ThreadsBody};
use crate::scheduler::{Budget, CellName, SchedulerId};
use crate::token::ReplayToken;
use crate::trace::{self, Recorder, Trace};
use racetrack_sync::{Engine, Variant};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

pub(crate) use env::KEEP_BACKTRACES;

/// The seed a run uses unless `--seed` says otherwise.
pub const DEFAULT_SEED: u64 = 1;

/// Stack of the thread a cell runs on: tokio, turmoil and hyper in a debug build need more than
/// a test thread's 2 MiB. (loom and shuttle run their threads on stacks of their own.)
const CELL_STACK: usize = 16 << 20;

/// How to run one cell.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct RunOptions {
    /// Seed for seeded schedulers (`None`: [`DEFAULT_SEED`]).
    pub seed: Option<u64>,
    /// Overrides the scenario's schedule budget.
    pub budget: Option<u64>,
    /// Runs only this shard's slice of the exploration (see [`Shard`]).
    pub shard: Option<Shard>,
    /// Report the first failing schedule as the search found it, unshrunk (the benchmark
    /// measures the search alone). Off: every detection is shrunk.
    pub unshrunk: bool,
}

impl RunOptions {
    /// Options with a seed and a budget override.
    pub fn new(seed: Option<u64>, budget: Option<u64>) -> Self {
        RunOptions { seed, budget, shard: None, unshrunk: false }
    }

    /// The same options, for one shard's slice.
    pub fn with_shard(self, shard: Option<Shard>) -> Self {
        RunOptions { shard, ..self }
    }

    /// The same options, with detections reported unshrunk.
    pub fn unshrunk(self) -> Self {
        RunOptions { unshrunk: true, ..self }
    }
}

/// What a backend found.
#[derive(Debug, Default)]
pub(crate) struct Exploration {
    pub schedules: u64,
    pub exhaustive: bool,
    pub bound: Option<String>,
    pub virtual_ms: Option<u64>,
    pub failure: Option<Found>,
    /// The default exploration's strategy that found the failure.
    pub strategy: Option<String>,
    /// How the failure's schedule was shrunk (`failure` is the shrunk one).
    pub shrink: Option<Shrunk>,
}

/// The first failing schedule.
#[derive(Debug)]
pub(crate) struct Found {
    pub message: String,
    /// The token's schedule field: what the backend needs to run exactly this schedule again.
    pub schedule: String,
    /// `None` when the execution ran unrecorded (see [`Executions::unrecorded`]).
    pub trace: Option<Trace>,
}

impl Found {
    /// This failure with its trace: `replay` runs its schedule again, recorded, exactly as its
    /// token replays. A replay that does not fail with the same message leaves it without one
    /// (the determinism checks of `racetrack run` report such a body).
    pub fn with_trace(self, replay: impl FnOnce(&str) -> Option<Found>) -> Found {
        if self.trace.is_some() {
            return self;
        }
        match replay(&self.schedule) {
            Some(replayed) if replayed.message == self.message => replayed,
            _ => self,
        }
    }
}

/// What a backend is asked to do: explore under a budget, or run one recorded schedule.
pub(crate) struct Job<'a> {
    pub scenario: &'a Scenario,
    pub variant: Variant,
    pub seed: u64,
    pub budget: Budget,
    pub replay: Option<&'a str>,
    /// Whether a detection is shrunk (see `shrink.rs`).
    pub shrink: bool,
    pub shard: Option<Shard>,
}

impl Job<'_> {
    /// Schedules of the global order before this job's shard (0 unsharded, and for a replay).
    pub fn offset(&self) -> u64 {
        match (self.shard, self.replay) {
            (Some(shard), None) => shard.offset(self.budget.schedules),
            _ => 0,
        }
    }
}

/// Whether an engine reaches a shard's slice by running the executions before it (its order
/// cannot be entered in the middle) rather than by seeding.
fn walks(scheduler: SchedulerId) -> bool {
    matches!(scheduler, SchedulerId::Loom | SchedulerId::ShuttleDfs)
}

/// Runs one cell in this process: `scheduler`'s unlabelled budget (see [`run_named_cell`] for a
/// labelled one). Whatever the body does, this returns a result: it runs on a thread of its own,
/// so neither a panicking caller nor a thread-local the engines leave set can change it.
pub fn run_cell(scenario: &Scenario, scheduler: SchedulerId, variant: Variant, options: &RunOptions) -> CellResult {
    let name = CellName { scheduler, label: scenario.budget(scheduler).and_then(|b| b.label) };
    let budget = scenario.budget(scheduler).map(|b| with_override(b, options));
    let seed = options.seed.unwrap_or(DEFAULT_SEED);
    run(scenario, name, variant, Plan { seed, budget, replay: None, shard: options.shard, shrink: !options.unshrunk })
}

/// Runs the cell called `cell` (`shuttle-pct`, `shuttle-pct-deep`) in this process.
pub fn run_named_cell(
    scenario: &Scenario,
    cell: &str,
    variant: Variant,
    options: &RunOptions,
) -> Result<CellResult, String> {
    let (name, budget) = scenario.cell(cell)?;
    let seed = options.seed.unwrap_or(DEFAULT_SEED);
    let budget = Some(with_override(budget, options));
    Ok(run(
        scenario,
        name,
        variant,
        Plan { seed, budget, replay: None, shard: options.shard, shrink: !options.unshrunk },
    ))
}

/// Runs the one schedule a token names, in this process.
pub fn replay_cell(registry: &[Scenario], token: &ReplayToken) -> Result<CellResult, String> {
    let scenario = crate::scenario::find(registry, &token.scenario)?;
    let (name, budget) = scenario.cell(&token.cell)?;
    let plan =
        Plan { seed: token.seed, budget: Some(budget), replay: Some(&token.schedule), shard: None, shrink: false };
    Ok(run(scenario, name, token.variant, plan))
}

fn with_override(budget: Budget, options: &RunOptions) -> Budget {
    Budget { schedules: options.budget.unwrap_or(budget.schedules), ..budget }
}

/// How one cell runs: what [`Job`] holds besides the scenario and variant, before the budget is
/// known to exist.
struct Plan<'a> {
    seed: u64,
    budget: Option<Budget>,
    replay: Option<&'a str>,
    shard: Option<Shard>,
    shrink: bool,
}

fn run(scenario: &Scenario, cell: CellName, variant: Variant, plan: Plan<'_>) -> CellResult {
    let Plan { seed, budget, replay, shard, shrink } = plan;
    let started = Instant::now();
    let scheduler = cell.scheduler;
    let explored = std::thread::scope(|scope| {
        let explore_here = move || match budget {
            None => Err(format!("scenario {} does not run under {scheduler}", scenario.id)),
            Some(_) if scenario.guard && variant == Variant::Buggy => {
                Err(format!("scenario {} is a guard: it has no buggy variant", scenario.id))
            }
            Some(budget) => env::problem(scheduler).map_or_else(
                || env::in_cell(|| explore(scheduler, &Job { scenario, variant, seed, budget, replay, shard, shrink })),
                Err,
            ),
        };
        let thread = std::thread::Builder::new().name("racetrack-cell".into()).stack_size(CELL_STACK);
        match thread.spawn_scoped(scope, explore_here) {
            Ok(handle) => handle.join().unwrap_or_else(|payload| {
                Err(format!("the cell's run broke outside any schedule: {}", panic_message(payload.as_ref())))
            }),
            Err(e) => Err(format!("could not start the cell's thread: {e}")),
        }
    });
    let expected = Verdict::expected_for(variant);
    let mut result = CellResult {
        scenario: scenario.id.to_owned(),
        scheduler: cell.to_string(),
        variant: variant.as_str().to_owned(),
        expected,
        verdict: Verdict::Error,
        ok: false,
        schedules: 0,
        exhaustive: false,
        elapsed_ms: started.elapsed().as_millis() as u64,
        failure: None,
        caught_by: None,
        replay: None,
        seed,
        bound: None,
        virtual_ms: None,
        trace: None,
        steps: None,
        budget: budget.map(|b| BudgetRecord::new(scheduler, &b)),
        shard: None,
        strategy: None,
        shrink: None,
    };
    let shard = shard.filter(|_| replay.is_none());
    match explored {
        Err(error) => result.failure = Some(error),
        Ok(mut x) => {
            if let (Some(shard), Some(budget)) = (shard, budget) {
                result.shard = Some(slice(scheduler, shard, budget.schedules, &mut x));
            }
            result.schedules = x.schedules;
            result.exhaustive = x.exhaustive;
            result.bound = x.bound;
            result.virtual_ms = x.virtual_ms;
            result.verdict = Verdict::Held;
            if x.failure.is_some() {
                (result.strategy, result.shrink) = (x.strategy, x.shrink);
            }
            if let Some(found) = x.failure {
                let token = ReplayToken {
                    scenario: scenario.id.to_owned(),
                    cell: cell.to_string(),
                    variant,
                    seed,
                    schedule: found.schedule,
                };
                result.caught_by = caught_by(&found.message);
                result.verdict = if result.caught_by.is_some() { Verdict::Detected } else { Verdict::Error };
                result.failure = Some(match result.caught_by {
                    Some(_) => found.message,
                    None => format!("not a detection: a panic outside every oracle: {}", found.message),
                });
                result.replay = Some(token.to_string());
                if let Some(trace) = found.trace {
                    result.trace = Some(trace.render());
                    result.steps = Some(trace.steps.iter().map(Into::into).collect());
                }
            }
        }
    }
    // A buggy variant only counts as detected when the documented bug is what was caught: a
    // liveness failure there means the mechanism broke, which hides whether the race is caught.
    result.ok =
        result.verdict == expected && !(variant == Variant::Buggy && result.caught_by == Some(CaughtBy::Liveness));
    result
}

/// Where a shard's run lies in the cell's global order, with `x.schedules` cut down to the
/// executions the shard owns (a walking engine also ran the ones before its slice).
fn slice(scheduler: SchedulerId, shard: Shard, budget: u64, x: &mut Exploration) -> ShardRun {
    let offset = shard.offset(budget);
    let ran = x.schedules;
    let (owned, walked) = if walks(scheduler) {
        let owned = ran.saturating_sub(offset);
        (owned, ran - owned)
    } else {
        (ran, 0)
    };
    x.schedules = owned;
    // The failing execution's place in the global order: a walker counted from the start.
    let position = if walks(scheduler) { ran } else { offset + ran };
    let detected_at = x.failure.as_ref().map(|_| position);
    ShardRun { index: shard.index, count: shard.count, first: offset + 1, last: offset + budget, walked, detected_at }
}

/// What a failing schedule's message says caught it: an oracle, or a deadlock the engine reports
/// (shuttle: every task blocked; loom: every thread blocked; tokio-paused and turmoil: the
/// workload outlived its virtual time). `None` for any other panic.
pub(crate) fn caught_by(message: &str) -> Option<CaughtBy> {
    // Engines may prefix the oracle's message (turmoil's "simulation failed (rng_seed n): ").
    if message.contains(crate::oracle::SAFETY) {
        Some(CaughtBy::Safety)
    } else if message.contains(crate::oracle::LIVENESS) {
        Some(CaughtBy::Liveness)
    } else if [shuttle::DEADLOCK, loom::DEADLOCK, tokio_paused::STALL, turmoil::STALL]
        .iter()
        .any(|d| message.contains(d))
    {
        Some(CaughtBy::Deadlock)
    } else {
        None
    }
}

/// Checks, with `scheduler`'s own parser, that `schedule` (a token's last field) is one it can
/// replay: so a bad token is refused before anything runs.
pub(crate) fn check_schedule(scheduler: SchedulerId, schedule: &str) -> Result<(), String> {
    match scheduler {
        SchedulerId::Loom => loom::decode_schedule(schedule).map(drop),
        SchedulerId::ShuttleRandom
        | SchedulerId::ShuttlePct
        | SchedulerId::ShuttleDfs
        | SchedulerId::ShuttleUrw
        | SchedulerId::Default => shuttle::decode_schedule(schedule).map(drop),
        SchedulerId::TokioPaused | SchedulerId::Turmoil => seeded::decode_schedule(schedule).map(drop),
        SchedulerId::Stress => Err("stress is not a gate scheduler: it has no replay tokens".to_owned()),
    }
}

fn explore(scheduler: SchedulerId, job: &Job<'_>) -> Result<Exploration, String> {
    match scheduler {
        SchedulerId::Loom => loom::explore(job),
        SchedulerId::Default => portfolio::explore(job),
        SchedulerId::ShuttleRandom | SchedulerId::ShuttlePct | SchedulerId::ShuttleDfs | SchedulerId::ShuttleUrw => {
            shuttle::explore(scheduler, job)
        }
        SchedulerId::TokioPaused => tokio_paused::explore(job),
        SchedulerId::Turmoil => turmoil::explore(job),
        SchedulerId::Stress => Err("stress is not a gate scheduler: use `racetrack stress`".to_owned()),
    }
}

/// The part every "run the body once per schedule" engine shares: count executions, keep only
/// the current execution's trace, run the body on the engine's primitives, and turn the
/// engine's panic into the first failing schedule.
pub(crate) struct Executions {
    count: Arc<AtomicU64>,
    /// `None`: the executions run unrecorded.
    recorder: Option<Recorder>,
}

impl Executions {
    /// Executions whose failing one comes back with its trace.
    pub fn new(scenario: &Scenario) -> Self {
        Executions { count: Arc::default(), recorder: Some(Recorder::new(scenario.trace_targets())) }
    }

    /// Executions that record nothing, for a search whose failing schedule is replayed, recorded,
    /// before it is reported (shuttle's): a recorded event costs about as much as a scheduling
    /// step of a small body, and only a failing execution's trace is ever read.
    pub fn unrecorded() -> Self {
        Executions { count: Arc::default(), recorder: None }
    }

    /// The closure an engine runs once per schedule: `body` is a [`ThreadsBody`], or whatever
    /// adapts another kind of workload to one execution (an async body under an executor).
    pub fn body(
        &self,
        engine: Engine,
        body: impl Fn(Variant) + Send + Sync + 'static,
        variant: Variant,
    ) -> impl Fn() + Send + Sync + 'static {
        let (count, recorder) = (Arc::clone(&self.count), self.recorder.clone());
        move || {
            count.fetch_add(1, Ordering::SeqCst);
            if let Some(recorder) = &recorder {
                recorder.clear();
            }
            engine.enter(|| body(variant));
        }
    }

    /// The recorder (`None`: unrecorded), for threads an engine starts on its own (see
    /// [`trace::install`]).
    pub fn recorder(&self) -> Option<&Recorder> {
        self.recorder.as_ref()
    }

    /// Runs `explore` (the engine's whole search) with traces captured; on a failing schedule,
    /// returns its message and trace, with `schedule` computing the token's schedule field.
    pub fn run(&self, explore: impl FnOnce(), schedule: impl FnOnce(u64) -> String) -> (u64, Option<Found>) {
        let explore = || panic::catch_unwind(AssertUnwindSafe(explore));
        let outcome = match &self.recorder {
            Some(recorder) => trace::capture(recorder, explore),
            None => explore(),
        };
        let schedules = self.count.load(Ordering::SeqCst);
        let failure = outcome.err().map(|payload| Found {
            message: panic_message(payload.as_ref()),
            schedule: schedule(schedules),
            trace: self.recorder.as_ref().map(Recorder::trace),
        });
        (schedules, failure)
    }
}

/// The text of a panic payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-string payload".to_owned()
    }
}

/// The body a thread-based engine runs, or why there is none.
pub(crate) fn threads_body(job: &Job<'_>, scheduler: SchedulerId) -> Result<ThreadsBody, String> {
    job.scenario.threads.ok_or_else(|| format!("scenario {} has no thread workload for {scheduler}", job.scenario.id))
}

#[cfg(test)]
mod tests;
