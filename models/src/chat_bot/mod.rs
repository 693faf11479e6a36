//! The chat bot of seed `000_a27116583ca25b99.txt` (kai #127, fixes #123): messages from many
//! users handled on one event loop, behind a TOTP gate whose calls are synchronous subprocesses.
//!
//! [`ChatBot::run`] is the event loop: every update's handler runs as a future on the loop's one
//! task (asyncio's model), so whatever blocks one handler blocks them all. A user without a
//! verified session goes through the gate: `is_totp_configured()`, `get_lockout_remaining()`,
//! `verify_code(code, attempts, minutes)`, `get_failure_count()` ([`Totp`], over
//! [`PrivilegedFiles`]), at the seed's six call sites (listed in `handler.rs`): `_check_totp`,
//! the gate of media messages, and `handle_message`, the gate and code check of texts.
//!
//! - [`Variant::Buggy`]: each call runs directly on the event loop (one `verify_code` can block it
//!   for 15 s), and a failing call's error escapes the handler to the loop's top-level error
//!   handler ([`ReplySink::unhandled`]), which answers nothing: whether that fails open or closed
//!   is up to it.
//! - [`Variant::Fixed`]: each call runs on the blocking pool (`spawn_blocking`, the seed's
//!   `asyncio.to_thread`), and a failing call, an error or a panic of the helper, fails closed:
//!   the user is denied, the error logged.
//!
//! Left out of the seed's flow: the pending challenge and the session's expiry. A code-shaped
//! text from a user without a session is taken as the answer to a challenge; any other text
//! gets the challenge (through `_check_totp`, as in the seed).
//!
//! ```
//! use models::chat_bot::{ChatBot, Reply, SimFiles, Update, Totp, code_at, SECRET};
//! use racetrack_sync::Arc;
//! use racetrack_sync::Variant;
//!
//! let files = SimFiles::new([(SECRET, "s3cret")]);
//! let bot = ChatBot::new(Variant::Fixed, Totp::new(Arc::new(files), || 0));
//! let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! let reply = rt.block_on(async {
//!     assert_eq!(bot.handle(Update::new("ann", "hello")).await.unwrap(), Reply::CodeRequired);
//!     bot.handle(Update::new("ann", &code_at("s3cret", 0))).await.unwrap()
//! });
//! assert_eq!(reply, Reply::Verified);
//! ```

mod files;
mod handler;
mod sim_files;
mod totp;

pub use files::{PrivilegedFiles, ProcessFiles};
pub use sim_files::{Fault, SimFiles};
pub use totp::{code_at, Totp, TotpError, SECRET, STATE, STEP};

use futures_util::future::FutureExt;
use futures_util::stream::{FuturesUnordered, StreamExt};
use racetrack_sync::Variant;
use racetrack_sync::{Arc, Mutex};
use std::collections::BTreeSet;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use tokio::sync::mpsc;
use tracing::{error, info};

/// Failed verifications before a lockout.
pub const LOCKOUT_ATTEMPTS: u32 = 3;
/// Minutes a lockout lasts.
pub const LOCKOUT_MINUTES: u64 = 15;

/// A message from a user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Update {
    /// Who sent it (one chat per user).
    pub user: String,
    /// What they sent.
    pub content: Content,
}

/// What a message carries: the bot has a handler per kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Content {
    /// A text: `handle_message`.
    Text(String),
    /// A photo, document or voice message (what it is): the media handlers, gated by `_check_totp`.
    Media(String),
}

impl std::fmt::Display for Content {
    /// `"the text"` (quoted), or `a photo`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Content::Text(text) => write!(f, "{text:?}"),
            Content::Media(what) => write!(f, "a {what}"),
        }
    }
}

impl Update {
    /// A text message.
    pub fn new(user: impl Into<String>, text: impl Into<String>) -> Self {
        Update { user: user.into(), content: Content::Text(text.into()) }
    }

    /// A photo, document or voice message.
    pub fn media(user: impl Into<String>, what: impl Into<String>) -> Self {
        Update { user: user.into(), content: Content::Media(what.into()) }
    }
}

/// What the bot answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// The message was handled (the bot's normal work).
    Answered(String),
    /// The user must send their TOTP code first.
    CodeRequired,
    /// The code was right: the session is verified.
    Verified,
    /// The code was wrong; failures so far.
    WrongCode {
        /// Consecutive failures counted by the TOTP module.
        failures: u32,
    },
    /// Verification is locked out for this many more seconds.
    LockedOut {
        /// Seconds left.
        remaining: u64,
    },
    /// Access denied because verification could not run (fail closed).
    Denied,
}

/// Where replies go (the chat API), and the application's top-level error handler.
pub trait ReplySink: Send + Sync + 'static {
    /// Sends `reply` to `user`.
    fn send(&self, user: &str, reply: &Reply);

    /// The top-level error handler (python-telegram-bot's `add_error_handler`): gets every
    /// error, and every panic, that escaped a handler of `user`'s update. Nothing is answered;
    /// the event loop has logged it already.
    fn unhandled(&self, user: &str, error: &str) {
        let _ = (user, error);
    }
}

/// The bot. Cheap to clone; clones share sessions.
#[derive(Clone)]
pub struct ChatBot {
    variant: Variant,
    totp: Totp,
    /// Users with a verified session.
    authenticated: Arc<Mutex<BTreeSet<String>>>,
}

impl ChatBot {
    /// A bot gated by `totp`.
    pub fn new(variant: Variant, totp: Totp) -> Self {
        ChatBot { variant, totp, authenticated: Arc::new(Mutex::new(BTreeSet::new())) }
    }

    /// Records a verified session for `user` (as a successful `verify_code` does).
    pub fn mark_verified(&self, user: &str) {
        self.authenticated.lock().insert(user.to_owned());
    }

    /// The event loop: receives updates until the inbox closes, runs every handler on this one
    /// task, and sends each handler's reply. A handler's error, or its panic, goes to the
    /// top-level error handler: logged, nothing answered, the loop goes on.
    pub async fn run(&self, mut inbox: mpsc::Receiver<Update>, sink: Arc<dyn ReplySink>) {
        type Handler<'a> = Pin<Box<dyn Future<Output = (String, Result<Reply, String>)> + Send + 'a>>;
        let mut handlers: FuturesUnordered<Handler<'_>> = FuturesUnordered::new();
        let mut open = true;
        loop {
            tokio::select! {
                biased;
                Some((user, result)) = handlers.next(), if !handlers.is_empty() => match result {
                    Ok(reply) => sink.send(&user, &reply),
                    Err(e) => {
                        error!(actor = %user, "unhandled error in handler: {e}");
                        sink.unhandled(&user, &e);
                    }
                },
                update = inbox.recv(), if open => match update {
                    Some(update) => {
                        info!(actor = %update.user, "received {}", update.content);
                        let user = update.user.clone();
                        let handler = AssertUnwindSafe(self.handle(update)).catch_unwind();
                        handlers.push(Box::pin(async move {
                            let outcome = match handler.await {
                                Ok(result) => result.map_err(|e| e.to_string()),
                                Err(payload) => Err(format!("handler panicked: {}", handler::panic_text(payload.as_ref()))),
                            };
                            (user, outcome)
                        }));
                    }
                    None => open = false,
                },
                else => break,
            }
        }
    }
}
