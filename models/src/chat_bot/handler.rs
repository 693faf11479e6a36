//! `handle_message`: the TOTP gate in front of the bot's work, and where its calls run.

use super::{ChatBot, Reply, Totp, TotpError, Update, LOCKOUT_ATTEMPTS, LOCKOUT_MINUTES};
use racetrack_sync::task;
use racetrack_sync::Variant;
use tracing::{error, info};

/// Whether the text is a TOTP code attempt.
fn looks_like_code(text: &str) -> bool {
    let t = text.trim();
    t.len() == 6 && t.bytes().all(|b| b.is_ascii_digit())
}

impl ChatBot {
    /// Runs one TOTP call where the variant runs it. Buggy: on the event loop, errors escape.
    /// Fixed: on the blocking pool; `Err(reply)` is the fail-closed denial to send instead.
    async fn totp<T: Send + 'static>(
        &self,
        user: &str,
        what: &'static str,
        call: impl FnOnce(&Totp) -> Result<T, TotpError> + Send + 'static,
    ) -> Result<Result<T, Reply>, TotpError> {
        match self.variant {
            Variant::Buggy => {
                info!(actor = %user, "{what} on the event loop");
                Ok(Ok(call(&self.totp)?))
            }
            Variant::Fixed => {
                info!(actor = %user, "{what} on the blocking pool");
                let totp = self.totp.clone();
                match task::spawn_blocking(move || call(&totp)).await {
                    Ok(value) => Ok(Ok(value)),
                    Err(e) => {
                        error!(actor = %user, "{what} failed, access denied: {e}");
                        Ok(Err(Reply::Denied))
                    }
                }
            }
        }
    }

    /// Handles one update: the TOTP gate for users without a verified session, then the work.
    pub async fn handle(&self, update: Update) -> Result<Reply, TotpError> {
        let Update { user, text } = update;
        let u = user.as_str();
        macro_rules! gate {
            ($what:literal, $call:expr) => {
                match self.totp(u, $what, $call).await? {
                    Ok(value) => value,
                    Err(denied) => return Ok(denied),
                }
            };
        }
        if gate!("is_totp_configured", |t| t.is_totp_configured()) && !self.verified.lock().contains(u) {
            let remaining = gate!("get_lockout_remaining", |t| t.get_lockout_remaining());
            if remaining > 0 {
                return Ok(Reply::LockedOut { remaining });
            }
            if !looks_like_code(&text) {
                return Ok(Reply::CodeRequired);
            }
            let code = text.clone();
            if gate!("verify_code", move |t| t.verify_code(&code, LOCKOUT_ATTEMPTS, LOCKOUT_MINUTES)) {
                self.verified.lock().insert(user.clone());
                info!(actor = u, "verified");
                return Ok(Reply::Verified);
            }
            let remaining = gate!("get_lockout_remaining", |t| t.get_lockout_remaining());
            if remaining > 0 {
                return Ok(Reply::LockedOut { remaining });
            }
            let failures = gate!("get_failure_count", |t| t.get_failure_count());
            info!(actor = u, "wrong code, {failures} failures");
            return Ok(Reply::WrongCode { failures });
        }
        info!(actor = u, "handled");
        Ok(Reply::Answered(format!("echo {text}")))
    }
}
