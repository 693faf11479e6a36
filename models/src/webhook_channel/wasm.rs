//! The WASM wrapper's batch path (the seed's `src/channels/wasm/wrapper.rs`):
//! `process_emitted_messages`, rate-limited per message.

use super::{ChannelError, IncomingMessage, WebhookChannel};
use racetrack_sync::Variant;
use tracing::warn;

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

impl WebhookChannel {
    /// Sends a module's emitted messages to the agent, each through the rate limiter (a
    /// rate-limited message is dropped with a warning). Returns how many were sent.
    ///
    /// Buggy: the sender's read guard and the rate limiter's write lock are taken once and live
    /// across the whole loop of sends. Fixed: the sender is cloned out before the loop, and the
    /// limiter is locked for one check at a time, never across a send.
    pub async fn process_emitted_messages(&self, messages: Vec<EmittedMessage>) -> Result<usize, ChannelError> {
        let state = &self.0;
        let (tx_guard, mut limiter_guard, holding) = match state.variant {
            Variant::Buggy => {
                let tx_guard = state.tx.read().await;
                (Some(tx_guard), Some(state.rate_limiter.write().await), "holding read guard + limiter")
            }
            Variant::Fixed => (None, None, "(no lock held)"),
        };
        let tx = match &tx_guard {
            Some(guard) => guard.as_ref().cloned(),
            None => state.sender().await,
        };
        let tx = tx.ok_or(ChannelError::NotStarted)?;
        let mut sent = 0;
        for emitted in messages {
            let allowed = match limiter_guard.as_mut() {
                Some(held) => held.check_and_record(),
                None => state.rate_limiter.write().await.check_and_record(),
            };
            if !allowed {
                warn!(actor = %emitted.user, "emitted {}: rate limited", emitted.id);
                continue;
            }
            let msg = IncomingMessage::new(emitted.id, emitted.user, emitted.content);
            state.deliver(&tx, msg, "emitted", holding).await?;
            sent += 1;
        }
        Ok(sent)
    }
}
