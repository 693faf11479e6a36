//! The per-request OpenAI client (httpx over httpcore): a connection pool of TLS streams, its
//! `close()`, and the agent's `force_close_tcp_sockets` helper that walks the pool.

use super::socket::PySocket;
use super::tls::TlsStream;
use crate::kernel::{is_timeout, Kernel};
use racetrack_sync::Variant;
use racetrack_sync::{Arc, Mutex};
use std::io;
use tracing::info;

/// How a request ended, seen from the HTTP layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HttpError {
    /// The connection ended before a response (`RemoteProtocolError: Server disconnected`): what
    /// a shutdown from the interrupt looks like to the worker.
    Disconnected,
    /// No byte arrived within the read timeout (`ReadTimeout`).
    ReadTimeout,
    /// Any other socket error.
    Io(String),
}

/// The server-sent event that ends a streamed response.
pub const STREAM_DONE: &[u8] = b"data: [DONE]\n\n";

/// An httpx client with its pool. The agent creates one per request.
#[derive(Debug)]
pub struct OpenAiClient {
    pool: Mutex<Vec<Arc<TlsStream>>>,
}

impl OpenAiClient {
    /// A client whose pool holds one TLS connection to `endpoint`, opened now.
    pub fn connect(kernel: Arc<dyn Kernel>, endpoint: &str) -> io::Result<Self> {
        let socket = Arc::new(PySocket::connect(Arc::clone(&kernel), endpoint)?);
        let stream = Arc::new(TlsStream::wrap(kernel, socket));
        Ok(OpenAiClient { pool: Mutex::new(vec![stream]) })
    }

    /// Sends `request` on the pooled connection and waits for the response
    /// (`chat.completions.create`). The upstream is slow, so the worker sits in `recv` until the
    /// response comes, the connection is broken or the read times out; a failed request unwinds,
    /// and unwinding flushes the stream's last record.
    pub fn post(&self, request: &[u8]) -> Result<Vec<u8>, HttpError> {
        self.exchange(request, false)
    }

    /// The streaming request (`chat.completions.create(stream=True)`, iterated to the end): reads
    /// server-sent-event chunks until the [`STREAM_DONE`] line, and returns them all.
    pub fn stream(&self, request: &[u8]) -> Result<Vec<u8>, HttpError> {
        self.exchange(request, true)
    }

    fn exchange(&self, request: &[u8], streaming: bool) -> Result<Vec<u8>, HttpError> {
        let stream = self.pool.lock().first().cloned().ok_or(HttpError::Disconnected)?;
        stream.send(request).map_err(|e| HttpError::Io(e.to_string()))?;
        let mut body = Vec::new();
        let outcome = loop {
            let mut buf = [0u8; 4096];
            match stream.recv(&mut buf) {
                Ok(0) => break Err(HttpError::Disconnected),
                Ok(n) => {
                    body.extend_from_slice(&buf[..n]);
                    if !streaming || body.ends_with(STREAM_DONE) {
                        break Ok(body);
                    }
                }
                Err(e) if is_timeout(&e) => break Err(HttpError::ReadTimeout),
                Err(e) => break Err(HttpError::Io(e.to_string())),
            }
        };
        if outcome.is_err() {
            // A failed flush on a dead connection is expected and swallowed, as httpcore does.
            let _ = stream.flush_pending();
        }
        outcome
    }

    /// The socket objects of every pooled connection.
    pub fn pool_sockets(&self) -> Vec<Arc<PySocket>> {
        self.pool.lock().iter().map(|s| Arc::clone(s.socket())).collect()
    }

    /// `client.close()`: closes every pooled socket, from whichever thread calls it. Returns how
    /// many it closed (an already-closed socket object is a no-op).
    pub fn close(&self) -> usize {
        self.pool_sockets().iter().filter(|s| s.close()).count()
    }
}

/// `force_close_tcp_sockets(client)`: shuts down every pooled socket so a worker blocked in
/// `recv` wakes up. Returns how many it handled (`tcp_force_closed=N`).
///
/// - [`Variant::Buggy`]: `shutdown(SHUT_RDWR)` **and** `close()` — the close releases the
///   integer while the owner's TLS BIO still holds a copy of it.
/// - [`Variant::Fixed`] (prong 1): shutdown only; the owner's own unwind closes.
pub fn force_close_tcp_sockets(variant: Variant, client: &OpenAiClient) -> usize {
    let mut n = 0;
    for socket in client.pool_sockets() {
        let fd = socket.fileno();
        match variant {
            Variant::Buggy => {
                // OSError from an already-shut socket is swallowed, as in the helper.
                let _ = socket.shutdown();
                socket.close();
                info!("force_close_tcp_sockets: shutdown + close fd {fd}");
            }
            Variant::Fixed => {
                let _ = socket.shutdown();
                info!("force_close_tcp_sockets: shutdown(SHUT_RDWR) fd {fd}, no close");
            }
        }
        n += 1;
    }
    n
}
