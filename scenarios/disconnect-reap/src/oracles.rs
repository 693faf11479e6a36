//! The oracles, checked by the body between simulation steps (B's answers are checked by B).
//!
//! Safety, failing at once: 45 s after A vanished, A's session is unmapped and its worker
//! killed and reaped; no worker close ever stalls the event loop (runs on it, or waits holding
//! the sessions lock that the loop's handlers take); `c3`, which C resumed inside
//! its grace window, is still C's session once the grace reap has run. Liveness/anti-cheat, each
//! checked at its deadline and all reported together at the end (so a run that breaks both
//! reports the seed's headline, the vanished client, first): C's clean close reaps `c1` within
//! 2 s and parks `c2` and `c3`; the grace reap ends `c2`; C's close RPC ends `c3` within 2 s;
//! B's session is never reaped while B is connected; at the end every worker but B's live one
//! was killed and reaped exactly once.

use crate::network::Marks;
use crate::world::{LoopProbe, STALL_LIMIT};
use models::session_gateway::ws::WsConfig;
use models::session_gateway::{audit, spawned, Gateway, SimProcessTable, Transport, GATEWAY_PID};
use racetrack::{liveness, safety};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;
use tracing::info;

/// The seed's bound: a vanished client's worker is reaped within 45 s of virtual time.
pub const REAP_WITHIN: Duration = Duration::from_secs(45);
/// A clean close reaps a `close_on_disconnect` session within this.
pub const CLEAN_CLOSE_WITHIN: Duration = Duration::from_secs(2);

/// The oracles' state across steps.
#[derive(Debug)]
pub struct Watch {
    gateway: Gateway,
    procs: Arc<SimProcessTable>,
    probe: Arc<LoopProbe>,
    config: WsConfig,
    /// Each session's latest worker (spawn number) seen while it was mapped.
    workers: BTreeMap<String, u64>,
    done: BTreeSet<&'static str>,
    /// Liveness violations seen so far, reported by [`Watch::finish`].
    missed: Vec<String>,
}

impl Watch {
    /// Watches `gateway`, whose workers live in `procs` behind `probe`.
    pub fn new(gateway: Gateway, procs: Arc<SimProcessTable>, probe: Arc<LoopProbe>, config: WsConfig) -> Self {
        Watch { gateway, procs, probe, config, workers: BTreeMap::new(), done: BTreeSet::new(), missed: Vec::new() }
    }

    /// Notes a liveness violation unless `ok`.
    fn expect(&mut self, ok: bool, what: impl FnOnce() -> String) {
        if !ok {
            let what = what();
            info!(actor = "oracle", "{what}");
            self.missed.push(what);
        }
    }

    /// Whether `check` is due at `now` (at `at` or later) for the first time.
    fn due(&mut self, check: &'static str, now: Duration, at: Duration) -> bool {
        now >= at && self.done.insert(check)
    }

    /// The checks at virtual time `now`.
    pub fn check(&mut self, now: Duration, marks: &Marks) {
        for session in self.gateway.mapped() {
            if let Some(worker) = session.worker() {
                self.workers.insert(session.sid().to_owned(), worker.process().serial);
            }
        }
        safety!(
            self.probe.stalls() == 0,
            "a worker close stalled the gateway's event loop (it served no request for {STALL_LIMIT:?}: the close \
             ran on the loop, or waited holding the sessions lock): no other connection is served while that \
             teardown blocks"
        );
        if marks.b_connected && !self.done.contains("b") {
            let alive = self.gateway.session("b").is_some_and(|s| !s.is_finalized());
            if !alive {
                self.done.insert("b");
            }
            self.expect(alive, || format!("B's session was reaped at {now:?} while B was connected"));
        }
        if let Some(t) = marks.vanished_at {
            if self.due("a", now, t + REAP_WITHIN) {
                self.a_is_reaped(t);
            }
        }
        if let Some(t) = marks.c_closed_at {
            if self.due("c1", now, t + CLEAN_CLOSE_WITHIN) {
                self.c_clean_close(t);
            }
            let grace = self.config.orphan_grace;
            if self.due("c2", now, t + grace + CLEAN_CLOSE_WITHIN) {
                let gone = self.is_gone("c2");
                self.expect(gone, || {
                    format!("parked c2 was not grace-reaped {grace:?} + {CLEAN_CLOSE_WITHIN:?} after C's close")
                });
                if let Some((at, resumed)) = &marks.c3_resumed {
                    self.c3_is_kept(t, *at, resumed);
                }
            }
        }
        if let Some(t) = marks.c3_closed_at {
            if self.due("c3", now, t + CLEAN_CLOSE_WITHIN) {
                let gone = self.is_gone("c3");
                self.expect(gone, || {
                    format!("C's session.close c3 at {t:?}: {CLEAN_CLOSE_WITHIN:?} later c3 is not reaped")
                });
            }
        }
    }

    /// C resumed `c3` (as `resumed`, at `at`) inside the grace window its clean close at `closed`
    /// opened: once the grace reap has run, `c3` is still that session, attached to C again.
    fn c3_is_kept(&self, closed: Duration, at: Duration, resumed: &str) {
        let c3 = self.gateway.session("c3");
        let kept = c3.as_ref().is_some_and(|s| {
            s.name() == resumed && !s.is_finalized() && matches!(s.state().transport, Transport::Ws(_))
        });
        info!(actor = "oracle", "grace reap over: resumed {resumed} {}", if kept { "kept" } else { "gone" });
        safety!(
            kept,
            "C resumed c3 as {resumed} at {at:?}, inside the grace window its close at {closed:?} opened; once the \
             grace reap ran, c3 is {}",
            c3.map_or("unmapped (the grace reap ended it)".to_owned(), |s| format!(
                "{} {:?}",
                s.name(),
                s.state().transport
            ))
        );
    }

    /// The session is unmapped and the last worker it had reaped.
    fn is_gone(&self, sid: &str) -> bool {
        self.gateway.session(sid).is_none() && self.workers.get(sid).is_some_and(|&w| self.procs.is_reaped(w))
    }

    fn a_is_reaped(&self, vanished: Duration) {
        let worker = self.workers.get("a").map_or("(none seen)".to_owned(), |w| format!("#{w}"));
        let why = match self.gateway.session("a").map(|s| s.state().transport) {
            Some(Transport::Ws(id)) => {
                format!("ws#{id} still holds A's half-open socket (nothing noticed the silent peer)")
            }
            Some(Transport::Detached) => "A's disconnect only re-pointed session a to stdio".to_owned(),
            None => format!("session a is unmapped but its worker {worker} is not reaped"),
        };
        info!(
            actor = "oracle",
            "{REAP_WITHIN:?} after A vanished: {}",
            if self.is_gone("a") { "a reaped" } else { &why }
        );
        safety!(
            self.is_gone("a"),
            "client A vanished without FIN at {vanished:?}; {REAP_WITHIN:?} later its worker {worker} is not reaped: {why}"
        );
    }

    fn c_clean_close(&mut self, closed: Duration) {
        let c1 = self.gateway.session("c1").map(|s| s.state().transport);
        let gone = self.is_gone("c1");
        self.expect(gone, || {
            format!("C closed cleanly at {closed:?}; {CLEAN_CLOSE_WITHIN:?} later close_on_disconnect c1 is not reaped (transport {c1:?})")
        });
        for sid in ["c2", "c3"] {
            let parked = self
                .gateway
                .session(sid)
                .is_some_and(|s| s.state().transport == Transport::Detached && !s.is_finalized());
            self.expect(parked, || format!("C's session {sid} is not parked (detached, resumable) after C's close"));
        }
    }

    /// The end: every check ran; only B's session is left, its worker running, and every other
    /// worker was killed and reaped exactly once. Reports every liveness violation seen.
    pub fn finish(&mut self, marks: &Marks) {
        assert!(marks.vanished_at.is_some() && marks.c_closed_at.is_some(), "a client did not get through its script");
        assert!(marks.c3_resumed.is_some() && marks.c3_closed_at.is_some(), "C did not get through its script");
        assert_eq!(
            self.done.iter().filter(|c| **c != "b").count(),
            4,
            "a deadline fell after the end: {:?}",
            self.done
        );
        let mapped: Vec<String> = self.gateway.mapped().iter().map(|s| s.sid().to_owned()).collect();
        let live: BTreeSet<u64> =
            self.gateway.mapped().iter().filter_map(|s| s.worker()).map(|w| w.process().serial).collect();
        let running = live.iter().all(|w| self.procs.running().contains(w));
        self.expect(mapped == ["b"] && running, || {
            format!("at the end the gateway maps {mapped:?} (B's worker running: {running}), expected only B's live session")
        });
        let events = self.procs.events();
        let closed: Vec<u64> = spawned(&events).into_iter().filter(|w| !live.contains(w)).collect();
        let problems = audit(&events, GATEWAY_PID, &closed);
        self.expect(problems.is_empty(), || format!("worker teardown problems: {problems:?}"));
        liveness!(self.missed.is_empty(), "{}", self.missed.join("; "));
    }
}
