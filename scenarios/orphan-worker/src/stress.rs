//! The race on the real machine: real `sleep 1000` workers, real threads, the real process table.
//! Every worker left running and unattached at quiescence is a leaked process; all of them are
//! killed at the end of their round, and the real process table is checked for leftovers.

use crate::workload::{check, setup, Violation};
use models::session_gateway::{
    audit, leftover_children, Gateway, GatewayConfig, MonotonicClock, OsProcessTable, ProcessTable, Transport,
};
use racetrack::stress::{StressConfig, StressReport};
use racetrack::sync::{thread, Arc};
use std::sync::Barrier;

/// Runs `config.iterations` rounds of `config.threads` gateways, each racing like the workload
/// over its own real process table.
pub fn run(config: &StressConfig, progress: &dyn Fn(u64)) -> StressReport {
    let mut report = StressReport { unit: "races", ..StressReport::default() };
    let (mut swept, mut problems, mut spawned) = (0usize, Vec::new(), Vec::new());
    for _ in 0..config.iterations {
        let tables: Vec<Arc<OsProcessTable>> =
            (0..config.threads.max(1)).map(|_| Arc::new(OsProcessTable::new())).collect();
        let gateways: Vec<Gateway> = tables
            .iter()
            .map(|t| {
                let table: Arc<dyn ProcessTable> = t.clone();
                Gateway::new(config.variant, GatewayConfig::default(), table, Arc::new(MonotonicClock::new()))
            })
            .collect();
        let barrier = Arc::new(Barrier::new(gateways.len() * 4));
        let racers: Vec<_> = gateways.iter().map(|g| race(g, &barrier)).collect();
        racers.into_iter().flatten().for_each(|h| h.join().expect("gateway thread panicked"));
        // Quiescent: judge each gateway against its own table.
        for (gateway, table) in gateways.iter().zip(&tables) {
            report.trials += 1;
            if let Err(Violation::Safety(what) | Violation::Liveness(what)) = check(gateway, &table.unreaped()) {
                report.failures += 1;
                report.first_failure.get_or_insert(what);
            }
        }
        for (gateway, table) in gateways.iter().zip(&tables) {
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

/// Starts one gateway's four racers (after the same setup as the workload); they start together.
fn race(gateway: &Gateway, barrier: &Arc<Barrier>) -> Vec<thread::JoinHandle<()>> {
    let (a, b) = setup(gateway);
    let go = |name: &str, body: Box<dyn FnOnce(&Gateway) + Send>| {
        let (gateway, barrier) = (gateway.clone(), Arc::clone(barrier));
        thread::Builder::new().name(name).spawn(move || {
            barrier.wait();
            body(&gateway)
        })
    };
    vec![
        go("build", Box::new(move |g| drop(g.build_session("a", &a)))),
        go(
            "close",
            Box::new(|g| {
                g.close_session("a");
                drop(g.resume_session("a", Transport::Ws(2)));
            }),
        ),
        go("turn", Box::new(move |g| drop(g.finish_turn("b", &b)))),
        go(
            "reaper",
            Box::new(|g| {
                g.reap_orphaned_session("b");
            }),
        ),
    ]
}
