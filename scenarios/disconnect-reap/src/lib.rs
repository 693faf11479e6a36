//! **disconnect-reap** — seed `004_85ccd8a2cd44988b.txt` (hermes-agent, "reap leaked slash_worker
//! processes/fds on disconnect, create-race, and parent-death", C1 and the uvicorn ws_ping).
//!
//! The websocket handler's `finally` only re-pointed the dead transport to stdio: sessions and
//! their slash workers lived on until the gateway exited. Worse, a half-open socket (a reverse
//! proxy that answered 524, a dropped tunnel) never even raised a disconnect. The fix: on
//! disconnect, reap the `close_on_disconnect` sessions and schedule a grace reap for the rest,
//! off the event loop (the teardown blocks on the worker's close); and server pings every 20 s
//! with a 20 s timeout, which turn a half-open socket into a disconnect within ~40 s.
//!
//! - [`network::run`]: a real websocket server (the gateway's [`ws`](models::session_gateway::ws)
//!   front) and real websocket clients over turmoil's simulated TCP. Client A attaches, then
//!   vanishes without a FIN (a partition: a silent peer); B keeps chatting; C closes cleanly.
//!   C comes back inside the grace window of its parked sessions, resumes `c3` and later ends it
//!   with the `session.close` RPC.
//! - [`world`]: the simulated rest of the world: the gateway's clock on the simulation's time,
//!   and a process table whose workers exit only once the event loop has served a request (one
//!   that takes the sessions lock) meanwhile.
//!
//! # Every websocket exit path, and what fails if the old code comes back there
//!
//! Each row was tried (old code at that one place, the turmoil cell fails, the fix restored).
//!
//! | path | the fix there | old code tried | fails |
//! |---|---|---|---|
//! | half-open socket (`keepalive.rs`) | server ping every 20 s, 20 s for the pong | no pings | turmoil (safety: A's worker alive 45 s later); `ws::tests::silent_peer_…` |
//! | the handler's `finally` (`disconnect.rs`) | `close_sessions_for_transport` off the loop | on the loop; tearing down inline under the sessions lock | turmoil (safety: the loop stalls) |
//! | … then a grace reap per parked session | scheduled, off the loop | none scheduled; run on the loop | turmoil (liveness: c2 stays; safety: stall) |
//! | the grace reap's re-check | keeps a session resumed in the window | no check (ignores the resume); never reaps | turmoil (safety: c3 ended under C; liveness: c2 stays); thread-level: `idempotent-teardown-every-entry` |
//! | `session.close` RPC | off the loop | on the loop | turmoil (safety: stall) |
//! | `prompt.submit`'s turn end (restart closes the old worker) | off the loop | on the loop | turmoil (safety: stall) |
//! | `session.resume` | off the loop (it may spawn, via init) | — (a spawn does not wait on the loop here: not observable) | — |
#![deny(missing_docs)]

pub mod clients;
pub mod network;
pub mod oracles;
pub mod world;

use racetrack::{Budget, Scenario, SchedulerId::*};
use std::time::Duration;

/// The scenario, as the registry and the tests use it.
pub const SCENARIO: Scenario = Scenario::new(
    "disconnect-reap",
    "session gateway: a websocket client gone without FIN keeps its session and worker alive forever",
)
.source("NousResearch/hermes-agent#35626")
.oracles(
    "after client A vanishes without FIN, its session's worker is killed and reaped within 45 s of virtual \
     time; client B's requests are answered (within 2 s each) all along, and no worker close blocks the event \
     loop while the teardown runs",
    "a clean close (Close frame) reaps the close_on_disconnect session within 2 s and grace-reaps the parked one; \
     B's session is never reaped while B is connected; every closed worker is killed and reaped exactly once",
)
.network(&network::run)
.schedulers(&[(Turmoil, Budget::schedules(3).virtual_time(Duration::from_secs(90)).tick(Duration::from_millis(10)))]);
