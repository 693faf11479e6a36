//! The race on the real machine: real `sleep 1000` workers, real threads, the real process table.
//! Every worker left running and unattached at quiescence is a leaked process; all of them are
//! killed at the end of their round, and the real process table is checked for leftovers.

use crate::workload::{check, setup};
use models::session_gateway::{
    audit, leftover_children, Gateway, GatewayConfig, MonotonicClock, OsProcessTable, ProcessTable, Transport,
};
use racetrack::stress::{race_instances, Racer, StressConfig, StressReport};
use racetrack::sync::Arc;

/// Runs `config.iterations` rounds of `config.threads` gateways, each racing like the workload
/// over its own real process table.
pub fn run(config: &StressConfig, progress: &dyn Fn(u64)) -> StressReport {
    let mut report = StressReport::new("races");
    let (mut swept, mut problems, mut spawned) = (0usize, Vec::new(), Vec::new());
    for _ in 0..config.iterations {
        let gateway = || {
            let table = Arc::new(OsProcessTable::new());
            (
                Gateway::new(config.variant, GatewayConfig::default(), table.clone(), Arc::new(MonotonicClock::new())),
                table,
            )
        };
        let raced = race_instances(config, gateway, racers);
        // Quiescent: judge each gateway against its own table.
        for (gateway, table) in &raced {
            report.record(check(gateway, &table.unreaped()).err());
        }
        for (gateway, table) in &raced {
            gateway.shutdown();
            swept += table.kill_all();
            problems.extend(audit(&table.events(), table.own_pgid(), &[]));
            spawned.extend(table.spawned_pids());
        }
        progress(report.trials);
    }
    report.notes.push(format!("leaked processes killed by the end-of-round sweep: {swept}"));
    report.notes.push(format!("double kills / signals after reap: {}", problems.len()));
    if let Some(first) = problems.first() {
        report.notes.push(format!("first: {first}"));
    }
    report.processes_left_behind(&leftover_children(&spawned));
    report
}

/// One gateway's four racers, after the same setup as the workload.
fn racers(gateway: &Gateway) -> Vec<Racer<Gateway>> {
    let (a, b) = setup(gateway);
    vec![
        ("build", Box::new(move |g: &Gateway| drop(g.build_session("a", &a)))),
        (
            "close",
            Box::new(|g: &Gateway| {
                g.close_session("a");
                drop(g.resume_session("a", Transport::Ws(2)));
            }),
        ),
        ("turn", Box::new(move |g: &Gateway| drop(g.finish_turn("b", &b)))),
        (
            "reaper",
            Box::new(|g: &Gateway| {
                g.reap_orphaned_session("b");
            }),
        ),
    ]
}
