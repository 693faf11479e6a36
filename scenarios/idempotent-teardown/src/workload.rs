//! One execution of the race, on `racetrack::sync` threads over a simulated process table.

use models::session_gateway::{
    audit, EndRecord, Gateway, GatewayConfig, ProcessEvent, Session, SessionOptions, Signal, SimClock, SimProcessTable,
    Transport, GATEWAY_PID,
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
        spawn("close", &gateway, |g| {
            g.close_session("a");
        }),
        spawn("disconnect", &gateway, |g| {
            g.close_sessions_for_transport(Transport::Ws(1));
        }),
        spawn("shutdown", &gateway, Gateway::shutdown),
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

fn spawn(name: &str, gateway: &Gateway, body: impl FnOnce(&Gateway) + Send + 'static) -> thread::JoinHandle<()> {
    let gateway = gateway.clone();
    thread::Builder::new().name(name).spawn(move || body(&gateway))
}

pub use racetrack::oracle::Violation;

/// The oracles at quiescence, over the process table's audit log: every worker ever spawned was
/// killed once and reaped once, never signalled after its reap, and no group signal went to
/// `own_pgid`; the session was ended exactly once and is unmapped.
pub fn check(gateway: &Gateway, events: &[ProcessEvent], own_pgid: u32) -> Result<(), Violation> {
    let spawned: Vec<u64> = events
        .iter()
        .filter_map(|e| match e {
            ProcessEvent::Spawned { serial, .. } => Some(*serial),
            _ => None,
        })
        .collect();
    let problems = audit(events, own_pgid, &spawned);
    // Double kills, late signals and own-group kills are the bug; a worker never closed is the
    // mechanism switched off.
    if let Some(p) = problems.iter().find(|p| !p.contains("closed but never")) {
        return Err(Violation::Safety(p.clone()));
    }
    let ended = gateway.ended();
    let mut serials: Vec<u64> = ended.iter().map(|r: &EndRecord| r.serial).collect();
    serials.sort_unstable();
    if let Some(w) = serials.windows(2).find(|w| w[0] == w[1]) {
        return Err(Violation::Safety(format!("session #{} ended twice: {ended:?}", w[0])));
    }
    if let Some(p) = problems.first() {
        return Err(Violation::Liveness(p.clone()));
    }
    if ended.is_empty() || !gateway.mapped().is_empty() {
        return Err(Violation::Liveness(format!(
            "the session was not torn down: ended {ended:?}, still mapped {:?}",
            gateway.mapped()
        )));
    }
    Ok(())
}
