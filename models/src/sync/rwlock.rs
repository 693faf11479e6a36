use super::engine::Engine;
use std::fmt;
use std::ops::{Deref, DerefMut};

/// A reader-writer lock on the current [`Engine`]. Never reports poisoning.
pub struct RwLock<T>(Inner<T>);

enum Inner<T> {
    Std(std::sync::RwLock<T>),
    Loom(loom::sync::RwLock<T>),
    Shuttle(shuttle::sync::RwLock<T>),
}

/// Shared access to an [`RwLock`].
pub struct RwLockReadGuard<'a, T>(Read<'a, T>);

enum Read<'a, T> {
    Std(std::sync::RwLockReadGuard<'a, T>),
    Loom(loom::sync::RwLockReadGuard<'a, T>),
    Shuttle(shuttle::sync::RwLockReadGuard<'a, T>),
}

/// Exclusive access to an [`RwLock`].
pub struct RwLockWriteGuard<'a, T>(Write<'a, T>);

enum Write<'a, T> {
    Std(std::sync::RwLockWriteGuard<'a, T>),
    Loom(loom::sync::RwLockWriteGuard<'a, T>),
    Shuttle(shuttle::sync::RwLockWriteGuard<'a, T>),
}

impl<T> RwLock<T> {
    /// A new unlocked lock holding `value`.
    pub fn new(value: T) -> Self {
        Self(match Engine::current() {
            Engine::Std => Inner::Std(std::sync::RwLock::new(value)),
            Engine::Loom => Inner::Loom(loom::sync::RwLock::new(value)),
            Engine::Shuttle => Inner::Shuttle(shuttle::sync::RwLock::new(value)),
        })
    }

    /// Blocks until shared access is held.
    pub fn read(&self) -> RwLockReadGuard<'_, T> {
        RwLockReadGuard(match &self.0 {
            Inner::Std(l) => Read::Std(l.read().unwrap_or_else(|e| e.into_inner())),
            Inner::Loom(l) => Read::Loom(l.read().unwrap_or_else(|e| e.into_inner())),
            Inner::Shuttle(l) => Read::Shuttle(l.read().unwrap_or_else(|e| e.into_inner())),
        })
    }

    /// Blocks until exclusive access is held.
    pub fn write(&self) -> RwLockWriteGuard<'_, T> {
        RwLockWriteGuard(match &self.0 {
            Inner::Std(l) => Write::Std(l.write().unwrap_or_else(|e| e.into_inner())),
            Inner::Loom(l) => Write::Loom(l.write().unwrap_or_else(|e| e.into_inner())),
            Inner::Shuttle(l) => Write::Shuttle(l.write().unwrap_or_else(|e| e.into_inner())),
        })
    }
}

impl<T> fmt::Debug for RwLock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RwLock { .. }")
    }
}

impl<T> Deref for RwLockReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        match &self.0 {
            Read::Std(g) => g,
            Read::Loom(g) => g,
            Read::Shuttle(g) => g,
        }
    }
}

impl<T> Deref for RwLockWriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        match &self.0 {
            Write::Std(g) => g,
            Write::Loom(g) => g,
            Write::Shuttle(g) => g,
        }
    }
}

impl<T> DerefMut for RwLockWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        match &mut self.0 {
            Write::Std(g) => g,
            Write::Loom(g) => g,
            Write::Shuttle(g) => g,
        }
    }
}
