//! One websocket connection: the handshake, the read loop with the keepalive beside it, each
//! request handed to the gateway, and the `finally` when the connection ends however it ends.

use super::disconnect;
use super::keepalive::{Due, Keepalive};
use super::protocol::{encode_reply, Request};
use super::{off_loop, WsConfig};
use crate::session_gateway::{Gateway, SessionOptions, Transport};
use futures_util::{SinkExt, StreamExt};
use racetrack_sync::task;
use std::collections::BTreeSet;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::tungstenite::{Bytes, Message};
use tokio_tungstenite::WebSocketStream;
use tracing::info;

/// How long a peer's Close may take to complete once its Close frame arrived.
const CLOSE_FLUSH: Duration = Duration::from_secs(5);

/// Serves connection `id` until it ends, then runs the disconnect path.
pub(super) async fn run<S>(io: S, id: u64, gateway: Gateway, config: WsConfig)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let actor = format!("ws#{id}");
    let ws = match tokio_tungstenite::accept_async(io).await {
        Ok(ws) => ws,
        Err(e) => {
            info!(actor = %actor, "handshake failed: {e}");
            return;
        }
    };
    info!(actor = %actor, "open");
    let keepalive = Keepalive::new(gateway.variant(), config.ping_interval, config.ping_timeout);
    let mut conn = Connection { id, actor, gateway, ws, keepalive, owned: BTreeSet::new() };
    let why = conn.serve().await;
    info!(actor = %conn.actor, "disconnect: {why}");
    // The `finally`: whatever ended the connection (a Close frame, a reset, a ping timeout).
    let Connection { id, actor, gateway, ws, owned, .. } = conn;
    drop(ws);
    disconnect::finally(&gateway, id, &actor, owned, config).await;
}

struct Connection<S> {
    id: u64,
    actor: String,
    gateway: Gateway,
    ws: WebSocketStream<S>,
    keepalive: Keepalive,
    /// Sids created on this connection.
    owned: BTreeSet<String>,
}

/// Sleeps `d`, or forever when `None`.
async fn sleep_for(d: Option<Duration>) {
    match d {
        Some(d) => task::sleep(d).await,
        None => std::future::pending().await,
    }
}

impl<S> Connection<S>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    /// The read loop; returns why the connection ended.
    async fn serve(&mut self) -> String {
        loop {
            let frame = tokio::select! {
                frame = self.ws.next() => frame,
                () = sleep_for(self.keepalive.deadline()) => {
                    match self.keepalive.due() {
                        Some(Due::Ping(n)) => {
                            info!(actor = %self.actor, "ping {n}");
                            if let Err(e) = self.ws.send(Message::Ping(Bytes::from(n.to_string()))).await {
                                return format!("ping {n} failed: {e}");
                            }
                        }
                        Some(Due::TimedOut(n)) => return format!("no pong to ping {n} within {:?}", self.keepalive.timeout()),
                        None => {}
                    }
                    continue;
                }
            };
            match frame {
                None => return "stream ended".to_owned(),
                Some(Err(e)) => return format!("error: {e}"),
                Some(Ok(Message::Close(_))) => {
                    // tungstenite queued the Close reply; the next read flushes it and ends
                    // (bounded: a peer that never reads must not hold the `finally` back).
                    let _ = task::timeout(CLOSE_FLUSH, self.ws.next()).await;
                    return "close frame".to_owned();
                }
                Some(Ok(Message::Pong(payload))) => {
                    if let Some(n) = self.keepalive.pong(&payload) {
                        info!(actor = %self.actor, "pong {n}");
                    }
                }
                Some(Ok(Message::Text(text))) => {
                    let reply = match Request::decode(&text) {
                        Ok((id, request)) => encode_reply(id, &self.handle(request).await),
                        Err(e) => encode_reply(0, &Err(e)),
                    };
                    if let Err(e) = self.ws.send(Message::text(reply)).await {
                        return format!("reply failed: {e}");
                    }
                }
                Some(Ok(_)) => {} // pings are answered by tungstenite itself
            }
        }
    }

    /// One request. Quick gateway calls run inline; blocking ones (worker spawn, restart,
    /// teardown) on the blocking pool.
    async fn handle(&mut self, request: Request) -> Result<String, String> {
        let gateway = self.gateway.clone();
        match request {
            Request::Create { sid, close_on_disconnect } => {
                let options = SessionOptions { transport: Transport::Ws(self.id), close_on_disconnect };
                let session = gateway.create_session(&sid, options).map_err(|e| e.to_string())?;
                self.owned.insert(sid.clone());
                let (name, built) = (session.name(), session.clone());
                off_loop(move || gateway.build_session(&sid, &built)).await.map_err(|e| e.to_string())?;
                Ok(name)
            }
            Request::Prompt { sid, text } => {
                let session = gateway.submit_prompt(&sid).map_err(|e| e.to_string())?;
                let answer = format!("echo {text}");
                off_loop(move || gateway.finish_turn(&sid, &session)).await.map_err(|e| e.to_string())?;
                Ok(answer)
            }
            Request::Resume { sid } => {
                self.owned.insert(sid.clone());
                let transport = Transport::Ws(self.id);
                let session = off_loop(move || gateway.resume_session(&sid, transport)).await;
                session.map(|s| s.name()).map_err(|e| e.to_string())
            }
            Request::Close { sid } => {
                self.owned.remove(&sid);
                let closed = off_loop(move || gateway.close_session(&sid)).await;
                Ok(if closed { "closed" } else { "not found" }.to_owned())
            }
        }
    }
}
