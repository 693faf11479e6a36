//! shuttle: random, PCT, DFS and uniform-random-walk schedulers over the same body.
//!
//! A scenario with a thread workload runs that; one with only an async workload runs it on
//! shuttle's futures executor (`shuttle::future::block_on`), whose tasks the same schedulers
//! interleave at every await that suspends.
//!
//! The token's schedule field is shuttle's own encoded schedule (what shuttle prints as "failing
//! schedule"), so a replay runs exactly that one schedule through `ReplayScheduler`.

use super::{Executions, Exploration, Job};
use crate::scheduler::SchedulerId;
use ::shuttle::scheduler::{
    DfsScheduler, PctScheduler, RandomScheduler, ReplayScheduler, Scheduler, UrwRandomScheduler,
};
use ::shuttle::{Config, FailurePersistence, Runner};
use racetrack_sync::Engine;
use shuttle_engine::runtime::execution::CurrentSchedule;
use shuttle_engine::scheduler::serialization::{deserialize_schedule, serialize_schedule};

pub(crate) fn explore(scheduler: SchedulerId, job: &Job<'_>) -> Result<Exploration, String> {
    let body: Box<dyn Fn(racetrack_sync::Variant) + Send + Sync> = match (job.scenario.threads, job.scenario.tasks) {
        (Some(threads), _) => Box::new(threads),
        (None, Some(tasks)) => Box::new(move |variant| ::shuttle::future::block_on(tasks(variant))),
        (None, None) => {
            return Err(format!("scenario {} has no thread or async workload for {scheduler}", job.scenario.id))
        }
    };
    let n = job.budget.schedules as usize;
    let (strategy, bound): (Box<dyn Scheduler + Send>, Option<String>) = match (job.replay, scheduler) {
        (Some(encoded), _) => {
            deserialize_schedule(encoded).ok_or_else(|| format!("'{encoded}' is not a shuttle schedule"))?;
            (Box::new(ReplayScheduler::new_from_encoded(encoded)), None)
        }
        (None, SchedulerId::ShuttleRandom) => (Box::new(RandomScheduler::new_from_seed(job.seed, n)), None),
        (None, SchedulerId::ShuttlePct) => (
            Box::new(PctScheduler::new_from_seed(job.seed, job.budget.pct_depth, n)),
            Some(format!("pct depth {}", job.budget.pct_depth)),
        ),
        (None, SchedulerId::ShuttleDfs) => (Box::new(DfsScheduler::new(Some(n), false)), None),
        (None, SchedulerId::ShuttleUrw) => (Box::new(UrwRandomScheduler::new_from_seed(job.seed, n)), None),
        (None, other) => return Err(format!("{other} is not a shuttle scheduler")),
    };

    let mut config = Config::new();
    config.failure_persistence = FailurePersistence::None; // the token carries the schedule
    let executions = Executions::new(job.scenario);
    let f = executions.body(Engine::Shuttle, body, job.variant);
    let runner = Runner::new(strategy, config);
    // shuttle installs a process-wide panic hook on its first run; put the previous one back so
    // that a later panic elsewhere in this process (a loom failure, a test assertion) is not
    // reported as a shuttle task's.
    let previous_hook = std::panic::take_hook();
    let (schedules, failure) = executions.run(
        || {
            runner.run(f);
        },
        // shuttle keeps the current execution's schedule until the next one starts.
        |_| serialize_schedule(&CurrentSchedule::get_schedule()).replace('\n', ""),
    );
    std::panic::set_hook(previous_hook);
    Ok(Exploration {
        schedules,
        exhaustive: scheduler == SchedulerId::ShuttleDfs
            && job.replay.is_none()
            && failure.is_none()
            && schedules < n as u64,
        bound,
        virtual_ms: None,
        failure,
    })
}
