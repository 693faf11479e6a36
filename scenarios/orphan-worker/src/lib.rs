//! **orphan-worker** — seed `004_85ccd8a2cd44988b.txt` (hermes-agent, "reap leaked slash_worker
//! processes/fds on disconnect, create-race, and parent-death", C2 and the restart follow-up).
//!
//! The session gateway spawns a session's slash worker outside the sessions lock. If the session
//! is closed between the spawn and the store, the bare store puts the worker into a session no
//! one will tear down again: an orphan process. The post-turn restart has the same window, as a
//! turn ends and the grace reap may unmap the session. The fix, `attach_worker`, stores the
//! worker iff the sid still maps to the very same session object, else closes it — at every
//! spawn site.
//!
//! - [`workload::run`]: the deferred build of session `a` races its close RPC and a resume that
//!   maps a new session under the same sid; the turn end (and worker restart) of a parked session
//!   `b` races its grace reap. Simulated process table with pid reuse.
//! - [`stress::run`]: the same shape with real `sleep` workers on real threads, counting leaked
//!   processes.
#![deny(missing_docs)]

pub mod stress;
pub mod workload;

use racetrack::{Budget, Scenario, SchedulerId::*};

/// The scenario, as the registry and the tests use it.
pub const SCENARIO: Scenario = Scenario::new(
    "orphan-worker",
    "session gateway: a worker spawned outside the lock is stored into a session closed meanwhile",
)
.source("NousResearch/hermes-agent#35626")
.oracles(
    "after quiescence every spawned worker is attached to a live mapped session or closed and reaped; \
     a session resumed under the same sid never adopts the old session's worker",
    "every live session has its own live worker (attach still stores)",
)
.threads(&workload::run)
.schedulers(&[(Loom, Budget::schedules(20_000).preemptions(2)), (ShuttlePct, Budget::schedules(1_000).depth(3))])
.stress(stress::run);

/// The other spawn sites (init, on-demand exec, and the build once more), each against another
/// teardown entry (shutdown, the idle reaper, a websocket disconnect): [`workload::every_site`].
pub const EVERY_SITE: Scenario = Scenario::new(
    "orphan-worker-every-site",
    "session gateway: a worker spawned at init, on demand or at build is stored into a session torn down meanwhile",
)
.source("NousResearch/hermes-agent#35626")
.oracles(
    "after quiescence every spawned worker is attached to a live mapped session or closed and reaped, \
     whichever teardown entry (disconnect, idle reaper, shutdown) ended the session meanwhile",
    "every live session has its own live worker (attach still stores)",
)
.traces(&["orphan_worker", "models"])
.threads(&workload::every_site)
.schedulers(&[(Loom, Budget::schedules(20_000).preemptions(2)), (ShuttlePct, Budget::schedules(1_000).depth(3))]);
