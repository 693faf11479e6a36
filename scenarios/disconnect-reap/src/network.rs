//! The body the harness runs on a seeded turmoil `Sim`: the gateway host serves the real
//! websocket front over simulated TCP; clients A, B and C (see [`crate::clients`]) run on their
//! own hosts (B and C share one). The body steps the simulation itself and checks the oracles between steps
//! ([`crate::oracles`]), so a deadline is checked at the virtual instant it passes.

use crate::clients::{self, END};
use crate::oracles::Watch;
use crate::world::{LoopProbe, SimTime};
use models::session_gateway::ws::{self, WsConfig};
use models::session_gateway::{Gateway, GatewayConfig, SimProcessTable};
use racetrack::Variant;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The gateway's websocket port.
pub const PORT: u16 = 9120;

/// What the clients tell the oracles, stamped in virtual time.
#[derive(Debug, Default)]
pub struct Marks {
    /// When A vanished.
    pub vanished_at: Option<Duration>,
    /// A's socket, open and silent until the simulation is over.
    pub half_open: Option<turmoil::net::TcpStream>,
    /// Whether B has its session and is connected.
    pub b_connected: bool,
    /// When C sent its Close frame.
    pub c_closed_at: Option<Duration>,
    /// When C's resume of `c3` was answered, and with which session (`c3#n`).
    pub c3_resumed: Option<(Duration, String)>,
    /// When C sent the close RPC for `c3`.
    pub c3_closed_at: Option<Duration>,
}

/// Runs one simulation: a failed oracle panics (a detection); an `Err` is a broken simulation.
pub fn run(variant: Variant, sim: &mut turmoil::Sim<'_>) -> turmoil::Result {
    let procs = Arc::new(SimProcessTable::new());
    let probe = Arc::new(LoopProbe::new(Arc::clone(&procs)));
    let clock = Arc::new(SimTime::default());
    let gateway = Gateway::new(variant, GatewayConfig::default(), probe.clone(), clock.clone());
    let marks = Arc::new(Mutex::new(Marks::default()));

    let served = gateway.clone();
    let (host_probe, host_clock) = (Arc::clone(&probe), Arc::clone(&clock));
    sim.host("gateway", move || {
        let (gateway, probe, clock) = (served.clone(), Arc::clone(&host_probe), Arc::clone(&host_clock));
        async move {
            clock.start();
            probe.bind(gateway.clone());
            let listener = turmoil::net::TcpListener::bind(("0.0.0.0", PORT)).await?;
            ws::serve(listener, gateway, WsConfig::default()).await?;
            Ok(())
        }
    });
    sim.client("client-a", clients::a(Arc::clone(&marks)));
    sim.client("client-bc", clients::b_and_c(Arc::clone(&marks)));

    let mut watch = Watch::new(gateway, procs, Arc::clone(&probe), WsConfig::default());
    // An oracle's panic becomes the body's error, so the engine still counts the virtual time.
    let checked = panic::catch_unwind(AssertUnwindSafe(|| -> turmoil::Result {
        while !sim.step()? {
            let marks = marks.lock().unwrap();
            watch.check(sim.elapsed(), &marks);
        }
        assert!(sim.elapsed() >= END, "the clients ended early, at {:?}", sim.elapsed());
        watch.finish(&marks.lock().unwrap());
        Ok(())
    }));
    probe.unbind();
    checked.unwrap_or_else(|payload| Err(panic_message(payload.as_ref()).into()))
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    match (payload.downcast_ref::<String>(), payload.downcast_ref::<&str>()) {
        (Some(s), _) => s.clone(),
        (None, Some(s)) => (*s).to_owned(),
        (None, None) => "a non-string panic".to_owned(),
    }
}
