//! tokio-paused: the async body on a current-thread tokio runtime with paused virtual time.
//!
//! One execution per seed (`seed`, `seed + 1`, …): the seed drives the task facade's jitter
//! (`racetrack_sync::task::with_jitter_seed`), which is what varies the interleaving from one
//! execution to the next; the runtime itself is FIFO. Time only moves when every task is idle
//! (tokio's auto-advance), so timers cost no wall time and a deadlock shows as the body not
//! finishing within `Budget::virtual_time` of virtual time: a detected failure. The token's
//! schedule field is `s<seed>`; replay runs that one seed.

use super::seeded::{explore_seeds, Seeded};
use super::{Exploration, Job};
use crate::scenario::TasksBody;
use crate::trace::{self, Recorder};
use racetrack_sync::task;
use racetrack_sync::Variant;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

/// How a stall begins: the body outlived its virtual time.
pub(crate) const STALL: &str = "stall: the workload did not finish within";

pub(crate) fn explore(job: &Job<'_>) -> Result<Exploration, String> {
    let tasks = job.scenario.tasks.ok_or_else(|| format!("scenario {} has no async workload", job.scenario.id))?;
    let limit = job.budget.virtual_time;
    explore_seeds(job, "seeds", move |variant, run| run_once(tasks, variant, run, limit))
}

/// One execution: a fresh paused runtime, the body under a virtual-time limit. A stall panics,
/// like any other detected failure, so `Executions` reports it.
fn run_once(body: TasksBody, variant: Variant, run: &Seeded<'_>, limit: Duration) {
    let (seed, total) = (run.seed, run.virtual_ns);
    let runtime = runtime(run.recorder);
    let clock = Arc::new(AtomicU64::new(0));
    // Added on every way out, a panicking body included.
    let _account = Account { clock: Arc::clone(&clock), total };
    let outcome = task::with_jitter_seed(Some(seed), || {
        runtime.block_on(async {
            let body = Clocked { inner: body(variant), started: None, elapsed_ns: Arc::clone(&clock) };
            task::timeout(limit, body).await
        })
    });
    if outcome.is_err() {
        clock.store(limit.as_nanos() as u64, Ordering::SeqCst);
        panic!("{STALL} {limit:?} of virtual time (a deadlock or a lost wake-up)");
    }
}

/// Adds an execution's virtual time to the cell's total when the execution ends.
struct Account<'a> {
    clock: Arc<AtomicU64>,
    total: &'a AtomicU64,
}

impl Drop for Account<'_> {
    fn drop(&mut self) {
        self.total.fetch_add(self.clock.load(Ordering::SeqCst), Ordering::SeqCst);
    }
}

/// A current-thread runtime, paused, whose blocking-pool threads record into this cell's trace.
pub(super) fn runtime(recorder: &Recorder) -> tokio::runtime::Runtime {
    std::thread_local! {
        static GUARD: RefCell<Option<tracing::subscriber::DefaultGuard>> = const { RefCell::new(None) };
    }
    let recorder = recorder.clone();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .on_thread_start(move || {
            super::env::mark_thread_in_cell();
            GUARD.with(|g| *g.borrow_mut() = Some(trace::install(&recorder)))
        })
        .on_thread_stop(|| GUARD.with(|g| drop(g.borrow_mut().take())))
        .build()
        .expect("building a current-thread tokio runtime")
}

/// Wraps the body to note, after every poll, how much virtual time has passed since its first
/// poll: the figure survives a panic in the body.
struct Clocked {
    inner: Pin<Box<dyn Future<Output = ()>>>,
    started: Option<tokio::time::Instant>,
    elapsed_ns: Arc<AtomicU64>,
}

impl Future for Clocked {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let started = *self.started.get_or_insert_with(tokio::time::Instant::now);
        // Noted on the way out of the poll, also when an oracle panics in it.
        let _note = Note(Arc::clone(&self.elapsed_ns), started);
        self.inner.as_mut().poll(cx)
    }
}

struct Note(Arc<AtomicU64>, tokio::time::Instant);

impl Drop for Note {
    fn drop(&mut self) {
        self.0.store(self.1.elapsed().as_nanos() as u64, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use crate::{replay_cell, run_cell, Budget, RunOptions, Scenario, SchedulerId::TokioPaused, Verdict};
    use racetrack_sync::task;
    use racetrack_sync::Variant;
    use std::future::Future;
    use std::pin::Pin;
    use std::time::Duration;

    /// Buggy never finishes (a lost wake-up); Fixed sleeps 5 s of virtual time and finishes.
    fn body(variant: Variant) -> Pin<Box<dyn Future<Output = ()>>> {
        Box::pin(async move {
            task::sleep(Duration::from_secs(5)).await;
            if variant == Variant::Buggy {
                std::future::pending::<()>().await;
            }
        })
    }

    const STALLS: Scenario = Scenario::new("stalls", "a future that never finishes")
        .tasks(&body)
        .schedulers(&[(TokioPaused, Budget::schedules(3).virtual_time(Duration::from_secs(30)))]);

    #[test]
    fn a_stall_is_detected_in_virtual_time_and_replays() {
        let found = run_cell(&STALLS, TokioPaused, Variant::Buggy, &RunOptions::new(Some(40), None));
        assert_eq!(found.verdict, Verdict::Detected);
        assert!(found.failure.as_deref().unwrap().starts_with("stall: the workload did not finish within 30s"));
        assert_eq!(found.replay.as_deref(), Some("rt1:stalls:tokio-paused:buggy:40:s40"));
        assert_eq!(found.virtual_ms, Some(30_000));
        let again = replay_cell(&[STALLS], &found.replay.clone().unwrap().parse().unwrap()).unwrap();
        // The same failure, token, trace and virtual time (only `bound` says it ran one seed).
        let key =
            |r: &crate::CellResult| (r.verdict, r.failure.clone(), r.replay.clone(), r.trace.clone(), r.virtual_ms);
        assert_eq!(key(&again), key(&found));

        let held = run_cell(&STALLS, TokioPaused, Variant::Fixed, &RunOptions::default());
        assert_eq!((held.verdict, held.schedules, held.virtual_ms), (Verdict::Held, 3, Some(15_000)));
    }
}
