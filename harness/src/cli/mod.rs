//! The `racetrack` command line: `list`, `run`, `replay`, `stress`, and the pull-request gate:
//! `baseline`, `gate`, `merge` (the contract is in ARCHITECTURE.md).
//!
//! `run` and `replay` never run a cell in their own process: each cell runs in a child
//! (`racetrack __cell …`) with a timeout, so a loom abort, a shuttle panic hook or a real
//! deadlock becomes a reported verdict (`error`, `timeout`) instead of a dead run.
//! Exit status: 0 every cell met its expectation, 1 some did not, 2 usage error.

mod args;
pub mod baseline;
mod checks;
mod delta;
#[cfg(test)]
mod fixtures;
mod gate;
mod gate_report;
mod git;
mod isolate;
mod list;
mod merge;
mod output;
mod report;
mod run;
pub mod snapshots;
mod stress;
mod tables;
mod teeth;
mod worktree;

use crate::Scenario;
use args::{Cli, Command};
use clap::Parser;
use std::process::ExitCode;

/// A problem with what the user typed: printed as one line naming the bad input, exit 2.
#[derive(Debug)]
pub(crate) struct UsageError(pub String);

impl From<String> for UsageError {
    fn from(message: String) -> Self {
        UsageError(message)
    }
}

/// Runs the command line over `registry` and returns the exit status.
pub fn main(registry: &[Scenario]) -> ExitCode {
    let cli = Cli::parse(); // clap prints its own usage errors and exits 2
    let outcome = match cli.command {
        Command::List(a) => list::list(registry, &a),
        Command::Run(a) => run::run(registry, &a),
        Command::Replay(a) => run::replay(registry, &a),
        Command::Stress(a) => stress::stress(registry, &a),
        Command::Baseline(a) => baseline::baseline(registry, &a),
        Command::Gate(a) => gate::gate(registry, &a),
        Command::Merge(a) => merge::merge(&a),
        Command::Cell(a) => isolate::cell_child(registry, &a),
        Command::Role(a) => isolate::role_child(registry, &a),
    };
    match outcome {
        Ok(code) => code,
        Err(UsageError(message)) => {
            output::eprint(&format!("racetrack: error: {message}\n"));
            ExitCode::from(2)
        }
    }
}
