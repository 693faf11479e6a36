use super::engine::{built_under, check, Engine};
use super::mutex::{Guard, MutexGuard};
use std::fmt;

/// A condition variable on the current [`Engine`], used with the facade's [`super::Mutex`].
pub struct Condvar(Inner);

enum Inner {
    Std(std::sync::Condvar),
    #[cfg(feature = "loom")]
    Loom(loom::sync::Condvar),
    #[cfg(feature = "shuttle")]
    Shuttle(shuttle::sync::Condvar),
}

/// Forwards one call to whichever engine's condvar is inside, after checking it runs there.
macro_rules! forward {
    ($self:ident, $what:literal, $c:ident => $call:expr) => {{
        check($self.engine(), $what);
        match &$self.0 {
            Inner::Std($c) => {
                crate::chaos::point();
                $call
            }
            #[cfg(feature = "loom")]
            Inner::Loom($c) => $call,
            #[cfg(feature = "shuttle")]
            Inner::Shuttle($c) => $call,
        }
    }};
}

impl Condvar {
    /// A new condition variable.
    pub fn new() -> Self {
        Self(match Engine::current() {
            Engine::Std => Inner::Std(std::sync::Condvar::new()),
            #[cfg(feature = "loom")]
            Engine::Loom => Inner::Loom(loom::sync::Condvar::new()),
            #[cfg(feature = "shuttle")]
            Engine::Shuttle => Inner::Shuttle(shuttle::sync::Condvar::new()),
            #[allow(unreachable_patterns)]
            other => super::engine::not_built_in(other),
        })
    }

    fn engine(&self) -> Engine {
        built_under!(&self.0, Inner)
    }

    /// Releases `guard`, waits for a notification, and takes the lock again.
    #[track_caller]
    pub fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
        check(self.engine(), "Condvar::wait");
        MutexGuard(match (&self.0, guard.0) {
            (Inner::Std(c), Guard::Std(g)) => {
                crate::chaos::point();
                Guard::Std(c.wait(g).unwrap_or_else(|e| e.into_inner()))
            }
            #[cfg(feature = "loom")]
            (Inner::Loom(c), Guard::Loom(g)) => Guard::Loom(c.wait(g).unwrap_or_else(|e| e.into_inner())),
            #[cfg(feature = "shuttle")]
            (Inner::Shuttle(c), Guard::Shuttle(g)) => Guard::Shuttle(c.wait(g).unwrap_or_else(|e| e.into_inner())),
            #[allow(unreachable_patterns)]
            _ => panic!("racetrack_sync::Condvar::wait: the guard's Mutex was built under another engine"),
        })
    }

    /// Waits while `condition` holds.
    #[track_caller]
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
    #[track_caller]
    pub fn notify_one(&self) {
        forward!(self, "Condvar::notify_one", c => c.notify_one())
    }

    /// Wakes every waiter.
    #[track_caller]
    pub fn notify_all(&self) {
        forward!(self, "Condvar::notify_all", c => c.notify_all())
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
