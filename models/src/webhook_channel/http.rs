//! The webhook handler path (the seed's `src/channels/http.rs`): `process_message`.

use super::{InFlight, IncomingMessage, WebhookChannel};
use racetrack_sync::task;
use racetrack_sync::Variant;
use std::time::Duration;
use tokio::sync::oneshot;
use tracing::info;

/// How long a request waits for the agent's answer.
pub const RESPONSE_TIMEOUT: Duration = Duration::from_secs(60);

/// What the webhook answers: the seed's `(StatusCode, Json<WebhookResponse>)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookResponse {
    /// HTTP status code.
    pub status: u16,
    /// The request's message id.
    pub message_id: u64,
    /// `accepted`, `ok` or `error`.
    pub outcome: &'static str,
    /// The agent's answer, or what went wrong.
    pub response: Option<String>,
}

impl WebhookResponse {
    fn new(status: u16, message_id: u64, outcome: &'static str, response: Option<String>) -> Self {
        WebhookResponse { status, message_id, outcome, response }
    }

    fn error(status: u16, message_id: u64, why: &str) -> Self {
        Self::new(status, message_id, "error", Some(why.to_owned()))
    }
}

impl WebhookChannel {
    /// Hands `msg` to the agent; with `wait_for_response`, waits (up to [`RESPONSE_TIMEOUT`]) for
    /// the agent's answer through a oneshot registered in `pending_responses`.
    pub async fn process_message(&self, msg: IncomingMessage, wait_for_response: bool) -> WebhookResponse {
        let (state, id, who) = (&self.0, msg.id, msg.user.clone());
        let response_rx = if wait_for_response {
            let (tx, rx) = oneshot::channel();
            let mut pending = state.pending_responses.write().await;
            if pending.len() >= state.config.max_pending_responses {
                info!(actor = %who, "msg {id}: 429, {} responses pending", pending.len());
                return WebhookResponse::error(429, id, "Too many pending requests");
            }
            pending.insert(id, tx);
            Some(rx)
        } else {
            None
        };

        let sent = match state.variant {
            Variant::Buggy => {
                // let tx_guard = state.tx.read().await; if let Some(tx) = tx_guard.as_ref() { tx.send(msg).await }
                let tx_guard = state.tx.read().await;
                match tx_guard.as_ref() {
                    None => Err(WebhookResponse::error(503, id, "Channel not started")),
                    Some(tx) => {
                        if tx.capacity() == 0 {
                            info!(actor = %who, "msg {id}: buffer full, send waits holding read guard");
                        }
                        let _in_flight = InFlight::new(&state.sends_in_flight);
                        tx.send(msg).await.map_err(|_| WebhookResponse::error(500, id, "Channel closed"))
                    }
                }
            }
            Variant::Fixed => {
                // Clone the sender out; the guard drops at the end of the block, before the await.
                let tx = state.tx.read().await.as_ref().cloned();
                match tx {
                    None => Err(WebhookResponse::error(503, id, "Channel not started")),
                    Some(tx) => {
                        if tx.capacity() == 0 {
                            info!(actor = %who, "msg {id}: buffer full, send waits (guard dropped)");
                        }
                        let _in_flight = InFlight::new(&state.sends_in_flight);
                        tx.send(msg).await.map_err(|_| WebhookResponse::error(500, id, "Channel closed"))
                    }
                }
            }
        };
        if let Err(refused) = sent {
            match state.variant {
                Variant::Buggy if response_rx.is_some() => {
                    info!(actor = %who, "msg {id}: {} {:?}, pending entry left", refused.status, refused.response)
                }
                Variant::Buggy => info!(actor = %who, "msg {id}: {} {:?}", refused.status, refused.response),
                Variant::Fixed => {
                    state.pending_responses.write().await.remove(&id);
                    info!(actor = %who, "msg {id}: {} {:?}", refused.status, refused.response);
                }
            }
            return refused;
        }
        info!(actor = %who, "msg {id}: accepted");

        let Some(rx) = response_rx else {
            return WebhookResponse::new(200, id, "accepted", None);
        };
        match task::timeout(RESPONSE_TIMEOUT, rx).await {
            Ok(Ok(answer)) => WebhookResponse::new(200, id, "ok", Some(answer)),
            Ok(Err(_)) => {
                if state.variant == Variant::Fixed {
                    state.pending_responses.write().await.remove(&id);
                }
                WebhookResponse::error(500, id, "Response channel closed")
            }
            Err(_) => {
                state.pending_responses.write().await.remove(&id);
                WebhookResponse::error(504, id, "Response timeout")
            }
        }
    }
}
