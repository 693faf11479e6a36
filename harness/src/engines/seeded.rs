//! What tokio-paused and turmoil share: one execution per seed (`seed`, `seed + 1`, …, or the one
//! seed a token names), each covering some virtual time, summed into the cell's figure.

use super::{Executions, Exploration, Job};
use crate::outcome::Shrunk;
use crate::scheduler::human;
use crate::trace::Recorder;
use racetrack_sync::Engine;
use racetrack_sync::Variant;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Why a seeded detection is not shrunk (see `shrink.rs`).
const NOT_SHRUNK: &str =
    "a seed picks the whole interleaving; tasks switch only at awaits, so there are no preemptions to remove";

/// What one seeded execution gets: its seed, where to add the virtual time it covered, and the
/// cell's trace recorder (for threads the engine starts itself).
pub(crate) struct Seeded<'a> {
    pub seed: u64,
    pub virtual_ns: &'a AtomicU64,
    pub recorder: &'a Recorder,
}

/// Runs `once` for every seed of `job` until one panics (a detected failure). The token's
/// schedule field is `s<seed>`; `seed_name` says what the seed seeds, for the report.
pub(crate) fn explore_seeds(
    job: &Job<'_>,
    seed_name: &str,
    once: impl Fn(Variant, &Seeded<'_>) + Send + Sync + 'static,
) -> Result<Exploration, String> {
    let seeds = seeds(job)?;
    let executions = Executions::new(job.scenario);
    let current = Arc::new(AtomicU64::new(0));
    let virtual_ns = Arc::new(AtomicU64::new(0));
    let f = {
        let (current, virtual_ns, recorder) = (
            Arc::clone(&current),
            Arc::clone(&virtual_ns),
            executions.recorder().cloned().expect("seeded executions are recorded"),
        );
        let body = move |variant| {
            let seeded = Seeded { seed: current.load(Ordering::SeqCst), virtual_ns: &virtual_ns, recorder: &recorder };
            once(variant, &seeded)
        };
        executions.body(Engine::Std, body, job.variant)
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
    let (first, last) = (seeds[0], seeds[seeds.len() - 1]);
    Ok(Exploration {
        schedules,
        exhaustive: false,
        bound: Some(format!("{seed_name} {first}..={last}, {} virtual each", human(job.budget.virtual_time))),
        virtual_ms: Some(virtual_ns.load(Ordering::SeqCst) / 1_000_000),
        shrink: failure.as_ref().map(|_| Shrunk::not_applicable(NOT_SHRUNK)),
        failure,
        strategy: None,
    })
}

/// The seeds to run: the budget's worth from the cell's seed (and its shard's offset), or the one a
/// token names.
fn seeds(job: &Job<'_>) -> Result<Vec<u64>, String> {
    match job.replay {
        // A shard starts where the shards before it end: seeds are its slice of the order.
        None => Ok((0..job.budget.schedules.max(1)).map(|i| job.seed.wrapping_add(job.offset() + i)).collect()),
        Some(schedule) => Ok(vec![decode_schedule(schedule)?]),
    }
}

/// Decodes a token's schedule field, `s<seed>`: the one seed to run. The one parser, both for
/// checking a token before anything runs and for replaying it.
pub(crate) fn decode_schedule(schedule: &str) -> Result<u64, String> {
    let seed = schedule.strip_prefix('s').filter(|s| s.bytes().all(|b| b.is_ascii_digit()));
    seed.and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("schedule '{schedule}' is not of the form s<seed>, a seed from 0 to {}", u64::MAX))
}
