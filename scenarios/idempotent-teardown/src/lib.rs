//! **idempotent-teardown** — seed `004_85ccd8a2cd44988b.txt` (hermes-agent, "reap leaked
//! slash_worker processes/fds …": single idempotent teardown funnel, `_finalized` / `_closed`).
//!
//! Before the fix every teardown path ended a session by itself: the close RPC and gateway
//! shutdown could both end the same session and close the same worker, and its close had no
//! claim (poll, then SIGTERM), so a worker was killed twice, or signalled after another path
//! had reaped it — when the pid has been reused, that signal kills a stranger. The fix funnels
//! every path through one `close_session_by_id` that claims the session by unmapping it under
//! the sessions lock, guards `finalize` with `finalized` and the worker's close with `closed`,
//! escalates SIGHUP → SIGTERM → SIGKILL and reaps the zombie, and never sends a group kill to the
//! gateway's own process group.
//!
//! - [`workload::run`] ([`SCENARIO`]): one `close_on_disconnect` session whose worker shares
//!   the gateway's process group and ignores SIGHUP; at once: its close RPC, its websocket
//!   disconnect, and gateway shutdown.
//! - [`workload::every_entry`] ([`EVERY_ENTRY`]): workers that trap SIGHUP and SIGTERM; two
//!   threads close one worker directly, then race the post-turn restart against the close RPC
//!   (both close the same worker), a resume against the grace reap, and the idle reaper against
//!   the grace reap.
//! - [`stress::run`]: the headline with real `sleep` workers, real threads and real signals.
//!
//! # Every teardown entry and exit path, and what fails if the old code comes back there
//!
//! Every entry reaches `close_session_by_id` / `close_session_if` (claim by unmapping under the
//! sessions lock, then a `finalized`-guarded finalize that closes the worker). Each row was
//! tried: the old code at that one place, the cells named fail, the fix restored.
//!
//! | entry or exit path | old code tried there | fails |
//! |---|---|---|
//! | `session.close` RPC | look up, finalize, unmap by sid; or a pop outside the sessions lock | `idempotent-teardown-every-entry` loom, shuttle-pct; `orphan-worker` loom, shuttle-pct |
//! | websocket disconnect (`close_sessions_for_transport`) | the same two | `orphan-worker-every-site` loom, shuttle-pct |
//! | idle reaper (`evict_idle`) | the predicate outside the lock; or the old body after a locked check | `idle-ttl-eviction` loom, shuttle-pct, tokio-paused seeds; `orphan-worker-every-site` |
//! | shutdown | finalize without unmapping (the pre-fix shutdown); finalize, unmap by sid; a pop outside the sessions lock | `orphan-worker-every-site` loom (shuttle-pct too for the first) |
//! | WS grace reap (`reap_orphaned_session`) | the orphan check outside the lock; no check (ignores a resume); the old body | `idempotent-teardown-every-entry` loom, shuttle-pct; `disconnect-reap` turmoil; `orphan-worker` |
//! | the claim before the finalize | finalize while still mapped | `orphan-worker` loom, shuttle-pct; `orphan-worker-every-site` loom; `idle-ttl-eviction` loom, shuttle-pct; `idempotent-teardown-every-entry` loom, shuttle-pct |
//! | worker `close()`: the `closed` claim | no claim; check then set (not atomic) | no claim: every cell here, `disconnect-reap`; check-then-set: `idempotent-teardown-every-entry` loom, shuttle-pct only (two direct closers, and the restart's close against the close RPC's) |
//! | worker `close()`: escalation and reap | stop at SIGTERM; no wait/reap after a signal | `idempotent-teardown-every-entry` (its workers trap SIGTERM); no reap: every cell |
//! | worker `close()`: never the gateway's group | group kill to the own group | this scenario's headline and `idempotent-teardown-every-entry`, loom and shuttle-pct (and stress) |
//! | the restart's close of the old worker | not closed | `orphan-worker`, `idempotent-teardown-every-entry`, `disconnect-reap` |
//!
//! The guards that no execution needs, pinned by unit tests instead (`models`,
//! `session_gateway::tests`): `finalized` (`finalize_is_idempotent`) — in the fixed code only the
//! thread that unmapped a session finalizes it, and a session is mapped once, so two finalizers
//! of one session cannot exist however the entries race (the direct double close and the
//! restart/close race reach the *worker's* guard, `closed`, instead); and finalize's own worker
//! close, which the funnel repeats after it ("belt and braces": removing either one alone is
//! invisible to every scenario). Likewise `pop_session_by_id`'s own lock: its one caller already
//! holds the (reentrant) sessions lock, so removing it changes nothing.
#![deny(missing_docs)]

pub mod stress;
pub mod workload;

use racetrack::{Budget, Scenario, SchedulerId::*};

/// The scenario, as the registry and the tests use it.
pub const SCENARIO: Scenario = Scenario::new(
    "idempotent-teardown",
    "session gateway: concurrent teardown paths kill a worker twice or signal it after its reap",
)
.source("NousResearch/hermes-agent#35626")
.oracles(
    "each worker is killed once and reaped once; no signal after its reap; no signal ever to the \
     gateway's own process group; each session is ended once",
    "every worker is killed and reaped, and the session is ended and unmapped",
)
.threads(&workload::run)
.schedulers(&[(Loom, Budget::schedules(20_000).preemptions(2)), (ShuttlePct, Budget::schedules(1_000).depth(3))])
.stress(stress::run);

/// The worker's own `close()` raced directly, the post-turn restart's close against a
/// teardown's, and the other teardown entries (grace reap, idle reaper) against each other and
/// against a resume: [`workload::every_entry`].
pub const EVERY_ENTRY: Scenario = Scenario::new(
    "idempotent-teardown-every-entry",
    "session gateway: a worker closed by two threads, and the reapers racing each other and a resume",
)
.source("NousResearch/hermes-agent#35626")
.oracles(
    "each worker is killed once and reaped once, never signalled after its reap nor through the gateway's own \
     group, whoever closes it (two direct callers, the restart and a teardown); no worker outlives its session; \
     each session is ended once; a session its client resumed in the grace window is not grace-reaped",
    "every closed worker is killed and reaped; the close RPC ends its session; the idle, parked session is \
     evicted",
)
.traces(&["idempotent_teardown", "models"])
.threads(&workload::every_entry)
.schedulers(&[(Loom, Budget::schedules(20_000).preemptions(2)), (ShuttlePct, Budget::schedules(1_000).depth(3))]);
