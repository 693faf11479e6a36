//! The agent's two interruptible API calls — `interruptible_api_call` and
//! `interruptible_streaming_api_call` — the strangers that abort them (the interrupt-check loop
//! and the stale-call / stale-stream detectors of the poll loop that waits on the worker), and
//! the request-client holder between them: who may close the per-request client, and from which
//! thread.

use super::http::{force_close_tcp_sockets, HttpError, OpenAiClient};
use crate::kernel::Kernel;
use racetrack_sync::Variant;
use racetrack_sync::{thread, Arc, AtomicBool, Condvar, Mutex, Ordering};
use tracing::info;

/// How many times the streaming call retries a broken stream on a fresh connection (hermes
/// reads `HERMES_STREAM_RETRIES`, 2 by default; one retry already opens the second connection).
pub const STREAM_RETRIES: usize = 1;

/// How an API call ended, as the agent's caller sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// The user interrupted it and the request unblocked (`InterruptedError`).
    Interrupted,
    /// The stale-call detector killed it (the poll loop's `TimeoutError`: "Non-streaming API call
    /// timed out … with no response").
    StaleTimeout,
    /// Nothing broke the blocked read: it ran into the read timeout.
    ReadTimeout,
    /// The connection could not be opened.
    Connect(String),
    /// Any other HTTP failure.
    Http(HttpError),
}

/// The per-request client holder, stamped with the thread that created the client.
#[derive(Debug)]
struct RequestClient {
    client: Arc<OpenAiClient>,
    /// `threading.get_ident()` of the owner; here the thread's name (unique in every workload).
    owner: String,
}

/// The agent: runs API calls on a worker thread, and lets other threads abort them. One call is
/// in flight at a time (its poll loop waits for it), so the holder is the call's own.
#[derive(Debug)]
pub struct Agent {
    variant: Variant,
    kernel: Arc<dyn Kernel>,
    endpoint: String,
    request_client_holder: Mutex<Option<RequestClient>>,
    /// Signalled when a client is published: a detector fires only on a call in flight.
    published: Condvar,
    interrupt_requested: AtomicBool,
    /// The stale-call detector killed the call (request-local, like `request_cancelled`).
    stale_killed: AtomicBool,
}

impl Agent {
    /// An agent whose API calls go to `endpoint` through `kernel`.
    pub fn new(variant: Variant, kernel: Arc<dyn Kernel>, endpoint: impl Into<String>) -> Self {
        Agent {
            variant,
            kernel,
            endpoint: endpoint.into(),
            request_client_holder: Mutex::new(None),
            published: Condvar::new(),
            interrupt_requested: AtomicBool::new(false),
            stale_killed: AtomicBool::new(false),
        }
    }

    /// The worker thread's non-streaming call (`_call` inside `interruptible_api_call`): creates
    /// the request client, publishes it in the holder, sends `request` and waits for the
    /// response; `finally` closes the client.
    pub fn interruptible_api_call(&self, request: &[u8]) -> Result<Vec<u8>, ApiError> {
        let client = self.open_request_client()?;
        // Published before the check, checked before blocking: either this thread sees the
        // interrupt, or the interrupt sees the client and breaks the read.
        let outcome = if self.interrupt_requested.load(Ordering::SeqCst) {
            Err(ApiError::Interrupted)
        } else {
            client.post(request).map_err(|e| self.api_error(e))
        };
        // finally:
        self.close_request_client_once("request_complete");
        outcome
    }

    /// The worker thread's streaming call (`_call` inside `interruptible_streaming_api_call`):
    /// like [`Agent::interruptible_api_call`], but a stream that breaks (the stale-stream
    /// detector's kill, a dropped connection, a read timeout) is retried up to
    /// [`STREAM_RETRIES`] times on a fresh connection: the owner closes the broken client and
    /// opens a new one, in the middle of whatever the strangers are doing.
    pub fn interruptible_streaming_api_call(&self, request: &[u8]) -> Result<Vec<u8>, ApiError> {
        let mut retries = 0;
        let outcome = loop {
            // Before each attempt: without it /stop breaks one connection and the retry opens
            // a fresh one, negating the interrupt.
            if self.interrupt_requested.load(Ordering::SeqCst) {
                break Err(ApiError::Interrupted);
            }
            let client = match self.open_request_client() {
                Ok(client) => client,
                Err(e) => break Err(e),
            };
            if self.interrupt_requested.load(Ordering::SeqCst) {
                break Err(ApiError::Interrupted);
            }
            match client.stream(request) {
                Ok(body) => break Ok(body),
                Err(e) if retries < STREAM_RETRIES => {
                    info!("stream broke ({e:?}): retry on a fresh connection");
                    // Close the stale request client before the retry: the owner's full close.
                    self.close_request_client_once("stream_retry_cleanup");
                    retries += 1;
                }
                Err(e) => break Err(self.api_error(e)),
            }
        };
        // finally:
        self.close_request_client_once("stream_request_complete");
        outcome
    }

    /// The interrupt-check loop's reaction to `/stop`, on a thread that is not the worker (the
    /// same block in both calls' poll loops).
    pub fn interrupt(&self) {
        info!("interrupt: close_request_client_once(interrupt_abort)");
        self.interrupt_requested.store(true, Ordering::SeqCst);
        self.close_request_client_once("interrupt_abort");
    }

    /// The non-streaming poll loop's stale-call detector: no response within the stale timeout,
    /// so it kills the connection and the call ends as a timeout.
    pub fn kill_stale_call(&self) {
        info!("stale-call detector: close_request_client_once(stale_call_kill)");
        self.stale_killed.store(true, Ordering::SeqCst);
        self.close_request_client_once("stale_call_kill");
    }

    /// The streaming poll loop's stale-stream detector: no chunk within the stale timeout, so it
    /// kills the connection and the worker's retry reconnects.
    pub fn kill_stale_stream(&self) {
        info!("stale-stream detector: close_request_client_once(stale_stream_kill)");
        self.close_request_client_once("stale_stream_kill");
    }

    /// Blocks until a request client is published. A stale detector fires only once a call has
    /// been in flight for the stale timeout; under a model checker, which has no clock, that is
    /// "once it is in flight".
    pub fn wait_until_in_flight(&self) {
        drop(self.published.wait_while(self.request_client_holder.lock(), |holder| holder.is_none()));
    }

    /// Whether a request client is published (a request is in flight and not yet closed).
    pub fn request_in_flight(&self) -> bool {
        self.request_client_holder.lock().is_some()
    }

    /// Creates the per-request client (one fresh connection) and publishes it.
    fn open_request_client(&self) -> Result<Arc<OpenAiClient>, ApiError> {
        let client = OpenAiClient::connect(Arc::clone(&self.kernel), &self.endpoint)
            .map_err(|e| ApiError::Connect(e.to_string()))?;
        let client = Arc::new(client);
        self.set_request_client(Arc::clone(&client));
        Ok(client)
    }

    /// `_set_request_client`: publishes the client, stamped with the calling thread.
    fn set_request_client(&self, client: Arc<OpenAiClient>) {
        *self.request_client_holder.lock() = Some(RequestClient { client, owner: thread::current_name() });
        self.published.notify_all();
    }

    /// What a failed request means to the caller: who broke it, if anyone did.
    fn api_error(&self, error: HttpError) -> ApiError {
        match error {
            // A read timeout is not an abort even if one was requested: nothing broke the read.
            HttpError::ReadTimeout => ApiError::ReadTimeout,
            _ if self.interrupt_requested.load(Ordering::SeqCst) => ApiError::Interrupted,
            _ if self.stale_killed.load(Ordering::SeqCst) => ApiError::StaleTimeout,
            other => ApiError::Http(other),
        }
    }

    /// `_close_request_client_once(reason)`.
    ///
    /// - [`Variant::Buggy`]: whoever calls it pops the holder and fully closes the client.
    /// - [`Variant::Fixed`] (prong 2): the owner pops and fully closes; a stranger only aborts
    ///   (shutdown) and leaves the holder for the owner's `finally`.
    pub fn close_request_client_once(&self, reason: &str) {
        match self.variant {
            Variant::Buggy => {
                let taken = self.request_client_holder.lock().take();
                if let Some(rc) = taken {
                    self.close_request_openai_client(&rc.client, reason);
                }
            }
            Variant::Fixed => {
                let me = thread::current_name();
                let action = {
                    let mut holder = self.request_client_holder.lock();
                    match holder.as_ref() {
                        None => None,
                        Some(rc) if rc.owner == me => holder.take().map(|rc| (rc.client, true)),
                        Some(rc) => Some((Arc::clone(&rc.client), false)),
                    }
                };
                match action {
                    Some((client, true)) => self.close_request_openai_client(&client, reason),
                    Some((client, false)) => self.abort_request_openai_client(&client, reason),
                    None => {}
                }
            }
        }
    }

    /// `_close_request_openai_client`: force-close the sockets, then `client.close()`.
    fn close_request_openai_client(&self, client: &OpenAiClient, reason: &str) {
        let n = force_close_tcp_sockets(self.variant, client);
        client.close();
        info!("OpenAI client closed ({reason}, tcp_force_closed={n})");
    }

    /// `_abort_request_openai_client`: shutdown only; the owner closes later.
    fn abort_request_openai_client(&self, client: &OpenAiClient, reason: &str) {
        let n = force_close_tcp_sockets(Variant::Fixed, client);
        info!("OpenAI client aborted ({reason}, tcp_force_closed={n}, deferred_close=stranger_thread)");
    }
}
