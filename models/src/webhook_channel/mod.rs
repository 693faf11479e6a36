//! The webhook channel of seed `003_408d3f04c521ad6d.txt` (ironclaw #869 / PR #905): an HTTP
//! channel that feeds an agent through a bounded mpsc buffer, with its documented
//! lock-held-across-await deadlock and its pending-response leak.
//!
//! State: a tokio `RwLock<Option<mpsc::Sender<IncomingMessage>>>` (`start` fills it, `shutdown`
//! clears it under the write lock), a bounded buffer ([`DEFAULT_BUFFER`] = 256 in production),
//! `pending_responses` (a oneshot per request that waits for the agent's answer, at most
//! [`MAX_PENDING_RESPONSES`]) and a rate limiter for the WASM wrapper's batch path.
//!
//! The places that hand a message to the agent, as in the seed's fix: the webhook handler
//! [`WebhookChannel::process_message`] (`http.rs`); the web gateway's
//! [`WebhookChannel::chat_send`] and [`WebhookChannel::chat_approval`] (`web/server.rs`) and its
//! websocket's [`WebhookChannel::handle_client_message`] (`web/ws.rs`) — in the seed the gateway is
//! a channel of its own with the same state, here it shares this one, so that one `shutdown`
//! covers every site; and the WASM wrapper's batch path
//! [`WebhookChannel::process_emitted_messages`] (`wasm/wrapper.rs`, one of its two copies).
//!
//! - [`Variant::Buggy`]: every site holds the read guard across `tx.send(msg).await`, and the batch
//!   path holds it and the rate limiter's write lock across its whole send loop: with the buffer
//!   full the send suspends holding them, and `shutdown()` can never take the write lock. The
//!   early-return paths ("Channel not started", "Channel closed") leave the request's
//!   `pending_responses` entry behind.
//! - [`Variant::Fixed`]: clone the sender under the lock, drop the guard, then await; the rate
//!   limiter lock is scoped to one iteration; the pending entry is removed on every path.
//!
//! [`server`] is the HTTP front (hyper 1, over tokio's or turmoil's TCP).
//!
//! ```
//! use models::webhook_channel::{Config, IncomingMessage, WebhookChannel};
//! use racetrack_sync::Variant;
//!
//! let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! rt.block_on(async {
//!     let channel = WebhookChannel::new(Variant::Fixed, Config::default());
//!     let mut agent = channel.start().await;
//!     let reply = channel.process_message(IncomingMessage::new(1, "alice", "hi"), false).await;
//!     assert_eq!(reply.status, 200);
//!     assert_eq!(agent.recv().await.unwrap().content, "hi");
//!     channel.shutdown().await;
//!     let late = channel.process_message(IncomingMessage::new(2, "bob", "late"), true).await;
//!     assert_eq!((late.status, late.response.as_deref()), (503, Some("Channel not started")));
//!     assert_eq!(channel.pending_len().await, 0);
//! });
//! ```

mod http;
mod rate_limit;
mod send;
pub mod server;
mod wasm;
mod web;

pub use http::{WebhookResponse, RESPONSE_TIMEOUT};
pub use rate_limit::RateLimiter;
pub use send::ChannelError;
pub use wasm::EmittedMessage;
pub use web::ClientMessage;

use racetrack_sync::Variant;
use racetrack_sync::{Arc, AtomicUsize, Ordering};
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, RwLock};
use tracing::info;

/// The production buffer between the channel and the agent loop.
pub const DEFAULT_BUFFER: usize = 256;
/// The most requests that may wait for a response at once (the seed's `MAX_PENDING_RESPONSES`).
pub const MAX_PENDING_RESPONSES: usize = 100;

/// A message for the agent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingMessage {
    /// Unique per channel; responses are matched to requests by it.
    pub id: u64,
    /// Who sent it.
    pub user: String,
    /// What they wrote.
    pub content: String,
}

impl IncomingMessage {
    /// A message.
    pub fn new(id: u64, user: impl Into<String>, content: impl Into<String>) -> Self {
        IncomingMessage { id, user: user.into(), content: content.into() }
    }
}

/// Channel configuration.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Config {
    /// Capacity of the buffer to the agent ([`DEFAULT_BUFFER`]).
    pub buffer: usize,
    /// Cap on `pending_responses` ([`MAX_PENDING_RESPONSES`]).
    pub max_pending_responses: usize,
    /// Emitted messages the WASM wrapper lets through per minute.
    pub emitted_per_minute: u32,
    /// How long a webhook waits for the agent's answer ([`RESPONSE_TIMEOUT`]).
    pub response_timeout: Duration,
}

impl Config {
    /// The production configuration with another buffer capacity.
    pub fn with_buffer(buffer: usize) -> Self {
        Config { buffer, ..Config::default() }
    }

    /// This configuration with another WASM rate limit.
    pub fn emitted_per_minute(self, emitted_per_minute: u32) -> Self {
        Config { emitted_per_minute, ..self }
    }

    /// This configuration with another wait for the agent's answer.
    pub fn response_timeout(self, response_timeout: Duration) -> Self {
        Config { response_timeout, ..self }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            buffer: DEFAULT_BUFFER,
            max_pending_responses: MAX_PENDING_RESPONSES,
            emitted_per_minute: 60,
            response_timeout: RESPONSE_TIMEOUT,
        }
    }
}

pub(crate) struct State {
    variant: Variant,
    config: Config,
    tx: RwLock<Option<mpsc::Sender<IncomingMessage>>>,
    pending_responses: RwLock<BTreeMap<u64, oneshot::Sender<String>>>,
    rate_limiter: RwLock<RateLimiter>,
    /// Sends under way right now, most of them waiting for room in the buffer (a gauge; the
    /// scenarios wait on it).
    sends_in_flight: AtomicUsize,
}

/// The channel. Cheap to clone; clones share one channel.
#[derive(Clone)]
pub struct WebhookChannel(Arc<State>);

impl WebhookChannel {
    /// A channel that is not started yet.
    pub fn new(variant: Variant, config: Config) -> Self {
        WebhookChannel(Arc::new(State {
            variant,
            config,
            tx: RwLock::new(None),
            pending_responses: RwLock::new(BTreeMap::new()),
            rate_limiter: RwLock::new(RateLimiter::new(config.emitted_per_minute)),
            sends_in_flight: AtomicUsize::new(0),
        }))
    }

    /// Creates the buffer and returns the agent's end of it.
    pub async fn start(&self) -> mpsc::Receiver<IncomingMessage> {
        let (tx, rx) = mpsc::channel(self.0.config.buffer);
        *self.0.tx.write().await = Some(tx);
        info!(actor = "channel", "start: buffer {}", self.0.config.buffer);
        rx
    }

    /// Stops accepting messages: takes the write lock and clears the sender. Messages already
    /// in the buffer (and sends already under way with a cloned sender) still reach the agent.
    pub async fn shutdown(&self) {
        info!(actor = "channel", "shutdown: wants write lock");
        *self.0.tx.write().await = None;
        info!(actor = "channel", "shutdown: sender cleared");
    }

    /// The agent's answer to message `id`, for the request waiting on it (if any still is).
    pub async fn respond(&self, id: u64, content: impl Into<String>) {
        if let Some(waiter) = self.0.pending_responses.write().await.remove(&id) {
            let _ = waiter.send(content.into());
        }
    }

    /// How many requests wait for a response.
    pub async fn pending_len(&self) -> usize {
        self.0.pending_responses.read().await.len()
    }

    /// Whether message `id` still has a `pending_responses` entry.
    pub async fn is_pending(&self, id: u64) -> bool {
        self.0.pending_responses.read().await.contains_key(&id)
    }

    /// Sends under way right now (waiting for room in the buffer, most of them).
    pub fn sends_in_flight(&self) -> usize {
        self.0.sends_in_flight.load(Ordering::SeqCst)
    }

    /// Emitted messages the WASM wrapper may still send this minute (reads the rate limiter).
    pub async fn rate_limit_remaining(&self) -> u32 {
        self.0.rate_limiter.read().await.remaining()
    }
}
