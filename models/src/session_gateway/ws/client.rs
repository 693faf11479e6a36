//! A real websocket client of the gateway (the dashboard's side): requests and their replies,
//! idling with the socket read (so the server's pings are answered, as a browser does), and a
//! clean close.

use super::protocol::{decode_reply, Request};
use futures_util::{SinkExt, StreamExt};
use std::io;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;
use tracing::info;

/// One client connection.
#[derive(Debug)]
pub struct WsClient<S> {
    ws: WebSocketStream<S>,
    name: String,
    next_id: u64,
}

fn broken(e: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::ConnectionAborted, e.to_string())
}

impl<S> WsClient<S>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    /// The websocket handshake over a connected stream. `name` is the client's trace column.
    pub async fn connect(stream: S, name: &str) -> io::Result<Self> {
        let (ws, _) = tokio_tungstenite::client_async("ws://gateway/ws", stream).await.map_err(broken)?;
        info!(actor = name, "connected");
        Ok(WsClient { ws, name: name.to_owned(), next_id: 1 })
    }

    /// Sends `request` and reads until its reply: `Ok(result)` or `Ok(Err(error))` from the
    /// server, `Err` if the connection failed first.
    pub async fn call(&mut self, request: Request) -> io::Result<Result<String, String>> {
        let id = self.next_id;
        self.next_id += 1;
        info!(actor = %self.name, "send {}", describe(&request));
        self.ws.send(Message::text(request.encode(id))).await.map_err(broken)?;
        loop {
            match self.ws.next().await {
                Some(Ok(Message::Text(text))) => match decode_reply(&text) {
                    Some((got, reply)) if got == id => {
                        info!(actor = %self.name, "got {}", reply.as_ref().unwrap_or_else(|e| e));
                        return Ok(reply);
                    }
                    _ => continue,
                },
                Some(Ok(Message::Close(_))) | None => return Err(broken("connection closed by the server")),
                Some(Err(e)) => return Err(broken(e)),
                Some(Ok(_)) => continue, // a ping: tungstenite answers it on the next read
            }
        }
    }

    /// Keeps reading for `d` (answering pings) without sending anything; an error if the
    /// server closed the connection meanwhile.
    pub async fn idle(&mut self, d: Duration) -> io::Result<()> {
        let read = async {
            loop {
                match self.ws.next().await {
                    Some(Ok(Message::Close(_))) | None => return Err(broken("connection closed by the server")),
                    Some(Err(e)) => return Err(broken(e)),
                    Some(Ok(_)) => continue,
                }
            }
        };
        match racetrack_sync::task::timeout(d, read).await {
            Ok(result) => result,
            Err(_) => Ok(()),
        }
    }

    /// A clean close: sends a Close frame and reads until the server's Close comes back.
    pub async fn close(mut self) -> io::Result<()> {
        info!(actor = %self.name, "send close frame");
        self.ws.close(None).await.map_err(broken)?;
        while let Some(frame) = self.ws.next().await {
            if frame.is_err() {
                break;
            }
        }
        Ok(())
    }

    /// Gives up the connection without any goodbye (what a vanished peer's socket does: nothing).
    pub fn into_inner(self) -> S {
        self.ws.into_inner()
    }
}

fn describe(request: &Request) -> String {
    match request {
        Request::Create { sid, close_on_disconnect } => {
            format!("session.create {sid}{}", if *close_on_disconnect { " (close_on_disconnect)" } else { "" })
        }
        Request::Prompt { sid, text } => format!("prompt.submit {sid} {text:?}"),
        Request::Resume { sid } => format!("session.resume {sid}"),
        Request::Close { sid } => format!("session.close {sid}"),
    }
}
