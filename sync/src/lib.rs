//! racetrack-sync: the synchronisation facade racetrack explores, and the only place a model (or
//! a service's own concurrent component) gets its primitives from.
//!
//! One source runs on real threads, under loom and under shuttle in one ordinary build. Each
//! primitive is a small enum over the engines' types; which one a constructor builds is decided by
//! [`Engine::current`], which the harness sets for the duration of a controlled run (loom and
//! shuttle execute every logical thread on the calling OS thread, so a thread-local reaches all of
//! them). Outside a controlled run the engine is [`Engine::Std`], so the same code is the
//! production code.
//!
//! **Features.** With none (a service's production build) the facade is std and tokio only:
//! neither loom nor shuttle is linked. `loom` and `shuttle` add those engines; `racetrack`, which
//! a service takes as a dev-dependency, turns both on for its tests.
//!
//! Like tokio's `src/loom/` facade, the adapters absorb the engines' differences: `lock()` never
//! returns a poison error (a panic inside a critical section is already a reported failure), and
//! `sleep` under a model checker is a yield, because neither loom nor shuttle models time. Every
//! primitive checks that it is used under the engine it was built under: a `Mutex` built before a
//! model run and locked inside one would never be explored, so that is a panic naming it.
//!
//! **Primitives.** [`Mutex`], [`Condvar`], the atomics, [`Barrier`], [`Once`], [`mpsc`] channels,
//! [`thread`] and (async) [`task`]. Where an engine lacks one, the facade builds it from its own
//! `Mutex` and `Condvar` on that engine, so it is still explored, never quietly std: under loom,
//! `Barrier` (loom's is a stub), `Once` (loom has none) and `mpsc` (loom's does not model
//! disconnection). What no engine can model faithfully is not offered (timed waits such as
//! `recv_timeout`: neither model checker has a clock).
//!
//! ```
//! use racetrack_sync::{thread, Arc, Mutex};
//!
//! // Outside a model run this is std: the code a service ships.
//! let hits = Arc::new(Mutex::new(0));
//! let other = { let hits = Arc::clone(&hits); thread::spawn(move || *hits.lock() += 1) };
//! *hits.lock() += 1;
//! other.join().unwrap();
//! assert_eq!(*hits.lock(), 2);
//! ```
#![deny(missing_docs)]

mod atomic;
mod barrier;
pub mod chaos;
mod condvar;
mod engine;
pub mod mpsc;
mod mutex;
mod once;
pub mod task;
pub mod thread;
mod variant;

pub use atomic::{AtomicBool, AtomicI32, AtomicI64, AtomicIsize, AtomicU32, AtomicU64, AtomicUsize, Ordering};
pub use barrier::{Barrier, BarrierWaitResult};
pub use condvar::Condvar;
pub use engine::Engine;
pub use mutex::{Mutex, MutexGuard};
pub use once::Once;
/// Reference counting is not part of any documented race, so std's `Arc` serves every engine.
pub use std::sync::Arc;
pub use variant::Variant;
