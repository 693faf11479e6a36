//! What racetrack costs on top of the engines: schedules per second of `run_cell` against the
//! raw engine on the same body, fixed variant (every schedule runs to the end), tracing on as in
//! a real run (racetrack records the body's `tracing` events; the raw engine has no subscriber).
//!
//! - shuttle: `run_cell` under `shuttle-pct` (depth 3, seed 1) against
//!   `shuttle::Runner::new(PctScheduler::new_from_seed(1, 3, n), Config::new())`.
//! - loom: `run_cell` under `loom` (preemption bound 2) against `loom::model::Builder::check`
//!   with the same bound and execution limit (the builder `loom::model` runs; `loom::model` adds
//!   a `tracing` subscriber filtered by `LOOM_LOG`, which records nothing by default).
//!
//! The machine is shared, so the two sides of a pair run back to back, in alternating order, a
//! number of times; each pair gives a ratio, and the report gives the median ratio and the spread
//! (lowest and highest) of the ratios. A timed run lasts long enough to be timed: a first raw run
//! of [`SCHEDULES`] (also the warm-up) sets how many schedules each run of the pairs takes, about
//! [`TIMED`] of the raw engine's time, between [`SCHEDULES`] and [`MAX_SCHEDULES`].

use racetrack::sync::{Engine, Variant};
use racetrack::{run_cell, Budget, RunOptions, Scenario, SchedulerId, ThreadsBody};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Schedules of the calibrating run, and the fewest of a timed run.
pub const SCHEDULES: u64 = 400;
/// The most schedules of a timed run.
pub const MAX_SCHEDULES: u64 = 50_000;
/// The most explorations of an exhaustively explored body in a timed run.
pub const MAX_ROUNDS: u64 = 1_000;
/// About how long a timed run of the raw engine takes.
pub const TIMED: Duration = Duration::from_millis(100);

const SHUTTLE_CELL: &[(SchedulerId, Budget)] = &[(SchedulerId::ShuttlePct, Budget::schedules(SCHEDULES))];
const LOOM_CELL: &[(SchedulerId, Budget)] = &[(SchedulerId::Loom, Budget::schedules(SCHEDULES).preemptions(2))];

/// One body against one engine.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// The body's scenario id.
    pub body: String,
    /// `shuttle` or `loom`.
    pub engine: &'static str,
    /// Schedules per timed run (both sides run the same ones), over all its rounds.
    pub schedules: u64,
    /// Median schedules per second through `run_cell`.
    pub racetrack_per_sec: f64,
    /// Median schedules per second on the raw engine.
    pub raw_per_sec: f64,
    /// `run_cell`'s throughput over the raw engine's, per pair: median, lowest, highest.
    pub ratio: (f64, f64, f64),
}

/// Compares `run_cell` with the raw engines on `scenario`'s thread body, `repeats` pairs each.
pub fn compare(scenario: &Scenario, loom: bool, repeats: usize) -> Result<Vec<Comparison>, String> {
    let mut out = vec![pairs(scenario, "shuttle", repeats)?];
    if loom {
        out.push(pairs(scenario, "loom", repeats)?);
    }
    Ok(out)
}

type Raw = fn(ThreadsBody, u64) -> u64;

/// How a timed run goes: `rounds` explorations of `schedules` each, about [`TIMED`] of `raw` in
/// all, from one run of [`SCHEDULES`]. A body the engine explores exhaustively in fewer schedules
/// (loom on a small body) is explored again, round after round, instead.
#[derive(Clone, Copy, Debug)]
struct Timing {
    schedules: u64,
    rounds: u64,
}

fn calibrate(scenario: &Scenario, engine: &str) -> Result<Timing, String> {
    let started = Instant::now();
    let ran = run_side(scenario, engine, Side::Raw, SCHEDULES, 1)?.max(1);
    let took = started.elapsed().as_secs_f64().max(1e-9);
    Ok(if ran < SCHEDULES {
        Timing { schedules: SCHEDULES, rounds: ((TIMED.as_secs_f64() / took) as u64).clamp(1, MAX_ROUNDS) }
    } else {
        let schedules = (TIMED.as_secs_f64() / (took / ran as f64)) as u64;
        Timing { schedules: schedules.clamp(SCHEDULES, MAX_SCHEDULES), rounds: 1 }
    })
}

/// Which side of a comparison runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Side {
    /// `run_cell`.
    Racetrack,
    /// The engine on its own.
    Raw,
}

/// Runs one side of a comparison on `scenario`'s thread body: `rounds` explorations of
/// `schedules` each under `engine` (`shuttle` or `loom`); the schedules run in all. What the timed
/// pairs run, and what `--example overhead -- --side …` runs once, to count its instructions.
pub fn run_side(scenario: &Scenario, engine: &str, side: Side, schedules: u64, rounds: u64) -> Result<u64, String> {
    let body = scenario.threads.ok_or_else(|| format!("{} has no thread workload", scenario.id))?;
    let (cells, scheduler, raw): (_, _, Raw) = match engine {
        "loom" => (LOOM_CELL, SchedulerId::Loom, raw_loom),
        "shuttle" => (SHUTTLE_CELL, SchedulerId::ShuttlePct, raw_shuttle),
        other => return Err(format!("engine '{other}' is not shuttle or loom")),
    };
    let cell = scenario.schedulers(cells);
    let mut ran = 0;
    for _ in 0..rounds {
        ran += match side {
            Side::Raw => raw(body, schedules),
            Side::Racetrack => {
                let r = run_cell(&cell, scheduler, Variant::Fixed, &RunOptions::new(Some(1), Some(schedules)));
                if !r.ok {
                    return Err(format!("{} under {engine}: {}", scenario.id, racetrack::testing::describe(&r)));
                }
                r.schedules
            }
        };
    }
    Ok(ran)
}

fn pairs(scenario: &Scenario, engine: &'static str, repeats: usize) -> Result<Comparison, String> {
    let Timing { schedules, rounds } = calibrate(scenario, engine)?;
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    let mut ratios = Vec::new();
    let mut timed = 0;
    for i in 0..repeats {
        let timed_side = |side| -> Result<(u64, Duration), String> {
            let started = Instant::now();
            let ran = run_side(scenario, engine, side, schedules, rounds)?;
            Ok((ran, started.elapsed()))
        };
        let ((n_ours, t_ours), (n_raw, t_raw)) = if i % 2 == 0 {
            let a = timed_side(Side::Racetrack)?;
            (a, timed_side(Side::Raw)?)
        } else {
            let b = timed_side(Side::Raw)?;
            (timed_side(Side::Racetrack)?, b)
        };
        if n_ours != n_raw {
            return Err(format!(
                "{} under {engine}: racetrack ran {n_ours} schedules, the raw engine {n_raw}",
                scenario.id
            ));
        }
        timed = n_ours;
        let (a, b) = (n_ours as f64 / t_ours.as_secs_f64(), n_raw as f64 / t_raw.as_secs_f64());
        ours.push(a);
        theirs.push(b);
        ratios.push(a / b);
    }
    let mut sorted = ratios.clone();
    sorted.sort_by(f64::total_cmp);
    Ok(Comparison {
        body: scenario.id.to_owned(),
        engine,
        schedules: timed,
        racetrack_per_sec: median(ours),
        raw_per_sec: median(theirs),
        ratio: (median(ratios), sorted[0], sorted[sorted.len() - 1]),
    })
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// The body on shuttle's own runner, no racetrack around it; returns the executions it ran.
fn raw_shuttle(body: ThreadsBody, schedules: u64) -> u64 {
    let count = Arc::new(AtomicU64::new(0));
    let counted = Arc::clone(&count);
    let scheduler = shuttle::scheduler::PctScheduler::new_from_seed(1, 3, schedules as usize);
    let mut config = shuttle::Config::new();
    config.failure_persistence = shuttle::FailurePersistence::None;
    shuttle::Runner::new(scheduler, config).run(move || {
        counted.fetch_add(1, Ordering::Relaxed);
        Engine::Shuttle.enter(|| body(Variant::Fixed));
    });
    count.load(Ordering::Relaxed)
}

/// The body on loom's own builder, no racetrack around it; returns the executions it ran.
fn raw_loom(body: ThreadsBody, schedules: u64) -> u64 {
    let count = Arc::new(AtomicU64::new(0));
    let counted = Arc::clone(&count);
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(2);
    // loom checks its limit at checkpoints only: one every execution runs exactly `schedules`.
    builder.checkpoint_interval = 1;
    builder.max_permutations = Some(schedules as usize + 1);
    builder.check(move || {
        counted.fetch_add(1, Ordering::Relaxed);
        Engine::Loom.enter(|| body(Variant::Fixed));
    });
    count.load(Ordering::Relaxed)
}
