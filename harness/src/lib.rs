//! racetrack reproduces documented races against real implementation modules under controlled
//! schedulers, proves that each documented fix holds, and fails CI when a fix regresses.
//!
//! A [`Scenario`] names one documented race: a workload that drives a model (a component built on
//! [`racetrack::sync`](sync), the `racetrack-sync` facade) into the racy region, a safety oracle ([`safety!`]) and a liveness / anti-cheat oracle
//! ([`liveness!`]), and the schedulers it runs under, each with a [`Budget`]. Every cell
//! (scenario × scheduler × variant) must come out as expected: the buggy variant **detected**,
//! with a replay token and the failing trace; the fixed variant **held** over the whole budget.
//!
//! ```
//! use racetrack::sync::{thread, Arc, AtomicUsize, Ordering};
//! use racetrack::{run_cell, Budget, RunOptions, Scenario, SchedulerId, Variant, Verdict};
//!
//! // Two threads bump a counter; the buggy variant does a load-then-store.
//! fn lost_update(variant: Variant) {
//!     let hits = Arc::new(AtomicUsize::new(0));
//!     let bump = {
//!         let hits = Arc::clone(&hits);
//!         move || match variant {
//!             Variant::Buggy => hits.store(hits.load(Ordering::SeqCst) + 1, Ordering::SeqCst),
//!             Variant::Fixed => drop(hits.fetch_add(1, Ordering::SeqCst)),
//!         }
//!     };
//!     let other = thread::spawn(bump.clone());
//!     bump();
//!     other.join().unwrap();
//!     racetrack::safety!(hits.load(Ordering::SeqCst) == 2, "an update was lost");
//! }
//!
//! const LOST_UPDATE: Scenario = Scenario::new("lost-update", "load-then-store counter")
//!     .oracles("no update is lost", "")
//!     .threads(&lost_update)
//!     .schedulers(&[(SchedulerId::Loom, Budget::schedules(100))]);
//!
//! let buggy = run_cell(&LOST_UPDATE, SchedulerId::Loom, Variant::Buggy, &RunOptions::default());
//! assert_eq!(buggy.verdict, Verdict::Detected);
//! assert!(buggy.replay.unwrap().starts_with("rt1:lost-update:loom:buggy:"));
//!
//! let fixed = run_cell(&LOST_UPDATE, SchedulerId::Loom, Variant::Fixed, &RunOptions::default());
//! assert_eq!(fixed.verdict, Verdict::Held);
//! assert!(fixed.exhaustive);
//! ```
//!
//! Map: [`scenario`](Scenario) · [`scheduler`](SchedulerId) · [`engines`] (one backend per
//! file) · [`trace`] · [`token`] · [`outcome`](CellResult) · [`stress`] · [`testing`] · [`cli`].
#![deny(missing_docs)]

pub mod cli;
pub mod engines;
pub mod oracle;
mod outcome;
mod scenario;
mod scheduler;
pub mod stress;
pub mod testing;
pub mod token;
pub mod trace;

pub use engines::{replay_cell, run_cell, run_named_cell, RunOptions};
#[doc(hidden)]
pub use insta as __insta;
pub use outcome::{BudgetRecord, CaughtBy, CellResult, Shard, ShardRun, Shrunk, TraceStep, Verdict};
pub use racetrack_sync as sync;
pub use racetrack_sync::Variant;
pub use scenario::{find, NetworkBody, RoleFn, Scenario, TasksBody, ThreadsBody};
pub use scheduler::{Budget, CellName, SchedulerId, DEFAULT_EXPLORATION, DEFAULT_SCHEDULES};
