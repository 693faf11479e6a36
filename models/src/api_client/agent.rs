//! The agent's `interruptible_api_call` and its request-client holder: who may close the
//! per-request client, and from which thread.

use super::http::{force_close_tcp_sockets, HttpError, OpenAiClient};
use crate::kernel::Kernel;
use racetrack_sync::Variant;
use racetrack_sync::{thread, Arc, AtomicBool, Mutex, Ordering};
use tracing::info;

/// How an API call ended, as the agent's caller sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// The user interrupted it and the request unblocked (`InterruptedError`).
    Interrupted,
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

/// The agent: runs API calls on a worker thread, and lets other threads interrupt them.
#[derive(Debug)]
pub struct Agent {
    variant: Variant,
    kernel: Arc<dyn Kernel>,
    endpoint: String,
    request_client_holder: Mutex<Option<RequestClient>>,
    interrupt_requested: AtomicBool,
}

impl Agent {
    /// An agent whose API calls go to `endpoint` through `kernel`.
    pub fn new(variant: Variant, kernel: Arc<dyn Kernel>, endpoint: impl Into<String>) -> Self {
        Agent {
            variant,
            kernel,
            endpoint: endpoint.into(),
            request_client_holder: Mutex::new(None),
            interrupt_requested: AtomicBool::new(false),
        }
    }

    /// The worker thread's call (`_call` inside `interruptible_api_call`): creates the request
    /// client, publishes it in the holder, sends `request` and waits; `finally` closes the client.
    pub fn interruptible_api_call(&self, request: &[u8]) -> Result<Vec<u8>, ApiError> {
        let client = OpenAiClient::connect(Arc::clone(&self.kernel), &self.endpoint)
            .map_err(|e| ApiError::Connect(e.to_string()))?;
        let client = Arc::new(client);
        self.set_request_client(Arc::clone(&client));
        // Published before the check, checked before blocking: either this thread sees the
        // interrupt, or the interrupt sees the client and breaks the read.
        let outcome = if self.interrupt_requested.load(Ordering::SeqCst) {
            Err(ApiError::Interrupted)
        } else {
            // A read timeout is not an interrupt even if one was requested: nothing broke the read.
            client.post(request).map_err(|e| match e {
                HttpError::ReadTimeout => ApiError::ReadTimeout,
                _ if self.interrupt_requested.load(Ordering::SeqCst) => ApiError::Interrupted,
                other => ApiError::Http(other),
            })
        };
        // finally:
        self.close_request_client_once("finally");
        outcome
    }

    /// The interrupt-check loop's reaction to `/stop`, on a thread that is not the worker.
    pub fn interrupt(&self) {
        info!("interrupt: close_request_client_once(interrupt_abort)");
        self.interrupt_requested.store(true, Ordering::SeqCst);
        self.close_request_client_once("interrupt_abort");
    }

    /// Whether a request client is published (a request is in flight and not yet closed).
    pub fn request_in_flight(&self) -> bool {
        self.request_client_holder.lock().is_some()
    }

    /// `_set_request_client`: publishes the client, stamped with the calling thread.
    fn set_request_client(&self, client: Arc<OpenAiClient>) {
        *self.request_client_holder.lock() = Some(RequestClient { client, owner: thread::current_name() });
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
