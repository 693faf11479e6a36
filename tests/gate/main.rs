//! The workspace gate, generated from the scenario registry so a new scenario is covered without
//! new code:
//! - `cells::<scenario>::<scheduler>::<variant>`: the cell meets its expectation (buggy detected,
//!   fixed held) and a second run gives identical JSON and trace (determinism);
//! - `replay::<scenario>::<scheduler>`: the buggy cell's token reproduces the same failure and
//!   trace, and two replays print the same bytes;
//! - `cli::…`: the command line end to end (exit codes 0 / 1 / 2, isolation of aborts and hangs);
//! - `env::…`: the engines' environment variables change no verdict, count or trace;
//! - `faults::…`: bad input refused before any cell runs, a timed-out cell's processes ended, a
//!   closed stdout ending the output quietly.
//! - `baseline::…`: the committed gate baseline is current (each `cells::…` trial also checks its
//!   own cell's entry against it, on the run it already makes);
//! - `gate::…`, `shard::…`, `teeth::…`: `racetrack baseline`, `gate`, `run --shard` / `merge` and
//!   `gate --teeth` end to end (the last in a scratch repository with fixture commits).
//!
//! This test binary is also the `racetrack` CLI (over the registry plus broken-on-purpose fixtures):
//! invoked with a racetrack subcommand it runs it, so the trials drive the real command line and
//! its child processes without depending on a separately built binary.

mod baseline;
mod cells;
mod cli;
mod env;
mod faults;
mod gate;
mod shard;
mod teeth;

use libtest_mimic::{Arguments, Trial};
use std::process::{Command, ExitCode, Output};

const SUBCOMMANDS: [&str; 9] = ["list", "run", "replay", "stress", "baseline", "gate", "merge", "__cell", "__role"];

fn main() -> ExitCode {
    if std::env::args().nth(1).is_some_and(|a| SUBCOMMANDS.contains(&a.as_str())) {
        let registry = racetrack_gate::registry_with_fixtures();
        return racetrack::cli::main(&registry);
    }
    let mut trials: Vec<Trial> = cells::trials();
    trials.extend(cli::trials());
    trials.extend(env::trials());
    trials.extend(faults::trials());
    trials.extend(baseline::trials());
    trials.extend(gate::trials());
    trials.extend(shard::trials());
    trials.extend(teeth::trials());
    libtest_mimic::run(&Arguments::from_args(), trials).exit_code()
}

/// Runs this binary as `racetrack ARGS…`.
pub(crate) fn racetrack(args: &[&str]) -> Output {
    racetrack_with(args, &[])
}

/// Runs this binary as `racetrack ARGS…` with environment variables set on it (only on it: a
/// test that set them on its own process would leak them into every other test).
pub(crate) fn racetrack_with(args: &[&str], env: &[(&str, &str)]) -> Output {
    command().args(args).envs(env.iter().copied()).output().expect("racetrack runs")
}

/// This binary, as a command to run `racetrack` subcommands with.
pub(crate) fn command() -> Command {
    Command::new(std::env::current_exe().expect("own path"))
}

/// stdout as text.
pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}
