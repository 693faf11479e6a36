//! **shutdown-send-lock** — seed `003_408d3f04c521ad6d.txt` (nearai/ironclaw#905, fixes #869).
//!
//! The webhook channel holds the `RwLock` read guard on its `Option<mpsc::Sender>` across
//! `tx.send(msg).await`; with the bounded buffer full (the agent busy), the send suspends
//! holding it and `shutdown()` never gets the write lock. The WASM wrapper does the same with its
//! rate limiter's write lock across a loop of sends. The fix clones the sender out, drops the
//! guard, then awaits, and scopes the limiter lock to one iteration. The seed's review adds a
//! second defect: early returns leave the request's `pending_responses` entry behind.
//!
//! - [`workload::run`]: async tasks (tokio-paused, shuttle-random, shuttle-pct).
//! - [`network::run`]: the same story over turmoil's simulated TCP, a real hyper server and
//!   real HTTP clients.
//! - [`stress::run`]: a real multi-thread runtime, the production buffer of 256.
#![deny(missing_docs)]

pub mod network;
pub mod stress;
pub mod workload;

use racetrack::{Budget, Scenario, SchedulerId::*};
use std::time::Duration;

/// The scenario, as the registry and the tests use it.
pub const SCENARIO: Scenario = Scenario::new(
    "shutdown-send-lock",
    "webhook channel: read guard held across send on a full buffer deadlocks shutdown; pending responses leak",
)
.source("nearai/ironclaw#905")
.oracles(
    "with the buffer full and a handler (and a WASM batch) blocked on send, shutdown() completes and the rate \
     limiter answers within 2 s of virtual time; no pending_responses entry outlives its request",
    "every message accepted before shutdown reaches the agent, in order; a webhook or batch after shutdown gets \
     a prompt clean error (503 \"Channel not started\" / NotStarted)",
)
.tasks(&workload::run)
.network(&network::run)
.schedulers(&[
    // The workload spends a minute of virtual time on the rate limiter's window.
    (TokioPaused, Budget::schedules(20).virtual_time(Duration::from_secs(90))),
    (ShuttleRandom, Budget::schedules(300)),
    (ShuttlePct, Budget::schedules(300).depth(3)),
    (Turmoil, Budget::schedules(5).virtual_time(Duration::from_secs(10))),
])
.stress(stress::run);
