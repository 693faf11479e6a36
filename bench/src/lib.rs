//! racetrack's exploration benchmark: small programs with known concurrency bugs, ported from
//! public benchmark suites (SCTBench's CS and Inspect programs, ConVul's CVE reproductions, the
//! bug demos in loom's and shuttle's own tests), each written through racetrack's public API as a
//! [`Scenario`] with a buggy and a fixed variant.
//!
//! `cargo run --release -p racetrack-bench -- --markdown` measures, for every scheduler that fits
//! each program and for the default exploration, schedules to first detection over 20 seeds
//! (mean, median, seeds that found it), schedules per second, and that every fixed variant holds;
//! then racetrack's cost against the raw engines on the same bodies, and the default exploration
//! over the registered races. See [`measure`], [`overhead`] and [`races`].
#![deny(missing_docs)]

pub mod measure;
pub mod overhead;
pub mod programs;
pub mod races;
pub mod table;

use racetrack::{Budget, Scenario, SchedulerId};

/// One benchmark program.
#[derive(Clone, Copy, Debug)]
pub struct Program {
    /// The program as a scenario: its id, title, origin (`source`), workload and the schedulers
    /// that fit it ([`SHUTTLE`] or [`SHUTTLE_AND_LOOM`]; see [`program`]).
    pub scenario: Scenario,
    /// Threads per execution, main included.
    pub threads: usize,
    /// The bug's depth (PCT's: how many ordering constraints between events of different threads
    /// the bug needs).
    pub depth: usize,
}

impl Program {
    /// Whether loom models it (at most `loom::MAX_THREADS` threads, main included).
    pub fn fits_loom(&self) -> bool {
        self.threads <= 5
    }
}

/// Schedules each cell may spend on one seed of one program: the default exploration's own
/// default budget (what a scenario that names no scheduler runs), for every cell alike.
pub const BUDGET: u64 = racetrack::DEFAULT_SCHEDULES;

/// The PCT depths measured besides the default depth 3.
const PCT_SHALLOW: Budget = Budget::schedules(BUDGET).depth(1).named("d1");
const PCT_DEEP: Budget = Budget::schedules(BUDGET).depth(10).named("d10");

/// The cells of a program of at most five threads, in the table's column order: the shuttle
/// strategies and loom, bounded like the registered races' loom cells.
pub const SHUTTLE_AND_LOOM: &[(SchedulerId, Budget)] = &[
    (SchedulerId::Default, Budget::schedules(BUDGET)),
    (SchedulerId::ShuttleUrw, Budget::schedules(BUDGET)),
    (SchedulerId::ShuttleRandom, Budget::schedules(BUDGET)),
    (SchedulerId::ShuttlePct, PCT_SHALLOW),
    (SchedulerId::ShuttlePct, Budget::schedules(BUDGET)),
    (SchedulerId::ShuttlePct, PCT_DEEP),
    (SchedulerId::ShuttleDfs, Budget::schedules(BUDGET)),
    (SchedulerId::Loom, Budget::schedules(BUDGET).preemptions(2)),
];

/// The cells of a program loom cannot model: all but loom's.
pub const SHUTTLE: &[(SchedulerId, Budget)] = SHUTTLE_AND_LOOM.split_at(SHUTTLE_AND_LOOM.len() - 1).0;

/// A program: its scenario runs under every cell that fits `threads` (main included) and records
/// this crate's events; `depth` is its bug's depth.
pub const fn program(scenario: Scenario, threads: usize, depth: usize) -> Program {
    let cells = if threads <= 5 { SHUTTLE_AND_LOOM } else { SHUTTLE };
    Program { scenario: scenario.schedulers(cells).traces(TRACES), threads, depth }
}

/// Every column of the table, in order: each program has the ones that fit it.
pub const COLUMNS: [&str; 8] = [
    "default",
    "shuttle-urw",
    "shuttle-random",
    "shuttle-pct-d1",
    "shuttle-pct",
    "shuttle-pct-d10",
    "shuttle-dfs",
    "loom",
];

/// The trace targets of every program: this crate.
pub const TRACES: &[&str] = &["racetrack_bench"];

/// Every program, in the table's order.
pub fn programs() -> Vec<Program> {
    programs::ALL.to_vec()
}

/// The program called `id`.
pub fn find(id: &str) -> Result<Program, String> {
    programs::ALL.iter().copied().find(|p| p.scenario.id == id).ok_or_else(|| {
        let known: Vec<&str> = programs::ALL.iter().map(|p| p.scenario.id).collect();
        format!("unknown program '{id}': known programs are {}", known.join(", "))
    })
}
