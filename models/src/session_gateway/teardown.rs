//! Teardown: the close RPC, websocket disconnect, WS grace reap and shutdown (the idle reaper is
//! in `reaper.rs`), and the one funnel they share in the fixed variant.
//!
//! Fixed: [`Gateway::close_session_by_id`] claims a session by unmapping it under the sessions
//! lock (after re-checking the caller's predicate there, if any); only the claimant tears it
//! down. [`Gateway::finalize_session`] is guarded by `finalized`, the worker's close by `closed`,
//! so a second teardown of the same session or worker is a no-op, never a second kill.
//!
//! Buggy: every path looks the session up and ends it by itself — the close RPC ends it and
//! closes its worker before unmapping it, shutdown ends sessions without unmapping them, the
//! grace reap unmaps under the unrelated resume lock — and nothing claims the worker's close.

use super::session::{EndReason, EndRecord, Session, Transport};
use super::Gateway;
use racetrack_sync::Arc;
use racetrack_sync::Variant;
use std::time::Duration;
use tracing::info;

/// A re-check the funnel makes under the sessions lock before it claims a session.
pub(super) type Predicate<'a> = &'a dyn Fn(&Session, Duration) -> bool;

impl Gateway {
    /// The teardown funnel (`_close_session_by_id`): ends the session mapped under `sid`, if
    /// any; returns whether this call ended it.
    pub fn close_session_by_id(&self, sid: &str, reason: EndReason) -> bool {
        self.close_session_if(sid, reason, None)
    }

    /// The funnel with a predicate: automatic reapers pass theirs so that a stale scan cannot
    /// end a session that became active (fixed: checked under the lock, with the claim).
    pub(super) fn close_session_if(&self, sid: &str, reason: EndReason, predicate: Option<Predicate<'_>>) -> bool {
        match self.0.variant {
            Variant::Fixed => {
                let session = {
                    let _lock = self.0.sessions_lock.lock(); // reentrant: predicate + claim in one section
                    if let Some(holds) = predicate {
                        let now = self.0.clock.now();
                        if !self.session(sid).is_some_and(|current| holds(&current, now)) {
                            info!("close {sid} ({reason:?}): re-check fails, keep");
                            return false;
                        }
                    }
                    self.pop_session_by_id(sid)
                };
                let Some(session) = session else { return false };
                self.finalize_session(&session, reason);
                // Belt and braces, as the seed has it: finalize already closed the worker unless
                // it failed before that step; the `closed` claim makes this a no-op otherwise.
                if let Some(worker) = session.worker() {
                    worker.close();
                }
                true
            }
            Variant::Buggy => {
                let Some(session) = self.session(sid) else { return false };
                info!("close {} ({reason:?})", session.name());
                self.finalize_session(&session, reason);
                if let Some(worker) = session.worker() {
                    worker.close();
                }
                self.0.sessions.lock().remove(sid);
                info!("unmap {sid}");
                true
            }
        }
    }

    /// Claims a session for teardown by unmapping it under the sessions lock.
    fn pop_session_by_id(&self, sid: &str) -> Option<Arc<Session>> {
        let _lock = self.0.sessions_lock.lock();
        let session = self.0.sessions.lock().remove(sid);
        if let Some(session) = &session {
            info!("claim {}: unmapped", session.name());
        }
        session
    }

    /// Ends a session: writes its end record and (fixed) closes its worker. Fixed: guarded by
    /// `finalized`, so it runs once per session whoever calls it. Buggy: the pre-fix guard, a
    /// separate check and set, and the worker is closed by each caller.
    pub fn finalize_session(&self, session: &Session, reason: EndReason) {
        // Events are written under the session's lock, so the trace orders them as the lock did.
        match self.0.variant {
            Variant::Fixed => {
                let mut state = session.lock_state();
                if state.finalized {
                    info!("finalize {}: already finalized", session.name());
                    return;
                }
                state.finalized = true;
                info!("finalize {} ({reason:?}): marked, write end record", session.name());
            }
            Variant::Buggy => {
                // if session.get("_finalized"): return; session["_finalized"] = True
                {
                    let state = session.lock_state();
                    if state.finalized {
                        info!("finalize {}: already finalized", session.name());
                        return;
                    }
                }
                let mut state = session.lock_state();
                state.finalized = true;
                info!("finalize {} ({reason:?}): marked, write end record", session.name());
            }
        }
        let (at, last_active) = (self.0.clock.now(), session.lock_state().last_active);
        let record = EndRecord { sid: session.sid().to_owned(), serial: session.serial(), reason, at, last_active };
        self.0.ended.lock().push(record);
        if self.0.variant == Variant::Fixed {
            // The single chokepoint for the worker; the slot keeps it, so a racing restart that
            // closes the same worker meets the `closed` claim.
            if let Some(worker) = session.worker() {
                worker.close();
            }
        }
    }

    /// The `session.close` RPC.
    pub fn close_session(&self, sid: &str) -> bool {
        self.close_session_by_id(sid, EndReason::Close)
    }

    /// A websocket connection went away (the seed's C1). Fixed: its `close_on_disconnect`
    /// sessions are torn down through the funnel, the rest parked (detached) for a reconnect or
    /// the grace reap. Buggy: the sessions are only re-pointed, nothing is reaped. Returns
    /// (torn down, parked).
    pub fn close_sessions_for_transport(&self, transport: Transport) -> (usize, usize) {
        let (mut reap, mut parked) = (Vec::new(), 0);
        {
            let _lock = self.0.sessions_lock.lock();
            for session in self.mapped() {
                let mut state = session.lock_state();
                if state.transport != transport {
                    continue;
                }
                if self.0.variant == Variant::Fixed && session.close_on_disconnect() {
                    reap.push(session.sid().to_owned());
                } else {
                    state.transport = Transport::Detached;
                    parked += 1;
                }
            }
        }
        info!("disconnect {transport:?}: reap {}, park {parked}", reap.len());
        let reaped = reap.iter().filter(|sid| self.close_session_by_id(sid, EndReason::Disconnect)).count();
        (reaped, parked)
    }

    /// Whether a session is parked with no client and no turn: what the WS grace reap ends.
    pub fn is_orphaned(session: &Session) -> bool {
        let state = session.lock_state();
        state.transport == Transport::Detached && !state.running
    }

    /// The WS grace reap: some time after a disconnect, ends the session under `sid` if it is
    /// still orphaned. Fixed: through the funnel, re-checked under the sessions lock. Buggy:
    /// checked and unmapped under the unrelated resume lock.
    pub fn reap_orphaned_session(&self, sid: &str) -> bool {
        match self.0.variant {
            Variant::Fixed => self.close_session_if(sid, EndReason::OrphanReap, Some(&|s, _| Self::is_orphaned(s))),
            Variant::Buggy => {
                let session = {
                    let _resume = self.0.resume_lock.lock();
                    match self.session(sid) {
                        Some(s) if Self::is_orphaned(&s) => self.0.sessions.lock().remove(sid),
                        _ => None,
                    }
                };
                let Some(session) = session else { return false };
                info!("grace reap {}: unmapped", session.name());
                self.finalize_session(&session, EndReason::OrphanReap);
                if let Some(worker) = session.worker() {
                    worker.close();
                }
                true
            }
        }
    }

    /// Gateway exit (`atexit`). Fixed: every mapped session goes through the funnel. Buggy: a
    /// snapshot of the sessions, each ended and its worker closed, none unmapped.
    pub fn shutdown(&self) {
        let sessions = {
            let _lock = self.0.sessions_lock.lock();
            self.mapped()
        };
        info!("shutdown: {} session(s)", sessions.len());
        for session in &sessions {
            match self.0.variant {
                Variant::Fixed => {
                    self.close_session_by_id(session.sid(), EndReason::Shutdown);
                }
                Variant::Buggy => {
                    self.finalize_session(session, EndReason::Shutdown);
                    if let Some(worker) = session.worker() {
                        worker.close();
                    }
                }
            }
        }
    }
}
