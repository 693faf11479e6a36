//! **parent-death-watchdog** — seed `004_85ccd8a2cd44988b.txt` (NousResearch/hermes-agent#35626,
//! part C3: the slash worker's parent-death watchdog).
//!
//! When the gateway dies without running its exit hooks, its slash workers live on. Each worker
//! therefore polls its parent; a watchdog that asks "is my parent's pid still there" is fooled
//! once the dead gateway's pid belongs to an unrelated process. The fix compares `getppid()` with
//! the original parent and the creation time of the process holding that pid (the PID-reuse
//! guard); on orphaning it drains an in-flight command for up to a grace window, then exits.
//!
//! - [`workload::run`]: on a simulated process table, POSIX then Windows semantics, the gateway
//!   is SIGKILLed mid-command and its pid reused; a sibling worker's parent lives.
//! - [`stress::run`]: the seed's integration test with real processes: a stand-in gateway
//!   ([`roles::gateway`]) spawns a watchdog-armed worker ([`roles::worker`]); the stress run
//!   SIGKILLs the gateway, hands its pid to an unrelated process when the machine allows it, and
//!   measures whether the worker exits by itself within poll + grace.
#![deny(missing_docs)]

mod host;
mod lines;
pub mod roles;
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
