//! The worker's "a command is executing" flag (the seed's `_in_flight = threading.Event()`),
//! which the watchdog reads to drain a running command before it exits. It also counts the
//! commands begun, so that a test can wait for one to be under way.

use racetrack_sync::{Condvar, Mutex};

/// Set while a command executes.
#[derive(Debug, Default)]
pub struct InFlight {
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct State {
    set: bool,
    begun: u64,
}

impl InFlight {
    /// A cleared flag on the current engine.
    pub fn new() -> Self {
        InFlight { state: Mutex::new(State::default()), changed: Condvar::new() }
    }

    /// Marks a command as executing until the returned guard is dropped (the seed's
    /// `_in_flight.set()` … `finally: _in_flight.clear()`).
    pub fn begin(&self) -> Busy<'_> {
        let mut state = self.state.lock();
        state.set = true;
        state.begun += 1;
        self.changed.notify_all();
        Busy(self)
    }

    /// Whether a command is executing now.
    pub fn is_set(&self) -> bool {
        self.state.lock().set
    }

    /// Waits until a command has begun (at once if one already has, even if it has finished).
    pub fn wait_begun(&self) {
        drop(self.changed.wait_while(self.state.lock(), |state| state.begun == 0));
    }
}

/// A command in flight; dropping it clears the flag.
#[derive(Debug)]
pub struct Busy<'a>(&'a InFlight);

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.0.state.lock().set = false;
    }
}
