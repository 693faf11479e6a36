//! A session: what the gateway keeps per client conversation.

use super::worker::SlashWorker;
use racetrack_sync::{Arc, Mutex, MutexGuard};
use std::fmt;
use std::time::Duration;

/// Where a session's output goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Transport {
    /// A live websocket connection, by connection id.
    Ws(u64),
    /// Parked after its connection went away (the seed's detached sentinel): still resumable.
    Detached,
}

/// How a session is created.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionOptions {
    /// Its first transport.
    pub transport: Transport,
    /// Tear it down as soon as its connection goes away (dashboard embeds, sidecars) instead of
    /// parking it for a reconnect.
    pub close_on_disconnect: bool,
}

/// The mutable part of a session, read and written under the session's own small lock.
#[derive(Clone, Debug)]
pub struct SessionState {
    /// Current transport.
    pub transport: Transport,
    /// Its worker, once spawned and stored.
    pub worker: Option<Arc<SlashWorker>>,
    /// A turn is in progress.
    pub running: bool,
    /// Inputs queued while busy.
    pub pending: usize,
    /// The agent (and worker) has not finished starting.
    pub starting: bool,
    /// Last client activity, on the gateway's clock.
    pub last_active: Duration,
    /// Its teardown has begun: it is no longer attachable.
    pub finalized: bool,
}

/// One session. Its identity is the object itself (`Arc::ptr_eq`), never its sid: a session
/// resumed under the same sid is a different session.
pub struct Session {
    sid: String,
    serial: u64,
    created_at: Duration,
    close_on_disconnect: bool,
    state: Mutex<SessionState>,
}

impl Session {
    pub(super) fn new(sid: &str, serial: u64, now: Duration, options: SessionOptions) -> Self {
        let state = SessionState {
            transport: options.transport,
            worker: None,
            running: false,
            pending: 0,
            starting: true,
            last_active: now,
            finalized: false,
        };
        Session {
            sid: sid.to_owned(),
            serial,
            created_at: now,
            close_on_disconnect: options.close_on_disconnect,
            state: Mutex::new(state),
        }
    }

    /// The sid it was created under.
    pub fn sid(&self) -> &str {
        &self.sid
    }

    /// The gateway-wide creation number: tells two sessions under one sid apart.
    pub fn serial(&self) -> u64 {
        self.serial
    }

    /// Its name in traces: sid and serial, `a#1`.
    pub fn name(&self) -> String {
        format!("{}#{}", self.sid, self.serial)
    }

    /// When it was created, on the gateway's clock.
    pub fn created_at(&self) -> Duration {
        self.created_at
    }

    /// Whether a disconnect tears it down at once.
    pub fn close_on_disconnect(&self) -> bool {
        self.close_on_disconnect
    }

    /// Whether its teardown has begun (it is no longer attachable).
    pub fn is_finalized(&self) -> bool {
        self.state.lock().finalized
    }

    /// A copy of its mutable state.
    pub fn state(&self) -> SessionState {
        self.state.lock().clone()
    }

    /// Its worker, if one is stored.
    pub fn worker(&self) -> Option<Arc<SlashWorker>> {
        self.state.lock().worker.clone()
    }

    pub(super) fn lock_state(&self) -> MutexGuard<'_, SessionState> {
        self.state.lock()
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session").field("sid", &self.sid).field("serial", &self.serial).finish_non_exhaustive()
    }
}

/// One row of the session list (the footer's "N sessions").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionInfo {
    /// The sid.
    pub sid: String,
    /// Which session object.
    pub serial: u64,
    /// Whether its teardown had begun when the list was taken.
    pub finalized: bool,
}

/// Why a session ended (the reason written with its end record).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EndReason {
    /// The client's `session.close` RPC.
    Close,
    /// Its websocket went away and it was `close_on_disconnect`.
    Disconnect,
    /// The WS grace reap of a parked session nobody reattached.
    OrphanReap,
    /// The idle reaper (TTL).
    IdleTimeout,
    /// Gateway shutdown.
    Shutdown,
}

/// The durable record a session's teardown writes (the seed's `db.end_session`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndRecord {
    /// The sid.
    pub sid: String,
    /// Which session object.
    pub serial: u64,
    /// Why it ended.
    pub reason: EndReason,
    /// When, on the gateway's clock.
    pub at: Duration,
    /// Its last client activity: what a later resume of the sid restores as the new session's
    /// `last_active` (the transcript's last message), while its `created_at` is the resume.
    pub last_active: Duration,
}
