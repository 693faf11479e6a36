//! **idle-ttl-eviction** — seed `004_85ccd8a2cd44988b.txt` (hermes-agent: the idle-session
//! reaper, its follow-up that re-checks under `_sessions_lock`, and `session.active_list`
//! skipping `_finalized` sessions, #38950).
//!
//! The idle reaper is a backstop: every 5 min it evicts sessions that are not running, have no
//! pending input, finished starting, have no live transport, and whose `last_active` and
//! `created_at` are both older than the 6 h TTL. Before the fix it decided under the sessions
//! lock and evicted after releasing it, so a message landing in between was lost with its
//! session; and the session list counted sessions whose teardown had begun. The fix re-checks
//! the whole predicate under the sessions lock together with the claim, and the list skips
//! finalized sessions.
//!
//! - [`workload::run`]: eight sessions at 6 h 5 min of virtual time — one idle, one that a
//!   client's message reaches while the reaper scans, one with pending input, one recently
//!   active, one still starting, one in a long turn, one with a passive live viewer, one resumed
//!   from storage 5 min ago (its stored `last_active` as old as the others') — and a
//!   client listing sessions meanwhile (loom, shuttle-pct: the check-then-remove interleaving,
//!   on a `SimClock` the workload sets).
//! - [`tasks::run`]: the same sessions under the seed's periodic reaper, an async loop scanning
//!   every 5 min over 12 h of virtual time, with clients acting around it (tokio-paused: the
//!   whole run in milliseconds of wall time).
//! - [`actor`]: gives each async task its own trace column; [`runtime`]: the gateway clock on
//!   virtual time, absolute sleeps, a fail-fast join.
#![deny(missing_docs)]

pub mod actor;
pub mod runtime;
pub mod tasks;
pub mod workload;

use racetrack::{Budget, Scenario, SchedulerId::*};
use std::time::Duration;

/// The scenario, as the registry and the tests use it.
pub const SCENARIO: Scenario = Scenario::new(
    "idle-ttl-eviction",
    "session gateway: the idle reaper evicts a session that became active after its check",
)
.source("NousResearch/hermes-agent#35626")
.oracles(
    "a running, pending, recently active, starting or attached session is never evicted; the session list \
     never counts a session whose teardown has begun",
    "an idle detached session is evicted by the first scan after TTL + one scan period, and its \
     worker is reaped",
)
.threads(&workload::run)
.tasks(&tasks::run)
.schedulers(&[
    (Loom, Budget::schedules(20_000).preemptions(2)),
    (ShuttlePct, Budget::schedules(1_000).depth(3)),
    // Each execution covers 12 h of virtual time; 13 h is the stall limit.
    (TokioPaused, Budget::schedules(TOKIO_SEEDS).virtual_time(Duration::from_secs(13 * 3600))),
]);

/// Seeds the tokio-paused cell runs (one 12 h execution each).
pub const TOKIO_SEEDS: u64 = 20;
