//! The real-OS stress scheduler: the scenario's own reproduction on real threads, sockets, files
//! and processes. It reports how often the bug showed, never a gate verdict: the real machine's
//! timing decides, and a quiet run proves nothing.

use crate::oracle::Violation;
use racetrack_sync::Variant;
use serde::Serialize;
use std::fmt;

mod race;

pub use race::{race_instances, race_together, Racer};

/// What `racetrack stress` asked for.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct StressConfig {
    /// Which code path runs.
    pub variant: Variant,
    /// Rounds of the scenario's stress shape (`--iterations`).
    pub iterations: u64,
    /// Concurrency of one round (`--threads`).
    pub threads: usize,
}

impl StressConfig {
    /// A config; `racetrack stress` fills it from its flags.
    pub fn new(variant: Variant, iterations: u64, threads: usize) -> Self {
        StressConfig { variant, iterations, threads }
    }

    /// A multi-thread tokio runtime with `threads` workers (at least two, so one worker a model
    /// blocks never stalls the rest) and every driver enabled: what a stress run of an async
    /// model runs its trials on.
    pub fn runtime(&self) -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(self.threads.max(2))
            .enable_all()
            .build()
            .expect("building a multi-thread runtime")
    }
}

/// What a stress run saw. Trials and what their oracles saw go in through [`record`] (and
/// [`record_check`] for the checks outside any trial), so every run counts them alike.
///
/// [`record`]: StressReport::record
/// [`record_check`]: StressReport::record_check
#[derive(Clone, Debug, Default, Serialize)]
pub struct StressReport {
    /// What one trial is ("tasks", "requests", "runs").
    pub unit: &'static str,
    /// Trials run.
    pub trials: u64,
    /// Trials in which the bug showed (a safety-oracle violation).
    pub failures: u64,
    /// The first failure, as the oracle described it.
    pub first_failure: Option<String>,
    /// Liveness / anti-cheat problems seen (the mechanism did not work); should stay empty.
    pub liveness_problems: Vec<String>,
    /// Anything else worth showing (a hex dump, a process count), one line each.
    pub notes: Vec<String>,
}

impl StressReport {
    /// An empty report of trials that are `unit` ("tasks", "requests", "runs").
    pub fn new(unit: &'static str) -> Self {
        StressReport { unit, ..StressReport::default() }
    }

    /// Records one trial and what its oracles saw (`check(…).err()`, an `Option` or a `Vec` of
    /// violations): a trial with a safety violation is a failure (the first one's description
    /// kept), and every liveness violation is a liveness problem, never a failure.
    pub fn record(&mut self, seen: impl IntoIterator<Item = Violation>) {
        self.trials += 1;
        self.file(seen);
    }

    /// Records what a check outside the trials saw: the anti-cheat probe after them, a setup
    /// that failed. Only liveness violations are expected here; no trial is counted.
    pub fn record_check(&mut self, seen: impl IntoIterator<Item = Violation>) {
        self.file(seen);
    }

    /// Files violations: a safety one fails the check (once, however many), a liveness one is
    /// a problem.
    fn file(&mut self, seen: impl IntoIterator<Item = Violation>) {
        let mut failed = false;
        for violation in seen {
            match violation {
                Violation::Safety(what) => {
                    failed = true;
                    self.first_failure.get_or_insert(what);
                }
                Violation::Liveness(what) => self.liveness_problems.push(what),
            }
        }
        self.failures += u64::from(failed);
    }

    /// Records what a real-process run left behind (`left`: pids of its processes still
    /// running): a note always, and a liveness problem if anything is left.
    pub fn processes_left_behind(&mut self, left: &[u32]) {
        self.notes.push(format!("processes left behind (checked in /proc): {}", left.len()));
        if !left.is_empty() {
            self.record_check([Violation::Liveness(format!("processes still running after the run: {left:?}"))]);
        }
    }
}

impl fmt::Display for StressReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rate = if self.trials == 0 { 0.0 } else { 100.0 * self.failures as f64 / self.trials as f64 };
        writeln!(f, "{} of {} {} showed the bug ({rate:.3}%)", self.failures, self.trials, self.unit)?;
        if let Some(first) = &self.first_failure {
            writeln!(f, "first: {first}")?;
        }
        for problem in &self.liveness_problems {
            writeln!(f, "liveness problem: {problem}")?;
        }
        for note in &self.notes {
            writeln!(f, "{note}")?;
        }
        Ok(())
    }
}

/// A scenario's stress run. `progress` is called with the number of trials done so far.
pub type StressFn = fn(&StressConfig, &dyn Fn(u64)) -> StressReport;

#[cfg(test)]
mod tests {
    use super::{StressReport, Violation};

    #[test]
    fn a_trial_is_a_failure_only_for_a_safety_violation() {
        let mut report = StressReport::new("trials");
        report.record(None);
        report.record(Some(Violation::Liveness("the reaper never ran".into())));
        report.record([Violation::Safety("first".into()), Violation::Safety("second".into())]);
        report.record(Err::<(), _>(Violation::Safety("third".into())).err());
        assert_eq!((report.trials, report.failures), (4, 2), "{report}");
        assert_eq!(report.first_failure.as_deref(), Some("first"));
        assert_eq!(report.liveness_problems, ["the reaper never ran"]);
    }

    #[test]
    fn a_check_outside_the_trials_counts_no_trial() {
        let mut report = StressReport::new("trials");
        report.record_check([Violation::Liveness("the probe was accepted".into())]);
        report.processes_left_behind(&[]);
        report.processes_left_behind(&[42]);
        assert_eq!((report.trials, report.failures), (0, 0), "{report}");
        assert_eq!(report.liveness_problems.len(), 2, "{report}");
    }
}
