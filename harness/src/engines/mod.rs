//! The backends: one file per engine, all behind [`run_cell`].
//!
//! A backend explores executions of a scenario's body and returns an [`Exploration`]: how many
//! schedules it ran, whether that was the whole space, and the first failing schedule with what
//! replays it. Everything else a cell reports (verdict, token, timing) is assembled here once.

mod loom;
mod seeded;
mod shuttle;
mod tokio_paused;
mod turmoil;

use crate::outcome::{CellResult, Verdict};
use crate::scenario::{Scenario, ThreadsBody};
use crate::scheduler::{Budget, SchedulerId};
use crate::token::ReplayToken;
use crate::trace::{self, Recorder, Trace};
use racetrack_sync::Engine;
use racetrack_sync::Variant;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// The seed a run uses unless `--seed` says otherwise.
pub const DEFAULT_SEED: u64 = 1;

/// How to run one cell.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct RunOptions {
    /// Seed for seeded schedulers (`None`: [`DEFAULT_SEED`]).
    pub seed: Option<u64>,
    /// Overrides the scenario's schedule budget.
    pub budget: Option<u64>,
}

impl RunOptions {
    /// Options with a seed and a budget override.
    pub fn new(seed: Option<u64>, budget: Option<u64>) -> Self {
        RunOptions { seed, budget }
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
}

/// The first failing schedule.
#[derive(Debug)]
pub(crate) struct Found {
    pub message: String,
    /// The token's schedule field: what the backend needs to run exactly this schedule again.
    pub schedule: String,
    pub trace: Trace,
}

/// What a backend is asked to do: explore under a budget, or run one recorded schedule.
pub(crate) struct Job<'a> {
    pub scenario: &'a Scenario,
    pub variant: Variant,
    pub seed: u64,
    pub budget: Budget,
    pub replay: Option<&'a str>,
}

/// Runs one cell in this process.
pub fn run_cell(scenario: &Scenario, scheduler: SchedulerId, variant: Variant, options: &RunOptions) -> CellResult {
    let budget = scenario.budget(scheduler).map(|b| Budget { schedules: options.budget.unwrap_or(b.schedules), ..b });
    let seed = options.seed.unwrap_or(DEFAULT_SEED);
    run(scenario, scheduler, variant, seed, budget, None)
}

/// Runs the one schedule a token names, in this process.
pub fn replay_cell(registry: &[Scenario], token: &ReplayToken) -> Result<CellResult, String> {
    let scenario = crate::scenario::find(registry, &token.scenario)?;
    let budget = scenario.budget(token.scheduler);
    Ok(run(scenario, token.scheduler, token.variant, token.seed, budget, Some(&token.schedule)))
}

fn run(
    scenario: &Scenario,
    scheduler: SchedulerId,
    variant: Variant,
    seed: u64,
    budget: Option<Budget>,
    replay: Option<&str>,
) -> CellResult {
    let started = Instant::now();
    let explored = match budget {
        None => Err(format!("scenario {} does not run under {scheduler}", scenario.id)),
        Some(budget) => explore(scheduler, &Job { scenario, variant, seed, budget, replay }),
    };
    let elapsed_ms = started.elapsed().as_millis() as u64;
    let expected = Verdict::expected_for(variant);
    let mut result = CellResult {
        scenario: scenario.id.to_owned(),
        scheduler: scheduler.as_str().to_owned(),
        variant: variant.as_str().to_owned(),
        expected,
        verdict: Verdict::Error,
        ok: false,
        schedules: 0,
        exhaustive: false,
        elapsed_ms,
        failure: None,
        replay: None,
        seed,
        bound: None,
        virtual_ms: None,
        trace: None,
    };
    match explored {
        Err(error) => result.failure = Some(error),
        Ok(x) => {
            result.verdict = if x.failure.is_some() { Verdict::Detected } else { Verdict::Held };
            result.schedules = x.schedules;
            result.exhaustive = x.exhaustive;
            result.bound = x.bound;
            result.virtual_ms = x.virtual_ms;
            if let Some(found) = x.failure {
                let token = ReplayToken {
                    scenario: scenario.id.to_owned(),
                    scheduler,
                    variant,
                    seed,
                    schedule: found.schedule,
                };
                result.failure = Some(found.message);
                result.replay = Some(token.to_string());
                result.trace = Some(found.trace.render());
            }
        }
    }
    // A buggy variant only counts as detected when the documented bug is what was caught: a
    // liveness failure there means the mechanism broke, which hides whether the race is caught.
    // (Engines may prefix the oracle's message, e.g. turmoil's "simulation failed (rng_seed n): ".)
    let caught_by_liveness = result
        .failure
        .as_deref()
        .is_some_and(|f| f.contains(crate::oracle::LIVENESS) && !f.contains(crate::oracle::SAFETY));
    result.ok = result.verdict == expected && !(variant == Variant::Buggy && caught_by_liveness);
    result
}

fn explore(scheduler: SchedulerId, job: &Job<'_>) -> Result<Exploration, String> {
    match scheduler {
        SchedulerId::Loom => loom::explore(job),
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
    recorder: Recorder,
}

impl Executions {
    pub fn new(scenario: &Scenario) -> Self {
        Executions { count: Arc::default(), recorder: Recorder::for_scenario(scenario.id) }
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
            recorder.clear();
            engine.enter(|| body(variant));
        }
    }

    /// The recorder, for threads an engine starts on its own (see [`trace::install`]).
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    /// Runs `explore` (the engine's whole search) with traces captured; on a failing schedule,
    /// returns its message and trace, with `schedule` computing the token's schedule field.
    pub fn run(&self, explore: impl FnOnce(), schedule: impl FnOnce(u64) -> String) -> (u64, Option<Found>) {
        let outcome = trace::capture(&self.recorder, || panic::catch_unwind(AssertUnwindSafe(explore)));
        let schedules = self.count.load(Ordering::SeqCst);
        let failure = outcome.err().map(|payload| Found {
            message: panic_message(payload.as_ref()),
            schedule: schedule(schedules),
            trace: self.recorder.trace(),
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
