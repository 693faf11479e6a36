//! The spawn sites and the create/close orphan race (the seed's C2).
//!
//! A worker is spawned outside the sessions lock (it is slow). Between the spawn and the store,
//! a teardown may unmap the session and close its current worker — none yet, or the one a
//! restart is replacing. A bare store then puts the new worker into a session nobody will tear
//! down again: an orphan process. [`Gateway::attach_worker`] is the fix, at every spawn site.

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
    /// it, and marks the agent started. Spawn site 1.
    pub fn build_session(&self, sid: &str, session: &Arc<Session>) -> Result<(), GatewayError> {
        let worker = self.spawn_worker(session)?;
        info!("build {}: spawned {}", session.name(), worker.name());
        self.store_worker(sid, session, worker);
        session.lock_state().starting = false;
        Ok(())
    }

    /// `session.resume`: reattaches the live session under `sid` to `transport`, or, when the sid
    /// maps to nothing, creates and builds a new session under it.
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
        if let Some(session) = existing {
            return Ok(session);
        }
        let session = self.create_session(sid, SessionOptions { transport, close_on_disconnect: false })?;
        info!("resume {}: new session under the old sid", session.name());
        self.build_session(sid, &session)?;
        Ok(session)
    }

    /// The post-turn worker restart (seed `_restart_slash_worker`): closes the session's worker
    /// and spawns a fresh one. Spawn site 2 — it runs as a turn ends, exactly when a reap can
    /// unmap the session on another thread.
    pub fn restart_slash_worker(&self, sid: &str, session: &Arc<Session>) -> Result<(), GatewayError> {
        if let Some(old) = session.worker() {
            info!("restart {}: close {}", session.name(), old.name());
            old.close();
        }
        let worker = self.spawn_worker(session)?;
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

    /// Stores a freshly spawned worker the way the variant does.
    fn store_worker(&self, sid: &str, session: &Arc<Session>, worker: Arc<SlashWorker>) {
        match self.0.variant {
            Variant::Buggy => {
                // session["slash_worker"] = worker
                let name = worker.name();
                let mut state = session.lock_state();
                state.worker = Some(worker);
                info!("stored {name} into {} (bare)", session.name());
            }
            Variant::Fixed => {
                self.attach_worker(sid, session, worker);
            }
        }
    }
}
