//! `racetrack run` and `racetrack replay`.

use super::args::{ReplayArgs, RunArgs, VariantChoice};
use super::isolate::{run_isolated, CellSpec};
use super::output::{self, OutFile};
use super::{report, UsageError};
use crate::engines::check_schedule;
use crate::outcome::{CellResult, Verdict};
use crate::scenario::find;
use crate::scheduler::{CellName, SchedulerId};
use crate::token::ReplayToken;
use crate::Scenario;
use indicatif::{ProgressBar, ProgressStyle};
use racetrack_sync::Variant;
use std::fmt::Write as _;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Which cells to run, and how: what `run`'s arguments select (and what `baseline` and `gate`
/// select with their defaults).
pub(crate) struct Selection<'a> {
    pub scenarios: &'a [String],
    pub scheduler: &'a str,
    pub variants: &'a [Variant],
    pub seed: Option<u64>,
    pub budget: Option<u64>,
    pub scale: Option<u64>,
    pub shard: Option<crate::Shard>,
}

impl<'a> Selection<'a> {
    /// Every cell of `scenarios` (all when empty), both variants, at their own budgets.
    pub fn all(scenarios: &'a [String], seed: Option<u64>) -> Self {
        Selection { scenarios, scheduler: "all", variants: &Variant::ALL, seed, budget: None, scale: None, shard: None }
    }

    /// What `racetrack run`'s arguments select.
    pub fn of_run(args: &'a RunArgs) -> Self {
        let variants: &[Variant] = match args.variant {
            VariantChoice::Buggy => &[Variant::Buggy],
            VariantChoice::Fixed => &[Variant::Fixed],
            VariantChoice::Both => &Variant::ALL,
        };
        Selection {
            scenarios: &args.scenarios,
            scheduler: &args.scheduler,
            variants,
            seed: args.seed,
            budget: args.budget,
            scale: args.scale,
            shard: args.shard,
        }
    }

    /// Whether the scenario `id` is among the selected ones.
    pub fn includes(&self, id: &str) -> bool {
        self.scenarios.is_empty() || self.scenarios.iter().any(|s| s == id)
    }

    /// The cells, in report order: scenario, then scheduler, then buggy before fixed.
    pub fn plan(&self, registry: &[Scenario]) -> Result<Vec<CellSpec>, UsageError> {
        let scenarios: Vec<&Scenario> = if self.scenarios.is_empty() {
            registry.iter().collect()
        } else {
            self.scenarios.iter().map(|id| find(registry, id)).collect::<Result<_, _>>()?
        };
        // `--scheduler shuttle-pct` picks every cell of that engine; `shuttle-pct-deep` one cell.
        let only: Option<(SchedulerId, Option<String>)> = match self.scheduler {
            "all" => None,
            id => Some(CellName::split(id).map_err(|e| format!("{e}, or all"))?),
        };
        let wanted = |cell: &CellName| match &only {
            None => true,
            Some((scheduler, None)) => cell.scheduler == *scheduler,
            Some((scheduler, label)) => cell.scheduler == *scheduler && cell.label == label.as_deref(),
        };
        if only.as_ref().is_some_and(|(s, _)| *s == SchedulerId::Stress) {
            return Err(UsageError("stress is not a gate scheduler: use `racetrack stress SCENARIO`".into()));
        }
        let mut cells = Vec::new();
        for scenario in scenarios {
            scenario.check()?;
            for (cell, declared) in scenario.cells().filter(|(cell, _)| wanted(cell)) {
                for &variant in self.variants.iter().filter(|v| scenario.variants().contains(v)) {
                    let budget = self.budget.or(self.scale.map(|n| declared.schedules.saturating_mul(n)));
                    let (seed, replay, shard) = (self.seed, None, self.shard);
                    let (scenario, cell) = (scenario.id.to_owned(), cell.to_string());
                    cells.push(CellSpec { scenario, cell, variant, seed, budget, replay, shard });
                }
            }
        }
        if cells.is_empty() {
            let which = self.scenarios.join(", ");
            return Err(UsageError(format!("no scenario among [{which}] runs under {}", self.scheduler)));
        }
        Ok(cells)
    }
}

/// Cells to run at once: `--jobs`, or the number of CPUs.
pub(crate) fn jobs(asked: Option<usize>) -> usize {
    asked.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1)
}

/// `racetrack run`.
pub(crate) fn run(registry: &[Scenario], args: &RunArgs) -> Result<ExitCode, UsageError> {
    let cells = Selection::of_run(args).plan(registry)?;
    let out = args.out.as_deref().map(OutFile::create).transpose()?;
    let started = Instant::now();
    let results = run_all(&cells, jobs(args.jobs), Duration::from_secs(args.timeout));
    let wall = started.elapsed();
    output::emit(&report::render(&results, wall, args.format), out)?;
    Ok(if results.iter().all(|r| r.ok) { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Runs cells on `jobs` worker threads, each cell in its own child process; results come back
/// in plan order whatever order they finish in. Shows a progress bar on a terminal only.
pub(crate) fn run_all(cells: &[CellSpec], jobs: usize, timeout: Duration) -> Vec<CellResult> {
    let bar = ProgressBar::new(cells.len() as u64); // hidden when stderr is not a terminal
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} cells  {msg}")
            .expect("a valid progress template"),
    );
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<CellResult>>> = Mutex::new(vec![None; cells.len()]);
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(cells.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(cell) = cells.get(i) else { break };
                bar.set_message(format!("{} · {} · {}", cell.scenario, cell.cell, cell.variant));
                let result = run_isolated(cell, timeout);
                if !result.ok {
                    bar.println(format!("✗ {} · {} · {}: {}", cell.scenario, cell.cell, cell.variant, result.verdict));
                }
                results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
                bar.inc(1);
            });
        }
    });
    bar.finish_and_clear();
    results.into_inner().unwrap_or_else(|e| e.into_inner()).into_iter().map(|r| r.expect("every cell ran")).collect()
}

/// `racetrack replay TOKEN`: runs exactly the token's schedule and prints the failure and its
/// trace. The output depends only on the token, so it is the same, byte for byte, every time.
pub(crate) fn replay(registry: &[Scenario], args: &ReplayArgs) -> Result<ExitCode, UsageError> {
    let token: ReplayToken = args.token.parse()?;
    find(registry, &token.scenario)?.cell(&token.cell)?;
    check_schedule(token.scheduler(), &token.schedule).map_err(|e| format!("replay token {token}: {e}"))?;
    let spec = CellSpec {
        scenario: token.scenario.clone(),
        cell: token.cell.clone(),
        variant: token.variant,
        seed: Some(token.seed),
        budget: None,
        replay: Some(token.to_string()),
        shard: None,
    };
    let result = run_isolated(&spec, Duration::from_secs(args.timeout));
    let mut out = format!("replay {token}\n");
    let _ = writeln!(
        out,
        "scenario {} · scheduler {} · variant {} · seed {}",
        token.scenario, token.cell, token.variant, token.seed
    );
    let reproduced = result.verdict == Verdict::Detected;
    if reproduced {
        let _ = writeln!(out, "reproduced: {}\n", result.failure.as_deref().unwrap_or(""));
        out.push_str(result.trace.as_deref().unwrap_or(""));
    } else {
        let _ = writeln!(out, "not reproduced: the schedule ran with verdict {}", result.verdict);
        if let Some(why) = &result.failure {
            let _ = writeln!(out, "{why}");
        }
    }
    output::print(&out)?;
    Ok(if reproduced { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
