//! The race on the real machine: real workers (`sh` trapping SIGHUP, then `exec sleep 1000`),
//! real threads, real signals. The real process table refuses a signal to a child it has already
//! reaped and any group signal to the gateway's own group, but logs both, so a run reports the
//! double kills and late signals the buggy variant makes without hurting another process.

use crate::workload::{check, setup, Violation};
use models::session_gateway::{
    leftover_children, Gateway, GatewayConfig, MonotonicClock, OsProcessTable, ProcessTable, SpawnSpec, Transport,
};
use racetrack::stress::{StressConfig, StressReport};
use racetrack::sync::{thread, Arc};
use std::sync::Barrier;
use std::time::Duration;

/// The real worker: ignores SIGHUP (the escalation has to reach SIGTERM), in the gateway's group.
pub fn real_config() -> GatewayConfig {
    let mut config = crate::workload::config();
    config.worker = SpawnSpec { new_group: false, ..SpawnSpec::new("sh", &["-c", "trap '' HUP; exec sleep 1000"]) };
    config.kill_grace = Duration::from_millis(50);
    config
}

/// Runs `config.iterations` rounds of `config.threads` gateways, each racing like the workload
/// over its own real process table.
pub fn run(config: &StressConfig, progress: &dyn Fn(u64)) -> StressReport {
    let mut report = StressReport { unit: "races", ..StressReport::default() };
    let (mut swept, mut spawned) = (0usize, Vec::new());
    for _ in 0..config.iterations {
        let tables: Vec<Arc<OsProcessTable>> =
            (0..config.threads.max(1)).map(|_| Arc::new(OsProcessTable::new())).collect();
        let gateways: Vec<Gateway> = tables
            .iter()
            .map(|t| {
                let table: Arc<dyn ProcessTable> = t.clone();
                Gateway::new(config.variant, real_config(), table, Arc::new(MonotonicClock::new()))
            })
            .collect();
        let barrier = Arc::new(Barrier::new(gateways.len() * 3));
        let racers: Vec<_> = gateways.iter().map(|g| race(g, &barrier)).collect();
        racers.into_iter().flatten().for_each(|h| h.join().expect("gateway thread panicked"));
        for (gateway, table) in gateways.iter().zip(&tables) {
            report.trials += 1;
            match check(gateway, &table.events(), table.own_pgid()) {
                Ok(()) => {}
                Err(Violation::Safety(what)) => {
                    report.failures += 1;
                    report.first_failure.get_or_insert(what);
                }
                Err(Violation::Liveness(what)) => report.liveness_problems.push(what),
            }
            swept += table.kill_all();
            spawned.extend(table.spawned_pids());
        }
        progress(report.trials);
    }
    report.notes.push(format!("unreaped processes killed by the end-of-round sweep: {swept}"));
    report.processes_left_behind(&leftover_children(&spawned));
    report
}

fn race(gateway: &Gateway, barrier: &Arc<Barrier>) -> Vec<thread::JoinHandle<()>> {
    setup(gateway);
    let go = |name: &str, body: Box<dyn FnOnce(&Gateway) + Send>| {
        let (gateway, barrier) = (gateway.clone(), Arc::clone(barrier));
        thread::Builder::new().name(name).spawn(move || {
            barrier.wait();
            body(&gateway)
        })
    };
    vec![
        go(
            "close",
            Box::new(|g| {
                g.close_session("a");
            }),
        ),
        go(
            "disconnect",
            Box::new(|g| {
                g.close_sessions_for_transport(Transport::Ws(1));
            }),
        ),
        go("shutdown", Box::new(Gateway::shutdown)),
    ]
}
