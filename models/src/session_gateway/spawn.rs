//! The spawn sites and the create/close orphan race (the seed's C2).
//!
//! A worker is spawned outside the sessions lock (it is slow). Between the spawn and the store,
//! a teardown may unmap the session and close its current worker — none yet, or the one a
//! restart is replacing. A bare store then puts the new worker into a session nobody will tear
//! down again: an orphan process. [`Gateway::attach_worker`] is the fix, at every spawn site:
//!
//! | site | seed | method |
//! |---|---|---|
//! | 1 | `_build` (the deferred build after `session.create`) | [`Gateway::build_session`] |
//! | 2 | `_init_session` (`session.resume` of a session no longer live) | [`Gateway::init_session`] |
//! | 3 | `slash.exec`, on demand when the session has no worker | [`Gateway::slash_exec`] |
//! | 4 | `_restart_slash_worker`, after each turn | [`Gateway::restart_slash_worker`] |

use super::session::{Session, SessionOptions, Transport};
use super::worker::SlashWorker;
use super::{Gateway, GatewayError};
use racetrack_sync::Arc;
use racetrack_sync::Variant;
use tracing::info;

impl Gateway {
    /// `session.create`: maps a new session under `sid` and returns it. Its worker comes from the
    /// deferred build, [`Gateway::build_session`], which the seed runs on another thread.
    pub fn create_session(&self, sid: &str, options: SessionOptions) -> Result<Arc<Session>, GatewayError> {
        let _lock = self.0.sessions_lock.lock();
        let mut sessions = self.0.sessions.lock();
        if sessions.contains_key(sid) {
            return Err(GatewayError::SidInUse(sid.to_owned()));
        }
        let session = Arc::new(Session::new(sid, self.next_serial(), self.0.clock.now(), options));
        sessions.insert(sid.to_owned(), Arc::clone(&session));
        info!("create {}", session.name());
        Ok(session)
    }

    /// The deferred build (seed `_build`): spawns the session's worker outside the lock, stores
    /// it, and marks the agent started (also when the spawn failed, which leaves the session
    /// without a worker). Spawn site 1.
    pub fn build_session(&self, sid: &str, session: &Arc<Session>) -> Result<(), GatewayError> {
        let spawned = self.spawn_worker(session);
        match &spawned {
            Ok(worker) => {
                info!("build {}: spawned {}", session.name(), worker.name());
                self.store_worker(sid, session, Arc::clone(worker));
            }
            // The agent starts anyway ("slash worker unavailable"); `slash.exec` spawns one later.
            Err(e) => info!("build {}: {e}", session.name()),
        }
        session.lock_state().starting = false;
        spawned.map(drop)
    }

    /// `session.resume`: reattaches the live session under `sid` to `transport`, or, when the sid
    /// maps to nothing, brings the session back from storage with [`Gateway::init_session`].
    pub fn resume_session(&self, sid: &str, transport: Transport) -> Result<Arc<Session>, GatewayError> {
        let existing = {
            let _lock = self.0.sessions_lock.lock();
            let existing = self.session(sid);
            if let Some(session) = &existing {
                let mut state = session.lock_state();
                state.transport = transport;
                state.last_active = self.0.clock.now();
                info!("resume {}: reattached", session.name());
            }
            existing
        };
        match existing {
            Some(session) => Ok(session),
            None => self.init_session(sid, SessionOptions { transport, close_on_disconnect: false }),
        }
    }

    /// The seed's `_init_session`: maps a new session under `sid` (a resume of a session that is
    /// no longer live), spawns its worker outside the lock and stores it. Spawn site 2. A session
    /// the gateway ended before comes back with its stored `last_active`, so that only its
    /// `created_at` says it was just resumed.
    pub fn init_session(&self, sid: &str, options: SessionOptions) -> Result<Arc<Session>, GatewayError> {
        let stored = self.ended().iter().rev().find(|r| r.sid == sid).map(|r| r.last_active);
        let session = self.create_session(sid, options)?;
        if let Some(last_active) = stored {
            session.lock_state().last_active = last_active;
            info!("init {}: restored, last active at {last_active:?}", session.name());
        }
        let worker = self.spawn_worker(&session)?;
        info!("init {}: spawned {}", session.name(), worker.name());
        self.store_worker(sid, &session, worker);
        session.lock_state().starting = false;
        Ok(session)
    }

    /// `slash.exec`: runs a slash command on the session's worker, spawning one on demand when the
    /// session has none (in the seed: its spawn failed at build or at the last restart, which
    /// leaves `slash_worker` None). Spawn site 3. An error if the session is gone, also when it
    /// was closed while the on-demand worker was spawning.
    pub fn slash_exec(&self, sid: &str, command: &str) -> Result<String, GatewayError> {
        let gone = || GatewayError::NoSuchSession(sid.to_owned());
        let session = {
            let _lock = self.0.sessions_lock.lock();
            self.session(sid).ok_or_else(gone)?
        };
        let worker = match session.worker() {
            Some(worker) => worker,
            None => {
                let worker = self.spawn_worker(&session)?;
                info!("exec {}: no worker, spawned {} on demand", session.name(), worker.name());
                if !self.store_worker(sid, &session, Arc::clone(&worker)) {
                    return Err(gone());
                }
                worker
            }
        };
        info!("exec {} on {}: {command}", session.name(), worker.name());
        Ok(format!("{} ran {command}", worker.name()))
    }

    /// The post-turn worker restart (seed `_restart_slash_worker`): closes the session's worker
    /// and spawns a fresh one. Spawn site 4 — it runs as a turn ends, exactly when a reap can
    /// unmap the session on another thread. If the spawn fails the session is
    /// left with no worker (the seed stores None), and the next `slash.exec` spawns one.
    pub fn restart_slash_worker(&self, sid: &str, session: &Arc<Session>) -> Result<(), GatewayError> {
        if let Some(old) = session.worker() {
            info!("restart {}: close {}", session.name(), old.name());
            old.close();
        }
        let worker = self.spawn_worker(session).inspect_err(|_| session.lock_state().worker = None)?;
        info!("restart {}: spawned {}", session.name(), worker.name());
        self.store_worker(sid, session, worker);
        Ok(())
    }

    /// The fix: under the sessions lock, stores `worker` on `session` iff `sid` still maps to
    /// that very session object (identity, not equality: a session resumed under the same sid is
    /// another session and must not adopt it); otherwise closes the worker. Returns whether it
    /// was stored.
    pub fn attach_worker(&self, sid: &str, session: &Arc<Session>, worker: Arc<SlashWorker>) -> bool {
        {
            let _lock = self.0.sessions_lock.lock();
            let still_mapped = self.session(sid).is_some_and(|current| Arc::ptr_eq(&current, session));
            if still_mapped {
                let name = worker.name();
                let mut state = session.lock_state();
                state.worker = Some(worker);
                info!("attach {name}: {sid} still maps {}, stored", session.name());
                return true;
            }
        }
        // Closing blocks on the process; never under the lock.
        info!("attach {}: {sid} no longer maps {}, close", worker.name(), session.name());
        worker.close();
        false
    }

    /// Stores a freshly spawned worker the way the variant does; returns whether it was stored.
    fn store_worker(&self, sid: &str, session: &Arc<Session>, worker: Arc<SlashWorker>) -> bool {
        match self.0.variant {
            Variant::Buggy => self.store_bare(session, worker),
            Variant::Fixed => self.attach_worker(sid, session, worker),
        }
    }

    /// The store before the fix, `session["slash_worker"] = worker`: no check that the session is
    /// still mapped.
    fn store_bare(&self, session: &Session, worker: Arc<SlashWorker>) -> bool {
        let name = worker.name();
        session.lock_state().worker = Some(worker);
        info!("stored {name} into {} (bare)", session.name());
        true
    }
}
