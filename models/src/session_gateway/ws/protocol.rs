//! The wire format: one JSON object per text frame.
//!
//! A request is `{"id": 7, "method": "session.create", "sid": "a", "close_on_disconnect": true}`
//! (or `prompt.submit` with `text`, `session.resume`, or `session.close`); its reply is `{"id": 7, "result": "…"}`
//! or `{"id": 7, "error": "…"}`.

use serde_json::{json, Value};

/// A client request (the seed's JSON-RPC methods the scenarios need).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// `session.create`: a new session owned by this connection, with its worker.
    Create {
        /// The session id.
        sid: String,
        /// Tear it down as soon as this connection goes away.
        close_on_disconnect: bool,
    },
    /// `prompt.submit`: one turn; the answer is the reply.
    Prompt {
        /// The session id.
        sid: String,
        /// What the user typed.
        text: String,
    },
    /// `session.resume`: attaches this connection to the session (reattaching a parked one, or
    /// bringing back one that is no longer live).
    Resume {
        /// The session id.
        sid: String,
    },
    /// `session.close`: ends the session.
    Close {
        /// The session id.
        sid: String,
    },
}

impl Request {
    /// `session.create`.
    pub fn create(sid: &str, close_on_disconnect: bool) -> Self {
        Request::Create { sid: sid.to_owned(), close_on_disconnect }
    }

    /// `prompt.submit`.
    pub fn prompt(sid: &str, text: &str) -> Self {
        Request::Prompt { sid: sid.to_owned(), text: text.to_owned() }
    }

    /// `session.resume`.
    pub fn resume(sid: &str) -> Self {
        Request::Resume { sid: sid.to_owned() }
    }

    /// `session.close`.
    pub fn close(sid: &str) -> Self {
        Request::Close { sid: sid.to_owned() }
    }

    /// The request as a frame's text, under request number `id`.
    pub(super) fn encode(&self, id: u64) -> String {
        match self {
            Request::Create { sid, close_on_disconnect } => {
                json!({"id": id, "method": "session.create", "sid": sid, "close_on_disconnect": close_on_disconnect})
            }
            Request::Prompt { sid, text } => json!({"id": id, "method": "prompt.submit", "sid": sid, "text": text}),
            Request::Resume { sid } => json!({"id": id, "method": "session.resume", "sid": sid}),
            Request::Close { sid } => json!({"id": id, "method": "session.close", "sid": sid}),
        }
        .to_string()
    }

    /// Parses a frame's text into (request number, request).
    pub(super) fn decode(text: &str) -> Result<(u64, Request), String> {
        let v: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
        let id = v["id"].as_u64().ok_or("missing id")?;
        let sid = v["sid"].as_str().ok_or("missing sid")?.to_owned();
        let request = match v["method"].as_str() {
            Some("session.create") => {
                Request::Create { sid, close_on_disconnect: v["close_on_disconnect"].as_bool().unwrap_or(false) }
            }
            Some("prompt.submit") => Request::Prompt { sid, text: v["text"].as_str().unwrap_or_default().to_owned() },
            Some("session.resume") => Request::Resume { sid },
            Some("session.close") => Request::Close { sid },
            other => return Err(format!("unknown method {other:?}")),
        };
        Ok((id, request))
    }
}

/// A reply frame's text.
pub(super) fn encode_reply(id: u64, reply: &Result<String, String>) -> String {
    match reply {
        Ok(result) => json!({"id": id, "result": result}),
        Err(error) => json!({"id": id, "error": error}),
    }
    .to_string()
}

/// Parses a reply frame: (request number, result or error).
pub(super) fn decode_reply(text: &str) -> Option<(u64, Result<String, String>)> {
    let v: Value = serde_json::from_str(text).ok()?;
    let id = v["id"].as_u64()?;
    match (v["result"].as_str(), v["error"].as_str()) {
        (Some(result), _) => Some((id, Ok(result.to_owned()))),
        (None, Some(error)) => Some((id, Err(error.to_owned()))),
        (None, None) => None,
    }
}
