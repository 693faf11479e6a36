//! The synchronisation facade: the only place a model gets its primitives from.
//!
//! One model source runs under std threads, loom and shuttle in one ordinary build. Each
//! primitive is a small enum over the three engines' types; which one a constructor builds is
//! decided by [`Engine::current`], which the harness sets for the duration of a controlled run
//! (loom and shuttle execute every logical thread on the calling OS thread, so a thread-local
//! reaches all of them). Outside a controlled run the engine is [`Engine::Std`], so a model is
//! also usable for real.
//!
//! Like tokio's `src/loom/` facade, the adapters absorb the engines' differences: `lock()` never
//! returns a poison error (a panic inside a critical section is already a reported failure), and
//! `sleep` under a model checker is a yield, because neither loom nor shuttle models time.
//!
//! No model imports `std::sync`, `loom` or `shuttle` directly.

mod atomic;
mod condvar;
mod engine;
mod mutex;
mod rwlock;
pub mod task;
pub mod thread;

pub use atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
pub use condvar::Condvar;
pub use engine::Engine;
pub use mutex::{Mutex, MutexGuard};
pub use rwlock::{RwLock, RwLockReadGuard, RwLockWriteGuard};
/// Reference counting is not part of any documented race, so std's `Arc` serves every engine.
pub use std::sync::Arc;
