//! The synchronous TOTP module (the seed's `totp.py`): every function reads or writes root-owned
//! files through [`PrivilegedFiles`], so every call may block for a subprocess (one
//! `verify_code` makes three: up to 15 s with the seed's 5 s timeouts). It stays synchronous, as
//! in the seed, for its command-line use (`totp setup / status / reset`); the bot decides where
//! to run it.

use super::files::PrivilegedFiles;
use racetrack_sync::Arc;
use std::fmt;
use std::time::Duration;

/// The file holding the shared secret.
pub const SECRET: &str = "totp_secret";
/// The file holding `failures=N` and `lockout_until=T`.
pub const STATE: &str = "totp_state";
/// Seconds per TOTP time step.
pub const STEP: u64 = 30;

/// Why a TOTP call failed: what a privileged subprocess can do wrong. (The helper can also
/// panic; that is not a value, and the bot must deny on it all the same.)
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TotpError {
    /// The program is missing (`sudo` not installed, the helper not on the path).
    Missing(String),
    /// It may not run, or may not touch the file (`sudo: a password is required`, `EACCES`).
    PermissionDenied(String),
    /// It ran and failed some other way (a bad exit status).
    Failed(String),
    /// It did not finish in time.
    Timeout(Duration),
    /// It printed what the module cannot read (not UTF-8, or not `key=value` lines).
    Garbled(String),
}

impl fmt::Display for TotpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TotpError::Missing(p) => write!(f, "{p} not found"),
            TotpError::PermissionDenied(why) => write!(f, "permission denied: {why}"),
            TotpError::Failed(why) => write!(f, "privileged call failed: {why}"),
            TotpError::Timeout(t) => write!(f, "privileged call timed out after {t:?}"),
            TotpError::Garbled(why) => write!(f, "unreadable output: {why}"),
        }
    }
}

impl std::error::Error for TotpError {}

/// The code for `secret` at time step `step`: 6 digits from the HOTP dynamic truncation of a
/// 64-bit FNV-1a mix (not HMAC-SHA1: the race is about where the call runs, not the hash).
pub fn code_at(secret: &str, step: u64) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in secret.bytes().chain(step.to_be_bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{:06}", h % 1_000_000)
}

/// The TOTP module over a file interface and a clock (seconds since the epoch).
#[derive(Clone)]
pub struct Totp {
    files: Arc<dyn PrivilegedFiles>,
    clock: fn() -> u64,
}

#[derive(Debug, Default, PartialEq, Eq)]
struct State {
    failures: u32,
    lockout_until: u64,
}

impl State {
    /// Parses `failures=N` / `lockout_until=T` lines. Anything else is garbled, never a zero:
    /// reading an unparsable lockout as "not locked out" would fail open.
    fn parse(text: &str) -> Result<State, TotpError> {
        let mut state = State::default();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let garbled = || TotpError::Garbled(format!("{STATE}: {line:?}"));
            let (key, value) = line.split_once('=').ok_or_else(garbled)?;
            match key.trim() {
                "failures" => state.failures = value.trim().parse().map_err(|_| garbled())?,
                "lockout_until" => state.lockout_until = value.trim().parse().map_err(|_| garbled())?,
                _ => return Err(garbled()),
            }
        }
        Ok(state)
    }
}

impl Totp {
    /// The module over `files`, reading time from `clock`.
    pub fn new(files: Arc<dyn PrivilegedFiles>, clock: fn() -> u64) -> Self {
        Totp { files, clock }
    }

    /// A file's text: `None` when it does not exist; output that is not UTF-8 is garbled.
    fn text(&self, name: &str) -> Result<Option<String>, TotpError> {
        match self.files.read(name)? {
            None => Ok(None),
            Some(bytes) => String::from_utf8(bytes).map(Some).map_err(|e| TotpError::Garbled(format!("{name}: {e}"))),
        }
    }

    fn state(&self) -> Result<State, TotpError> {
        State::parse(&self.text(STATE)?.unwrap_or_default())
    }

    fn save(&self, s: &State) -> Result<(), TotpError> {
        self.files.write(STATE, &format!("failures={}\nlockout_until={}\n", s.failures, s.lockout_until))
    }

    /// Whether a secret is set up.
    pub fn is_totp_configured(&self) -> Result<bool, TotpError> {
        Ok(self.text(SECRET)?.is_some_and(|s| !s.trim().is_empty()))
    }

    /// Seconds of lockout left (0 when not locked out).
    pub fn get_lockout_remaining(&self) -> Result<u64, TotpError> {
        Ok(self.state()?.lockout_until.saturating_sub((self.clock)()))
    }

    /// Consecutive failed verifications.
    pub fn get_failure_count(&self) -> Result<u32, TotpError> {
        Ok(self.state()?.failures)
    }

    /// Checks `code` (this step or the one before); a failure counts, and `attempts` failures
    /// lock verification out for `minutes`. A success resets the count.
    pub fn verify_code(&self, code: &str, attempts: u32, minutes: u64) -> Result<bool, TotpError> {
        let secret = self.text(SECRET)?.unwrap_or_default();
        let mut state = self.state()?;
        let now = (self.clock)();
        if state.lockout_until > now {
            return Ok(false);
        }
        let step = now / STEP;
        let ok = !secret.trim().is_empty()
            && [step, step.saturating_sub(1)].iter().any(|&s| code_at(secret.trim(), s) == code.trim());
        if ok {
            self.save(&State::default())?;
        } else {
            state.failures += 1;
            if state.failures >= attempts {
                state.lockout_until = now + minutes * 60;
            }
            self.save(&state)?;
        }
        Ok(ok)
    }

    /// The command line's `totp reset`: clears the failures and any lockout.
    pub fn reset(&self) -> Result<(), TotpError> {
        self.save(&State::default())
    }
}

impl fmt::Debug for Totp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Totp { .. }")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_parses_its_own_format_and_refuses_anything_else() {
        assert_eq!(State::parse("failures=2\nlockout_until=900\n"), Ok(State { failures: 2, lockout_until: 900 }));
        assert_eq!(State::parse(""), Ok(State::default()));
        for garbled in ["failures=two", "lockout_until=", "sudo: unable to resolve host", "owner=root"] {
            assert!(matches!(State::parse(garbled), Err(TotpError::Garbled(_))), "{garbled:?}");
        }
    }
}
