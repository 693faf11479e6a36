//! A reentrant lock (Python's `threading.RLock`) built from the facade's `Mutex` + `Condvar`.
//!
//! The gateway's `_sessions_lock` is reentrant because its teardown funnel is entered both from
//! callers that already hold it (the funnel re-checks a predicate and then claims the session
//! through `pop_session_by_id`, which takes the lock again) and from callers that do not.
//!
//! Like `RLock`, it guards no data of its own: it makes a multi-step critical section atomic,
//! while each single access to the session map stays atomic on its own (the map sits in a plain
//! facade `Mutex`, the analogue of a dict operation under the GIL). Code that touches the map
//! without this lock is exactly the seed's "popped under an unrelated lock" bug.

use racetrack_sync::thread::{self, ThreadId};
use racetrack_sync::{Condvar, Mutex};
use std::fmt;

/// Who holds the lock: one logical thread (the facade's id tells loom's and shuttle's logical
/// threads apart, which all run on one OS thread).
type Owner = ThreadId;

#[derive(Default)]
struct State {
    owner: Option<Owner>,
    depth: usize,
}

/// A lock the holding thread may take again; it is released when every guard has dropped.
pub struct ReentrantLock {
    state: Mutex<State>,
    released: Condvar,
}

/// Proof that the current thread holds a [`ReentrantLock`]; dropping it releases one level.
#[must_use = "the lock is released when the guard drops"]
pub struct ReentrantGuard<'a> {
    lock: &'a ReentrantLock,
}

impl ReentrantLock {
    /// A new, unheld lock.
    pub fn new() -> Self {
        ReentrantLock { state: Mutex::new(State::default()), released: Condvar::new() }
    }

    /// Blocks until the current thread holds the lock (at once if it already does).
    pub fn lock(&self) -> ReentrantGuard<'_> {
        let me = thread::current_id();
        let state = self.state.lock();
        let mut state = self.released.wait_while(state, |s| s.owner.as_ref().is_some_and(|o| *o != me));
        state.owner = Some(me);
        state.depth += 1;
        ReentrantGuard { lock: self }
    }
}

impl Default for ReentrantLock {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for ReentrantGuard<'_> {
    fn drop(&mut self) {
        let mut state = self.lock.state.lock();
        state.depth -= 1;
        if state.depth == 0 {
            state.owner = None;
            drop(state);
            self.lock.released.notify_one();
        }
    }
}

impl fmt::Debug for ReentrantLock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReentrantLock { .. }")
    }
}
