//! turmoil: the network body over turmoil's simulated TCP, one simulation per seed.
//!
//! Execution `i` builds a `Sim` with the explicit `rng_seed(seed + i)` (turmoil is only
//! reproducible with one) and `simulation_duration(Budget::virtual_time)`, sets the task
//! facade's jitter to the same seed, and hands the sim to the body, which registers hosts and
//! clients, runs it and checks the outcome. An `Err` (a host or client failed, or the run did
//! not complete within its virtual time: turmoil's "Ran for duration …") or a panic is a
//! detected failure. The token's schedule field is `s<rng_seed>`; replay runs that one seed.

use super::seeded::explore_seeds;
use super::{Exploration, Job};
use racetrack_sync::task;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::Ordering;

/// How turmoil reports a simulation that outlived its virtual time.
pub(crate) const STALL: &str = "Ran for duration";

pub(crate) fn explore(job: &Job<'_>) -> Result<Exploration, String> {
    let network = job
        .scenario
        .network
        .ok_or_else(|| format!("scenario {} has no simulated-network workload", job.scenario.id))?;
    let (limit, tick) = (job.budget.virtual_time, job.budget.tick);
    explore_seeds(job, "rng_seed", move |variant, run| {
        let mut sim =
            ::turmoil::Builder::new().rng_seed(run.seed).simulation_duration(limit).tick_duration(tick).build();
        // Counted on every way out, a panicking body included.
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            task::with_jitter_seed(Some(run.seed), || network(variant, &mut sim))
        }));
        run.virtual_ns.fetch_add(sim.elapsed().as_nanos() as u64, Ordering::SeqCst);
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(error)) => {
                panic!("simulation failed (rng_seed {}): {}", run.seed, without_task_ids(&error.to_string()))
            }
            Err(payload) => panic::resume_unwind(payload),
        }
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

#[cfg(test)]
mod sim_tests {
    use crate::{replay_cell, run_cell, Budget, RunOptions, Scenario, SchedulerId::Turmoil, Verdict};
    use racetrack_sync::Variant;
    use std::time::Duration;

    /// A client that talks to a host over simulated TCP; in Buggy the host never answers.
    fn body(variant: Variant, sim: &mut turmoil::Sim<'_>) -> turmoil::Result {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        sim.host("server", move || async move {
            let listener = turmoil::net::TcpListener::bind(("0.0.0.0", 9)).await?;
            let mut open = Vec::new();
            loop {
                let (mut s, _) = listener.accept().await?;
                let mut byte = [0];
                s.read_exact(&mut byte).await?;
                if variant == Variant::Fixed {
                    s.write_all(&byte).await?;
                }
                open.push(s); // keep the connection: the client waits for a byte, not an EOF
            }
        });
        sim.client("client", async {
            let mut s = turmoil::net::TcpStream::connect(("server", 9)).await?;
            s.write_all(b"x").await?;
            let mut byte = [0];
            s.read_exact(&mut byte).await?;
            Ok(())
        });
        sim.run()
    }

    const ECHO: Scenario = Scenario::new("echo", "an echo that never answers")
        .network(&body)
        .schedulers(&[(Turmoil, Budget::schedules(3).virtual_time(Duration::from_secs(2)))]);

    #[test]
    fn a_stalled_simulation_is_detected_with_its_rng_seed_and_replays() {
        let found = run_cell(&ECHO, Turmoil, Variant::Buggy, &RunOptions::new(Some(9), None));
        assert_eq!(found.verdict, Verdict::Detected);
        let failure = found.failure.clone().unwrap();
        assert!(failure.starts_with("simulation failed (rng_seed 9): Ran for duration"), "{failure}");
        assert_eq!(found.replay.as_deref(), Some("rt1:echo:turmoil:buggy:9:s9"));
        let again = replay_cell(&[ECHO], &found.replay.clone().unwrap().parse().unwrap()).unwrap();
        // The same failure, token, trace and virtual time (only `bound` says it ran one seed).
        let key =
            |r: &crate::CellResult| (r.verdict, r.failure.clone(), r.replay.clone(), r.trace.clone(), r.virtual_ms);
        assert_eq!(key(&again), key(&found));

        let held = run_cell(&ECHO, Turmoil, Variant::Fixed, &RunOptions::default());
        assert_eq!((held.verdict, held.schedules), (Verdict::Held, 3), "{held:?}");
        assert_eq!(held.bound.as_deref(), Some("rng_seed 1..=3, 2.0 s virtual each"));
    }
}
