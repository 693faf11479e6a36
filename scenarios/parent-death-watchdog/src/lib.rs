//! **parent-death-watchdog** — seed `004_85ccd8a2cd44988b.txt` (NousResearch/hermes-agent#35626,
//! part C3: the slash worker's parent-death watchdog).
//!
//! When the gateway dies without running its exit hooks, its slash workers live on. Each worker
//! therefore polls its parent; a watchdog that asks "is my parent's pid still there" is fooled
//! once the dead gateway's pid belongs to an unrelated process. The fix compares `getppid()` with
//! the original parent and the creation time of the process holding that pid (the PID-reuse
//! guard); on orphaning it drains an in-flight command for up to a grace window, then exits.
//!
//! - [`workload::run`] ([`SCENARIO`]): on a simulated process table, POSIX then Windows
//!   semantics, the gateway is SIGKILLed mid-command and its pid reused; a sibling worker's
//!   parent lives.
//! - [`startup::run`] ([`STARTUP`]): the gateway dies, and its pid is reused, while its workers
//!   arm — one from `getppid()`, one with the identity passed at spawn.
//! - [`hung_command::run`] ([`HUNG_COMMAND`]): the orphan's command never finishes; a Windows
//!   gateway's pid stays free after its death.
//! - [`stress::run`]: the seed's integration test with real processes: a stand-in gateway
//!   ([`roles::gateway`]) spawns a watchdog-armed worker ([`roles::worker`]); the stress run
//!   SIGKILLs the gateway, hands its pid to an unrelated process when the machine allows it, and
//!   measures whether the worker exits by itself within poll + grace.
//!
//! # What the fix touches, and what fails if the old code comes back there
//!
//! Every input of the orphan check (`models::watchdog`, `Watchdog::is_orphaned`, `run`,
//! `arm`/`arm_for`). Three small workloads rather than one: the main one already has loom's five
//! threads, and its loom cell needs preemption bound 1 to stay exhaustive. Each row was tried by
//! putting the old (or the refactored) code back at that one site and seeing the cells fail.
//!
//! | input | the fix there | if it regresses (which `fixed_holds` cells fail) |
//! |---|---|---|
//! | original ppid (`getppid() != original`) | orphaned once re-parented | dropped: [`STARTUP`] loom + shuttle-pct, safety — the kill and the pid reuse land between the watchdog's `getppid()` and its creation-time read, so it records the unrelated process's creation time and only the ppid check still sees the orphaning |
//! | the parent's creation time (the PID-reuse guard) | a reused pid is another process | dropped: [`SCENARIO`] loom + shuttle-pct, safety (Windows: the ppid never changes) |
//! | no process holds the pid (`NoSuchProcess`) | counts as orphaned | counted as alive: [`HUNG_COMMAND`] loom + shuttle-pct (Windows, pid left free) and [`SCENARIO`], safety |
//! | in-flight drain | an orphan finishes its command first | no drain: [`SCENARIO`] and [`HUNG_COMMAND`] loom + shuttle-pct, liveness ("cut off its in-flight command … before the grace window") |
//! | the command's end clears the in-flight flag (`Busy`'s drop) | a finished command no longer holds the exit | not cleared: `models`' `watchdog::tests::a_finished_command_does_not_hold_the_exit` (the orphan still exits within poll + grace, which the scenarios' oracles allow) |
//! | grace window bound on the drain | the exit waits at most `grace` | unbounded: [`HUNG_COMMAND`] (and [`SCENARIO`]) loom + shuttle-pct, safety (still running after poll + grace) |
//! | the residual: parent dead before arming | `arm_for` takes the identity passed at spawn | `arm_for` re-reading `getppid()`: [`STARTUP`] loom + shuttle-pct, safety (it watches init). `arm` itself keeps the seed's documented residual: a worker that armed after the death watches init and is exempt in [`STARTUP`] |
//! | the poll loop | exits once orphaned, never before | never exits: every entry, safety; exits at once: every entry, liveness (the sibling in [`SCENARIO`], "exited while its parent … was alive") |
#![deny(missing_docs)]

mod host;
pub mod hung_command;
mod lines;
pub mod roles;
pub mod startup;
pub mod stress;
pub mod workload;

use racetrack::{Budget, Scenario, SchedulerId::*};

/// The scenario, as the registry and the tests use it.
pub const SCENARIO: Scenario = Scenario::new(
    "parent-death-watchdog",
    "slash worker: a pid-only parent-death watchdog is fooled when the dead gateway's pid is reused",
)
.source("NousResearch/hermes-agent#35626")
.oracles(
    "an orphaned worker exits by itself within poll + grace of its parent's death, also when the parent's \
     pid has been handed to an unrelated process (POSIX and Windows re-parenting)",
    "a worker whose parent lives never exits; an in-flight command is finished before the exit unless the \
     grace window runs out",
)
.threads(&workload::run)
.schedulers(&[(Loom, Budget::schedules(20_000).preemptions(1)), (ShuttlePct, Budget::schedules(1_000).depth(3))])
.stress(stress::run)
.roles(&[("gateway", roles::gateway), ("worker", roles::worker), ("squatter", roles::squatter)]);

/// The startup window ([`startup::run`]): the gateway dies while its workers arm, one from
/// `getppid()`, one with the identity passed at spawn. Its own entry: the main workload already
/// has loom's five threads.
pub const STARTUP: Scenario = Scenario::new(
    "parent-death-watchdog-startup",
    "slash worker: the gateway dies, and its pid is reused, while the worker's watchdog arms",
)
.source("NousResearch/hermes-agent#35626")
.oracles(
    "an orphaned worker exits by itself within poll + grace, also when its parent died and its pid was \
     reused between the watchdog's getppid() and its creation-time read; a worker armed with the \
     identity passed at spawn exits whenever its parent died",
    "",
)
.threads(&startup::run)
// Preemption bound 2: the kill has to land between two of the arming thread's steps.
.schedulers(&[(Loom, Budget::schedules(20_000).preemptions(2)), (ShuttlePct, Budget::schedules(1_000).depth(3))]);

/// A command that never finishes and a dead parent's pid left free ([`hung_command::run`]).
pub const HUNG_COMMAND: Scenario = Scenario::new(
    "parent-death-watchdog-hung-command",
    "slash worker: an orphan whose command never finishes, and a dead parent whose pid stays free",
)
.source("NousResearch/hermes-agent#35626")
.oracles(
    "an orphaned worker exits within poll + grace even while its command still runs, and also when no \
     process holds its parent's pid any more (Windows)",
    "the in-flight command holds the exit for the whole grace window",
)
.threads(&hung_command::run)
.schedulers(&[(Loom, Budget::schedules(20_000).preemptions(1)), (ShuttlePct, Budget::schedules(1_000).depth(3))]);
