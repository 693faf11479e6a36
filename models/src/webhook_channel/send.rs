//! Handing one message to the agent: what every send site does, and where the variants differ.

use super::{IncomingMessage, State};
use racetrack_sync::Variant;
use racetrack_sync::{AtomicUsize, Ordering};
use std::fmt;
use tokio::sync::mpsc;
use tracing::info;

/// Why a message could not be handed to the agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChannelError {
    /// The channel is not started (or was shut down).
    NotStarted,
    /// The agent's end of the buffer is gone.
    Closed,
}

impl ChannelError {
    /// The HTTP answer to it: 503 "Channel not started" or 500 "Channel closed", as every handler
    /// of the seed answers.
    pub fn http(self) -> (u16, &'static str) {
        match self {
            ChannelError::NotStarted => (503, "Channel not started"),
            ChannelError::Closed => (500, "Channel closed"),
        }
    }
}

impl fmt::Display for ChannelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.http().1)
    }
}

impl std::error::Error for ChannelError {}

/// What a send holds while it waits for room in the buffer: said in the trace.
pub(crate) type Holding = &'static str;

impl State {
    /// A clone of the sender, taken under the read lock (`Sender::clone` is an `Arc` bump); the
    /// guard is gone when this returns. `None`: not started.
    pub(crate) async fn sender(&self) -> Option<mpsc::Sender<IncomingMessage>> {
        self.tx.read().await.clone()
    }

    /// Hands `msg` to the agent, waiting while the buffer is full. Buggy: the read guard on the
    /// sender lives across the wait. Fixed: the sender is cloned out and the guard dropped first.
    pub(crate) async fn send_to_agent(&self, msg: IncomingMessage) -> Result<(), ChannelError> {
        match self.variant {
            Variant::Buggy => {
                let tx_guard = self.tx.read().await;
                let tx = tx_guard.as_ref().ok_or(ChannelError::NotStarted)?;
                self.deliver(tx, msg, "msg", "holding read guard").await
            }
            Variant::Fixed => {
                let tx = self.sender().await.ok_or(ChannelError::NotStarted)?;
                self.deliver(&tx, msg, "msg", "(guard dropped)").await
            }
        }
    }

    /// The send itself, counted in the gauge while it is under way.
    pub(crate) async fn deliver(
        &self,
        tx: &mpsc::Sender<IncomingMessage>,
        msg: IncomingMessage,
        kind: &str,
        holding: Holding,
    ) -> Result<(), ChannelError> {
        let _in_flight = InFlight::new(&self.sends_in_flight);
        if tx.capacity() == 0 {
            info!(actor = %msg.user, "{kind} {}: buffer full, send waits {holding}", msg.id);
        }
        tx.send(msg).await.map_err(|_| ChannelError::Closed)
    }
}

/// Counts a send as in flight while its future is alive.
struct InFlight<'a>(&'a AtomicUsize);

impl<'a> InFlight<'a> {
    fn new(gauge: &'a AtomicUsize) -> Self {
        gauge.fetch_add(1, Ordering::SeqCst);
        InFlight(gauge)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}
