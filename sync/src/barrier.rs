//! A barrier on the current [`Engine`]: std's, shuttle's, and under loom (whose `Barrier` is a
//! stub that panics with "not supported yet") one built from the facade's
//! [`Mutex`](crate::Mutex) and [`Condvar`](crate::Condvar), which loom explores.
//!
//! ```
//! use racetrack_sync::{thread, Arc, Barrier};
//!
//! let barrier = Arc::new(Barrier::new(2));
//! let other = { let b = Arc::clone(&barrier); thread::spawn(move || b.wait().is_leader()) };
//! let leaders = [barrier.wait().is_leader(), other.join().unwrap()];
//! assert_eq!(leaders.iter().filter(|l| **l).count(), 1); // exactly one leader per release
//! ```

use super::engine::{built_under, check, not_built_in, Engine};
use std::fmt;

#[cfg(feature = "loom")]
mod on_mutex;

/// Blocks `n` threads until all of them have called [`wait`](Barrier::wait), then releases them
/// together; reusable.
pub struct Barrier(Inner);

enum Inner {
    Std(std::sync::Barrier),
    #[cfg(feature = "loom")]
    Loom(Box<on_mutex::Barrier>), // boxed: the facade's Mutex and Condvar are large
    #[cfg(feature = "shuttle")]
    Shuttle(shuttle::sync::Barrier),
}

/// What [`Barrier::wait`] returns: whether this thread is the one leader of its release.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BarrierWaitResult(bool);

impl BarrierWaitResult {
    /// Whether this thread is the leader (exactly one per release).
    pub fn is_leader(&self) -> bool {
        self.0
    }
}

impl Barrier {
    /// A barrier that releases its waiters once `n` of them wait (`0` and `1` never block).
    pub fn new(n: usize) -> Self {
        Self(match Engine::current() {
            Engine::Std => Inner::Std(std::sync::Barrier::new(n)),
            #[cfg(feature = "loom")]
            Engine::Loom => Inner::Loom(Box::new(on_mutex::Barrier::new(n))),
            #[cfg(feature = "shuttle")]
            Engine::Shuttle => Inner::Shuttle(shuttle::sync::Barrier::new(n)),
            #[allow(unreachable_patterns)]
            other => not_built_in(other),
        })
    }

    /// Blocks until `n` threads wait here, then returns in all of them.
    #[track_caller]
    pub fn wait(&self) -> BarrierWaitResult {
        check(self.engine(), "Barrier::wait");
        BarrierWaitResult(match &self.0 {
            Inner::Std(b) => b.wait().is_leader(),
            #[cfg(feature = "loom")]
            Inner::Loom(b) => b.wait(),
            #[cfg(feature = "shuttle")]
            Inner::Shuttle(b) => b.wait().is_leader(),
        })
    }

    fn engine(&self) -> Engine {
        built_under!(&self.0, Inner)
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Barrier { .. }")
    }
}
