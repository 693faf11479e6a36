//! The web gateway's send sites: `chat_send_handler` and `chat_approval_handler` (the seed's
//! `src/channels/web/server.rs`) and the websocket's `handle_client_message` (`web/ws.rs`, whose
//! two sends, for a chat message and an approval, are one here). The seed also fixes
//! `web/handlers/chat.rs`, dead code there, not modelled.

use super::{ChannelError, IncomingMessage, WebhookChannel};

/// A frame from a websocket client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientMessage {
    /// A chat message.
    Message {
        /// What the user wrote.
        content: String,
    },
    /// The user's answer to a tool-approval request.
    Approval {
        /// The request answered.
        request_id: String,
        /// `approve`, `always` or `deny`.
        action: String,
    },
}

/// The agent's `ExecApproval` submission for an approval answer, as JSON; `Err`: 400 and why.
fn approval(request_id: &str, action: &str) -> Result<String, (u16, String)> {
    let (approved, always) = match action {
        "approve" => (true, false),
        "always" => (true, true),
        "deny" => (false, false),
        other => return Err((400, format!("Unknown action: {other}"))),
    };
    let submission =
        serde_json::json!({"ExecApproval": {"request_id": request_id, "approved": approved, "always": always}});
    Ok(submission.to_string())
}

fn refused(error: ChannelError) -> (u16, String) {
    let (status, why) = error.http();
    (status, why.to_owned())
}

impl WebhookChannel {
    /// `POST /api/chat/send`: hands the message to the agent; 202 with its id (the answer comes
    /// through the event stream), or the status and why.
    pub async fn chat_send(&self, msg: IncomingMessage) -> Result<u64, (u16, String)> {
        let id = msg.id;
        self.0.send_to_agent(msg).await.map_err(refused)?;
        Ok(id)
    }

    /// `POST /api/chat/approval`: hands `user`'s answer to a tool-approval request to the agent
    /// as message `id`; 202 with the id, or the status and why.
    pub async fn chat_approval(
        &self,
        id: u64,
        user: &str,
        request_id: &str,
        action: &str,
    ) -> Result<u64, (u16, String)> {
        let content = approval(request_id, action)?;
        self.0.send_to_agent(IncomingMessage::new(id, user, content)).await.map_err(refused)?;
        Ok(id)
    }

    /// `handle_client_message`: one frame from websocket client `user`, handed to the agent as
    /// message `id`. Returns the error frame to send back, if any.
    pub async fn handle_client_message(&self, id: u64, user: &str, frame: ClientMessage) -> Option<String> {
        let content = match frame {
            ClientMessage::Message { content } => content,
            ClientMessage::Approval { request_id, action } => match approval(&request_id, &action) {
                Ok(content) => content,
                Err((_, why)) => return Some(why),
            },
        };
        let sent = self.0.send_to_agent(IncomingMessage::new(id, user, content)).await;
        sent.err().map(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use racetrack_sync::Variant;

    #[test]
    fn an_approval_reaches_the_agent_as_an_exec_approval_and_a_bad_action_is_refused() {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(async {
            let channel = WebhookChannel::new(Variant::Fixed, super::super::Config::with_buffer(8));
            let mut agent = channel.start().await;
            for (id, action, approved, always) in [(1, "approve", true, false), (2, "always", true, true), (3, "deny", false, false)] {
                assert_eq!(channel.chat_approval(id, "u", "req-7", action).await, Ok(id));
                let msg = agent.recv().await.unwrap();
                let got: serde_json::Value = serde_json::from_str(&msg.content).unwrap();
                let want = serde_json::json!({"ExecApproval": {"request_id": "req-7", "approved": approved, "always": always}});
                assert_eq!((msg.id, got), (id, want), "{action}");
            }
            assert_eq!(channel.chat_approval(4, "u", "req-7", "maybe").await, Err((400, "Unknown action: maybe".to_owned())));
            let frame = ClientMessage::Approval { request_id: "req-7".into(), action: "maybe".into() };
            assert_eq!(channel.handle_client_message(5, "u", frame).await.as_deref(), Some("Unknown action: maybe"));
            let frame = ClientMessage::Approval { request_id: "req-8".into(), action: "deny".into() };
            assert_eq!(channel.handle_client_message(6, "u", frame).await, None);
            assert!(agent.recv().await.unwrap().content.contains("req-8"));
            assert!(agent.try_recv().is_err(), "a refused approval must not reach the agent");
        });
    }
}
