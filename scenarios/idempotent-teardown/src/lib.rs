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
//! - [`workload::run`]: one `close_on_disconnect` session whose worker shares the gateway's
//!   process group and ignores SIGHUP; at once: its close RPC, its websocket disconnect, and
//!   gateway shutdown.
//! - [`stress::run`]: the same with real `sleep` workers, real threads and real signals.
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
