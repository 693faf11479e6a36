//! The synchronous TOTP module (the seed's `totp.py`): every function reads or writes root-owned
//! files through [`PrivilegedFiles`], so every call may block for a subprocess (one
//! `verify_code` makes three: up to 15 s with the seed's 5 s timeouts). It stays synchronous, as
//! in the seed, for its command-line use; the bot decides where to run it.

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

/// Why a TOTP call failed: what a privileged subprocess can do wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TotpError {
    /// The program is missing.
    Missing(String),
    /// It ran and failed (permission denied, bad exit).
    Failed(String),
    /// It did not finish in time.
    Timeout(Duration),
}

impl fmt::Display for TotpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TotpError::Missing(p) => write!(f, "{p} not found"),
            TotpError::Failed(why) => write!(f, "privileged call failed: {why}"),
            TotpError::Timeout(t) => write!(f, "privileged call timed out after {t:?}"),
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

#[derive(Default)]
struct State {
    failures: u32,
    lockout_until: u64,
}

impl Totp {
    /// The module over `files`, reading time from `clock`.
    pub fn new(files: Arc<dyn PrivilegedFiles>, clock: fn() -> u64) -> Self {
        Totp { files, clock }
    }

    fn state(&self) -> Result<State, TotpError> {
        let text = self.files.read(STATE)?.unwrap_or_default();
        let field = |k: &str| text.lines().find_map(|l| l.strip_prefix(k)?.strip_prefix('=')?.trim().parse().ok());
        Ok(State {
            failures: field("failures").unwrap_or(0) as u32,
            lockout_until: field("lockout_until").unwrap_or(0),
        })
    }

    fn save(&self, s: &State) -> Result<(), TotpError> {
        self.files.write(STATE, &format!("failures={}\nlockout_until={}\n", s.failures, s.lockout_until))
    }

    /// Whether a secret is set up.
    pub fn is_totp_configured(&self) -> Result<bool, TotpError> {
        Ok(self.files.read(SECRET)?.is_some_and(|s| !s.trim().is_empty()))
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
        let secret = self.files.read(SECRET)?.unwrap_or_default();
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
}

impl fmt::Debug for Totp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Totp { .. }")
    }
}
