//! The seed's integration test with real processes, once per trial: a stand-in gateway spawns a
//! watchdog-armed worker; the worker's parent lives for two polls (it must not exit), then the
//! gateway is SIGKILLed in the middle of a command and reaped, and its pid is handed to an
//! unrelated process where the machine allows it (root: `ns_last_pid`). The worker must finish
//! the command and exit by itself within poll + grace; one still there after a generous multiple
//! of that lived on (the bug) and is killed. The run then checks that none of its processes is
//! left. Trials run one after the other (`--threads` is not used: the pid hand-over needs quiet).

use crate::host;
use crate::lines::{Lines, Next};
use crate::roles::{self, RoleArgs};
use models::watchdog::{Config, Stat};
use racetrack::oracle::Violation;
use racetrack::stress::{StressConfig, StressReport};
use std::path::Path;
use std::time::{Duration, Instant};

/// Sub-second timing, as the seed's integration test sets through the environment.
pub const TIMING: Config = Config {
    poll: Duration::from_millis(100),
    grace: Duration::from_millis(500),
    drain_tick: Duration::from_millis(50),
};
/// How long the command the gateway dies in the middle of takes (shorter than the grace).
pub const COMMAND_MS: u64 = 200;
/// What one trial is.
const UNIT: &str = "orphaned workers";
/// How long a start-up step may take on a loaded machine.
const STARTUP: Duration = Duration::from_secs(10);

/// The seed's "generous multiple of the sub-second poll + grace".
pub fn deadline() -> Duration {
    (TIMING.poll + TIMING.grace) * 5
}

/// Runs the stress with roles from the running binary (`racetrack`).
pub fn run(config: &StressConfig, progress: &dyn Fn(u64)) -> StressReport {
    match std::env::current_exe() {
        Ok(exe) => run_with(&exe, config, progress),
        Err(e) => {
            let mut report = StressReport::new(UNIT);
            report.record_check([Violation::Liveness(format!("current_exe: {e}"))]);
            report
        }
    }
}

/// Runs the stress with roles from `exe`, any binary that understands `__role <scenario> <role>`.
pub fn run_with(exe: &Path, config: &StressConfig, progress: &dyn Fn(u64)) -> StressReport {
    let mut report = StressReport::new(UNIT);
    let owner = std::process::id();
    let args = RoleArgs { variant: config.variant, config: TIMING, owner };
    if let Err(e) = host::become_subreaper() {
        report.notes.push(format!("{e}: orphans go to init, which may reap them late"));
    }
    let (mut in_time, mut drained, mut reused, mut latencies) = (0, 0, 0, Vec::new());
    let mut reuse_problem = None;
    for _ in 0..config.iterations {
        let trial = trial(exe, &args);
        let lived_on = trial.lived_on.map(Violation::Safety);
        report.record(trial.problems.into_iter().map(Violation::Liveness).chain(lived_on));
        match trial.reuse {
            Some(Ok(())) => reused += 1,
            Some(Err(e)) => {
                reuse_problem.get_or_insert(e);
            }
            None => {}
        }
        if let Some(after) = trial.exited_after {
            drained += u64::from(trial.drained);
            in_time += u64::from(after <= TIMING.poll + TIMING.grace);
            latencies.push(after.as_millis());
        }
        progress(report.trials);
    }
    host::reap_ended();
    let left = host::leftovers(owner);
    for &(pid, _) in &left {
        host::kill(pid);
        host::reap(pid);
    }
    latencies.sort_unstable();
    let limit = (TIMING.poll + TIMING.grace).as_millis();
    report.notes.push(format!(
        "{in_time} of {} orphaned workers exited by themselves within poll + grace ({limit}ms); \
         exit after the SIGKILL: {}",
        report.trials,
        spread(&latencies)
    ));
    report
        .notes
        .push(format!("in-flight command ({COMMAND_MS}ms) finished before the exit: {drained} of {}", report.trials));
    report.notes.push(match reuse_problem {
        None => format!("the gateway's pid went to an unrelated process in all {reused} trials"),
        Some(why) => format!("the gateway's pid went to an unrelated process in {reused} trials ({why})"),
    });
    report.notes.push(format!("processes of this run left afterwards: {} (checked /proc)", left.len()));
    if !left.is_empty() {
        report.record_check([Violation::Liveness(format!("left behind (now killed): {left:?}"))]);
    }
    report
}

/// What one trial saw.
#[derive(Default)]
struct Trial {
    worker: u32,
    exited_after: Option<Duration>,
    drained: bool,
    /// Whether the gateway's pid went to an unrelated process (`None`: the trial never got there).
    reuse: Option<Result<(), String>>,
    /// The bug: the orphan outlived the generous deadline.
    lived_on: Option<String>,
    problems: Vec<String>,
}

fn trial(exe: &Path, args: &RoleArgs) -> Trial {
    let mut trial = Trial::default();
    let mut gateway = match roles::command(exe, "gateway", args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => {
            trial.problems.push(format!("spawning the gateway: {e}"));
            return trial;
        }
    };
    let lines = Lines::new(gateway.stdout.take().expect("piped"));
    let mut stdin = gateway.stdin.take().expect("piped");
    if let Err(e) = orphan(&mut trial, &lines, &mut stdin, &mut gateway, exe, args) {
        trial.problems.push(e);
    }
    // Whatever happened: nothing of this trial survives it.
    if trial.worker != 0 && trial.exited_after.is_none() {
        host::kill(trial.worker);
    }
    host::end(gateway);
    drop(stdin);
    lines.wait_eof(STARTUP);
    if trial.worker != 0 {
        host::reap(trial.worker);
    }
    trial
}

/// The seed's integration test: arm, let the parent live, kill it mid-command, watch the orphan.
fn orphan(
    trial: &mut Trial,
    lines: &Lines,
    stdin: &mut std::process::ChildStdin,
    gateway: &mut std::process::Child,
    exe: &Path,
    args: &RoleArgs,
) -> Result<(), String> {
    let gateway_pid = gateway.id();
    let armed = lines.expect(|l| l.starts_with("armed "), STARTUP)?;
    let fields: Vec<&str> = armed.split(' ').collect();
    trial.worker = fields.get(1).and_then(|p| p.parse().ok()).ok_or_else(|| format!("bad line '{armed}'"))?;
    if fields.get(2) != Some(&gateway_pid.to_string().as_str()) {
        return Err(format!("worker armed for parent {:?}, not the gateway {gateway_pid}", fields.get(2)));
    }
    // Anti-cheat: while the gateway lives, the worker stays.
    std::thread::sleep(TIMING.poll * 2);
    if Stat::read(trial.worker).is_none_or(|s| s.exited()) {
        trial.problems.push(format!("worker {} exited while its gateway {gateway_pid} lived", trial.worker));
    }
    host::send(stdin, &format!("busy {COMMAND_MS}"))?;
    lines.expect(|l| l == "begun", STARTUP)?;

    let killed = Instant::now();
    gateway.kill().and_then(|()| gateway.wait().map(drop)).map_err(|e| format!("killing the gateway: {e}"))?;
    let squatter = host::squat(exe, args, gateway_pid);
    trial.reuse = Some(squatter.as_ref().map(drop).map_err(Clone::clone));
    let holder = if squatter.is_ok() { "now an unrelated process" } else { "free" };
    let done = format!("done {COMMAND_MS}");
    loop {
        match lines.next_until(killed + deadline()) {
            Next::Line(line) => trial.drained |= line == done,
            Next::Eof => {
                trial.exited_after = Some(killed.elapsed());
                break;
            }
            Next::Timeout => {
                trial.lived_on = Some(format!(
                    "worker {} still running {}ms after its gateway {gateway_pid} was SIGKILLed (pid {gateway_pid} {holder})",
                    trial.worker,
                    deadline().as_millis()
                ));
                break;
            }
        }
    }
    if let Ok(squatter) = squatter {
        host::end(squatter);
    }
    if trial.exited_after.is_some() && !trial.drained {
        trial.problems.push(format!("worker {} cut off its in-flight command", trial.worker));
    }
    Ok(())
}

fn spread(ms: &[u128]) -> String {
    match (ms.first(), ms.get(ms.len() / 2), ms.last()) {
        (Some(min), Some(median), Some(max)) => format!("min {min}ms, median {median}ms, max {max}ms"),
        _ => "none".into(),
    }
}
