//! **stranger-fd-close** — seed `001_465c57c5f9a84ab7.txt` (NousResearch/hermes-agent#29544,
//! fixes #29507: "TLS application-data bytes were written on top of kanban.db's SQLite header").
//!
//! A worker thread's TLS BIO caches its socket's fd N. An interrupt on a stranger thread shuts
//! the socket down **and closes it** (and `client.close()` closes the pool's sockets); the kanban
//! dispatcher's next `open` gets N (POSIX: lowest free integer); the worker unblocks and flushes
//! one last 24-byte application-data record (`17 03 03 00 13` + 19 bytes) to N — into the
//! database header. The fix: a stranger only `shutdown(SHUT_RDWR)`s and defers the close to the
//! owner, whose `finally` pops the holder and closes (prongs 1 and 2); the header check refuses a
//! corrupted file (prong 3).
//!
//! - [`workload::run`]: loom and shuttle over the simulated fd table
//!   ([`models::kernel::SimKernel`]).
//! - [`stress::run`]: the same models over the real kernel: a 127.0.0.1 listener that never
//!   answers, and a real SQLite-format file in a temporary directory.
#![deny(missing_docs)]

pub mod stress;
pub mod workload;

use racetrack::{Budget, Scenario, SchedulerId::*};

/// The scenario, as the registry and the tests use it.
pub const SCENARIO: Scenario = Scenario::new(
    "stranger-fd-close",
    "001_465c57c5f9a84ab7.txt",
    "API client: a stranger thread closes the worker's socket; the recycled fd takes a TLS record into kanban.db",
)
.oracles(
    "the database header is never overwritten; no byte is written through an fd into an object \
     the writer did not open; an fd is released only by the thread that opened it; an intact \
     database is never refused",
    "the interrupted request unblocks through the interrupt; each socket is closed exactly once; \
     no fd is left open once the owner has unwound; the header check still refuses a file whose \
     header is a TLS record",
)
.threads(workload::run)
.schedulers(&[(Loom, Budget::schedules(100_000).preemptions(2)), (ShuttlePct, Budget::schedules(2_000).depth(3))])
.stress(stress::run);
