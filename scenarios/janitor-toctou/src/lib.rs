//! **janitor-toctou** — seed `002_1ca0eba1ff21f61e.txt` (apposed/appose#8, fixes appose#15).
//!
//! The task worker publishes a task's thread handle before starting the thread; its janitor,
//! which fails every task whose thread is set, not alive and unreported, can land in that window
//! and fail a healthy task with "thread death". The fix starts the thread and publishes the
//! handle only once it is alive.
//!
//! - [`workload::run`]: one janitor pass races the receiver handling a healthy task; then a task
//!   whose thread really dies and one that calls `sys.exit` check the janitor still works.
//! - [`stress::run`]: the seed's own stress shape on real threads, 16 submitters × 200 tiny tasks
//!   a round, with the real janitor polling every 50 ms.
#![deny(missing_docs)]

pub mod stress;
pub mod workload;

use racetrack::{Budget, Scenario, SchedulerId::*};

/// The scenario, as the registry and the tests use it.
pub const SCENARIO: Scenario = Scenario::new(
    "janitor-toctou",
    "task worker: the janitor fails a healthy task whose thread handle was published before start",
)
.source("apposed/appose-python#8")
.oracles(
    "no healthy task is ever failed with \"thread death\"; each task reports exactly once",
    "a task whose thread really dies is failed with \"thread death\" within one janitor period; \
     a task that calls sys.exit is reported as \"SystemExit: 123\"",
)
.threads(&workload::run)
.schedulers(&[
    (Loom, Budget::schedules(50_000).preemptions(2)),
    (ShuttlePct, Budget::schedules(1_000).depth(3)),
    (ShuttleRandom, Budget::schedules(1_000)),
])
.stress(stress::run);
