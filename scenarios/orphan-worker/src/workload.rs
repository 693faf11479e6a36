//! One execution of each body, on `racetrack::sync` threads over a simulated process table: each
//! races spawn sites against teardown entries.

use models::session_gateway::{
    Gateway, GatewayConfig, Session, SessionOptions, SimClock, SimProcessTable, Transport, REAPER_SCAN, SESSION_TTL,
};
use racetrack::sync::{thread, Arc};
use racetrack::Variant;

const PARKED: SessionOptions = SessionOptions { transport: Transport::Detached, close_on_disconnect: false };

/// The headline, the seed's create/close race and its restart follow-up, on one gateway with
/// sessions `a` and `b` (see [`setup`]). Race 1 (spawn site 1, `_build`, and the identity
/// check): `a`'s deferred build against its close RPC followed by a resume that maps a new
/// session under the same sid (spawn site 2, `_init_session`). Race 2 (spawn site 4,
/// `_restart_slash_worker`): `b`'s turn end with its worker restart against `b`'s WS grace reap.
pub fn run(variant: Variant) {
    let (gateway, procs) = gateway(variant);
    let (a, b) = setup(&gateway);
    // The two races touch different sessions; run one after the other (loom's space is then
    // the product of the two, each small; and loom allows four threads besides main).
    join([
        thread::spawn_sharing("build", &gateway, move |g| drop(g.build_session("a", &a))),
        thread::spawn_sharing("close", &gateway, |g| {
            g.close_session("a");
            drop(g.resume_session("a", Transport::Ws(2)));
        }),
    ]);
    join([
        thread::spawn_sharing("turn", &gateway, move |g| drop(g.finish_turn("b", &b))),
        thread::spawn_sharing("reaper", &gateway, |g| {
            g.reap_orphaned_session("b");
        }),
    ]);
    quiescent(&gateway, &procs);
}

/// A fresh gateway over a simulated process table with pid reuse.
pub fn gateway(variant: Variant) -> (Gateway, Arc<SimProcessTable>) {
    let procs = Arc::new(SimProcessTable::new());
    (Gateway::new(variant, GatewayConfig::default(), procs.clone(), Arc::new(SimClock::new())), procs)
}

/// The starting state: `a` just created (its deferred build has not run), `b` parked after its
/// client left, mid-turn, with its worker.
pub fn setup(gateway: &Gateway) -> (Arc<Session>, Arc<Session>) {
    let a = gateway
        .create_session("a", SessionOptions { transport: Transport::Ws(1), close_on_disconnect: false })
        .expect("fresh sid");
    let b = gateway.create_session("b", PARKED).expect("fresh sid");
    gateway.build_session("b", &b).expect("spawn b's worker");
    gateway.submit_prompt("b").expect("b is mapped");
    (a, b)
}

fn join<T, const N: usize>(threads: [thread::JoinHandle<T>; N]) -> [T; N] {
    threads.map(|t| t.join().expect("a gateway thread panicked"))
}

/// The orphan oracle once every thread is done.
fn quiescent(gateway: &Gateway, procs: &SimProcessTable) {
    if let Err(violation) = check(gateway, &procs.unreaped()) {
        violation.raise();
    }
}

pub use racetrack::oracle::Violation;

/// The oracles at quiescence, given every process not yet reaped as (spawn number, pid):
/// each is the worker of a live session (mapped, its teardown not begun) that was spawned for
/// that very session; and every live session has such a worker.
pub fn check(gateway: &Gateway, unreaped: &[(u64, u32)]) -> Result<(), Violation> {
    let sessions: Vec<Arc<Session>> = gateway.mapped().into_iter().filter(|s| !s.is_finalized()).collect();
    let attached: Vec<(Arc<Session>, u64)> =
        sessions.iter().filter_map(|s| s.worker().map(|w| (Arc::clone(s), w.process().serial))).collect();
    for &(serial, pid) in unreaped {
        match attached.iter().find(|(_, w)| *w == serial) {
            None => {
                return Err(Violation::Safety(format!(
                    "worker w{serial} (pid {pid}) is neither attached to a live session nor reaped: an orphan"
                )))
            }
            Some((session, _)) => {
                let worker = session.worker().expect("attached");
                if worker.spawned_for() != session.serial() {
                    return Err(Violation::Safety(format!(
                        "{} adopted w{serial}, spawned for session #{} under the same sid",
                        session.name(),
                        worker.spawned_for()
                    )));
                }
            }
        }
    }
    for session in &sessions {
        match session.worker() {
            None => return Err(Violation::Liveness(format!("live session {} never got its worker", session.name()))),
            Some(w) if !unreaped.iter().any(|(s, _)| *s == w.process().serial) => {
                return Err(Violation::Liveness(format!(
                    "live session {} holds {}, which was closed",
                    session.name(),
                    w.name()
                )))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// The other spawn sites, each against another teardown entry: a client walks through spawn
/// sites 1, 3 and 2 while the gateway's housekeeping walks through three teardown entries.
///
/// - `d` (close-on-disconnect, on connection 5, its build pending): the client's build of `d`
///   (site 1) against connection 5 going away (the disconnect reap).
/// - `i` (idle past the TTL, no worker: its spawn failed at build): the client's slash command
///   on `i`, whose worker is spawned on demand (site 3), against the idle reaper's scan. A slash
///   command is not a turn: it does not make the session active.
/// - `y` (recently active, no worker either): the client's slash command on `y` (site 3 again)
///   against gateway shutdown, which took its list of sessions before the on-demand spawn:
///   shutdown's claim of `y` lands between the attach's check and its store only if the claim
///   takes the sessions lock (two preemptions: housekeeping first, after its snapshot; the
///   client, inside the attach).
/// - `z` (not live): the client's resume of `z` (site 2, init) against gateway shutdown.
///
/// Each pair meets in some interleaving with at most two preemptions (a switch in the middle of
/// the spawn site, the other thread's entry landing there).
pub fn every_site(variant: Variant) {
    let procs = Arc::new(SimProcessTable::new());
    let clock = Arc::new(SimClock::new());
    let gateway = Gateway::new(variant, GatewayConfig::default(), procs.clone(), clock.clone());
    let i = gateway.create_session("i", PARKED).expect("fresh sid");
    procs.fail_spawns(1);
    gateway.build_session("i", &i).expect_err("the worker cannot start");
    clock.advance(SESSION_TTL + REAPER_SCAN);
    let y = gateway.create_session("y", PARKED).expect("fresh sid");
    procs.fail_spawns(1);
    gateway.build_session("y", &y).expect_err("the worker cannot start");
    let d = gateway.create_session("d", SessionOptions { transport: Transport::Ws(5), close_on_disconnect: true });
    let d = d.expect("fresh sid");
    join([
        thread::spawn_sharing("client", &gateway, move |g| {
            drop(g.build_session("d", &d));
            drop(g.slash_exec("i", "/help"));
            drop(g.slash_exec("y", "/help"));
            drop(g.resume_session("z", Transport::Ws(4)));
        }),
        thread::spawn_sharing("housekeeping", &gateway, |g| {
            g.close_sessions_for_transport(Transport::Ws(5));
            g.reap_idle_sessions();
            g.shutdown();
        }),
    ]);
    quiescent(&gateway, &procs);
}
