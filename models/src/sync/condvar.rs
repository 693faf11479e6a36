use super::engine::{mixed_engines, Engine};
use super::mutex::{Guard, MutexGuard};
use std::fmt;

/// A condition variable on the current [`Engine`], used with the facade's [`super::Mutex`].
pub struct Condvar(Inner);

enum Inner {
    Std(std::sync::Condvar),
    Loom(loom::sync::Condvar),
    Shuttle(shuttle::sync::Condvar),
}

impl Condvar {
    /// A new condition variable.
    pub fn new() -> Self {
        Self(match Engine::current() {
            Engine::Std => Inner::Std(std::sync::Condvar::new()),
            Engine::Loom => Inner::Loom(loom::sync::Condvar::new()),
            Engine::Shuttle => Inner::Shuttle(shuttle::sync::Condvar::new()),
        })
    }

    /// Releases `guard`, waits for a notification, and takes the lock again.
    pub fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
        MutexGuard(match (&self.0, guard.0) {
            (Inner::Std(c), Guard::Std(g)) => Guard::Std(c.wait(g).unwrap_or_else(|e| e.into_inner())),
            (Inner::Loom(c), Guard::Loom(g)) => Guard::Loom(c.wait(g).unwrap_or_else(|e| e.into_inner())),
            (Inner::Shuttle(c), Guard::Shuttle(g)) => Guard::Shuttle(c.wait(g).unwrap_or_else(|e| e.into_inner())),
            _ => mixed_engines("Condvar::wait"),
        })
    }

    /// Waits while `condition` holds.
    pub fn wait_while<'a, T>(
        &self,
        mut guard: MutexGuard<'a, T>,
        mut condition: impl FnMut(&mut T) -> bool,
    ) -> MutexGuard<'a, T> {
        while condition(&mut guard) {
            guard = self.wait(guard);
        }
        guard
    }

    /// Wakes one waiter.
    pub fn notify_one(&self) {
        match &self.0 {
            Inner::Std(c) => c.notify_one(),
            Inner::Loom(c) => c.notify_one(),
            Inner::Shuttle(c) => c.notify_one(),
        }
    }

    /// Wakes every waiter.
    pub fn notify_all(&self) {
        match &self.0 {
            Inner::Std(c) => c.notify_all(),
            Inner::Loom(c) => c.notify_all(),
            Inner::Shuttle(c) => c.notify_all(),
        }
    }
}

impl Default for Condvar {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Condvar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Condvar { .. }")
    }
}
