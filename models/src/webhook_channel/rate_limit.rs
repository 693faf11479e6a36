//! The WASM channel's rate limiter: emitted messages per minute, fixed window.

use racetrack_sync::task::Instant;
use std::time::Duration;

const WINDOW: Duration = Duration::from_secs(60);

/// Lets at most `per_minute` emitted messages through per one-minute window.
#[derive(Debug)]
pub struct RateLimiter {
    per_minute: u32,
    window_start: Option<Instant>,
    used: u32,
}

impl RateLimiter {
    /// A limiter with a fresh window.
    pub fn new(per_minute: u32) -> Self {
        RateLimiter { per_minute, window_start: None, used: 0 }
    }

    /// Whether one more message may go now; records it if so.
    pub fn check_and_record(&mut self) -> bool {
        if self.window_start.is_none_or(|start| start.elapsed() >= WINDOW) {
            self.window_start = Some(Instant::now());
            self.used = 0;
        }
        if self.used >= self.per_minute {
            return false;
        }
        self.used += 1;
        true
    }

    /// Messages still allowed in the current window.
    pub fn remaining(&self) -> u32 {
        self.per_minute.saturating_sub(self.used)
    }
}
