//! loom: exhaustive DPOR exploration, optionally preemption-bounded.
//!
//! loom explores in a deterministic order, so the n-th execution of the same model under the same
//! bound is always the same schedule: the token's schedule field is `pb<bound>-i<n>` (`pbx` when
//! unbounded), and replaying explores again up to execution n. A detection is re-explored under
//! every smaller bound (`shrink.rs`) and reported from the smallest that still finds it. Exploring
//! records nothing; the reported detection's trace is its token's replay, recorded.

use super::{shrink, threads_body, Executions, Exploration, Found, Job};
use crate::scenario::ThreadsBody;
use crate::scheduler::SchedulerId;
use racetrack_sync::Engine;

/// How loom reports that every thread is blocked.
pub(crate) const DEADLOCK: &str = "deadlock; threads =";
/// loom's limit on thread switches per execution (its default); past it is an engine limit, an
/// `error` verdict, never a detection.
const MAX_BRANCHES: usize = 1_000;

pub(crate) fn explore(job: &Job<'_>) -> Result<Exploration, String> {
    let body = threads_body(job, SchedulerId::Loom)?;
    let (bound, limit) = match job.replay {
        // A shard walks the executions before its slice: loom's order has no other way in.
        None => (job.budget.preemption_bound, job.offset() + job.budget.schedules),
        Some(schedule) => decode_schedule(schedule)?,
    };
    // A replay is recorded; a search is not (its detection is replayed, recorded, below).
    let recorded = job.replay.is_some();
    let (schedules, mut failure) = explore_bound(job, body, bound, limit, recorded);
    if let (Some(_), Some(found)) = (job.replay, &failure) {
        if schedules != limit {
            return Err(format!("replay failed at execution {schedules}, not {limit}: {}", found.message));
        }
    }
    // A detection is reported as found under the smallest bound that still finds it.
    let shrink = match (job.replay, failure.take()) {
        (None, Some(found)) if job.shrink => {
            let (smaller, shrunk) =
                shrink::smallest_bound(bound, &found, |b| explore_bound(job, body, Some(b), limit, false));
            failure = Some(smaller.map_or(found, |(_, found)| found));
            shrunk
        }
        (_, found) => {
            failure = found;
            None
        }
    };
    let failure = failure.map(|found| {
        found.with_trace(|schedule| {
            let (bound, n) = decode_schedule(schedule).ok()?;
            let (ran, replayed) = explore_bound(job, body, bound, n, true);
            replayed.filter(|_| ran == n)
        })
    });
    Ok(Exploration {
        schedules,
        exhaustive: failure.is_none() && schedules < limit,
        bound: Some(match bound {
            Some(b) => format!("preemption bound {b}"),
            None => "unbounded".to_owned(),
        }),
        virtual_ms: None,
        failure,
        strategy: None,
        shrink,
    })
}

/// Explores executions 1..=`limit` under `bound`, recording each one's trace if `recorded`; the
/// token's schedule field names both.
fn explore_bound(
    job: &Job<'_>,
    body: ThreadsBody,
    bound: Option<usize>,
    limit: u64,
    recorded: bool,
) -> (u64, Option<Found>) {
    // Every field set explicitly: loom's defaults read LOOM_* environment variables, and a cell
    // must not change verdict with the caller's environment.
    let mut builder = ::loom::model::Builder::new();
    builder.max_threads = ::loom::MAX_THREADS;
    builder.max_branches = MAX_BRANCHES;
    builder.expect_explicit_explore = false;
    builder.preemption_bound = bound;
    // loom checks max_permutations only at checkpoints, and before running execution i: with a
    // checkpoint every execution and a limit of n + 1 it runs exactly executions 1..=n.
    builder.max_permutations = Some(limit as usize + 1);
    builder.checkpoint_interval = 1;
    builder.checkpoint_file = None;
    builder.max_duration = None;
    builder.log = false;
    builder.location = false;

    let executions = if recorded { Executions::new(job.scenario) } else { Executions::unrecorded() };
    let f = executions.body(Engine::Loom, body, job.variant);
    executions.run(|| builder.check(f), |n| format!("{}-i{n}", format_bound(bound)))
}

fn format_bound(bound: Option<usize>) -> String {
    bound.map_or("pbx".to_owned(), |b| format!("pb{b}"))
}

/// Decodes a token's schedule field, `pb<bound>-i<execution>` (`pbx-i<execution>` unbounded):
/// the bound to explore under and the execution to stop at. The one parser, both for checking a
/// token before anything runs and for replaying it.
pub(crate) fn decode_schedule(schedule: &str) -> Result<(Option<usize>, u64), String> {
    let bad = || {
        format!(
            "loom schedule '{schedule}' is not of the form pb<bound>-i<execution> (or pbx-i<execution>), \
             execution counting from 1"
        )
    };
    let (bound, n) = schedule.split_once("-i").ok_or_else(bad)?;
    let bound = match bound.strip_prefix("pb").ok_or_else(bad)? {
        "x" => None,
        b => Some(b.parse().map_err(|_| bad())?),
    };
    match n.parse() {
        Ok(n) if n >= 1 => Ok((bound, n)),
        _ => Err(bad()),
    }
}
