//! `racetrack run` and `racetrack replay`.

use super::args::{Format, ReplayArgs, RunArgs, VariantChoice};
use super::isolate::{run_isolated, CellSpec};
use super::{output, report, UsageError};
use crate::engines::check_schedule;
use crate::outcome::{CellResult, Verdict};
use crate::scenario::find;
use crate::scheduler::{CellName, SchedulerId};
use crate::token::ReplayToken;
use crate::Scenario;
use indicatif::{ProgressBar, ProgressStyle};
use racetrack_sync::Variant;
use std::fmt::Write as _;
use std::fs::File;
use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The cells a `run` asks for, in report order: scenario, then scheduler, then buggy before fixed.
pub(crate) fn plan(registry: &[Scenario], args: &RunArgs) -> Result<Vec<CellSpec>, UsageError> {
    let scenarios: Vec<&Scenario> = if args.scenarios.is_empty() {
        registry.iter().collect()
    } else {
        args.scenarios.iter().map(|id| find(registry, id)).collect::<Result<_, _>>()?
    };
    // `--scheduler shuttle-pct` picks every cell of that engine; `shuttle-pct-deep` one cell.
    let only: Option<(SchedulerId, Option<String>)> = match args.scheduler.as_str() {
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
    let variants: &[Variant] = match args.variant {
        VariantChoice::Buggy => &[Variant::Buggy],
        VariantChoice::Fixed => &[Variant::Fixed],
        VariantChoice::Both => &Variant::ALL,
    };
    let mut cells = Vec::new();
    for scenario in scenarios {
        scenario.check()?;
        for (cell, _) in scenario.cells().filter(|(cell, _)| wanted(cell)) {
            for &variant in variants.iter().filter(|v| scenario.variants().contains(v)) {
                let (seed, budget, replay) = (args.seed, args.budget, None);
                let (scenario, cell) = (scenario.id.to_owned(), cell.to_string());
                cells.push(CellSpec { scenario, cell, variant, seed, budget, replay });
            }
        }
    }
    if cells.is_empty() {
        let which = args.scenarios.join(", ");
        return Err(UsageError(format!("no scenario among [{which}] runs under {}", args.scheduler)));
    }
    Ok(cells)
}

/// `racetrack run`.
pub(crate) fn run(registry: &[Scenario], args: &RunArgs) -> Result<ExitCode, UsageError> {
    let cells = plan(registry, args)?;
    let out = args.out.as_deref().map(create_out).transpose()?;
    let jobs = args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let started = Instant::now();
    let results = run_all(&cells, jobs, Duration::from_secs(args.timeout));
    let wall = started.elapsed();
    let text = match args.format {
        Format::Table => report::table(&results, wall),
        Format::Json => report::json(&results),
        Format::Markdown => report::markdown(&results, wall),
    };
    if let Some((path, mut file)) = out {
        file.write_all(text.as_bytes()).map_err(|e| format!("cannot write --out {}: {e}", path.display()))?;
    }
    output::print(&text)?;
    Ok(if results.iter().all(|r| r.ok) { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Creates the `--out` file before any cell runs, so a path that cannot be written is a usage
/// error up front rather than the end of a long run.
fn create_out(path: &Path) -> Result<(&Path, File), UsageError> {
    let file = File::create(path).map_err(|e| {
        format!(
            "--out {}: cannot create the file ({e}); --out takes a file path in an existing, writable directory",
            path.display()
        )
    })?;
    Ok((path, file))
}

/// Runs cells on `jobs` worker threads, each cell in its own child process; results come back
/// in plan order whatever order they finish in. Shows a progress bar on a terminal only.
fn run_all(cells: &[CellSpec], jobs: usize, timeout: Duration) -> Vec<CellResult> {
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
