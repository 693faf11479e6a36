//! The race as async tasks over 12 h of virtual time (tokio-paused): the periodic reaper the seed
//! describes ("scans every 5min"), clients acting on their sessions around it, and oracles that
//! look at what the gateway recorded.
//!
//! Every session is created at 0:02:30, so the idle ones pass the 6 h TTL at 6:02:30 and the
//! first scan that may evict them is 6:05:00. At that same instant a client's message reaches
//! `busy`. The reaper yields between its scan and each eviction, standing in for the seed's
//! off-loop teardown: the event loop runs other handlers meanwhile, so the message can land in
//! the window — buggy, the stale scan still evicts `busy` mid-turn; fixed, the re-check under
//! the sessions lock keeps it.
//!
//! Gateway calls never await: each one runs whole between two scheduling points (see
//! [`crate::actor`]).

use crate::actor::{act, clock_text};
use crate::runtime::{join_all, now, until, TaskClock};
use models::session_gateway::{
    Clock, EndReason, EndRecord, Gateway, GatewayConfig, SimProcessTable, Transport, REAPER_SCAN, SESSION_TTL,
};
use racetrack::sync::{task, Arc};
use racetrack::Variant;
use racetrack::{liveness, safety};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;
use tracing::info;

const MIN: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3600);
/// When the clients connect and every session is created: 0:02:30, between two scans.
pub const CONNECT: Duration = Duration::from_secs(150);
/// The first scan after the sessions pass the TTL, when the message for `busy` arrives: 6:05:00.
pub const MESSAGE_AT: Duration = Duration::from_secs(6 * 3600 + 5 * 60);
/// How much virtual time the run covers: two TTLs.
pub const RUN_FOR: Duration = Duration::from_secs(12 * 3600);
/// When the client of `restored` resumes it from storage: 6:30:00, six hours and more after its
/// last activity, less than six hours before the run ends.
pub const RETURN_AT: Duration = Duration::from_secs(6 * 3600 + 30 * 60);
/// How long the turn `busy`'s message starts runs.
pub const TURN: Duration = Duration::from_secs(10 * 60);

/// The body the harness runs.
pub fn run(variant: Variant) -> Pin<Box<dyn Future<Output = ()>>> {
    Box::pin(workload(variant))
}

async fn workload(variant: Variant) {
    let procs = Arc::new(SimProcessTable::new());
    let clock: Arc<dyn Clock> = Arc::new(TaskClock::new());
    let gateway = Gateway::new(variant, GatewayConfig::default(), procs.clone(), clock.clone());
    let reaper = task::spawn(reaper(gateway.clone()));

    until(&gateway, CONNECT).await;
    act("main", now(&gateway), || crate::workload::open_sessions(&gateway));
    join_all(vec![
        reaper,
        task::spawn(recent_client(gateway.clone())),
        task::spawn(returning_client(gateway.clone())),
        task::spawn(busy_client(gateway.clone())),
        task::spawn(lister(gateway.clone())),
        task::spawn(watch_idle(gateway.clone(), procs)),
    ])
    .await;

    liveness!(clock.now() >= RUN_FOR, "the run ended at {}, before {}", clock_text(clock.now()), clock_text(RUN_FOR));
    let ended = gateway.ended();
    for sid in crate::workload::NEVER_IDLE {
        safety!(!ended_by_reaper(&ended, sid), "the reaper evicted '{sid}', which was not idle: {ended:?}");
    }
}

/// The seed's reaper loop: a scan every 5 min until the run ends; between the scan and each
/// eviction other tasks run (the seed tears sessions down off the event loop).
async fn reaper(gateway: Gateway) {
    let period = gateway.config().reaper_scan;
    for scan in 1..=(RUN_FOR.as_secs() / period.as_secs()) as u32 {
        until(&gateway, period * scan).await;
        let candidates = act("reaper", now(&gateway), || gateway.idle_candidates());
        for sid in candidates {
            task::yield_now().await;
            act("reaper", now(&gateway), || gateway.evict_idle(&sid));
        }
    }
}

/// A client that comes back to `recent` every hour: its `last_active` is never an hour old, so
/// each time it must find the very session it left (not a new one under the same sid).
async fn recent_client(gateway: Gateway) {
    let original = gateway.session("recent").expect("opened");
    for hour in 1..12 {
        let at = CONNECT + HOUR * hour;
        until(&gateway, at).await;
        let session = act("recent", at, || gateway.resume_session("recent", Transport::Detached)).expect("resumable");
        safety!(
            Arc::ptr_eq(&session, &original),
            "at {}: 'recent', active within the hour, had been evicted; resume made {}: {:?}",
            clock_text(at),
            session.name(),
            gateway.ended()
        );
    }
}

/// The client of `restored` (closed at 0:02:30) comes back at 6:30:00 and resumes it from
/// storage: the session's stored `last_active` is 0:02:30, its `created_at` 6:30:00, so the
/// reaper must keep it for the rest of the run.
async fn returning_client(gateway: Gateway) {
    until(&gateway, RETURN_AT).await;
    let resumed = act("returning", RETURN_AT, || gateway.resume_session("restored", Transport::Detached));
    resumed.expect("resumable from storage");
}

/// A message for `busy` at the scan instant 6:05:00; its turn runs 10 min. The session must stay
/// mapped while the turn runs. (If the scan evicted `busy` before the message landed, the
/// message gets "session not found": `busy` was idle then, and that eviction is legitimate.)
async fn busy_client(gateway: Gateway) {
    until(&gateway, MESSAGE_AT).await;
    task::yield_now().await; // the handler reads the frame
    let at = now(&gateway);
    let Ok(session) = act("client", at, || gateway.submit_prompt("busy")) else {
        info!(actor = "client", "[{}] message for busy: session not found", clock_text(at));
        return;
    };
    for check in [at + Duration::from_secs(1), at + TURN] {
        until(&gateway, check).await;
        let ended = gateway.ended();
        let kept = gateway.session("busy").is_some_and(|s| Arc::ptr_eq(&s, &session));
        safety!(
            kept && !ended_by_reaper(&ended, "busy"),
            "at {}: 'busy' is gone, evicted while the turn its message started at {} runs: {ended:?}",
            clock_text(check),
            clock_text(at)
        );
    }
    act("client", now(&gateway), || gateway.finish_turn("busy", &session)).expect("the session is mapped");
}

/// Lists the sessions between scans: the list shows exactly the mapped sessions that have not
/// ended, never one whose teardown has begun.
async fn lister(gateway: Gateway) {
    for at in [3 * HOUR + 30 * MIN, 6 * HOUR + 30 * MIN, 9 * HOUR + 30 * MIN] {
        until(&gateway, at).await;
        let rows = act("lister", at, || gateway.active_list());
        let finalized: Vec<_> = rows.iter().filter(|row| row.finalized).collect();
        safety!(finalized.is_empty(), "the session list counted sessions whose teardown had begun: {finalized:?}");
        let ended = gateway.ended();
        let listed: Vec<(&str, u64)> = rows.iter().map(|row| (row.sid.as_str(), row.serial)).collect();
        let mapped = gateway.mapped();
        let live: Vec<(&str, u64)> = mapped
            .iter()
            .map(|s| (s.sid(), s.serial()))
            .filter(|(sid, serial)| !ended.iter().any(|r| r.sid == *sid && r.serial == *serial))
            .collect();
        liveness!(listed == live, "at {}: the list shows {listed:?}, the live sessions are {live:?}", clock_text(at));
    }
}

/// The anti-cheat: by TTL + one scan after its creation (6:07:30, not a scan instant) the idle,
/// detached session has been evicted — no earlier than the TTL — and its worker reaped.
async fn watch_idle(gateway: Gateway, procs: Arc<SimProcessTable>) {
    let (earliest, deadline) = (CONNECT + SESSION_TTL, CONNECT + SESSION_TTL + REAPER_SCAN);
    until(&gateway, deadline).await;
    let ended = gateway.ended();
    let record = ended.iter().find(|r| r.sid == "idle" && r.reason == EndReason::IdleTimeout);
    liveness!(
        record.is_some_and(|r| (earliest..=deadline).contains(&r.at)),
        "the idle, detached session was not evicted between {} and {}: {ended:?}",
        clock_text(earliest),
        clock_text(deadline)
    );
    let idle_worker = 1; // the first worker spawned belongs to "idle"
    liveness!(procs.is_reaped(idle_worker), "the evicted session's worker w{idle_worker} was not reaped");
    liveness!(gateway.session("idle").is_none(), "the evicted session is still mapped");
}

fn ended_by_reaper(ended: &[EndRecord], sid: &str) -> bool {
    ended.iter().any(|r| r.sid == sid && r.reason == EndReason::IdleTimeout)
}
