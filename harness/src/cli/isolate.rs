//! One cell per child process, with a timeout: the parent side (`run_isolated`) and the child
//! side (`cell_child`, `role_child`).

use super::args::{CellArgs, RoleArgs};
use super::{output, UsageError};
use crate::engines::{replay_cell, run_named_cell, RunOptions};
use crate::outcome::{CellResult, Verdict};
use crate::scenario::find;
use crate::token::ReplayToken;
use crate::Scenario;
use racetrack_sync::Variant;
use rustix::io::Errno;
use rustix::process::{
    kill_process_group, set_parent_process_death_signal, waitid, Pid, Signal, WaitId, WaitIdOptions,
};
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitCode, ExitStatus, Stdio};
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
    /// The slice of the exploration to run (`run --shard k/n`).
    pub shard: Option<crate::Shard>,
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
    if let Some(shard) = spec.shard {
        command.args(["--shard", &shard.to_string()]);
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
        steps: None,
        budget: None,
        shard: None,
    };
    // The cell and everything it starts form one process group, ended together (see `end`).
    command.process_group(0);
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
    let pid = Pid::from_child(&child);
    let exited = loop {
        // Wait without reaping: until the cell is reaped its pid cannot be reused, so it still
        // names the cell's group when `end` kills that.
        match waitid(WaitId::Pid(pid), WaitIdOptions::EXITED | WaitIdOptions::NOHANG | WaitIdOptions::NOWAIT) {
            Ok(Some(_)) => break Ok(true),
            Ok(None) if started.elapsed() >= timeout => break Ok(false),
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(Errno::INTR) => {}
            Err(e) => break Err(std::io::Error::from(e)),
        }
    };
    let status = end(child, pid);
    let status = match (exited, status) {
        (Ok(true), Ok(status)) => status,
        (Ok(true), Err(e)) | (Err(e), _) => return broken(Verdict::Error, format!("lost the cell's process: {e}")),
        (Ok(false), _) => {
            return broken(Verdict::Timeout, format!("no verdict within {} s of wall-clock time", timeout.as_secs()))
        }
    };
    // Every writer of the pipes is gone with the group, so the drains have their end of file.
    let (stdout, stderr) = (stdout.join().unwrap_or_default(), stderr.join().unwrap_or_default());
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

/// Kills the cell's whole process group (a cell that timed out, and anything a cell started and
/// left running: nothing of a cell outlives it), then reaps the cell.
fn end(mut child: Child, pid: Pid) -> std::io::Result<ExitStatus> {
    let _ = kill_process_group(pid, Signal::KILL); // ESRCH: the cell ended and left nothing
    child.wait()
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
    // The cell has a process group of its own, so a Ctrl-C at the terminal reaches only the
    // `racetrack run` that started it: die with it rather than run on unwatched.
    let _ = set_parent_process_death_signal(Some(Signal::KILL));
    let result = match &args.replay {
        Some(token) => {
            let token: ReplayToken = token.parse()?;
            replay_cell(registry, &token)?
        }
        None => {
            let scenario = find(registry, &args.scenario)?;
            let variant: Variant = args.variant.parse()?;
            run_named_cell(
                scenario,
                &args.scheduler,
                variant,
                &RunOptions::new(args.seed, args.budget).with_shard(args.shard),
            )?
        }
    };
    output::print(&format!("{}\n", serde_json::to_string(&result).expect("a cell result serializes")))?;
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
