//! The webhook handler path (the seed's `src/channels/http.rs`): `process_message`.

use super::{IncomingMessage, WebhookChannel};
use racetrack_sync::task;
use racetrack_sync::Variant;
use std::time::Duration;
use tokio::sync::oneshot;
use tracing::info;

/// How long a request waits for the agent's answer, in production ([`Config`](super::Config)).
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
    /// Hands `msg` to the agent; with `wait_for_response`, waits (up to the configured
    /// [`RESPONSE_TIMEOUT`]) for the agent's answer through a oneshot registered in
    /// `pending_responses`.
    ///
    /// The exits, and what becomes of the request's `pending_responses` entry: 429 (never
    /// registered); 503 "Channel not started" and 500 "Channel closed" (Fixed removes it, Buggy
    /// leaves it: the review's second defect); 200 with the answer (the agent's
    /// [`respond`](WebhookChannel::respond) took it out); 504 on timeout (removed); 500 "Response
    /// channel closed" (the waiter was dropped, so it is gone already).
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

        if let Err(refused) = state.send_to_agent(msg).await {
            if state.variant == Variant::Fixed {
                state.pending_responses.write().await.remove(&id);
            }
            let (status, why) = refused.http();
            info!(actor = %who, "msg {id}: {status} {why}");
            return WebhookResponse::error(status, id, why);
        }
        info!(actor = %who, "msg {id}: accepted");

        let Some(rx) = response_rx else {
            return WebhookResponse::new(200, id, "accepted", None);
        };
        match task::timeout(state.config.response_timeout, rx).await {
            Ok(Ok(answer)) => WebhookResponse::new(200, id, "ok", Some(answer)),
            // The waiter lived only in the map: whoever dropped it took the entry out.
            Ok(Err(_)) => WebhookResponse::error(500, id, "Response channel closed"),
            Err(_) => {
                state.pending_responses.write().await.remove(&id);
                info!(actor = %who, "msg {id}: 504, no answer in {:?}", state.config.response_timeout);
                WebhookResponse::error(504, id, "Response timeout")
            }
        }
    }
}
