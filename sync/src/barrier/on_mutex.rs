//! std's barrier algorithm on the facade's `Mutex` and `Condvar`, for loom.

use crate::{Condvar, Mutex};

pub(super) struct Barrier {
    state: Mutex<State>,
    released: Condvar,
    n: usize,
}

struct State {
    waiting: usize,
    /// Bumped at each release, so a waiter can tell its own release from a spurious wake-up.
    generation: u64,
}

impl Barrier {
    pub(super) fn new(n: usize) -> Self {
        Barrier { state: Mutex::new(State { waiting: 0, generation: 0 }), released: Condvar::new(), n }
    }

    /// Whether the calling thread is the leader: the one whose arrival released the others.
    pub(super) fn wait(&self) -> bool {
        let mut state = self.state.lock();
        let generation = state.generation;
        state.waiting += 1;
        if state.waiting < self.n {
            drop(self.released.wait_while(state, |s| s.generation == generation));
            false
        } else {
            state.waiting = 0;
            state.generation += 1;
            drop(state);
            self.released.notify_all();
            true
        }
    }
}
