//! The race on the real machine: real workers (`sh` trapping SIGHUP, then `exec sleep 1000`),
//! real threads, real signals. The real process table refuses a signal to a child it has already
//! reaped and any group signal to the gateway's own group, but logs both, so a run reports the
//! double kills and late signals the buggy variant makes without hurting another process.

use crate::workload::{check, setup};
use models::session_gateway::{
    leftover_children, Gateway, GatewayConfig, MonotonicClock, OsProcessTable, ProcessTable, SpawnSpec, Transport,
};
use racetrack::stress::{race_instances, Racer, StressConfig, StressReport};
use racetrack::sync::Arc;
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
    let mut report = StressReport::new("races");
    let (mut swept, mut spawned) = (0usize, Vec::new());
    for _ in 0..config.iterations {
        let gateway = || {
            let table = Arc::new(OsProcessTable::new());
            (Gateway::new(config.variant, real_config(), table.clone(), Arc::new(MonotonicClock::new())), table)
        };
        for (gateway, table) in race_instances(config, gateway, racers) {
            report.record(check(&gateway, &table.events(), table.own_pgid()).err());
            swept += table.kill_all();
            spawned.extend(table.spawned_pids());
        }
        progress(report.trials);
    }
    report.notes.push(format!("unreaped processes killed by the end-of-round sweep: {swept}"));
    report.processes_left_behind(&leftover_children(&spawned));
    report
}

/// One gateway's three racers, after the same setup as the workload.
fn racers(gateway: &Gateway) -> Vec<Racer<Gateway>> {
    setup(gateway);
    vec![
        (
            "close",
            Box::new(|g: &Gateway| {
                g.close_session("a");
            }),
        ),
        (
            "disconnect",
            Box::new(|g: &Gateway| {
                g.close_sessions_for_transport(Transport::Ws(1));
            }),
        ),
        ("shutdown", Box::new(Gateway::shutdown)),
    ]
}
