//! std's channel semantics built from the facade's `Mutex` and `Condvar`, for loom (see the
//! parent module for why loom's own `mpsc` will not do): every step is a lock or a wait, so
//! loom explores each interleaving of senders, the receiver and their drops.

use super::{RecvError, SendError, TryRecvError};
use crate::{Arc, Condvar, Engine, Mutex};
use std::collections::VecDeque;
use std::fmt;

struct Channel<T> {
    state: Mutex<State<T>>,
    /// Signalled when a value is queued or the last sender goes.
    changed: Condvar,
}

struct State<T> {
    queue: VecDeque<T>,
    senders: usize,
    receiver_alive: bool,
}

pub(super) fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let channel = Arc::new(Channel {
        state: Mutex::new(State { queue: VecDeque::new(), senders: 1, receiver_alive: true }),
        changed: Condvar::new(),
    });
    (Sender(Arc::clone(&channel)), Receiver(channel))
}

pub(super) struct Sender<T>(Arc<Channel<T>>);

pub(super) struct Receiver<T>(Arc<Channel<T>>);

impl<T> Sender<T> {
    pub(super) fn send(&self, value: T) -> Result<(), SendError<T>> {
        let mut state = self.0.state.lock();
        if !state.receiver_alive {
            return Err(SendError(value));
        }
        state.queue.push_back(value);
        drop(state);
        self.0.changed.notify_one();
        Ok(())
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.0.state.lock().senders += 1;
        Sender(Arc::clone(&self.0))
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if !bookkeeping_possible() {
            return;
        }
        let mut state = self.0.state.lock();
        state.senders -= 1;
        let last = state.senders == 0;
        drop(state);
        if last {
            self.0.changed.notify_all();
        }
    }
}

impl<T> Receiver<T> {
    pub(super) fn recv(&self) -> Result<T, RecvError> {
        let mut state = self.0.state.lock();
        loop {
            if let Some(value) = state.queue.pop_front() {
                return Ok(value);
            }
            if state.senders == 0 {
                return Err(RecvError);
            }
            state = self.0.changed.wait(state);
        }
    }

    pub(super) fn try_recv(&self) -> Result<T, TryRecvError> {
        let mut state = self.0.state.lock();
        match state.queue.pop_front() {
            Some(value) => Ok(value),
            None if state.senders == 0 => Err(TryRecvError::Disconnected),
            None => Err(TryRecvError::Empty),
        }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        if !bookkeeping_possible() {
            return;
        }
        // As in std: later sends fail, and what is queued is dropped now (outside the lock).
        let mut state = self.0.state.lock();
        state.receiver_alive = false;
        let queued = std::mem::take(&mut state.queue);
        drop(state);
        drop(queued);
    }
}

/// Whether a drop may update the channel: not when it is dropped outside the run it was built in
/// (leaked, then freed: nobody can wait on it). While unwinding it must, as std does: a panicking
/// thread's owner that drops its sender and joins the consumer would otherwise wait for ever, and
/// loom would report that deadlock instead of the panic.
fn bookkeeping_possible() -> bool {
    Engine::current() == Engine::Loom
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sender { .. }")
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Receiver { .. }")
    }
}
