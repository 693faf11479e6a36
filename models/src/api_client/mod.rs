//! The hermes agent process of seed `001_465c57c5f9a84ab7.txt` (NousResearch/hermes-agent#29544,
//! fixes #29507): an interruptible OpenAI API client and, in the same process, the kanban
//! dispatcher with its SQLite database. All of it reaches the outside world through a
//! [`Kernel`](crate::kernel::Kernel), real or simulated.
//!
//! The race, in the seed's five steps: the worker thread's TLS BIO caches its socket's fd N; an
//! interrupt on a stranger thread runs [`force_close_tcp_sockets`] (shutdown **and** close) and
//! `client.close()`; the kanban dispatcher's next `open` gets N (lowest free); the worker
//! unblocks and flushes one last 24-byte TLS record to N; the record lands on the database
//! header.
//!
//! - [`Variant::Buggy`](racetrack_sync::Variant): the stranger pops the holder and fully closes.
//! - [`Variant::Fixed`](racetrack_sync::Variant): prong 1, `force_close_tcp_sockets` only shuts down;
//!   prong 2, a stranger only aborts (`deferred_close=stranger_thread`) and the owner's `finally`
//!   pops the holder and closes. Prong 3, [`validate_sqlite_header`], is in both.
//!
//! Both of the seed's entries are here — [`Agent::interruptible_api_call`] and
//! [`Agent::interruptible_streaming_api_call`] (whose retry closes the broken client and opens a
//! fresh connection) — and both of its strangers: the interrupt-check loop
//! ([`Agent::interrupt`]) and the stale detectors ([`Agent::kill_stale_call`],
//! [`Agent::kill_stale_stream`]).
//!
//! | file | what |
//! |---|---|
//! | `agent.rs` | [`Agent`]: both interruptible calls, the interrupt and the stale detectors, the owner-stamped holder |
//! | `http.rs` | [`OpenAiClient`] (pool, `close`) and [`force_close_tcp_sockets`] |
//! | `tls.rs` | [`TlsStream`]: the BIO's cached integer and the late 24-byte record |
//! | `socket.rs` | [`PySocket`]: `socket.socket`'s swap-to-minus-one close |
//! | `kanban_db.rs` | [`KanbanDb`]: open + header check |

mod agent;
mod http;
mod kanban_db;
mod socket;
mod tls;

pub use agent::{Agent, ApiError, STREAM_RETRIES};
pub use http::{force_close_tcp_sockets, HttpError, OpenAiClient, STREAM_DONE};
pub use kanban_db::{hex, new_database_image, validate_sqlite_header, DbError, KanbanDb, HEADER_LEN, SQLITE_MAGIC};
pub use socket::PySocket;
pub use tls::{late_record, TlsStream, RECORD_HEADER, RECORD_LEN, RECORD_PAYLOAD};

#[cfg(test)]
mod tests;
