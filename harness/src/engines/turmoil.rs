//! turmoil: the network body over turmoil's simulated TCP, one simulation per seed.
//!
//! Execution `i` builds a `Sim` with the explicit `rng_seed(seed + i)` (turmoil is only
//! reproducible with one) and `simulation_duration(Budget::virtual_time)`, sets the task
//! facade's jitter to the same seed, and hands the sim to the body, which registers hosts and
//! clients, runs it and checks the outcome. An `Err` (a host or client failed, or the run did
//! not complete within its virtual time: turmoil's "Ran for duration …") or a panic is a
//! detected failure. The token's schedule field is `s<rng_seed>`; replay runs that one seed.

use super::{seeded_executions, Executions, Exploration, Job};
use models::sync::{task, Engine};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub(crate) fn explore(job: &Job<'_>) -> Result<Exploration, String> {
    let network = job
        .scenario
        .network
        .ok_or_else(|| format!("scenario {} has no simulated-network workload", job.scenario.id))?;
    let seeds = seeded_executions(job)?;
    let executions = Executions::new(job.scenario);
    let current = Arc::new(AtomicU64::new(0));
    let virtual_ns = Arc::new(AtomicU64::new(0));
    let limit = job.budget.virtual_time;
    let f = {
        let (current, virtual_ns) = (Arc::clone(&current), Arc::clone(&virtual_ns));
        executions.body(
            Engine::Std,
            move |variant| {
                let seed = current.load(Ordering::SeqCst);
                let mut sim = ::turmoil::Builder::new().rng_seed(seed).simulation_duration(limit).build();
                let outcome = task::with_jitter_seed(Some(seed), || network(variant, &mut sim));
                virtual_ns.fetch_add(sim.elapsed().as_nanos() as u64, Ordering::SeqCst);
                if let Err(error) = outcome {
                    panic!("simulation failed (rng_seed {seed}): {}", without_task_ids(&error.to_string()));
                }
            },
            job.variant,
        )
    };
    let (schedules, failure) = executions.run(
        || {
            for &seed in &seeds {
                current.store(seed, Ordering::SeqCst);
                f();
            }
        },
        |_| format!("s{}", current.load(Ordering::SeqCst)),
    );
    Ok(Exploration {
        schedules,
        exhaustive: false,
        bound: Some(format!("rng_seed {}..={}, {limit:?} virtual each", seeds[0], seeds[seeds.len() - 1])),
        virtual_ms: Some(virtual_ns.load(Ordering::SeqCst) / 1_000_000),
        failure,
    })
}

/// tokio numbers tasks process-wide ("task 127 panicked …"): drop the number, which differs
/// between a run and its replay.
fn without_task_ids(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("task ") {
        let (before, after) = rest.split_at(at + "task ".len());
        out.push_str(before);
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 && after[digits..].starts_with(' ') {
            out.truncate(out.len() - "task ".len());
            out.push_str("a task");
            rest = &after[digits..];
        } else {
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn task_ids_are_dropped() {
        assert_eq!(
            super::without_task_ids("task 127 panicked with message \"x\""),
            "a task panicked with message \"x\""
        );
        assert_eq!(super::without_task_ids("no task here"), "no task here");
    }
}
