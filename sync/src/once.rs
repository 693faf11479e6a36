//! A one-time initialisation on the current [`Engine`]: std's, shuttle's, and under loom (which
//! has no `Once`) one built from the facade's [`Mutex`](crate::Mutex) and
//! [`Condvar`](crate::Condvar), which loom explores.
//!
//! Unlike std's, [`Once::new`] is not `const`: which engine it is built on is decided when it is
//! made, so it lives in the value that uses it, not in a `static` (a static would be built
//! outside every model run, and never explored).
//!
//! ```
//! use racetrack_sync::{thread, Arc, AtomicUsize, Once, Ordering};
//!
//! let (once, runs) = (Arc::new(Once::new()), Arc::new(AtomicUsize::new(0)));
//! let init = { let (o, r) = (Arc::clone(&once), Arc::clone(&runs)); move || o.call_once(|| { r.fetch_add(1, Ordering::SeqCst); }) };
//! let other = thread::spawn(init.clone());
//! init();
//! other.join().unwrap();
//! assert_eq!(runs.load(Ordering::SeqCst), 1);
//! assert!(once.is_completed());
//! ```

use super::engine::{built_under, check, not_built_in, Engine};
use std::fmt;

#[cfg(feature = "loom")]
mod on_mutex;

/// Runs an initialisation exactly once, however many threads ask for it.
pub struct Once(Inner);

enum Inner {
    Std(std::sync::Once),
    #[cfg(feature = "loom")]
    Loom(on_mutex::Once),
    #[cfg(feature = "shuttle")]
    Shuttle(shuttle::sync::Once),
}

impl Once {
    /// A `Once` that has not run.
    #[allow(clippy::new_without_default)] // as std: a Once is made on purpose
    pub fn new() -> Self {
        Self(match Engine::current() {
            Engine::Std => Inner::Std(std::sync::Once::new()),
            #[cfg(feature = "loom")]
            Engine::Loom => Inner::Loom(on_mutex::Once::new()),
            #[cfg(feature = "shuttle")]
            Engine::Shuttle => Inner::Shuttle(shuttle::sync::Once::new()),
            #[allow(unreachable_patterns)]
            other => not_built_in(other),
        })
    }

    /// Runs `f` if no call has completed yet; meanwhile other callers block until it has. If
    /// `f` panics the `Once` is poisoned, and later calls panic.
    #[track_caller]
    pub fn call_once(&self, f: impl FnOnce()) {
        check(self.engine(), "Once::call_once");
        match &self.0 {
            Inner::Std(o) => o.call_once(f),
            #[cfg(feature = "loom")]
            Inner::Loom(o) => o.call_once(f),
            #[cfg(feature = "shuttle")]
            Inner::Shuttle(o) => o.call_once(f),
        }
    }

    /// Whether some [`call_once`](Once::call_once) has completed.
    #[track_caller]
    pub fn is_completed(&self) -> bool {
        check(self.engine(), "Once::is_completed");
        match &self.0 {
            Inner::Std(o) => o.is_completed(),
            #[cfg(feature = "loom")]
            Inner::Loom(o) => o.is_completed(),
            #[cfg(feature = "shuttle")]
            Inner::Shuttle(o) => o.is_completed(),
        }
    }

    fn engine(&self) -> Engine {
        built_under!(&self.0, Inner)
    }
}

impl fmt::Debug for Once {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Once { .. }")
    }
}
