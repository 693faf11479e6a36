//! The idle reaper: a last-resort backstop that evicts sessions idle for the TTL.
//!
//! The scan, [`Gateway::reap_idle_sessions`], is a plain method so that any driver can run it: the
//! thread loop here ([`Gateway::start_idle_reaper`]), a model checker calling it directly, or an
//! async loop over virtual time. A session is idle only when ALL hold: no turn running, no
//! pending input, the agent finished starting, no live transport, and both `last_active` and
//! `created_at` older than the TTL.
//!
//! - Buggy: the scan picks candidates under the sessions lock, releases it, then evicts them
//!   unconditionally: a message that lands in between is lost with its session.
//! - Fixed: each eviction goes through the funnel with the idle predicate, re-checked under the
//!   sessions lock together with the claim.

use super::session::{EndReason, Session, Transport};
use super::Gateway;
use racetrack_sync::thread::{self, JoinHandle};
use racetrack_sync::Ordering;
use racetrack_sync::Variant;
use std::time::Duration;
use tracing::info;

/// The periodic reaper thread; [`ReaperHandle::stop`] ends it after its current sleep slice.
#[derive(Debug)]
pub struct ReaperHandle {
    gateway: Gateway,
    thread: JoinHandle<()>,
}

impl ReaperHandle {
    /// Stops the loop and waits for it.
    pub fn stop(self) {
        self.gateway.0.reaper_stop.store(true, Ordering::SeqCst);
        let _ = self.thread.join();
    }
}

impl Gateway {
    /// Whether `session` may be evicted at `now` (see the module docs for the full predicate).
    pub fn is_idle(&self, session: &Session, now: Duration) -> bool {
        let ttl = self.0.config.session_ttl;
        let state = session.lock_state();
        !state.running
            && state.pending == 0
            && !state.starting
            && state.transport == Transport::Detached
            && now.saturating_sub(state.last_active) >= ttl
            && now.saturating_sub(session.created_at()) >= ttl
    }

    /// One scan: evicts every idle session; returns the sids it evicted. The same as
    /// [`Gateway::idle_candidates`] followed by [`Gateway::evict_idle`] for each, which an async
    /// driver can call separately to let other tasks run in between (as the seed's teardown,
    /// offloaded to a thread, lets the event loop run).
    pub fn reap_idle_sessions(&self) -> Vec<String> {
        self.idle_candidates().into_iter().filter(|sid| self.evict_idle(sid)).collect()
    }

    /// The scan's first half: the sids of the sessions idle now, read under the sessions lock.
    pub fn idle_candidates(&self) -> Vec<String> {
        let candidates: Vec<String> = {
            let _lock = self.0.sessions_lock.lock();
            let now = self.0.clock.now();
            self.mapped().into_iter().filter(|s| self.is_idle(s, now)).map(|s| s.sid().to_owned()).collect()
        };
        info!("idle scan: {} candidate(s)", candidates.len());
        candidates
    }

    /// The scan's second half, for one candidate: buggy, evicts it unconditionally; fixed,
    /// through the funnel with the idle predicate re-checked under the sessions lock.
    pub fn evict_idle(&self, sid: &str) -> bool {
        match self.0.variant {
            Variant::Buggy => self.close_session_by_id(sid, EndReason::IdleTimeout),
            Variant::Fixed => {
                let is_idle = |s: &Session, now: Duration| self.is_idle(s, now);
                self.close_session_if(sid, EndReason::IdleTimeout, Some(&is_idle))
            }
        }
    }

    /// Starts the reaper loop on a thread: a scan every `reaper_scan` of real time (slept in
    /// slices of at most `slice`, so that [`ReaperHandle::stop`] is prompt).
    pub fn start_idle_reaper(&self, slice: Duration) -> ReaperHandle {
        let gateway = self.clone();
        gateway.0.reaper_stop.store(false, Ordering::SeqCst);
        let thread = thread::Builder::new().name("idle-reaper").spawn({
            let gateway = gateway.clone();
            move || {
                let period = gateway.0.config.reaper_scan;
                'scan: loop {
                    for step in sleep_slices(period, slice) {
                        if gateway.0.reaper_stop.load(Ordering::SeqCst) {
                            break 'scan;
                        }
                        thread::sleep(step);
                    }
                    gateway.reap_idle_sessions();
                }
            }
        });
        ReaperHandle { gateway, thread }
    }
}

/// The slices one scan period is slept in: `slice` at a time and the rest last, so that they add
/// up to exactly `period` (a scan is never a slice late).
pub(super) fn sleep_slices(period: Duration, slice: Duration) -> impl Iterator<Item = Duration> {
    let mut slept = Duration::ZERO;
    std::iter::from_fn(move || {
        let step = slice.min(period.checked_sub(slept)?);
        slept += step;
        (!step.is_zero()).then_some(step)
    })
}
