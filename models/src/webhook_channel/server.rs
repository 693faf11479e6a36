//! The HTTP front: `POST /webhook` with `{"user", "content", "wait_for_response"}` hands the
//! message to [`WebhookChannel::process_message`] and answers its [`WebhookResponse`] as JSON.
//! hyper 1 over any byte stream: tokio's TCP for real, turmoil's simulated TCP in a simulation
//! ([`Listener`] is the narrow interface between them). [`post_webhook`] is the real client.

use super::{IncomingMessage, WebhookChannel, WebhookResponse};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use racetrack_sync::{task, Arc, AtomicU64, Ordering};
use std::future::Future;
use std::io;
use tokio::io::{AsyncRead, AsyncWrite};
use tracing::info;

/// Where connections come from: tokio's `TcpListener`, or turmoil's.
pub trait Listener: Send + 'static {
    /// A connection.
    type Io: AsyncRead + AsyncWrite + Unpin + Send + 'static;
    /// Waits for the next connection.
    fn accept(&self) -> impl Future<Output = io::Result<Self::Io>> + Send;
}

impl Listener for tokio::net::TcpListener {
    type Io = tokio::net::TcpStream;
    async fn accept(&self) -> io::Result<Self::Io> {
        tokio::net::TcpListener::accept(self).await.map(|(s, _)| s)
    }
}

impl Listener for turmoil::net::TcpListener {
    type Io = turmoil::net::TcpStream;
    async fn accept(&self) -> io::Result<Self::Io> {
        turmoil::net::TcpListener::accept(self).await.map(|(s, _)| s)
    }
}

/// Serves the webhook on `listener` until accepting fails; one task per connection. Message ids
/// are given in order of arrival, from 1.
pub async fn serve<L: Listener>(listener: L, channel: WebhookChannel) -> io::Result<()> {
    let next_id = Arc::new(AtomicU64::new(1));
    loop {
        let io = listener.accept().await?;
        let (channel, next_id) = (channel.clone(), Arc::clone(&next_id));
        drop(task::spawn(async move {
            let service = hyper::service::service_fn(move |req| handle(req, channel.clone(), Arc::clone(&next_id)));
            // A client that hangs up mid-request is its own problem, not the server's.
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(io), service).await;
        }));
    }
}

async fn handle(
    req: Request<Incoming>,
    channel: WebhookChannel,
    next_id: Arc<AtomicU64>,
) -> Result<Response<Full<Bytes>>, hyper::Error> {
    if (req.method(), req.uri().path()) != (&hyper::Method::POST, "/webhook") {
        return Ok(json(404, serde_json::json!({"status": "error", "response": "Not found"})));
    }
    let body = req.into_body().collect().await?.to_bytes();
    let Ok(serde_json::Value::Object(fields)) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return Ok(json(400, serde_json::json!({"status": "error", "response": "Invalid JSON"})));
    };
    let text = |k: &str| fields.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    let wait = fields.get("wait_for_response").and_then(|v| v.as_bool()).unwrap_or(false);
    let id = next_id.fetch_add(1, Ordering::SeqCst);
    let user = text("user");
    info!(actor = %user, "POST /webhook -> msg {id}");
    let reply = channel.process_message(IncomingMessage::new(id, user, text("content")), wait).await;
    let body = serde_json::json!({"message_id": reply.message_id, "status": reply.outcome, "response": reply.response});
    Ok(json(reply.status, body))
}

fn json(status: u16, body: serde_json::Value) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert("content-type", hyper::header::HeaderValue::from_static("application/json"));
    response
}

/// Posts one webhook over `io` (a connected stream) as a real HTTP/1.1 client, and parses the
/// answer back into a [`WebhookResponse`].
pub async fn post_webhook<IO>(io: IO, user: &str, content: &str, wait_for_response: bool) -> io::Result<WebhookResponse>
where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let broken = |e: hyper::Error| io::Error::other(e);
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(io)).await.map_err(broken)?;
    let driver = task::spawn(async move { drop(connection.await) });
    let body = serde_json::json!({"user": user, "content": content, "wait_for_response": wait_for_response});
    let request = Request::post("/webhook")
        .header("host", "webhook")
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .map_err(io::Error::other)?;
    let response = sender.send_request(request).await.map_err(broken)?;
    let status = response.status().as_u16();
    let bytes = response.into_body().collect().await.map_err(broken)?.to_bytes();
    drop(sender);
    driver.await;
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(io::Error::other)?;
    let outcome = match value["status"].as_str() {
        Some("accepted") => "accepted",
        Some("ok") => "ok",
        _ => "error",
    };
    Ok(WebhookResponse {
        status,
        message_id: value["message_id"].as_u64().unwrap_or(0),
        outcome,
        response: value["response"].as_str().map(str::to_owned),
    })
}
