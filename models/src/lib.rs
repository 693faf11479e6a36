//! Real implementation modules, each carrying its documented race and its documented fix.
//!
//! | module | component | seed |
//! |---|---|---|
//! | [`task_worker`] | Appose's task worker and its janitor | `002_1ca0eba1ff21f61e.txt` |
//! | [`session_gateway`] | hermes-agent's TUI session gateway: sessions, slash workers, teardown, idle reaper | `004_85ccd8a2cd44988b.txt` |
//!
//! Every model takes a [`Variant`] at construction: `Buggy` is the code before the seed's fix,
//! `Fixed` the code after it. Models get every synchronisation primitive from [`sync`], so one
//! build of a model runs on real threads, under loom and under shuttle.
//!
//! ```
//! use models::task_worker::{Request, Response, Script, Transcript, Worker};
//! use models::Variant;
//!
//! // On real threads: a task runs on its own thread and reports its output.
//! let transcript = Transcript::new();
//! let worker = Worker::new(Variant::Fixed, transcript.clone());
//! worker.process_request(Request::Execute { task: "t1".into(), script: Script::Return(42), main_queue: false });
//! worker.join_task_threads();
//! worker.cleanup_threads();
//! assert_eq!(transcript.responses(), [Response::Completion { task: "t1".into(), output: 42 }]);
//! ```
#![deny(missing_docs)]

pub mod session_gateway;
pub mod sync;
pub mod task_worker;
mod variant;

pub use variant::Variant;
