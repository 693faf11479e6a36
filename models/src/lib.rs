//! Real implementation modules, each carrying its documented race and its documented fix.
//!
//! | module | component | seed |
//! |---|---|---|
//! | [`chat_bot`] | kai's chat bot behind a TOTP gate: synchronous subprocess calls on the event loop | `000_a27116583ca25b99.txt` |
//! | [`task_worker`] | Appose's task worker and its janitor | `002_1ca0eba1ff21f61e.txt` |
//! | [`watchdog`] | hermes-agent's slash-worker parent-death watchdog (C3) | `004_85ccd8a2cd44988b.txt` |
//! | [`api_client`] + [`kernel`] | hermes' interruptible API client, kanban db; real and simulated fd table | `001_465c57c5f9a84ab7.txt` |
//! | [`webhook_channel`] | ironclaw's webhook channel: lock held across `send().await`, pending-response leak | `003_408d3f04c521ad6d.txt` |
//! | [`session_gateway`] | hermes-agent's TUI session gateway: sessions, slash workers, teardown, idle reaper; its websocket front (`session_gateway::ws`) | `004_85ccd8a2cd44988b.txt` |
//!
//! Every model takes a [`Variant`](racetrack_sync::Variant) at construction: `Buggy` is the code
//! before the seed's fix, `Fixed` the code after it. Models get every synchronisation primitive
//! from [`racetrack_sync`], so one build of a model runs on real threads, under loom and under
//! shuttle.
//!
//! ```
//! use models::task_worker::{Request, Response, Script, Transcript, Worker};
//! use racetrack_sync::Variant;
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

pub mod api_client;
pub mod chat_bot;
pub mod kernel;
pub mod session_gateway;
pub mod task_worker;
pub mod watchdog;
pub mod webhook_channel;
