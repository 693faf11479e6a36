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
//! - [`world`]: the simulated rest of the world: the gateway's clock on the simulation's time,
//!   and a process table whose workers take an event-loop turn to exit.
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
