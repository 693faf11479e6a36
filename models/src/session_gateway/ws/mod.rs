//! The gateway's websocket front (the seed's `tui_gateway/ws.py` behind uvicorn): a real
//! websocket server (tokio-tungstenite) over any byte stream — tokio's TCP for real, turmoil's
//! simulated TCP in a simulation, through the same [`Listener`] as the webhook channel.
//!
//! A connection owns the sessions it creates (each `close_on_disconnect` or not). Requests are
//! JSON text frames ([`Request`]); the blocking gateway calls (spawning or restarting a worker,
//! closing a session) run on the blocking pool, never on the event loop, and no gateway call is
//! held across an `.await`.
//!
//! | concern | file | buggy (before the seed's fix) | fixed |
//! |---|---|---|---|
//! | half-open sockets | `keepalive.rs` | no server pings: a peer that vanished without FIN (proxy 524, dropped tunnel) never raises a disconnect | a ping every 20 s, 20 s for its pong, else the connection is dropped: a disconnect within ~40 s |
//! | the handler's `finally` | `disconnect.rs` | only re-points the dead transport (the seed's "stdio"); sessions and workers live on | `close_sessions_for_transport` off the event loop (reaps `close_on_disconnect` sessions, parks the rest), then a grace reap per parked session |
//!
//! ```
//! use models::session_gateway::ws::{self, Request, WsClient, WsConfig};
//! use models::session_gateway::{Gateway, GatewayConfig, SimClock, SimProcessTable};
//! use racetrack_sync::Arc;
//! use racetrack_sync::Variant;
//!
//! let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! rt.block_on(async {
//!     let procs = Arc::new(SimProcessTable::new());
//!     let gateway = Gateway::new(Variant::Fixed, GatewayConfig::default(), procs.clone(), Arc::new(SimClock::new()));
//!     let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
//!     let addr = listener.local_addr().unwrap();
//!     tokio::spawn(ws::serve(listener, gateway.clone(), WsConfig::default()));
//!     let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
//!     let mut client = WsClient::connect(stream, "doc").await.unwrap();
//!     client.call(Request::create("a", true)).await.unwrap().unwrap();
//!     assert_eq!(client.call(Request::prompt("a", "hi")).await.unwrap(), Ok("echo hi".to_owned()));
//!     client.close().await.unwrap();
//!     // The clean close reaps the close_on_disconnect session (off the event loop).
//!     while gateway.session("a").is_some() {
//!         tokio::time::sleep(std::time::Duration::from_millis(1)).await;
//!     }
//!     assert!(procs.running().is_empty());
//! });
//! ```

mod client;
mod connection;
mod disconnect;
mod keepalive;
mod protocol;

#[cfg(test)]
mod tests;

pub use crate::webhook_channel::server::Listener;
pub use client::WsClient;
pub use protocol::Request;

use super::Gateway;
use racetrack_sync::task;
use std::io;
use std::time::Duration;

/// The seed's uvicorn `ws_ping_interval`: 20 s.
pub const PING_INTERVAL: Duration = Duration::from_secs(20);
/// The seed's uvicorn `ws_ping_timeout`: 20 s.
pub const PING_TIMEOUT: Duration = Duration::from_secs(20);
/// How long a parked session waits for its client to come back before the grace reap ends it
/// (the seed names no figure; this is ours).
pub const ORPHAN_GRACE: Duration = Duration::from_secs(10);

/// The front's tunables, with the seed's values by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WsConfig {
    /// Time between a pong (or the connection's start) and the next server ping.
    pub ping_interval: Duration,
    /// How long a ping may go unanswered before the connection counts as gone.
    pub ping_timeout: Duration,
    /// The grace period before a parked session is reaped.
    pub orphan_grace: Duration,
}

impl Default for WsConfig {
    fn default() -> Self {
        WsConfig { ping_interval: PING_INTERVAL, ping_timeout: PING_TIMEOUT, orphan_grace: ORPHAN_GRACE }
    }
}

/// Serves the gateway on `listener` until accepting fails: one task per connection, numbered
/// from 1 in accept order (the number is the session transport, [`super::Transport::Ws`]). The
/// variant is the gateway's.
pub async fn serve<L: Listener>(listener: L, gateway: Gateway, config: WsConfig) -> io::Result<()> {
    let mut next_id = 1;
    loop {
        let io = listener.accept().await?;
        let id = next_id;
        next_id += 1;
        drop(task::spawn(connection::run(io, id, gateway.clone(), config)));
    }
}

/// Runs a blocking gateway call on the blocking pool (the seed's `asyncio.to_thread`), its
/// events going to the caller's trace subscriber.
pub(crate) async fn off_loop<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let dispatch = tracing::dispatcher::get_default(Clone::clone);
    task::spawn_blocking(move || tracing::dispatcher::with_default(&dispatch, f)).await
}
