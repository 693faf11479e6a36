//! shuttle: random, PCT, DFS and uniform-random-walk schedulers over the same body.
//!
//! A scenario with a thread workload runs that; one with only an async workload runs it on
//! shuttle's futures executor (`shuttle::future::block_on`), whose tasks the same schedulers
//! interleave at every await that suspends.
//!
//! The token's schedule field is shuttle's own encoded schedule (what shuttle prints as "failing
//! schedule"), so a replay runs exactly that one schedule through `ReplayScheduler`. A failing
//! schedule is shrunk (`shrink.rs`) before it is reported, and what is reported is the replay of
//! the shrunk schedule: the very bytes `racetrack replay` prints for its token.

use super::{shrink, Executions, Exploration, Found, Job};
use crate::scheduler::SchedulerId;
use ::shuttle::scheduler::{
    DfsScheduler, PctScheduler, RandomScheduler, ReplayScheduler, Scheduler, UrwRandomScheduler,
};
use ::shuttle::{Config, FailurePersistence, MaxSteps, Runner};
use racetrack_sync::{Engine, Variant};
use shuttle_engine::runtime::execution::CurrentSchedule;
use shuttle_engine::runtime::task::{Task, TaskId};
use shuttle_engine::scheduler::serialization::{deserialize_schedule, serialize_schedule};
use shuttle_engine::scheduler::Schedule;
use shuttle_engine::UngracefulShutdownConfig;
use std::mem::ManuallyDrop;
use std::sync::Arc;

/// How shuttle reports that every task is blocked.
pub(crate) const DEADLOCK: &str = "deadlock! blocked tasks";
/// shuttle's step bound (its default); past it is an engine limit, an `error` verdict.
const MAX_STEPS: usize = 1_000_000;
/// shuttle's coroutine stack size (its default).
const STACK_SIZE: usize = 0xf000;

/// A scenario's workload as shuttle runs it: one call per execution.
pub(crate) type Body = Arc<dyn Fn(Variant) + Send + Sync>;

pub(crate) fn explore(scheduler: SchedulerId, job: &Job<'_>) -> Result<Exploration, String> {
    let body = body(job, scheduler)?;
    if let Some(encoded) = job.replay {
        let (schedules, failure) = replay(job, &body, encoded)?;
        return Ok(Exploration { schedules, failure, ..Exploration::default() });
    }
    let n = job.budget.schedules as usize;
    // A shard of a seeded strategy runs its own stream; DFS walks the executions before its slice.
    let (seed, walk) = (job.seed.wrapping_add(job.offset()), job.offset() as usize);
    let (strategy, bound): (Box<dyn Scheduler + Send>, Option<String>) = match scheduler {
        SchedulerId::ShuttleRandom => (Box::new(RandomScheduler::new_from_seed(seed, n)), None),
        SchedulerId::ShuttlePct => (
            Box::new(PctScheduler::new_from_seed(seed, job.budget.pct_depth, n)),
            Some(format!("pct depth {}", job.budget.pct_depth)),
        ),
        SchedulerId::ShuttleDfs => (Box::new(DfsScheduler::new(Some(walk + n), false)), None),
        SchedulerId::ShuttleUrw => (Box::new(UrwRandomScheduler::new_from_seed(seed, n)), None),
        other => return Err(format!("{other} is not a shuttle scheduler")),
    };
    let mut explored = search(job, &body, strategy);
    explored.exhaustive =
        scheduler == SchedulerId::ShuttleDfs && explored.failure.is_none() && explored.schedules < (walk + n) as u64;
    explored.bound = bound;
    Ok(explored)
}

/// The job's workload for shuttle: its threads, or its tasks on shuttle's executor.
pub(crate) fn body(job: &Job<'_>, scheduler: SchedulerId) -> Result<Body, String> {
    match (job.scenario.threads, job.scenario.tasks) {
        (Some(threads), _) => Ok(Arc::new(threads)),
        (None, Some(tasks)) => Ok(Arc::new(move |variant| ::shuttle::future::block_on(tasks(variant)))),
        (None, None) => Err(format!("scenario {} has no thread or async workload for {scheduler}", job.scenario.id)),
    }
}

/// Explores with `strategy` until its budget ends or a schedule fails; a failing schedule comes
/// back shrunk, with the trace of its replay.
pub(crate) fn search(job: &Job<'_>, body: &Body, strategy: Box<dyn Scheduler + Send>) -> Exploration {
    let executions = Executions::unrecorded();
    let (schedules, failure) = run_under(&executions, body, job.variant, Quiet(ManuallyDrop::new(strategy)), config());
    let (failure, shrink) = match failure {
        None => (None, None),
        Some(found) if !job.shrink => (Some(found), None),
        Some(found) => {
            let (found, shrunk) = shrink::shuttle(job, body, found);
            (Some(found), shrunk)
        }
    };
    let failure = failure.map(|found| found.with_trace(|schedule| replay(job, body, schedule).ok()?.1));
    Exploration { schedules, failure, shrink, ..Exploration::default() }
}

/// Runs `body` under `strategy` until the strategy stops or an execution fails.
pub(crate) fn run_under(
    executions: &Executions,
    body: &Body,
    variant: Variant,
    strategy: impl Scheduler + 'static,
    config: Config,
) -> (u64, Option<Found>) {
    let body = Arc::clone(body);
    let f = executions.body(Engine::Shuttle, move |variant| body(variant), variant);
    let runner = Runner::new(strategy, config);
    // shuttle keeps the current execution's schedule until the next one starts.
    let outcome = executions.run(
        || {
            runner.run(f);
        },
        |_| encoded(&CurrentSchedule::get_schedule()),
    );
    // shuttle installs a process-wide panic hook on its first run, which would label every later
    // panic in this process (a loom failure, a test assertion) as a shuttle task's: put
    // racetrack's back.
    super::env::install_quiet_hook();
    outcome
}

/// Runs exactly the schedule `encoded`, as `racetrack replay` does.
pub(crate) fn replay(job: &Job<'_>, body: &Body, encoded: &str) -> Result<(u64, Option<Found>), String> {
    let schedule = decode_schedule(encoded)?;
    let executions = Executions::new(job.scenario);
    Ok(run_under(&executions, body, job.variant, ReplayScheduler::new_from_schedule(schedule), config()))
}

/// A schedule as a token carries it: shuttle's encoding, on one line.
pub(crate) fn encoded(schedule: &Schedule) -> String {
    serialize_schedule(schedule).replace('\n', "")
}

/// Every field set explicitly, so a cell does not depend on shuttle's defaults of the day.
pub(crate) fn config() -> Config {
    let mut config = Config::new();
    config.stack_size = STACK_SIZE;
    config.failure_persistence = FailurePersistence::None; // the token carries the schedule
    config.max_steps = MaxSteps::FailAfter(MAX_STEPS);
    config.max_time = None;
    config.silence_warnings = true;
    config.record_steps_in_span = false;
    config.ungraceful_shutdown_config = UngracefulShutdownConfig::default();
    config
}

/// Decodes a token's schedule field: shuttle's own encoding, the hex of a magic byte, three
/// varints (task-id width, step count, seed) and the steps packed as bits. The one parser, both
/// for checking a token before anything runs and for replaying it. shuttle's decoder trusts its
/// input (it reserves the step count it reads, which can abort the process, and indexes past the
/// end of a short payload), so the encoding is checked against its own length first.
pub(crate) fn decode_schedule(encoded: &str) -> Result<Schedule, String> {
    let bad = |why: &str| {
        format!("shuttle schedule '{encoded}' {why}: it must be the hex string a shuttle detection's token ends with")
    };
    let bytes: Option<Vec<u8>> = (encoded.len() % 2 == 0)
        .then(|| {
            encoded
                .as_bytes()
                .chunks(2)
                .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
                .collect()
        })
        .flatten();
    let bytes = bytes.ok_or_else(|| bad("is not a string of hex digit pairs"))?;
    let (&magic, mut rest) = bytes.split_first().ok_or_else(|| bad("is empty"))?;
    if magic != SCHEDULE_MAGIC {
        return Err(bad(&format!("does not start with shuttle's format byte {SCHEDULE_MAGIC:02x}")));
    }
    let mut varint = || read_varint(&mut rest).ok_or_else(|| bad("ends inside its header"));
    let (width, steps, _seed) = (varint()?, varint()?, varint()?);
    if !(1..=usize::BITS as u64).contains(&width) {
        return Err(bad(&format!("names task ids of {width} bits")));
    }
    // Walk the packed steps: a set bit is a random value, a clear one is followed by a task id.
    let bits = rest.len() as u64 * 8;
    let (mut offset, mut step) = (0u64, 0u64);
    while step < steps && offset < bits {
        let random = (rest[(offset / 8) as usize] >> (offset % 8)) & 1 == 1;
        offset += if random { 1 } else { 1 + width };
        step += 1;
    }
    if step < steps || offset > bits {
        return Err(bad(&format!("says {steps} steps but holds {step}")));
    }
    deserialize_schedule(encoded).ok_or_else(|| bad("is not one shuttle can decode"))
}

/// shuttle's format byte (its `SCHEDULE_MAGIC_V2`).
const SCHEDULE_MAGIC: u8 = 0x91;

/// Reads one of shuttle's varints (seven bits a byte, least significant first) off the front.
fn read_varint(bytes: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = bytes.split_first()?;
        *bytes = rest;
        value |= u64::from(byte & 0x7f).checked_shl(shift)?;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

/// A scheduler that is never dropped: shuttle's random scheduler prints, when dropped after a
/// failure, how to replay it with `SHUTTLE_RANDOM_SEED`, which contradicts the token (a cell's
/// schedule replays through the token alone). One scheduler's state per cell is all it leaks.
pub(crate) struct Quiet(pub ManuallyDrop<Box<dyn Scheduler + Send>>);

impl Scheduler for Quiet {
    fn new_execution(&mut self) -> Option<Schedule> {
        self.0.new_execution()
    }

    fn next_task(&mut self, runnable: &[&Task], current: Option<TaskId>, is_yielding: bool) -> Option<TaskId> {
        self.0.next_task(runnable, current, is_yielding)
    }

    fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }
}
