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
//! - [`workload::run_path`]: loom (preemption bound 2, whole bounded space) and shuttle-pct over
//!   the simulated fd table ([`models::kernel::SimKernel`]), one entry per path of the seed: the
//!   non-streaming call interrupted ([`SCENARIO`], the reported case), killed by the stale-call
//!   detector ([`STALE_CALL`]); the streaming call interrupted ([`STREAMING_INTERRUPT`]), killed
//!   by the stale-stream detector and retried on a fresh connection ([`STREAMING_STALE`]).
//!
//! Oracles. Safety: the header is never overwritten and no write lands in an object its writer
//! did not open ([`workload::check_no_corruption`]); an fd is released only by the thread that
//! opened it ([`workload::check_fd_ownership`] — the race's write-up lists "closed by its owner" under
//! liveness, but a stranger's close *is* the seed's root cause and a buggy cell must be caught by
//! safety, so it sits here; "closed exactly once" stays liveness), and a stranger's shutdown never
//! goes through an integer that has since been recycled (the same stale integer, as strace would
//! show it: `shutdown(3) = -1 ENOTSOCK` on `kanban.db`). Liveness: the request ends through the
//! abort as its path says (interrupted; the stale call's timeout; the stale stream's reconnect
//! answered) and no `recv` waits for the read timeout, an interrupted call does not reconnect,
//! every socket is closed exactly once, no fd is left open, the header check still refuses a
//! TLS-shaped header ([`workload::check_liveness`]).
//! - [`stress::run`]: the same models over the real kernel: a 127.0.0.1 listener that never
//!   answers, and a real SQLite-format file in a temporary directory.
//!
//! # What the fix touches, and what fails if the old code comes back there
//!
//! Every path that can shut down or close the worker's socket from a thread that does not own
//! it — both calls × both strangers — and the owner's exits (`models::api_client`). In the two
//! interrupt entries the worker may see the flag and unwind by itself, so its close (and the
//! dispatcher's `open` of `kanban.db`, free everywhere) can land between any two steps of the
//! stranger's path; in the stale entries the stranger fires on a call in flight, and in the
//! streaming one the worker's own reconnect is the new `open`. Each row was tried by putting the
//! old (or the refactored) code back at that one site and seeing the `fixed_holds` cells fail.
//!
//! | site | the fix there | if it regresses |
//! |---|---|---|
//! | `force_close_tcp_sockets`, Fixed arm (prong 1) | `shutdown(SHUT_RDWR)` only | adds `close`: every entry, loom + shuttle-pct, safety ("a stranger closed another thread's fd") |
//! | `PySocket::shutdown`, under it | holds the object's fd across the syscall (the GIL around `sock_fd`) | reads the integer, lets go, then shuts it down: `models`' `api_client::tests::loom_a_strangers_shutdown_never_reaches_what_the_recycled_fd_names` ("a shutdown went through a recycled fd"). In the entries the owner's close, the dispatcher's `open` and the late shutdown only line up three preemptions deep (loom at bound 3 finds it in [`SCENARIO`] after 27,517 schedules), past the gate's bound 2 |
//! | `Agent::close_request_client_once`, Fixed arm (prong 2) | the owner pops and closes; a stranger only aborts and leaves the holder | a stranger pops and closes: every entry, safety; a stranger pops and only aborts: every entry, liveness (the socket is never closed) |
//! | `Agent::abort_request_openai_client` | shutdown only, never `client.close()` | calls `client.close()`: every entry, safety |
//! | `Agent::interrupt` — the interrupt-check loop, both calls' poll loops | `close_request_client_once("interrupt_abort")` | the old direct `_close_request_openai_client`: [`SCENARIO`] and [`STREAMING_INTERRUPT`], safety |
//! | `Agent::kill_stale_call` — the non-streaming stale-call detector | `close_request_client_once("stale_call_kill")` | direct close: [`STALE_CALL`], safety |
//! | `Agent::kill_stale_stream` — the streaming stale-stream detector | `close_request_client_once("stale_stream_kill")` | direct close (the pre-fix code): [`STREAMING_STALE`], safety |
//! | non-streaming: publish, then check the interrupt flag | an interrupt either sees the client or is seen | flag read before publishing: [`SCENARIO`], liveness (the call ends at the read timeout) |
//! | non-streaming `finally` (`request_complete`) | the owner closes, exactly once, on every exit | an early return on the interrupted path: [`SCENARIO`], liveness (the socket is never closed) |
//! | streaming: interrupt check before each attempt, and after publishing | a retry never reconnects after `/stop`; an interrupt is seen before blocking | first dropped: [`STREAMING_INTERRUPT`], liveness ("connected 2 times"); second dropped: [`STREAMING_INTERRUPT`], liveness (a `recv` waited for the read timeout) |
//! | streaming retry cleanup (`stream_retry_cleanup`) | the owner closes the broken client before it reconnects | skipped: [`STREAMING_STALE`], liveness (the first connection is never closed) |
//! | streaming `finally` (`stream_request_complete`) | the owner closes the last client | skipped: [`STREAMING_INTERRUPT`], [`STREAMING_STALE`], liveness |
//! | `KanbanDb::open` (prong 3) | refuses a header that is a TLS record; never an intact one | accepts it: every entry, liveness (the probe) |
//!
//! One refactor is equivalent here: the abort passing its own variant to
//! `force_close_tcp_sockets` instead of `Variant::Fixed` changes nothing in a fixed agent.
#![deny(missing_docs)]

mod os;
pub mod stress;
pub mod workload;

use racetrack::{Budget, Scenario, SchedulerId::*, Variant};

/// The scenario, as the registry and the tests use it.
pub const SCENARIO: Scenario = Scenario::new(
    "stranger-fd-close",
    "API client: a stranger thread closes the worker's socket; the recycled fd takes a TLS record into kanban.db",
)
.source(SOURCE)
.oracles(
    "the database header is never overwritten; no byte is written through an fd into an object \
     the writer did not open; an fd is released only by the thread that opened it, and shut down \
     only while it names the socket the stranger aimed at; an intact database is never refused",
    "the aborted request unblocks through the abort (interrupt: InterruptedError; stale call: its \
     timeout; stale stream: the reconnect's response), not at the read timeout; each socket is \
     closed exactly once; no fd is left open once the owner has unwound; the header check still \
     refuses a file whose header is a TLS record",
)
.threads(&workload::run)
.schedulers(SCHEDULERS)
.stress(stress::run);

/// The pull request the race is documented in.
const SOURCE: &str = "NousResearch/hermes-agent#29544";

/// Every entry's schedulers: loom's whole space under preemption bound 2, and shuttle-pct.
const SCHEDULERS: &[(racetrack::SchedulerId, Budget)] =
    &[(Loom, Budget::schedules(10_000).preemptions(2)), (ShuttlePct, Budget::schedules(2_000).depth(3))];

/// The stale-call detector kills a non-streaming call ([`workload::CallPath::STALE_CALL`]).
pub const STALE_CALL: Scenario = path_entry(
    "stranger-fd-close-stale-call",
    "API client: the stale-call detector, a stranger thread, closes the worker's socket",
    &|v| workload::run_path(v, workload::CallPath::STALE_CALL),
);

/// `/stop` during a streaming call ([`workload::CallPath::STREAMING_INTERRUPT`]).
pub const STREAMING_INTERRUPT: Scenario = path_entry(
    "stranger-fd-close-streaming-interrupt",
    "API client: the interrupt closes the socket of a streaming call from a stranger thread",
    &|v| workload::run_path(v, workload::CallPath::STREAMING_INTERRUPT),
);

/// The stale-stream detector kills a stream; the worker closes it and reconnects
/// ([`workload::CallPath::STREAMING_STALE`]).
pub const STREAMING_STALE: Scenario = path_entry(
    "stranger-fd-close-streaming-stale",
    "API client: the stale-stream detector closes a stream's socket; the worker's reconnect recycles the fd",
    &|v| workload::run_path(v, workload::CallPath::STREAMING_STALE),
);

/// Another path's entry: [`SCENARIO`]'s source, oracles and schedulers, another workload.
const fn path_entry<F: Fn(Variant) + Send + Sync + 'static>(
    id: &'static str,
    title: &'static str,
    body: &'static F,
) -> Scenario {
    Scenario::new(id, title)
        .source(SOURCE)
        .oracles(SCENARIO.safety, SCENARIO.liveness)
        .threads(body)
        .schedulers(SCHEDULERS)
}
