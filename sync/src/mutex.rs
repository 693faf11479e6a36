use super::engine::{built_under, check, Engine};
use std::fmt;
use std::ops::{Deref, DerefMut};

/// A mutual-exclusion lock on the current [`Engine`]. `lock()` never reports poisoning.
pub struct Mutex<T>(pub(super) Inner<T>);

pub(super) enum Inner<T> {
    Std(std::sync::Mutex<T>),
    #[cfg(feature = "loom")]
    Loom(loom::sync::Mutex<T>),
    #[cfg(feature = "shuttle")]
    Shuttle(shuttle::sync::Mutex<T>),
}

/// The guard of a [`Mutex`]; the lock is released when it drops.
pub struct MutexGuard<'a, T>(pub(super) Guard<'a, T>);

pub(super) enum Guard<'a, T> {
    Std(std::sync::MutexGuard<'a, T>),
    #[cfg(feature = "loom")]
    Loom(loom::sync::MutexGuard<'a, T>),
    #[cfg(feature = "shuttle")]
    Shuttle(shuttle::sync::MutexGuard<'a, T>),
}

impl<T> Mutex<T> {
    /// A new unlocked mutex holding `value`.
    pub fn new(value: T) -> Self {
        Self(match Engine::current() {
            Engine::Std => Inner::Std(std::sync::Mutex::new(value)),
            #[cfg(feature = "loom")]
            Engine::Loom => Inner::Loom(loom::sync::Mutex::new(value)),
            #[cfg(feature = "shuttle")]
            Engine::Shuttle => Inner::Shuttle(shuttle::sync::Mutex::new(value)),
            #[allow(unreachable_patterns)]
            other => super::engine::not_built_in(other),
        })
    }

    /// Blocks until the lock is held.
    #[track_caller]
    pub fn lock(&self) -> MutexGuard<'_, T> {
        check(self.engine(), "Mutex::lock");
        MutexGuard(match &self.0 {
            Inner::Std(m) => Guard::Std({
                crate::chaos::point();
                m.lock().unwrap_or_else(|e| e.into_inner())
            }),
            #[cfg(feature = "loom")]
            Inner::Loom(m) => Guard::Loom(m.lock().unwrap_or_else(|e| e.into_inner())),
            #[cfg(feature = "shuttle")]
            Inner::Shuttle(m) => Guard::Shuttle(m.lock().unwrap_or_else(|e| e.into_inner())),
        })
    }

    /// The engine it was built under.
    fn engine(&self) -> Engine {
        built_under!(&self.0, Inner)
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Mutex { .. }")
    }
}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        match &self.0 {
            Guard::Std(g) => g,
            #[cfg(feature = "loom")]
            Guard::Loom(g) => g,
            #[cfg(feature = "shuttle")]
            Guard::Shuttle(g) => g,
        }
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        match &mut self.0 {
            Guard::Std(g) => g,
            #[cfg(feature = "loom")]
            Guard::Loom(g) => g,
            #[cfg(feature = "shuttle")]
            Guard::Shuttle(g) => g,
        }
    }
}
