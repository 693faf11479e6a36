//! std's `Once` semantics on the facade's `Mutex` and `Condvar`, for loom.

use crate::{Condvar, Mutex};

pub(super) struct Once {
    state: Mutex<State>,
    finished: Condvar,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    New,
    Running,
    Done,
    Poisoned,
}

impl Once {
    pub(super) fn new() -> Self {
        Once { state: Mutex::new(State::New), finished: Condvar::new() }
    }

    pub(super) fn call_once(&self, f: impl FnOnce()) {
        let state = self.finished.wait_while(self.state.lock(), |s| *s == State::Running);
        match *state {
            State::Done => return,
            State::Poisoned => panic!("Once instance has previously been poisoned"),
            State::New | State::Running => {}
        }
        let mut state = state;
        *state = State::Running;
        drop(state);
        // The initialiser runs unlocked, as std's does: it may take other locks.
        let poison_on_unwind = PoisonOnUnwind(self);
        f();
        std::mem::forget(poison_on_unwind);
        self.finish(State::Done);
    }

    pub(super) fn is_completed(&self) -> bool {
        *self.state.lock() == State::Done
    }

    fn finish(&self, outcome: State) {
        *self.state.lock() = outcome;
        self.finished.notify_all();
    }
}

/// Marks the `Once` poisoned when its initialiser panics, so waiters wake and panic too rather
/// than wait for ever (which loom would report as a deadlock, not as the panic it is).
struct PoisonOnUnwind<'a>(&'a Once);

impl Drop for PoisonOnUnwind<'_> {
    fn drop(&mut self) {
        self.0.finish(State::Poisoned);
    }
}
