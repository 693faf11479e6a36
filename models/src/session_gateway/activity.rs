//! Client activity and the session list: what makes a session busy, and what the footer counts.

use super::session::{Session, SessionInfo};
use super::{Gateway, GatewayError};
use racetrack_sync::Arc;
use racetrack_sync::Variant;
use tracing::info;

impl Gateway {
    /// `prompt.submit`: a message arrives for `sid`; its turn starts at once.
    pub fn submit_prompt(&self, sid: &str) -> Result<Arc<Session>, GatewayError> {
        let _lock = self.0.sessions_lock.lock();
        let session = self.session(sid).ok_or_else(|| GatewayError::NoSuchSession(sid.to_owned()))?;
        let mut state = session.lock_state();
        state.running = true;
        state.last_active = self.0.clock.now();
        drop(state);
        info!("prompt {}: turn starts", session.name());
        Ok(session)
    }

    /// Input that arrives while a turn runs is queued (the seed's busy-input "queue" mode).
    pub fn queue_input(&self, sid: &str) -> Result<(), GatewayError> {
        let _lock = self.0.sessions_lock.lock();
        let session = self.session(sid).ok_or_else(|| GatewayError::NoSuchSession(sid.to_owned()))?;
        let mut state = session.lock_state();
        state.pending += 1;
        state.last_active = self.0.clock.now();
        Ok(())
    }

    /// A turn ends on the turn thread, which holds the session object: `running` flips false and
    /// the worker is restarted.
    pub fn finish_turn(&self, sid: &str, session: &Arc<Session>) -> Result<(), GatewayError> {
        {
            let mut state = session.lock_state();
            state.running = false;
            state.last_active = self.0.clock.now();
        }
        info!("turn {} ends", session.name());
        self.restart_slash_worker(sid, session)
    }

    /// `session.active_list`: the sessions a client could attach to. Fixed: finalized sessions
    /// (teardown begun) are skipped. Buggy: every mapped session is counted.
    pub fn active_list(&self) -> Vec<SessionInfo> {
        let _lock = self.0.sessions_lock.lock();
        let rows: Vec<SessionInfo> = self
            .mapped()
            .into_iter()
            .map(|s| SessionInfo { sid: s.sid().to_owned(), serial: s.serial(), finalized: s.is_finalized() })
            .filter(|info| self.0.variant == Variant::Buggy || !info.finalized)
            .collect();
        let shown: Vec<String> =
            rows.iter().map(|r| format!("{}{}", r.sid, if r.finalized { " (finalized)" } else { "" })).collect();
        info!("list: {} session(s): {}", rows.len(), shown.join(", "));
        rows
    }
}
