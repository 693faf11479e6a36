//! **janitor-toctou** — seed `002_1ca0eba1ff21f61e.txt` (apposed/appose#8, fixes appose#15).
//!
//! The task worker publishes a task's thread handle before starting the thread; its janitor,
//! which fails every task whose thread is set, not alive and unreported, can land in that window
//! and fail a healthy task with "thread death". The fix starts the thread and publishes the
//! handle only once it is alive.
//!
//! - [`workload::run`]: one janitor pass races the receiver queueing a main-thread task and
//!   handing a healthy task its own thread, and the main loop running the queued one; then a task
//!   whose thread really dies and one that calls `sys.exit` check the janitor still works.
//! - [`stress::run`]: the seed's own stress shape on real threads, 16 submitters × 200 tiny tasks
//!   a round, with the real janitor polling every 50 ms.
//!
//! # What the fix touches, and what fails if the old code comes back there
//!
//! Every place the worker publishes a thread handle, and every input of the janitor's check
//! (`models::task_worker`). "Gate" is this scenario's `loom`, `shuttle_pct` and
//! `shuttle_random` `fixed_holds` cells; each row was tried by putting the old (or the
//! refactored) code back at that one site and seeing the cells fail.
//!
//! | site | the fix there | if it regresses |
//! |---|---|---|
//! | `Worker::process_request`, non-main branch: the seed's only publish (`task._thread = …`) | start, then publish | publish before start: gate, safety ("healthy task failed with thread death") |
//! | `TaskThread::start`, which that branch relies on | returns only once the body has begun (Python's `Thread.start()`) | returns right after spawning: gate (loom, shuttle-pct), safety |
//! | `Worker::process_request`, main-queue branch (`queue: "main"`) | publishes no handle; the task runs on the main loop | a handle published for it: gate, safety (the queued task fails with thread death) |
//! | `Worker::run_main_queue` | runs each queued task | does not: gate, liveness ("did not run its queued task") |
//! | restart / requeue paths | none: Appose never re-runs a task, and neither does the model | — |
//! | janitor input "handle set" (`Worker::cleanup_threads`) | no handle is never "dead" | no handle counted as not alive: gate, safety (healthy before its publish, the queued task) |
//! | janitor input "alive" | a running thread is left alone | dropped: gate (loom, shuttle-pct), safety (healthy failed while running) |
//! | janitor input "reported" (`_finished`) | a finished task is swept, not failed | dropped: gate, safety (healthy gets a second, "thread death" response, as Appose's `_respond` would send it) |
//! | janitor sweep (removal from the table) | every dead task leaves the table | a finished task skipped before removal: gate, liveness ("tasks left in the table") |
//!
//! The anti-cheat half is in every execution: the task whose thread dies is failed with "thread
//! death" and the `sys.exit` task reports `SystemExit: 123` (gate, liveness); on real threads with
//! the 50 ms janitor, `liveness_dead_thread_is_reported_as_thread_death`.
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
