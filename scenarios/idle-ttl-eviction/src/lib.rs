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
//!
//! # Every input of the idle predicate, and what fails if it is dropped
//!
//! `Gateway::is_idle` is checked twice: by the scan, and again under the sessions lock inside
//! the funnel (`close_session_if`), together with the claim. Each row was tried (that one input
//! removed, or the re-check moved out of the lock; the cells fail with the safety oracle; the fix
//! restored).
//!
//! | predicate input / path | the session that needs it | fails without it |
//! |---|---|---|
//! | not running | `turn` (a turn since 0) | loom, shuttle-pct, tokio-paused |
//! | no pending input | `pending` | loom, shuttle-pct, tokio-paused |
//! | agent finished starting | `starting` (never built) | loom, shuttle-pct, tokio-paused |
//! | transport dead/detached | `viewer` (a live connection) | loom, shuttle-pct, tokio-paused |
//! | `last_active` older than the TTL | `recent` (resumed at 6 h; hourly in the async run) | loom, shuttle-pct, tokio-paused |
//! | `created_at` older than the TTL | `restored` (resumed from storage: its stored `last_active` is old, its `created_at` new) | loom, shuttle-pct, tokio-paused |
//! | the re-check under the sessions lock | `busy` (a message lands between the scan and the eviction) | loom, shuttle-pct, and `tokio_paused_fixed_seeds_cover_the_window` (the old body after a locked check also fails `orphan-worker-every-site`) |
//!
//! The session list's skip of finalized sessions is pinned by a unit test
//! (`session_gateway::tests::active_list_skips_finalized_sessions`), not by a cell: in the fixed
//! code a session is unmapped (under the sessions lock, which the list holds) before its
//! finalize begins, so no fixed execution ever lists a mapped finalized session — the skip only
//! matters once some teardown finalizes before it unmaps (the buggy one, which the lister here
//! catches).
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
