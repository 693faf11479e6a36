//! Schedules to first detection per program and scheduler, over seeds 1..=n, through
//! `run_named_cell` exactly as a cell runs; and each fixed variant over a modest budget, which
//! must hold and gives the schedules per second.

use crate::Program;
use racetrack::{run_named_cell, CellResult, RunOptions, SchedulerId, Variant, Verdict};
use std::time::Instant;

/// Schedules the fixed variant runs in each cell.
pub const FIXED_BUDGET: u64 = 1_000;

/// One seed's buggy run.
#[derive(Clone, Debug)]
pub struct Seed {
    /// Schedules to the first detection, if the seed found it within the cell's budget.
    pub found: Option<u64>,
    /// The default exploration's strategy that found it.
    pub strategy: Option<String>,
    /// What went wrong, if the run was neither a detection nor a clean miss.
    pub problem: Option<String>,
}

/// One program under one cell.
#[derive(Clone, Debug)]
pub struct Cell {
    /// The cell's name (`shuttle-pct-d10`).
    pub name: String,
    /// Its budget: schedules each seed may explore.
    pub budget: u64,
    /// One entry per seed (a deterministic engine's one run, repeated).
    pub seeds: Vec<Seed>,
    /// Whether the engine ignores the seed (loom, shuttle-dfs): one run stands for every seed.
    pub deterministic: bool,
    /// The fixed variant's run.
    pub fixed: CellResult,
    /// Its schedules per second, timed around the whole `run_named_cell` call.
    pub fixed_per_sec: f64,
}

impl Cell {
    /// Seeds that found the bug.
    pub fn found(&self) -> usize {
        self.seeds.iter().filter(|s| s.found.is_some()).count()
    }

    /// Schedules to first detection per seed, a seed that missed counted as the whole budget (so
    /// a mean over misses is a lower bound).
    fn counts(&self) -> Vec<u64> {
        self.seeds.iter().map(|s| s.found.unwrap_or(self.budget)).collect()
    }

    /// The mean of [`Cell::counts`].
    pub fn mean(&self) -> f64 {
        let counts = self.counts();
        counts.iter().sum::<u64>() as f64 / counts.len().max(1) as f64
    }

    /// The median of [`Cell::counts`].
    pub fn median(&self) -> f64 {
        let mut counts = self.counts();
        counts.sort_unstable();
        match counts.len() {
            0 => 0.0,
            n if n % 2 == 1 => counts[n / 2] as f64,
            n => (counts[n / 2 - 1] + counts[n / 2]) as f64 / 2.0,
        }
    }

    /// Whether every seed found it.
    pub fn always(&self) -> bool {
        self.found() == self.seeds.len()
    }

    /// Whether the fixed variant held.
    pub fn fixed_held(&self) -> bool {
        self.fixed.verdict == Verdict::Held
    }
}

/// Runs `program`'s buggy variant in `cell` at seeds 1..=`seeds` (under `budget`, or the cell's
/// own), then its fixed variant once.
pub fn cell(program: &Program, cell: &str, seeds: u64, override_budget: Option<u64>) -> Result<Cell, String> {
    let scenario = &program.scenario;
    let (name, own) = scenario.cell(cell)?;
    let budget = override_budget.unwrap_or(own.schedules);
    let deterministic = matches!(name.scheduler, SchedulerId::Loom | SchedulerId::ShuttleDfs);
    let runs = if deterministic { 1 } else { seeds };
    let mut results = Vec::new();
    for seed in 1..=runs {
        // The search alone: shrinking a detection is not part of finding it.
        let options = RunOptions::new(Some(seed), Some(budget)).unshrunk();
        let r = run_named_cell(scenario, cell, Variant::Buggy, &options)?;
        let problem = match (r.verdict, r.ok) {
            (Verdict::Detected, true) | (Verdict::Held, _) => None,
            _ => Some(format!("seed {seed}: {} {}", r.verdict, r.failure.clone().unwrap_or_default())),
        };
        let found = (r.verdict == Verdict::Detected && r.ok).then_some(r.schedules);
        results.push(Seed { found, strategy: r.strategy, problem });
    }
    if deterministic {
        results = vec![results[0].clone(); seeds as usize];
    }
    let started = Instant::now();
    let fixed = run_named_cell(scenario, cell, Variant::Fixed, &RunOptions::new(Some(1), Some(FIXED_BUDGET)))?;
    let fixed_per_sec = fixed.schedules as f64 / started.elapsed().as_secs_f64();
    Ok(Cell { name: cell.to_owned(), budget, seeds: results, deterministic, fixed, fixed_per_sec })
}

/// Every cell of `program` (or those of `only`), in the table's column order.
pub fn program(
    program: &Program,
    seeds: u64,
    budget: Option<u64>,
    only: &[String],
    progress: &dyn Fn(&str),
) -> Result<Vec<Cell>, String> {
    program
        .scenario
        .cells()
        .filter(|(name, _)| only.is_empty() || only.contains(&name.to_string()))
        .map(|(name, _)| {
            let name = name.to_string();
            progress(&format!("{} · {name}", program.scenario.id));
            cell(program, &name, seeds, budget)
        })
        .collect()
}
