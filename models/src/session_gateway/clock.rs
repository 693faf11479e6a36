//! Time, through a narrow interface: the session TTL (6 h) and the reaper's scan period (5 min)
//! are read from a [`Clock`], never from the wall clock.
//!
//! [`MonotonicClock`] is the real one. [`SimClock`] is virtual time that only moves when a test
//! says so, which is how a model checker (no clock of its own) and, later, a paused-time async
//! driver cover 6 h + 5 min without waiting for it.

use racetrack_sync::{AtomicU64, Ordering};
use std::fmt::Debug;
use std::time::{Duration, Instant};

/// A monotonic time source; readings are durations since the clock's own origin.
pub trait Clock: Send + Sync + Debug + 'static {
    /// Time elapsed since the clock's origin.
    fn now(&self) -> Duration;
}

/// The real clock: `Instant`, measured from when the clock was made.
#[derive(Debug)]
pub struct MonotonicClock {
    origin: Instant,
}

impl MonotonicClock {
    /// A clock whose origin is now.
    pub fn new() -> Self {
        MonotonicClock { origin: Instant::now() }
    }
}

impl Default for MonotonicClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for MonotonicClock {
    fn now(&self) -> Duration {
        self.origin.elapsed()
    }
}

/// Virtual time, in whole milliseconds, that moves only through [`SimClock::advance`].
#[derive(Debug)]
pub struct SimClock {
    millis: AtomicU64,
}

impl SimClock {
    /// A virtual clock at its origin, on the current engine.
    pub fn new() -> Self {
        SimClock { millis: AtomicU64::new(0) }
    }

    /// Moves virtual time forward by `by`.
    pub fn advance(&self, by: Duration) {
        self.millis.fetch_add(by.as_millis() as u64, Ordering::SeqCst);
    }
}

impl Default for SimClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SimClock {
    fn now(&self) -> Duration {
        Duration::from_millis(self.millis.load(Ordering::SeqCst))
    }
}
