//! One execution of the race, on `racetrack::sync` threads over a simulated process table.

use models::session_gateway::{Gateway, GatewayConfig, Session, SessionOptions, SimClock, SimProcessTable, Transport};
use racetrack::sync::{thread, Arc};
use racetrack::Variant;

/// Sessions `a` (created, its build pending) and `b` (parked, a turn running, with a worker).
/// Race 1: `a`'s deferred build against its close RPC followed by a resume under the same sid.
/// Race 2: `b`'s turn end with its worker restart against `b`'s WS grace reap.
pub fn run(variant: Variant) {
    let procs = Arc::new(SimProcessTable::new());
    let gateway = Gateway::new(variant, GatewayConfig::default(), procs.clone(), Arc::new(SimClock::new()));
    let (a, b) = setup(&gateway);

    // The two races touch different sessions; run one after the other, which keeps loom's space
    // a sum of the two rather than a product of their interleavings with each other.
    let create_close = [
        spawn("build", &gateway, move |g| drop(g.build_session("a", &a))),
        spawn("close", &gateway, |g| {
            g.close_session("a");
            drop(g.resume_session("a", Transport::Ws(2)));
        }),
    ];
    create_close.into_iter().for_each(|t| t.join().expect("a gateway thread panicked"));
    let restart_reap = [
        spawn("turn", &gateway, move |g| drop(g.finish_turn("b", &b))),
        spawn("reaper", &gateway, |g| {
            g.reap_orphaned_session("b");
        }),
    ];
    restart_reap.into_iter().for_each(|t| t.join().expect("a gateway thread panicked"));

    let unreaped = procs.unreaped();
    if let Err(violation) = check(&gateway, &unreaped) {
        violation.raise();
    }
}

/// The starting state: `a` just created (its deferred build has not run), `b` parked after its
/// client left, mid-turn, with its worker.
pub fn setup(gateway: &Gateway) -> (Arc<Session>, Arc<Session>) {
    let a = gateway
        .create_session("a", SessionOptions { transport: Transport::Ws(1), close_on_disconnect: false })
        .expect("fresh sid");
    let b = gateway
        .create_session("b", SessionOptions { transport: Transport::Detached, close_on_disconnect: false })
        .expect("fresh sid");
    gateway.build_session("b", &b).expect("spawn b's worker");
    gateway.submit_prompt("b").expect("b is mapped");
    (a, b)
}

fn spawn(name: &str, gateway: &Gateway, body: impl FnOnce(&Gateway) + Send + 'static) -> thread::JoinHandle<()> {
    let gateway = gateway.clone();
    thread::Builder::new().name(name).spawn(move || body(&gateway))
}

pub use racetrack::oracle::Violation;

/// The oracles at quiescence, given every process not yet reaped as (spawn number, pid):
/// each is the worker of a mapped session that was spawned for that very session; and every
/// mapped session has such a worker.
pub fn check(gateway: &Gateway, unreaped: &[(u64, u32)]) -> Result<(), Violation> {
    let sessions = gateway.mapped();
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
