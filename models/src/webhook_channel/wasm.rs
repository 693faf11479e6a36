//! The WASM wrapper's batch path (the seed's `src/channels/wasm/wrapper.rs`):
//! `process_emitted_messages`, rate-limited per message.

use super::{InFlight, IncomingMessage, WebhookChannel};
use racetrack_sync::Variant;
use std::fmt;
use tracing::{info, warn};

/// A message a WASM channel module emitted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmittedMessage {
    /// Id the wrapper gives the incoming message.
    pub id: u64,
    /// The module's user.
    pub user: String,
    /// The text.
    pub content: String,
}

/// Why a batch could not be delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChannelError {
    /// The channel is not started (or was shut down).
    NotStarted,
    /// The agent's end of the buffer is gone.
    Closed,
}

impl fmt::Display for ChannelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ChannelError::NotStarted => "channel not started",
            ChannelError::Closed => "channel closed",
        })
    }
}

impl std::error::Error for ChannelError {}

impl WebhookChannel {
    /// Sends a module's emitted messages to the agent, each through the rate limiter (a
    /// rate-limited message is dropped with a warning). Returns how many were sent.
    pub async fn process_emitted_messages(&self, messages: Vec<EmittedMessage>) -> Result<usize, ChannelError> {
        let state = &self.0;
        let mut sent = 0;
        match state.variant {
            Variant::Buggy => {
                // The read guard and the rate limiter's write lock live across the whole loop.
                let tx_guard = state.tx.read().await;
                let tx = tx_guard.as_ref().ok_or(ChannelError::NotStarted)?;
                let mut rate_limiter = state.rate_limiter.write().await;
                for emitted in messages {
                    if !rate_limiter.check_and_record() {
                        warn!(actor = %emitted.user, "emitted {}: rate limited", emitted.id);
                        continue;
                    }
                    if tx.capacity() == 0 {
                        info!(actor = %emitted.user, "emitted {}: buffer full, send waits holding read guard + limiter", emitted.id);
                    }
                    let _in_flight = InFlight::new(&state.sends_in_flight);
                    let msg = IncomingMessage::new(emitted.id, emitted.user, emitted.content);
                    tx.send(msg).await.map_err(|_| ChannelError::Closed)?;
                    sent += 1;
                }
            }
            Variant::Fixed => {
                let tx = state.tx.read().await.as_ref().cloned().ok_or(ChannelError::NotStarted)?;
                for emitted in messages {
                    // The limiter is locked for this one check only.
                    if !state.rate_limiter.write().await.check_and_record() {
                        warn!(actor = %emitted.user, "emitted {}: rate limited", emitted.id);
                        continue;
                    }
                    if tx.capacity() == 0 {
                        info!(actor = %emitted.user, "emitted {}: buffer full, send waits (no lock held)", emitted.id);
                    }
                    let _in_flight = InFlight::new(&state.sends_in_flight);
                    let msg = IncomingMessage::new(emitted.id, emitted.user, emitted.content);
                    tx.send(msg).await.map_err(|_| ChannelError::Closed)?;
                    sent += 1;
                }
            }
        }
        Ok(sent)
    }
}
