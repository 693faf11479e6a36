//! The chat bot of seed `000_a27116583ca25b99.txt` (kai #127, fixes #123): messages from many
//! users handled on one event loop, behind a TOTP gate whose calls are synchronous subprocesses.
//!
//! [`ChatBot::run`] is the event loop: every update's handler runs as a future on the loop's one
//! task (asyncio's model), so whatever blocks one handler blocks them all. Before handling, a
//! user without a verified session goes through the gate: `is_totp_configured()`,
//! `get_lockout_remaining()`, `verify_code(code, attempts, minutes)`, `get_failure_count()`
//! ([`Totp`], over [`PrivilegedFiles`]).
//!
//! - [`Variant::Buggy`]: each call runs directly on the event loop (one `verify_code` can block it
//!   for 15 s), and a failing call's error escapes the handler to the loop's top-level error
//!   handler, which logs it and answers nothing: whether that fails open or closed is up to it.
//! - [`Variant::Fixed`]: each call runs on the blocking pool (`spawn_blocking`, the seed's
//!   `asyncio.to_thread`), and a failing call fails closed: the user is denied, the error logged.
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
//!     bot.handle(Update::new("ann", "hello")).await.unwrap();
//!     bot.handle(Update::new("ann", &code_at("s3cret", 0))).await.unwrap()
//! });
//! assert_eq!(reply, Reply::Verified);
//! ```

mod files;
mod handler;
mod totp;

pub use files::{PrivilegedFiles, ProcessFiles, SimFiles};
pub use totp::{code_at, Totp, TotpError, SECRET, STATE, STEP};

use futures_util::stream::{FuturesUnordered, StreamExt};
use racetrack_sync::Variant;
use racetrack_sync::{Arc, Mutex};
use std::collections::BTreeSet;
use std::future::Future;
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
    /// Who wrote it (one chat per user).
    pub user: String,
    /// What they wrote.
    pub text: String,
}

impl Update {
    /// An update.
    pub fn new(user: impl Into<String>, text: impl Into<String>) -> Self {
        Update { user: user.into(), text: text.into() }
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

/// Where replies go (the chat API).
pub trait ReplySink: Send + Sync + 'static {
    /// Sends `reply` to `user`.
    fn send(&self, user: &str, reply: &Reply);
}

/// The bot. Cheap to clone; clones share sessions.
#[derive(Clone)]
pub struct ChatBot {
    variant: Variant,
    totp: Totp,
    verified: Arc<Mutex<BTreeSet<String>>>,
}

impl ChatBot {
    /// A bot gated by `totp`.
    pub fn new(variant: Variant, totp: Totp) -> Self {
        ChatBot { variant, totp, verified: Arc::new(Mutex::new(BTreeSet::new())) }
    }

    /// Records a verified session for `user` (as a successful `verify_code` does).
    pub fn mark_verified(&self, user: &str) {
        self.verified.lock().insert(user.to_owned());
    }

    /// The event loop: receives updates until the inbox closes, runs every handler on this one
    /// task, and sends each handler's reply. A handler's error goes to the top-level error
    /// handler: logged, nothing answered.
    pub async fn run(&self, mut inbox: mpsc::Receiver<Update>, sink: Arc<dyn ReplySink>) {
        type Handler<'a> = Pin<Box<dyn Future<Output = (String, Result<Reply, TotpError>)> + Send + 'a>>;
        let mut handlers: FuturesUnordered<Handler<'_>> = FuturesUnordered::new();
        let mut open = true;
        loop {
            tokio::select! {
                biased;
                Some((user, result)) = handlers.next(), if !handlers.is_empty() => match result {
                    Ok(reply) => sink.send(&user, &reply),
                    Err(e) => error!(actor = %user, "unhandled error in handler: {e}"),
                },
                update = inbox.recv(), if open => match update {
                    Some(update) => {
                        info!(actor = %update.user, "received {:?}", update.text);
                        handlers.push(Box::pin(async move { (update.user.clone(), self.handle(update).await) }));
                    }
                    None => open = false,
                },
                else => break,
            }
        }
    }
}
