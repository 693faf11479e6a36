//! The real-OS stress scheduler: the scenario's own reproduction on real threads, sockets, files
//! and processes. It reports how often the bug showed, never a gate verdict: the real machine's
//! timing decides, and a quiet run proves nothing.

use racetrack_sync::Variant;
use serde::Serialize;
use std::fmt;

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
}

/// What a stress run saw.
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
    /// Records what a real-process run left behind (`left`: pids of its processes still
    /// running): a note always, and a liveness problem if anything is left.
    pub fn processes_left_behind(&mut self, left: &[u32]) {
        self.notes.push(format!("processes left behind (checked in /proc): {}", left.len()));
        if !left.is_empty() {
            self.liveness_problems.push(format!("processes still running after the run: {left:?}"));
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
