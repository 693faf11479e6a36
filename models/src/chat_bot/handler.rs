//! The TOTP gate in front of the bot's work, with the seed's six call sites:
//!
//! | # | call | where |
//! |---|---|---|
//! | 1 | `is_totp_configured()` | [`ChatBot::check_totp`] (`_check_totp`) |
//! | 2 | `is_totp_configured()` | [`ChatBot::handle_message`] |
//! | 3 | `get_lockout_remaining()` | `handle_message`, before verifying |
//! | 4 | `verify_code(code, attempts, minutes)` | `handle_message` |
//! | 5 | `get_lockout_remaining()` | `handle_message`, after a failed verification |
//! | 6 | `get_failure_count()` | `handle_message` |
//!
//! Each one goes through [`ChatBot::totp_call`], which is where the variants differ.

use super::{ChatBot, Content, Reply, Totp, TotpError, Update, LOCKOUT_ATTEMPTS, LOCKOUT_MINUTES};
use racetrack_sync::task;
use racetrack_sync::Variant;
use std::panic::{self, AssertUnwindSafe};
use tracing::{error, info};

/// Why a handler stopped short of its normal reply.
#[derive(Debug)]
pub(super) enum Stop {
    /// Fail closed: the user is denied; the failure is logged.
    Denied,
    /// The error escapes the handler, to the event loop's top-level error handler (the bug).
    Escaped(TotpError),
}

/// Whether the text is a TOTP code attempt: six ASCII digits.
fn looks_like_code(text: &str) -> bool {
    let t = text.trim();
    t.len() == 6 && t.bytes().all(|b| b.is_ascii_digit())
}

/// The text of a panic's payload.
pub(super) fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    match (payload.downcast_ref::<&str>(), payload.downcast_ref::<String>()) {
        (Some(s), _) => (*s).to_owned(),
        (_, Some(s)) => s.clone(),
        _ => "a panic".to_owned(),
    }
}

impl ChatBot {
    /// Runs one TOTP call. Buggy: right here, on the event loop, and its error escapes the
    /// handler. Fixed: on the blocking pool (the seed's `asyncio.to_thread`), and any failure of
    /// the helper, an error or a panic, is logged and denies the user (the review's fail-closed).
    async fn totp_call<T: Send + 'static>(
        &self,
        user: &str,
        what: &'static str,
        call: impl FnOnce(&Totp) -> Result<T, TotpError> + Send + 'static,
    ) -> Result<T, Stop> {
        match self.variant {
            Variant::Buggy => {
                info!(actor = %user, "{what} on the event loop");
                call(&self.totp).map_err(Stop::Escaped)
            }
            Variant::Fixed => {
                info!(actor = %user, "{what} on the blocking pool");
                let totp = self.totp.clone();
                let outcome = task::spawn_blocking(move || panic::catch_unwind(AssertUnwindSafe(|| call(&totp)))).await;
                let failure = match outcome {
                    Ok(Ok(value)) => return Ok(value),
                    Ok(Err(e)) => e.to_string(),
                    Err(payload) => format!("the helper panicked: {}", panic_text(payload.as_ref())),
                };
                error!(actor = %user, "{what} failed, access denied: {failure}");
                Err(Stop::Denied)
            }
        }
    }

    fn is_authenticated(&self, user: &str) -> bool {
        self.authenticated.lock().contains(user)
    }

    /// Handles one update; `Err` is an error that escaped the handler.
    pub async fn handle(&self, update: Update) -> Result<Reply, TotpError> {
        let reply = match &update.content {
            Content::Text(text) => self.handle_message(&update.user, text).await,
            Content::Media(what) => self.handle_media(&update.user, what).await,
        };
        match reply {
            Ok(reply) => Ok(reply),
            Err(Stop::Denied) => Ok(Reply::Denied),
            Err(Stop::Escaped(e)) => Err(e),
        }
    }

    /// `_check_totp`: the gate of the media handlers (photo, document, voice), and the challenge
    /// `handle_message` sends to a user without a session. `true`: go ahead.
    async fn check_totp(&self, user: &str) -> Result<bool, Stop> {
        // Call site 1.
        if !self.totp_call(user, "is_totp_configured", |t| t.is_totp_configured()).await? {
            return Ok(true);
        }
        Ok(self.is_authenticated(user))
    }

    /// A photo, document or voice message: the gate, then the work.
    async fn handle_media(&self, user: &str, what: &str) -> Result<Reply, Stop> {
        if !self.check_totp(user).await? {
            return Ok(Reply::CodeRequired);
        }
        info!(actor = user, "handled {what}");
        Ok(Reply::Answered(format!("got your {what}")))
    }

    /// `handle_message`: a text. Without a session, a code is verified and anything else gets
    /// the challenge; with one (or with TOTP not set up), the text is handled.
    async fn handle_message(&self, user: &str, text: &str) -> Result<Reply, Stop> {
        // Call site 2.
        let configured = self.totp_call(user, "is_totp_configured", |t| t.is_totp_configured()).await?;
        if configured && !self.is_authenticated(user) {
            if !looks_like_code(text) {
                self.check_totp(user).await?;
                return Ok(Reply::CodeRequired);
            }
            // Call site 3.
            let remaining = self.totp_call(user, "get_lockout_remaining", |t| t.get_lockout_remaining()).await?;
            if remaining > 0 {
                return Ok(Reply::LockedOut { remaining });
            }
            let code = text.to_owned();
            // Call site 4.
            let verify = move |t: &Totp| t.verify_code(&code, LOCKOUT_ATTEMPTS, LOCKOUT_MINUTES);
            if self.totp_call(user, "verify_code", verify).await? {
                self.authenticated.lock().insert(user.to_owned());
                info!(actor = user, "verified");
                return Ok(Reply::Verified);
            }
            // Call site 5.
            let remaining = self.totp_call(user, "get_lockout_remaining", |t| t.get_lockout_remaining()).await?;
            if remaining > 0 {
                return Ok(Reply::LockedOut { remaining });
            }
            // Call site 6.
            let failures = self.totp_call(user, "get_failure_count", |t| t.get_failure_count()).await?;
            info!(actor = user, "wrong code, {failures} failures");
            return Ok(Reply::WrongCode { failures });
        }
        info!(actor = user, "handled");
        Ok(Reply::Answered(format!("echo {text}")))
    }
}
