//! The session gateway of seed `004_85ccd8a2cd44988b.txt` (hermes-agent's TUI gateway, PR
//! "reap leaked slash_worker processes on disconnect, create-race, and parent-death").
//!
//! The gateway maps sids to [`Session`]s under one reentrant lock ([`ReentrantLock`], the seed's
//! `_sessions_lock`). Each session owns a worker subprocess ([`SlashWorker`]), spawned slowly and
//! outside the lock through a [`ProcessTable`]. Time comes from a [`Clock`].
//!
//! | concern | file | buggy (before the fix) | fixed |
//! |---|---|---|---|
//! | spawn sites | `spawn.rs` | the worker is stored with a bare assignment | [`Gateway::attach_worker`] stores it iff the sid still maps to the very same session (`Arc::ptr_eq`), else closes it — at all four: build, init (resume), on-demand `slash.exec`, post-turn restart |
//! | teardown | `teardown.rs` | each path looks the session up, ends it, closes its worker and unmaps it on its own | every path goes through [`Gateway::close_session_by_id`]: claim by unmapping under the lock, then a `finalized`-guarded teardown |
//! | worker close | `worker.rs` | poll-then-SIGTERM, no claim | `closed` claim; SIGHUP → SIGTERM → SIGKILL to the worker's group (never the gateway's), zombie reaped |
//! | idle reaper | `reaper.rs` | scans under the lock, evicts after releasing it | re-checks the whole idle predicate under the lock, in the funnel |
//! | session list | `activity.rs` | counts every mapped session | skips finalized ones |
//!
//! ```
//! use models::session_gateway::{Gateway, GatewayConfig, SessionOptions, SimClock, SimProcessTable, Transport};
//! use racetrack_sync::Arc;
//! use racetrack_sync::Variant;
//!
//! let procs = Arc::new(SimProcessTable::new());
//! let gateway = Gateway::new(Variant::Fixed, GatewayConfig::default(), procs.clone(), Arc::new(SimClock::new()));
//! let options = SessionOptions { transport: Transport::Ws(1), close_on_disconnect: true };
//! let session = gateway.create_session("a", options).unwrap();
//! gateway.build_session("a", &session).unwrap();
//! assert_eq!(procs.running().len(), 1);
//! gateway.close_session_by_id("a", models::session_gateway::EndReason::Close);
//! assert!(procs.running().is_empty());
//! ```

mod activity;
mod clock;
mod os_process;
mod process;
mod reaper;
mod rlock;
mod session;
mod sim_process;
mod spawn;
mod teardown;
mod worker;
pub mod ws;

#[cfg(test)]
mod tests;

pub use clock::{Clock, MonotonicClock, SimClock};
pub use os_process::{leftover_children, OsProcessTable};
pub use process::{audit, spawned, Exit, ProcessEvent, ProcessId, ProcessTable, Signal, SpawnSpec};
pub use reaper::ReaperHandle;
pub use rlock::{ReentrantGuard, ReentrantLock};
pub use session::{EndReason, EndRecord, Session, SessionInfo, SessionOptions, SessionState, Transport};
pub use sim_process::{SimProcessTable, FIRST_PID, GATEWAY_PID};
pub use worker::SlashWorker;

use racetrack_sync::Variant;
use racetrack_sync::{Arc, AtomicU64, Mutex, Ordering};
use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::time::Duration;

/// The seed's session TTL: an idle, detached session is evicted after 6 h.
pub const SESSION_TTL: Duration = Duration::from_secs(6 * 3600);
/// The seed's idle-reaper scan period: 5 min.
pub const REAPER_SCAN: Duration = Duration::from_secs(300);

/// Tunables, with the seed's values by default.
#[derive(Clone, Debug)]
pub struct GatewayConfig {
    /// The worker command (the seed: `python -m tui_gateway.slash_worker`; default `sleep 1000`).
    pub worker: SpawnSpec,
    /// Idle TTL.
    pub session_ttl: Duration,
    /// Idle-reaper period.
    pub reaper_scan: Duration,
    /// How long each kill-escalation step waits for the worker to exit.
    pub kill_grace: Duration,
}

impl Default for GatewayConfig {
    fn default() -> Self {
        GatewayConfig {
            worker: SpawnSpec::new("sleep", &["1000"]),
            session_ttl: SESSION_TTL,
            reaper_scan: REAPER_SCAN,
            kill_grace: Duration::from_secs(1),
        }
    }
}

/// What a gateway call can fail with.
#[derive(Debug)]
pub enum GatewayError {
    /// No live session under this sid.
    NoSuchSession(String),
    /// `create_session` under a sid that is in use.
    SidInUse(String),
    /// The worker could not be spawned.
    Spawn(io::Error),
}

impl fmt::Display for GatewayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GatewayError::NoSuchSession(sid) => write!(f, "session not found: {sid}"),
            GatewayError::SidInUse(sid) => write!(f, "sid already in use: {sid}"),
            GatewayError::Spawn(e) => write!(f, "could not spawn the slash worker: {e}"),
        }
    }
}

impl std::error::Error for GatewayError {}

pub(crate) struct Inner {
    variant: Variant,
    config: GatewayConfig,
    procs: Arc<dyn ProcessTable>,
    clock: Arc<dyn Clock>,
    /// The seed's `_sessions_lock`.
    sessions_lock: ReentrantLock,
    /// The seed's `_sessions` dict; each access is atomic on its own.
    sessions: Mutex<BTreeMap<String, Arc<Session>>>,
    /// The seed's `_session_resume_lock`: unrelated to the map (the buggy grace reap used it).
    resume_lock: Mutex<()>,
    ended: Mutex<Vec<EndRecord>>,
    next_serial: AtomicU64,
    reaper_stop: racetrack_sync::AtomicBool,
}

/// The gateway. Cheap to clone; clones share one gateway.
#[derive(Clone)]
pub struct Gateway(Arc<Inner>);

impl Gateway {
    /// A gateway with no sessions, spawning through `procs` and reading time from `clock`.
    pub fn new(
        variant: Variant,
        config: GatewayConfig,
        procs: Arc<dyn ProcessTable>,
        clock: Arc<dyn Clock>,
    ) -> Gateway {
        Gateway(Arc::new(Inner {
            variant,
            config,
            procs,
            clock,
            sessions_lock: ReentrantLock::new(),
            sessions: Mutex::new(BTreeMap::new()),
            resume_lock: Mutex::new(()),
            ended: Mutex::new(Vec::new()),
            next_serial: AtomicU64::new(1),
            reaper_stop: racetrack_sync::AtomicBool::new(false),
        }))
    }

    /// Which code path it runs.
    pub fn variant(&self) -> Variant {
        self.0.variant
    }

    /// Its configuration.
    pub fn config(&self) -> &GatewayConfig {
        &self.0.config
    }

    /// Its clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.0.clock
    }

    /// The session mapped under `sid` now, if any.
    pub fn session(&self, sid: &str) -> Option<Arc<Session>> {
        self.0.sessions.lock().get(sid).cloned()
    }

    /// Every mapped session, in sid order (for oracles; no lock held across the result).
    pub fn mapped(&self) -> Vec<Arc<Session>> {
        self.0.sessions.lock().values().cloned().collect()
    }

    /// The durable end records written so far, in order.
    pub fn ended(&self) -> Vec<EndRecord> {
        self.0.ended.lock().clone()
    }

    fn spawn_worker(&self, session: &Session) -> Result<Arc<SlashWorker>, GatewayError> {
        let c = &self.0.config;
        SlashWorker::spawn(&self.0.procs, &c.worker, self.0.variant, session.serial(), c.kill_grace)
            .map_err(GatewayError::Spawn)
    }

    fn next_serial(&self) -> u64 {
        self.0.next_serial.fetch_add(1, Ordering::SeqCst)
    }
}

impl fmt::Debug for Gateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sids: Vec<String> = self.0.sessions.lock().keys().cloned().collect();
        f.debug_struct("Gateway").field("variant", &self.0.variant).field("sessions", &sids).finish()
    }
}
