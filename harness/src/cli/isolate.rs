//! One cell per child process, with a timeout: the parent side (`run_isolated`) and the child
//! side (`cell_child`, `role_child`).

use super::args::{CellArgs, RoleArgs};
use super::UsageError;
use crate::engines::{replay_cell, run_named_cell, RunOptions};
use crate::outcome::{CellResult, Verdict};
use crate::scenario::find;
use crate::token::ReplayToken;
use crate::Scenario;
use racetrack_sync::Variant;
use std::io::Read;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// A cell to run in a child.
#[derive(Clone, Debug)]
pub(crate) struct CellSpec {
    pub scenario: String,
    /// The cell's name: its scheduler, and its budget's label if it has one.
    pub cell: String,
    pub variant: Variant,
    pub seed: Option<u64>,
    pub budget: Option<u64>,
    pub replay: Option<String>,
}

/// Runs `spec` in a child `racetrack __cell` and returns its result; a crash or a timeout of the
/// child becomes an `error` or `timeout` verdict for the cell.
pub(crate) fn run_isolated(spec: &CellSpec, timeout: Duration) -> CellResult {
    let started = Instant::now();
    let mut command = Command::new(std::env::current_exe().expect("the racetrack binary's own path"));
    command.args(["__cell", &spec.scenario, &spec.cell, spec.variant.as_str()]);
    scrub_engine_environment(&mut command);
    for (flag, value) in
        [("--seed", spec.seed.map(|s| s.to_string())), ("--budget", spec.budget.map(|b| b.to_string()))]
    {
        if let Some(value) = value {
            command.args([flag, &value]);
        }
    }
    if let Some(token) = &spec.replay {
        command.args(["--replay", token]);
    }
    let broken = |verdict: Verdict, why: String| CellResult {
        scenario: spec.scenario.clone(),
        scheduler: spec.cell.clone(),
        variant: spec.variant.as_str().to_owned(),
        expected: Verdict::expected_for(spec.variant),
        verdict,
        ok: false,
        schedules: 0,
        exhaustive: false,
        elapsed_ms: started.elapsed().as_millis() as u64,
        failure: Some(why),
        caught_by: None,
        replay: None,
        seed: spec.seed.unwrap_or(crate::engines::DEFAULT_SEED),
        bound: None,
        virtual_ms: None,
        trace: None,
        strategy: None,
        shrink: None,
    };
    let mut child = match command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn() {
        Ok(child) => child,
        Err(e) => return broken(Verdict::Error, format!("could not start the cell's process: {e}")),
    };
    // Drain both pipes on their own threads so a chatty child never blocks on a full pipe.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_string(&mut text);
            }
            text
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return broken(Verdict::Error, format!("lost the cell's process: {e}")),
        }
    };
    let (stdout, stderr) = (stdout.join().unwrap_or_default(), stderr.join().unwrap_or_default());
    let Some(status) = status else {
        return broken(Verdict::Timeout, format!("no verdict within {} s of wall-clock time", timeout.as_secs()));
    };
    match serde_json::from_str::<CellResult>(stdout.trim()) {
        Ok(result) => result,
        Err(_) => {
            let tail: Vec<&str> = stderr.lines().rev().take(6).collect::<Vec<_>>().into_iter().rev().collect();
            broken(
                Verdict::Error,
                format!("the cell's process ended with {status} and no verdict: {}", tail.join(" | ")),
            )
        }
    }
}

/// Removes what would change a cell's verdict, counts or trace from its process's environment: the
/// engines' own variables (`LOOM_*`, `SHUTTLE_*`) and the backtrace switches (a detection's
/// backtrace costs ~300 ms to symbolise and nobody reads it; `RACETRACK_BACKTRACE=1` keeps it).
fn scrub_engine_environment(command: &mut Command) {
    for (name, _) in std::env::vars_os() {
        let text = name.to_string_lossy();
        if text.starts_with("LOOM_") || text.starts_with("SHUTTLE_") {
            command.env_remove(&name);
        }
    }
    if std::env::var_os(crate::engines::KEEP_BACKTRACES).is_none() {
        command.env_remove("RUST_BACKTRACE").env_remove("RUST_LIB_BACKTRACE");
    }
}

/// `racetrack __cell`: runs one cell here and prints its result as one JSON line.
pub(crate) fn cell_child(registry: &[Scenario], args: &CellArgs) -> Result<ExitCode, UsageError> {
    let result = match &args.replay {
        Some(token) => {
            let token: ReplayToken = token.parse()?;
            replay_cell(registry, &token)?
        }
        None => {
            let scenario = find(registry, &args.scenario)?;
            let variant: Variant = args.variant.parse()?;
            run_named_cell(scenario, &args.scheduler, variant, &RunOptions::new(args.seed, args.budget))?
        }
    };
    println!("{}", serde_json::to_string(&result).expect("a cell result serializes"));
    Ok(ExitCode::SUCCESS)
}

/// `racetrack __role`: runs a scenario's child-process program.
pub(crate) fn role_child(registry: &[Scenario], args: &RoleArgs) -> Result<ExitCode, UsageError> {
    let scenario = find(registry, &args.scenario)?;
    let (_, role) = scenario.roles.iter().find(|(name, _)| *name == args.role).ok_or_else(|| {
        let known: Vec<&str> = scenario.roles.iter().map(|(n, _)| *n).collect();
        format!("scenario {} has no role '{}': its roles are [{}]", scenario.id, args.role, known.join(", "))
    })?;
    Ok(ExitCode::from(role(&args.args).clamp(0, 255) as u8))
}
