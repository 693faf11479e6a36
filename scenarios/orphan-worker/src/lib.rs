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
//! - [`workload::run`] ([`SCENARIO`]): the deferred build of session `a` races its close RPC
//!   and a resume that maps a new session under the same sid; the turn end (and worker restart)
//!   of a parked session `b` races its grace reap. Simulated process table with pid reuse.
//! - [`workload::every_site`] ([`EVERY_SITE`]): a client walks through the build, two on-demand
//!   slash commands and an init while the gateway's housekeeping walks through a websocket
//!   disconnect, an idle scan and shutdown.
//! - [`stress::run`]: the headline's shape with real `sleep` workers on real threads, counting
//!   leaked processes.
//!
//! # Every spawn site, and what fails if the old code comes back there
//!
//! A spawn site's old code is the bare store, `session["slash_worker"] = worker`; the cells
//! below fail (safety: an orphan, or a session adopting another session's worker) when it is put
//! back at that one site, and pass with the fix (each was tried).
//!
//! | spawn site (seed) | model | its racy state | fails if reverted |
//! |---|---|---|---|
//! | `_build` | `Gateway::build_session` | the close RPC unmaps `a` between the spawn and the store; connection 5 goes away while `d` builds | `orphan-worker` loom, shuttle-pct (and stress); `orphan-worker-every-site` loom, shuttle-pct |
//! | `_init_session` (resume of a sid no longer live) | `Gateway::init_session` | shutdown ends `z` between its creation and the store | `orphan-worker-every-site` loom, shuttle-pct |
//! | `slash.exec`, on demand | `Gateway::slash_exec` | the idle reaper evicts `i`, or shutdown claims `y`, during the on-demand spawn | `orphan-worker-every-site` loom, shuttle-pct |
//! | `_restart_slash_worker` | `Gateway::restart_slash_worker` | the grace reap unmaps `b` as its turn ends | `orphan-worker` loom, shuttle-pct (and stress) |
//!
//! Inside `attach_worker`: identity (`Arc::ptr_eq`) rather than sid equality fails
//! `orphan-worker` loom and shuttle-pct (the resume maps `a#3` under the old sid); not closing
//! the worker of a session that is gone fails every cell above. Its two exits: stored (the
//! session is live; liveness: every live session holds its own live worker) and closed (the
//! session is gone: `slash_exec` then answers "session not found").
//!
//! The teardown entries these races meet are guarded here too: the close RPC, the grace reap,
//! the disconnect reap, the idle reaper and shutdown each fail one of the cells above when they
//! bypass the funnel (the old body: look up, finalize, unmap by sid — the finalize then runs
//! while the session is still mapped, so a racing attach stores after it), and the close RPC,
//! disconnect and shutdown also when they claim the session outside the sessions lock (a pop
//! under the map's own lock lands between the attach's check and its store: for shutdown only
//! with the session it listed before the spawn, `y`, which only loom's exhaustive search
//! reaches).
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
