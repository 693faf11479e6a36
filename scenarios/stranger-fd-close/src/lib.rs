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
//! - [`workload::run`]: loom (preemption bound 2, whole bounded space) and shuttle-pct over the
//!   simulated fd table ([`models::kernel::SimKernel`]).
//!
//! Oracles. Safety: the header is never overwritten and no write lands in an object its writer
//! did not open ([`workload::check_no_corruption`]); an fd is released only by the thread that
//! opened it ([`workload::check_fd_ownership`] — RACES.md lists "closed by its owner" under
//! liveness, but a stranger's close *is* the seed's root cause and a buggy cell must be caught by
//! safety, so it sits here; "closed exactly once" stays liveness). Liveness: the request unblocks
//! through the interrupt (not the read timeout), the socket is closed exactly once, no fd is left
//! open, the header check still refuses a TLS-shaped header ([`workload::check_liveness`]).
//! - [`stress::run`]: the same models over the real kernel: a 127.0.0.1 listener that never
//!   answers, and a real SQLite-format file in a temporary directory.
#![deny(missing_docs)]

mod os;
pub mod stress;
pub mod workload;

use racetrack::{Budget, Scenario, SchedulerId::*};

/// The scenario, as the registry and the tests use it.
pub const SCENARIO: Scenario = Scenario::new(
    "stranger-fd-close",
    "API client: a stranger thread closes the worker's socket; the recycled fd takes a TLS record into kanban.db",
)
.source("NousResearch/hermes-agent#29544")
.oracles(
    "the database header is never overwritten; no byte is written through an fd into an object \
     the writer did not open; an fd is released only by the thread that opened it; an intact \
     database is never refused",
    "the interrupted request unblocks through the interrupt; each socket is closed exactly once; \
     no fd is left open once the owner has unwound; the header check still refuses a file whose \
     header is a TLS record",
)
.threads(&workload::run)
.schedulers(&[(Loom, Budget::schedules(10_000).preemptions(2)), (ShuttlePct, Budget::schedules(2_000).depth(3))])
.stress(stress::run);
