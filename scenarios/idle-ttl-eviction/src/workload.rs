//! One execution of the race, on `racetrack::sync` threads, a simulated process table and a
//! virtual clock.

use models::session_gateway::{
    EndReason, Gateway, GatewayConfig, SessionInfo, SessionOptions, SimClock, SimProcessTable, Transport, REAPER_SCAN,
    SESSION_TTL,
};
use racetrack::sync::{thread, Arc};
use racetrack::Variant;
use racetrack::{liveness, safety};

const DETACHED: SessionOptions = SessionOptions { transport: Transport::Detached, close_on_disconnect: false };

/// Sessions created at virtual time 0: `idle`, `busy`, `pending` (queued input), `recent`
/// (touched at 6 h), `starting` (agent not built), `turn` (a turn running since 0), `viewer`
/// (a live connection, passive since 0) and `restored` (closed at 0, resumed from storage at 6 h:
/// last active at 0, created at 6 h); the clock then reads 6 h 5 min, the first scan after the
/// TTL. At once: one reaper scan, a client's message to `busy`, and a client listing sessions.
pub fn run(variant: Variant) {
    let procs = Arc::new(SimProcessTable::new());
    let clock = Arc::new(SimClock::new());
    let gateway = Gateway::new(variant, GatewayConfig::default(), procs.clone(), clock.clone());
    open_sessions(&gateway);
    clock.advance(SESSION_TTL);
    gateway.resume_session("recent", Transport::Detached).expect("mapped");
    gateway.resume_session("restored", Transport::Detached).expect("brought back from storage");
    clock.advance(REAPER_SCAN);

    let reaper = thread::spawn_sharing("reaper", &gateway, |g| drop(g.reap_idle_sessions()));
    let client = thread::spawn_sharing("client", &gateway, |g| g.submit_prompt("busy").is_ok());
    let lister = thread::spawn_sharing("lister", &gateway, Gateway::active_list);
    reaper.join().expect("the reaper panicked");
    let accepted = client.join().expect("the client panicked");
    let listed: Vec<SessionInfo> = lister.join().expect("the lister panicked");

    let ended = gateway.ended();
    let ended_by_reaper = |sid: &str| ended.iter().any(|r| r.sid == sid && r.reason == EndReason::IdleTimeout);
    safety!(
        !(accepted && ended_by_reaper("busy")),
        "the reaper evicted 'busy' after it accepted a message (a turn was running): {ended:?}"
    );
    for sid in NEVER_IDLE {
        safety!(!ended_by_reaper(sid), "the reaper evicted '{sid}', which was not idle: {ended:?}");
    }
    let dead: Vec<&SessionInfo> = listed.iter().filter(|row| row.finalized).collect();
    safety!(dead.is_empty(), "the session list counted sessions whose teardown had begun: {dead:?}");

    liveness!(ended_by_reaper("idle"), "the idle, detached session outlived TTL + one scan: {ended:?}");
    let idle_worker = 1; // the first worker spawned belongs to "idle"
    liveness!(procs.is_reaped(idle_worker), "the evicted session's worker w{idle_worker} was not reaped");
    liveness!(gateway.session("idle").is_none(), "the evicted session is still mapped");
}

/// The sessions the reaper must never evict at the scan after the TTL, each kept by one input of
/// the idle predicate: queued input, `last_active`, the agent still starting, a running turn, a
/// live transport, `created_at` (`restored`, resumed from storage just before: its stored
/// `last_active` is as old as everyone's, only its `created_at` is recent).
pub const NEVER_IDLE: [&str; 6] = ["pending", "recent", "starting", "turn", "viewer", "restored"];

/// Creates the sessions, all at the clock's current time: each detached except `viewer` (a live
/// connection); each built (worker spawned) except `starting`; one input queued on `pending`; a
/// turn started on `turn`, whose `last_active` then freezes while it runs; `restored` is closed
/// at once (its client will resume it from storage later).
pub fn open_sessions(gateway: &Gateway) {
    for sid in ["idle", "busy", "pending", "recent", "starting", "turn", "viewer", "restored"] {
        let options = match sid {
            "viewer" => SessionOptions { transport: Transport::Ws(7), close_on_disconnect: false },
            _ => DETACHED,
        };
        let session = gateway.create_session(sid, options).expect("fresh sid");
        if sid != "starting" {
            gateway.build_session(sid, &session).expect("spawn the worker");
        }
    }
    gateway.queue_input("pending").expect("mapped");
    gateway.submit_prompt("turn").expect("mapped");
    gateway.close_session("restored");
}
