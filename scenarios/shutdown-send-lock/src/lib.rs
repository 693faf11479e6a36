//! **shutdown-send-lock** — seed `003_408d3f04c521ad6d.txt` (nearai/ironclaw#905, fixes #869).
//!
//! The webhook channel holds the `RwLock` read guard on its `Option<mpsc::Sender>` across
//! `tx.send(msg).await`; with the bounded buffer full (the agent busy), the send suspends
//! holding it and `shutdown()` never gets the write lock. The WASM wrapper does the same with its
//! rate limiter's write lock across a loop of sends. The fix clones the sender out, drops the
//! guard, then awaits, and scopes the limiter lock to one iteration. The seed's review adds a
//! second defect: early returns leave the request's `pending_responses` entry behind.
//!
//! - [`workload::run`]: async tasks (tokio-paused, shuttle-random, shuttle-pct): every send site
//!   blocked on a full buffer, then all of them racing for the last free slot, then the other
//!   exits.
//! - [`network::run`]: the webhook over turmoil's simulated TCP, a real hyper server and real
//!   HTTP clients.
//! - [`stress::run`]: a real multi-thread runtime, the production buffer of 256.
//!
//! ## What the fix touches, and what fails if the old code comes back there
//!
//! The send sites (`models::webhook_channel`; all but the batch go through
//! `State::send_to_agent`), each driven by [`workload::Site`]:
//!
//! | site (seed file) | full buffer: guard held across the send | last free slot: a fast path that checks for room and keeps the guard |
//! |---|---|---|
//! | `process_message` (http.rs) | tokio-paused (safety: shutdown not within 2 s), shuttle-random, shuttle-pct (deadlock), turmoil (safety) | shuttle-random, shuttle-pct, turmoil |
//! | `chat_send_handler` (web/server.rs) | tokio-paused, shuttle-random, shuttle-pct | shuttle-random, shuttle-pct |
//! | `chat_approval_handler` (web/server.rs) | tokio-paused, shuttle-random, shuttle-pct | shuttle-random |
//! | `handle_client_message` (web/ws.rs; the seed's two sends are one here) | tokio-paused, shuttle-random, shuttle-pct | shuttle-random |
//! | `process_emitted_messages` (wasm/wrapper.rs) | read guard across the loop, limiter lock across the loop, or a limiter guard alive across one iteration's send: tokio-paused (safety: shutdown, or the limiter not answering within 2 s), shuttle-random, shuttle-pct | a fast path for a batch that fits: shuttle-random |
//!
//! (The cells are `<scheduler>::fixed_holds`.) A fast path can only lose the slot between its
//! check and its send where a scheduler can switch tasks: shuttle switches at the send's
//! in-flight gauge (an atomic) and at tokio's locks; tokio-paused's current thread never does, so
//! it cannot catch one (the real-thread stress run can). `web/handlers/chat.rs` is dead code in
//! the seed and is not modelled; of the wrapper's two `process_emitted_messages`, one is.
//!
//! The exits of `process_message` and what must become of the request's `pending_responses`
//! entry (safety: "… pending_responses entry outlived …"):
//!
//! | exit | driven by | fails if the entry stays |
//! |---|---|---|
//! | 503 "Channel not started" (after shutdown) | round 1's late sends | every gate cell |
//! | 500 "Channel closed" (the agent's receiver dropped) | phase 3 | tokio-paused, shuttle-random, shuttle-pct |
//! | 504 on timeout (an agent that never answers) | phase 3 (tokio only: shuttle has no clock) | tokio-paused |
//! | 200 with the answer (success) | rounds 1 and 2 | every gate cell (`pending_len` at the end) |
//!
//! (429, too many pending, registers nothing; 500 "Response channel closed" cannot happen while
//! the waiter lives only in the map, so the fix has nothing to remove there.)
//!
//! Liveness, kept: shutdown completes; every accepted message reaches the agent, the batch in
//! order; a send after shutdown gets a prompt clean "Channel not started", every site; the rate
//! limiter lets exactly its quota through and a new minute (tokio only) resets it.
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
    "with every send site (webhook, web chat and approval, websocket, WASM batch) blocked on a full buffer, or \
     racing for its last slot, shutdown() completes and the rate limiter answers within 2 s of virtual time; no \
     pending_responses entry outlives its request (not started, closed, timed out, answered)",
    "every message accepted before shutdown reaches the agent, in order; a send at any site after shutdown gets \
     a prompt clean \"Channel not started\", with the agent gone \"Channel closed\"; the rate limiter keeps its quota",
)
.tasks(&workload::run)
.network(&network::run)
.schedulers(&[
    // The workload spends two minutes of virtual time on the rate limiter's window.
    (TokioPaused, Budget::schedules(20).virtual_time(Duration::from_secs(150))),
    (ShuttleRandom, Budget::schedules(300)),
    (ShuttlePct, Budget::schedules(300).depth(3)),
    (Turmoil, Budget::schedules(5).virtual_time(Duration::from_secs(10))),
])
.stress(stress::run);
