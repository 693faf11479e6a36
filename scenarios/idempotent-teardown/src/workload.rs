//! One execution of the race, on `racetrack::sync` threads over a simulated process table.

use models::session_gateway::{
    audit, spawned, EndReason, EndRecord, Gateway, GatewayConfig, ProcessEvent, ProcessTable, Session, SessionOptions,
    Signal, SimClock, SimProcessTable, SlashWorker, Transport, GATEWAY_PID, REAPER_SCAN, SESSION_TTL,
};
use racetrack::sync::{thread, Arc};
use racetrack::Variant;

/// The worker the gateway spawns here: started without a session of its own, so its process
/// group is the gateway's (the seed's warning about `start_new_session`), and trapping SIGHUP.
pub fn config() -> GatewayConfig {
    let mut config = GatewayConfig::default();
    config.worker.new_group = false;
    config
}

/// Session `a` (close-on-disconnect, on connection 1, with its worker); then at once: its close
/// RPC, connection 1 going away, and gateway shutdown.
pub fn run(variant: Variant) {
    let procs = Arc::new(SimProcessTable::ignoring(&[Signal::Hup]));
    let gateway = Gateway::new(variant, config(), procs.clone(), Arc::new(SimClock::new()));
    setup(&gateway);

    let threads = [
        thread::spawn_sharing("close", &gateway, |g| {
            g.close_session("a");
        }),
        thread::spawn_sharing("disconnect", &gateway, |g| {
            g.close_sessions_for_transport(Transport::Ws(1));
        }),
        thread::spawn_sharing("shutdown", &gateway, Gateway::shutdown),
    ];
    threads.into_iter().for_each(|t| t.join().expect("a gateway thread panicked"));

    if let Err(violation) = check(&gateway, &procs.events(), GATEWAY_PID) {
        violation.raise();
    }
}

/// The starting state: `a` on connection 1, close-on-disconnect, with its worker.
pub fn setup(gateway: &Gateway) -> Arc<Session> {
    let a = gateway
        .create_session("a", SessionOptions { transport: Transport::Ws(1), close_on_disconnect: true })
        .expect("fresh sid");
    gateway.build_session("a", &a).expect("spawn a's worker");
    a
}

pub use racetrack::oracle::Violation;

/// The oracles at quiescence, over the process table's audit log: every worker ever spawned was
/// killed once and reaped once, never signalled after its reap, and no group signal went to
/// `own_pgid`; the session was ended exactly once and is unmapped.
pub fn check(gateway: &Gateway, events: &[ProcessEvent], own_pgid: u32) -> Result<(), Violation> {
    let problems = teardown_problems(events, own_pgid, &spawned(events))?;
    ended_once(gateway)?;
    if let Some(p) = problems.first() {
        return Err(Violation::Liveness(p.clone()));
    }
    let ended = gateway.ended();
    if ended.is_empty() || !gateway.mapped().is_empty() {
        return Err(Violation::Liveness(format!(
            "the session was not torn down: ended {ended:?}, still mapped {:?}",
            gateway.mapped()
        )));
    }
    Ok(())
}

/// The audit of the workers in `closed`: double kills, late signals and own-group kills are the
/// bug (an error); what is left (a worker never signalled or reaped: the mechanism switched off)
/// is returned for the caller to report as liveness.
fn teardown_problems(events: &[ProcessEvent], own_pgid: u32, closed: &[u64]) -> Result<Vec<String>, Violation> {
    let problems = audit(events, own_pgid, closed);
    match problems.iter().find(|p| !p.contains("closed but never")) {
        Some(p) => Err(Violation::Safety(p.clone())),
        None => Ok(problems),
    }
}

/// No session was ended twice.
fn ended_once(gateway: &Gateway) -> Result<(), Violation> {
    let ended = gateway.ended();
    let mut serials: Vec<u64> = ended.iter().map(|r: &EndRecord| r.serial).collect();
    serials.sort_unstable();
    match serials.windows(2).find(|w| w[0] == w[1]) {
        Some(w) => Err(Violation::Safety(format!("session #{} ended twice: {ended:?}", w[0]))),
        None => Ok(()),
    }
}

/// The other teardown entries and the worker's own close, as two threads walk through them:
///
/// 1. the worker's `close()` on its own: both threads close worker `w` (no session) directly;
/// 2. `s`, mid-turn: the post-turn restart closes `s`'s worker while the close RPC's teardown
///    closes the same worker;
/// 3. `p`, parked (recently active): its client resumes it, inside its grace window, while the
///    WS grace reap runs;
/// 4. `q`, parked and idle past the TTL: the idle reaper's scan and the WS grace reap both end it.
///
/// Each pair meets in some interleaving with at most two preemptions.
pub fn every_entry(variant: Variant) {
    // Workers that trap SIGHUP and SIGTERM: every close escalates all the way to SIGKILL.
    let procs = Arc::new(SimProcessTable::ignoring(&[Signal::Hup, Signal::Term]));
    let clock = Arc::new(SimClock::new());
    let gateway = Gateway::new(variant, config(), procs.clone(), clock.clone());
    let q = gateway.create_session("q", PARKED).expect("fresh sid");
    gateway.build_session("q", &q).expect("spawn q's worker");
    clock.advance(SESSION_TTL + REAPER_SCAN);
    let p = gateway.create_session("p", PARKED).expect("fresh sid");
    gateway.build_session("p", &p).expect("spawn p's worker");
    let s = gateway.create_session("s", PARKED).expect("fresh sid");
    gateway.build_session("s", &s).expect("spawn s's worker");
    let s = gateway.submit_prompt("s").expect("s is mapped");
    let procs_dyn: Arc<dyn ProcessTable> = procs.clone();
    let c = gateway.config();
    let w = SlashWorker::spawn(&procs_dyn, &c.worker, variant, 0, c.kill_grace).expect("spawn w");

    let own = Arc::clone(&w);
    let [resumed, _] = join([
        thread::spawn_sharing("turn", &gateway, move |g| {
            own.close();
            drop(g.finish_turn("s", &s));
            let resumed = g.resume_session("p", Transport::Ws(9)).ok();
            g.reap_idle_sessions();
            resumed
        }),
        thread::spawn_sharing("teardown", &gateway, move |g| {
            w.close();
            g.close_session("s");
            g.reap_orphaned_session("p");
            g.reap_orphaned_session("q");
            None
        }),
    ]);

    if let Err(violation) = check_entries(&gateway, &procs, resumed.as_ref(), &p) {
        violation.raise();
    }
}

const PARKED: SessionOptions = SessionOptions { transport: Transport::Detached, close_on_disconnect: false };

fn join<T, const N: usize>(threads: [thread::JoinHandle<T>; N]) -> [T; N] {
    threads.map(|t| t.join().expect("a gateway thread panicked"))
}

/// The oracles of [`every_entry`] at quiescence: every worker not attached to a live session was
/// killed once and reaped once, never signalled after its reap nor through the gateway's own
/// group; no process outlives its session; each session was ended at most once; a session its
/// client resumed (`resumed`, if that is `p` itself) was not ended by the grace reap. Liveness:
/// `s` was closed, `q` was evicted, and every closed worker was signalled and reaped.
pub fn check_entries(
    gateway: &Gateway,
    procs: &SimProcessTable,
    resumed: Option<&Arc<Session>>,
    p: &Arc<Session>,
) -> Result<(), Violation> {
    let events = procs.events();
    let live: Vec<u64> = gateway
        .mapped()
        .iter()
        .filter(|s| !s.is_finalized())
        .filter_map(|s| s.worker())
        .map(|w| w.process().serial)
        .collect();
    if let Some((serial, pid)) = procs.unreaped().into_iter().find(|(serial, _)| !live.contains(serial)) {
        return Err(Violation::Safety(if procs.running().contains(&serial) {
            format!("worker #{serial} (pid {pid}) outlived its session: an orphan")
        } else {
            format!("worker #{serial} (pid {pid}) was killed and never reaped: a zombie")
        }));
    }
    let closed: Vec<u64> = spawned(&events).into_iter().filter(|w| !live.contains(w)).collect();
    let problems = teardown_problems(&events, GATEWAY_PID, &closed)?;
    ended_once(gateway)?;
    let ended = gateway.ended();
    let ended_as = |sid: &str, reason: EndReason| ended.iter().any(|r| r.sid == sid && r.reason == reason);
    if resumed.is_some_and(|r| Arc::ptr_eq(r, p)) && ended_as("p", EndReason::OrphanReap) {
        return Err(Violation::Safety(format!(
            "the client resumed {} in its grace window, and the grace reap ended it anyway",
            p.name()
        )));
    }
    if let Some(p) = problems.first() {
        return Err(Violation::Liveness(p.clone()));
    }
    if !ended_as("s", EndReason::Close) {
        return Err(Violation::Liveness(format!("the close RPC did not end s: {ended:?}")));
    }
    if !ended.iter().any(|r| r.sid == "q") || gateway.session("q").is_some() {
        return Err(Violation::Liveness(format!(
            "parked, idle q outlived the idle reaper and the grace reap: {ended:?}"
        )));
    }
    Ok(())
}
