//! Bad input and faults: every bad input is a usage error (exit 2, one line naming it and what
//! is accepted) before any cell runs; a cell that times out takes everything it started with it;
//! a closed stdout ends the output quietly.

use crate::{command, racetrack_with, stdout};
use libtest_mimic::{Failed, Trial};
use racetrack_gate::{MARKER_VARIABLE, PIDFILE_VARIABLE};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A path of this test run's own in the temporary directory, gone before the test starts.
fn scratch(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("racetrack-gate-{}-{name}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

/// One of the `fixture-marks` tokens, with `schedule` as its last field.
fn token(scheduler: &str, schedule: &str) -> String {
    format!("rt1:fixture-marks:{scheduler}:buggy:1:{schedule}")
}

/// Each bad input, with the words its message must contain. Every one names `fixture-marks`,
/// whose cells leave a marker file: the file's absence proves that no cell ran.
fn bad_inputs() -> Vec<(Vec<String>, Vec<&'static str>)> {
    let run = |extra: &[&str]| ["run", "fixture-marks"].iter().chain(extra).map(|s| s.to_string()).collect();
    let replay = |token: String, extra: &[&str]| {
        let mut args = vec!["replay".to_owned(), token];
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    };
    let stress = |extra: &[&str]| ["stress", "fixture-marks"].iter().chain(extra).map(|s| s.to_string()).collect();
    vec![
        (run(&["--budget", "0"]), vec!["'0'", "--budget", "not in 1.."]),
        (run(&["--timeout", "0"]), vec!["'0'", "--timeout", "not in 1.."]),
        (run(&["--jobs", "0"]), vec!["'0'", "--jobs", "not in 1.."]),
        (replay(token("loom", "pb2-i1"), &["--timeout", "0"]), vec!["'0'", "--timeout", "not in 1.."]),
        (stress(&["--iterations", "0"]), vec!["'0'", "--iterations", "not in 1.."]),
        (stress(&["--threads", "0"]), vec!["'0'", "--threads", "not in 1.."]),
        (
            run(&["--out", "/nonexistent-racetrack-dir/report.json"]),
            vec!["--out /nonexistent-racetrack-dir/report.json", "existing, writable directory"],
        ),
        // A directory no one may create files in, not even root.
        (
            run(&["--out", "/proc/racetrack-report.json"]),
            vec!["--out /proc/racetrack-report.json", "writable directory"],
        ),
        (replay(token("loom", "pb2-ix"), &[]), vec!["'pb2-ix'", "pb<bound>-i<execution>"]),
        (replay(token("loom", "pb2-i0"), &[]), vec!["'pb2-i0'", "counting from 1"]),
        (replay(token("loom", "s5"), &[]), vec!["'s5'", "pb<bound>-i<execution>"]),
        (replay(token("shuttle-random", "zz"), &[]), vec!["'zz'", "hex"]),
        (replay(token("shuttle-random", "9101"), &[]), vec!["'9101'", "ends inside its header"]),
        // Ten steps and no bits to hold them: shuttle's own decoder would index past the end.
        (replay(token("shuttle-random", "91010a01"), &[]), vec!["'91010a01'", "says 10 steps but holds 0"]),
        // A header claiming 2^35 steps: shuttle's own decoder would try to reserve them all.
        (
            replay(token("shuttle-random", "910180808080800101ff"), &[]),
            vec!["'910180808080800101ff'", "steps but holds"],
        ),
        (replay(token("shuttle-random", "pb2-i1"), &[]), vec!["'pb2-i1'", "hex string"]),
        (replay(token("tokio-paused", "x7"), &[]), vec!["'x7'", "s<seed>"]),
        (replay(token("tokio-paused", "pb2-i1"), &[]), vec!["'pb2-i1'", "s<seed>"]),
    ]
}

fn bad_input_is_refused_before_any_cell_runs(args: Vec<String>, names: Vec<&'static str>) -> Result<(), Failed> {
    let marker = scratch(&format!("marker-{}", args.join("_").replace('/', "_")));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = racetrack_with(&args, &[(MARKER_VARIABLE, marker.to_str().ok_or("a UTF-8 temp path")?)]);
    let ran = marker.exists();
    let _ = std::fs::remove_file(&marker);
    let err = stderr(&o);
    if o.status.code() != Some(2) {
        return Err(format!("{args:?} must exit 2, got {:?}: {err}", o.status.code()).into());
    }
    if ran {
        return Err(format!("{args:?} ran a cell before refusing its input").into());
    }
    if let Some(name) = names.iter().find(|n| !err.contains(*n)) {
        return Err(format!("{args:?}: the error should say '{name}': {err}").into());
    }
    // One line of its own; clap adds a pointer to --help after a blank line.
    if err.trim().lines().filter(|l| !l.is_empty()).count() > 2 || !stdout(&o).is_empty() {
        return Err(format!("{args:?}: the usage error should be one line on stderr: {err}").into());
    }
    Ok(())
}

/// Whether `pid` is a running process (a zombie has ended: it only waits to be reaped).
fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| stat.rsplit_once(") ").map(|(_, rest)| rest.to_owned()))
        .is_some_and(|rest| !rest.starts_with('Z') && !rest.starts_with('X'))
}

fn timed_out_cell_leaves_no_process() -> Result<(), Failed> {
    let pidfile = scratch("orphan-pid");
    let env = [(PIDFILE_VARIABLE, pidfile.to_str().ok_or("a UTF-8 temp path")?)];
    let o =
        racetrack_with(&["run", "fixture-orphans", "--variant", "fixed", "--timeout", "1", "--format", "json"], &env);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o))?;
    if doc["results"][0]["verdict"] != "timeout" {
        return Err(format!("the hung cell must be a timeout verdict: {doc}").into());
    }
    let pid: u32 = std::fs::read_to_string(&pidfile)?.trim().parse()?;
    let _ = std::fs::remove_file(&pidfile);
    // SIGKILL is delivered at once, but the process may take a moment to be torn down.
    let killed = Instant::now();
    while running(pid) && killed.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(10));
    }
    if running(pid) {
        let _ = std::process::Command::new("kill").args(["-KILL", &pid.to_string()]).status();
        return Err(format!("the process the timed-out cell started (pid {pid}) outlived the run").into());
    }
    Ok(())
}

/// Runs `racetrack ARGS…` with a stdout whose reader is already gone, as `… | head` leaves it:
/// it must end with its own exit status and no panic.
fn closed_stdout(args: &[&str], code: i32) -> Result<(), Failed> {
    let (reader, writer) = rustix::pipe::pipe()?;
    drop(reader);
    let o = command().args(args).stdout(Stdio::from(writer)).stderr(Stdio::piped()).output()?;
    let err = stderr(&o);
    if err.contains("panicked") || err.contains("Broken pipe") || o.status.code() != Some(code) {
        return Err(
            format!("{args:?} into a closed pipe: exit {:?} (not {code}), stderr: {err}", o.status.code()).into()
        );
    }
    Ok(())
}

fn closed_stdout_ends_the_output_quietly() -> Result<(), Failed> {
    closed_stdout(&["list"], 0)?;
    closed_stdout(&["list", "--format", "json"], 0)?;
    closed_stdout(&["run", "janitor-toctou", "--scheduler", "loom", "--variant", "buggy"], 0)?;
    closed_stdout(&["run", "janitor-toctou", "--scheduler", "loom", "--variant", "buggy", "--format", "json"], 0)?;
    // fixture-marks has no bug, so its token reproduces nothing: exit 1, quietly all the same.
    closed_stdout(&["replay", &token("tokio-paused", "s1")], 1)?;
    // And as a shell runs it.
    let exe = std::env::current_exe()?;
    let o = std::process::Command::new("sh")
        .args(["-c", "\"$0\" list | head -1", exe.to_str().ok_or("UTF-8 path")?])
        .output()?;
    let (out, err) = (stdout(&o), stderr(&o));
    if out.lines().count() != 1 || err.contains("panicked") {
        return Err(format!("racetrack list | head -1: stdout {out:?}, stderr {err:?}").into());
    }
    Ok(())
}

pub(crate) fn trials() -> Vec<Trial> {
    let mut trials: Vec<Trial> = bad_inputs()
        .into_iter()
        .map(|(args, names)| {
            // `run_--budget_0`, `replay_loom_pb2-ix` (a token by its scheduler and schedule).
            let words: Vec<String> = args
                .iter()
                .filter(|a| *a != "fixture-marks")
                .map(|a| match a.split(':').collect::<Vec<_>>()[..] {
                    [_, _, scheduler, _, _, schedule] => format!("{scheduler}_{schedule}"),
                    _ => a.replace('/', "_"),
                })
                .collect();
            let name = format!("faults::refused_up_front::{}", words.join("_"));
            Trial::test(name, move || bad_input_is_refused_before_any_cell_runs(args, names))
        })
        .collect();
    trials.push(Trial::test("faults::timed_out_cell_leaves_no_process", timed_out_cell_leaves_no_process));
    trials.push(Trial::test("faults::closed_stdout_ends_the_output_quietly", closed_stdout_ends_the_output_quietly));
    trials
}
