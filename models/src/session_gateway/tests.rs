//! Unit tests of the gateway's pieces on real threads and real processes.

use super::*;
use racetrack_sync::thread;
use std::time::Duration;

#[test]
fn reentrant_lock_reenters_and_excludes() {
    let lock = Arc::new(ReentrantLock::new());
    let inside = Arc::new(racetrack_sync::AtomicUsize::new(0));
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let (lock, inside) = (Arc::clone(&lock), Arc::clone(&inside));
            thread::spawn(move || {
                for _ in 0..200 {
                    let _outer = lock.lock();
                    let _inner = lock.lock(); // the same thread again: no deadlock
                    assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "two threads inside");
                    inside.fetch_sub(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    workers.into_iter().for_each(|w| w.join().unwrap());
}

#[test]
fn sim_table_reuses_pids_and_logs_late_signals() {
    let table = SimProcessTable::new();
    let spec = SpawnSpec::new("sleep", &["1000"]);
    let first = table.spawn(&spec).unwrap();
    table.signal(&first, Signal::Term).unwrap();
    assert!(table.try_reap(&first).unwrap().is_some());
    let second = table.spawn(&spec).unwrap();
    assert_eq!(first.pid, second.pid, "lowest free pid is reused");
    table.signal(&first, Signal::Term).unwrap(); // lands on `second`
    assert!(table.running().is_empty(), "the stale signal killed the new occupant");
    let problems = audit(&table.events(), GATEWAY_PID, &[]);
    assert_eq!(
        problems,
        ["worker #1: SIGTERM sent to pid 100 after it was reaped", "worker #1: killed twice (SIGTERM sent 2 times)"]
    );
}

/// A real worker that traps SIGHUP needs the escalation to reach SIGTERM; it is reaped once.
#[test]
fn real_close_escalates_past_a_trapped_sighup_and_reaps() {
    let os = Arc::new(OsProcessTable::new());
    let procs: Arc<dyn ProcessTable> = os.clone();
    let spec = SpawnSpec::new("sh", &["-c", "trap '' HUP; exec sleep 1000"]);
    let worker =
        SlashWorker::spawn(&procs, &spec, racetrack_sync::Variant::Fixed, 1, Duration::from_millis(200)).unwrap();
    let pgid = worker.process().pgid.unwrap();
    assert_eq!(pgid, worker.process().pid, "the worker leads a group of its own");
    wait_until_sighup_ignored(worker.process().pid);
    worker.close();
    worker.close(); // claimed: a no-op
    let table = os.events();
    let signals: Vec<Signal> = table
        .iter()
        .filter_map(|e| match *e {
            ProcessEvent::Signalled { signal, group: true, .. } => Some(signal),
            _ => None,
        })
        .collect();
    assert_eq!(signals, [Signal::Hup, Signal::Term]);
    assert!(audit(&table, procs.own_pgid(), &[1]).is_empty(), "{:?}", audit(&table, procs.own_pgid(), &[1]));
}

/// Polls /proc (bounded) until `pid` has SIGHUP ignored: `sh` installs its trap after exec.
fn wait_until_sighup_ignored(pid: u32) {
    for _ in 0..1000 {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let ignored = status.lines().find_map(|l| l.strip_prefix("SigIgn:")).map(str::trim).unwrap_or("0");
        if u64::from_str_radix(ignored, 16).unwrap_or(0) & 1 != 0 {
            return; // bit 0 is signal 1, SIGHUP
        }
        thread::sleep(Duration::from_millis(2));
    }
    panic!("pid {pid} never ignored SIGHUP");
}

/// The real table never sends a group signal to the gateway's group, nor a signal to a pid it
/// has reaped; it logs both so that audits see them.
#[test]
fn real_table_refuses_own_group_and_stale_signals() {
    let table = OsProcessTable::new();
    let spec = SpawnSpec { new_group: false, ..SpawnSpec::new("sleep", &["1000"]) };
    let child = table.spawn(&spec).unwrap();
    assert_eq!(child.pgid, Some(table.own_pgid()));
    assert!(table.signal_group(table.own_pgid(), Signal::Term, &child).is_err(), "own group refused");
    table.signal(&child, Signal::Kill).unwrap();
    assert!(table.wait_exit(&child, Duration::from_secs(5)).unwrap().is_some());
    assert!(table.signal(&child, Signal::Kill).is_err(), "stale signal refused");
    let problems = audit(&table.events(), table.own_pgid(), &[]);
    assert_eq!(problems.len(), 3, "own group, after reap, killed twice: {problems:?}");
    assert_eq!(table.kill_all(), 0);
}

/// The reaper loop on real threads and a real clock evicts an idle session within TTL + one scan.
#[test]
fn reaper_loop_evicts_on_a_real_clock() {
    let procs = Arc::new(SimProcessTable::new());
    let config = GatewayConfig {
        session_ttl: Duration::from_millis(30),
        reaper_scan: Duration::from_millis(10),
        ..GatewayConfig::default()
    };
    let gateway = Gateway::new(racetrack_sync::Variant::Fixed, config, procs.clone(), Arc::new(MonotonicClock::new()));
    let options = SessionOptions { transport: Transport::Detached, close_on_disconnect: false };
    let session = gateway.create_session("idle", options).unwrap();
    gateway.build_session("idle", &session).unwrap();
    let reaper = gateway.start_idle_reaper(Duration::from_millis(5));
    for _ in 0..400 {
        if gateway.session("idle").is_none() {
            break;
        }
        thread::sleep(Duration::from_millis(5));
    }
    reaper.stop();
    assert!(gateway.session("idle").is_none(), "idle session not evicted");
    assert!(procs.running().is_empty());
}

fn sim_gateway(variant: racetrack_sync::Variant) -> (Gateway, Arc<SimProcessTable>) {
    let procs = Arc::new(SimProcessTable::new());
    (Gateway::new(variant, GatewayConfig::default(), procs.clone(), Arc::new(SimClock::new())), procs)
}

/// The `_finalized` contract (seed: "concurrent/double teardown is a no-op, never a
/// double-kill"): finalizing a session twice writes one end record and kills its worker once.
/// In the fixed funnel only the claimant finalizes, so this direct test is what pins the guard.
#[test]
fn finalize_is_idempotent() {
    let (gateway, procs) = sim_gateway(racetrack_sync::Variant::Fixed);
    let options = SessionOptions { transport: Transport::Detached, close_on_disconnect: false };
    let session = gateway.create_session("a", options).unwrap();
    gateway.build_session("a", &session).unwrap();
    gateway.finalize_session(&session, EndReason::Shutdown);
    gateway.finalize_session(&session, EndReason::Close);
    assert_eq!(gateway.ended().len(), 1, "{:?}", gateway.ended());
    assert!(audit(&procs.events(), GATEWAY_PID, &[1]).is_empty(), "{:?}", audit(&procs.events(), GATEWAY_PID, &[1]));
}

/// `session.active_list` counts attachable sessions only (#38950): a session whose teardown has
/// begun is not listed even while it is still mapped. The buggy list counts it.
#[test]
fn active_list_skips_finalized_sessions() {
    for variant in racetrack_sync::Variant::ALL {
        let (gateway, _) = sim_gateway(variant);
        let options = SessionOptions { transport: Transport::Detached, close_on_disconnect: false };
        let dead = gateway.create_session("dead", options).unwrap();
        gateway.create_session("live", options).unwrap();
        gateway.finalize_session(&dead, EndReason::Shutdown);
        let listed: Vec<String> = gateway.active_list().into_iter().map(|row| row.sid).collect();
        match variant {
            racetrack_sync::Variant::Fixed => assert_eq!(listed, ["live"]),
            racetrack_sync::Variant::Buggy => assert_eq!(listed, ["dead", "live"]),
        }
    }
}

/// A stopped reaper scans no more: once `stop` has returned, a session that goes idle (on the
/// gateway's virtual clock) stays mapped however long the reaper's real-time period passes.
#[test]
fn stopped_reaper_evicts_nothing() {
    let procs = Arc::new(SimProcessTable::new());
    let clock = Arc::new(SimClock::new());
    let config = GatewayConfig { reaper_scan: Duration::from_millis(2), ..GatewayConfig::default() };
    let gateway = Gateway::new(racetrack_sync::Variant::Fixed, config, procs, clock.clone());
    let options = SessionOptions { transport: Transport::Detached, close_on_disconnect: false };
    let session = gateway.create_session("late", options).unwrap();
    gateway.build_session("late", &session).unwrap();
    gateway.start_idle_reaper(Duration::from_millis(1)).stop();
    clock.advance(SESSION_TTL + REAPER_SCAN);
    thread::sleep(Duration::from_millis(50)); // 25 periods of a reaper that would still run
    assert!(gateway.session("late").is_some(), "a stopped reaper evicted a session");
}

/// A session resumed from storage comes back with the `last_active` it ended with and a fresh
/// `created_at` (what keeps the idle reaper off a session its client just came back to).
#[test]
fn init_restores_the_stored_last_active() {
    let procs = Arc::new(SimProcessTable::new());
    let clock = Arc::new(SimClock::new());
    let gateway = Gateway::new(racetrack_sync::Variant::Fixed, GatewayConfig::default(), procs, clock.clone());
    let options = SessionOptions { transport: Transport::Detached, close_on_disconnect: false };
    clock.advance(Duration::from_secs(60));
    gateway.create_session("s", options).unwrap();
    clock.advance(Duration::from_secs(60));
    gateway.submit_prompt("s").unwrap();
    gateway.close_session("s");
    clock.advance(SESSION_TTL);
    let back = gateway.resume_session("s", Transport::Ws(1)).unwrap();
    let state = back.state();
    assert_eq!(
        (state.last_active, back.created_at()),
        (Duration::from_secs(120), Duration::from_secs(120) + SESSION_TTL)
    );
    assert!(!gateway.is_idle(&back, clock.now() + REAPER_SCAN), "just resumed, yet idle");
    assert!(state.worker.is_some() && !state.starting);
}

/// `slash.exec` spawns a worker on demand for a session without one, and reuses it after; for a
/// session closed meanwhile it fails (and its on-demand worker is closed by the attach).
#[test]
fn slash_exec_spawns_on_demand_once() {
    let (gateway, procs) = sim_gateway(racetrack_sync::Variant::Fixed);
    let options = SessionOptions { transport: Transport::Detached, close_on_disconnect: false };
    let session = gateway.create_session("c", options).unwrap();
    procs.fail_spawns(1);
    assert!(gateway.build_session("c", &session).is_err());
    assert!(!session.state().starting && session.worker().is_none(), "the agent starts without its worker");
    assert_eq!(gateway.slash_exec("c", "/help").unwrap(), "w1 ran /help");
    assert_eq!(gateway.slash_exec("c", "/model").unwrap(), "w1 ran /model");
    assert_eq!(procs.running(), [1]);
    gateway.close_session("c");
    assert!(matches!(gateway.slash_exec("c", "/help"), Err(GatewayError::NoSuchSession(_))));
    assert!(procs.running().is_empty());
}

#[test]
fn the_reaper_sleeps_exactly_one_period_between_scans_in_slices() {
    let ms = Duration::from_millis;
    let slices = |period, slice| super::reaper::sleep_slices(ms(period), ms(slice)).take(10).collect::<Vec<_>>();
    assert_eq!(slices(250, 100), [ms(100), ms(100), ms(50)]);
    assert_eq!(slices(200, 100), [ms(100), ms(100)]);
    assert_eq!(slices(50, 100), [ms(50)]);
}

/// The grace reap ends only an orphan, in both variants (the bug is which lock the check runs
/// under, not whether it runs): a session with a client attached stays, a detached one with no
/// turn running ends.
#[test]
fn grace_reap_ends_only_an_orphan() {
    for variant in racetrack_sync::Variant::ALL {
        let (gateway, _) = sim_gateway(variant);
        let attached = SessionOptions { transport: Transport::Ws(1), close_on_disconnect: false };
        let detached = SessionOptions { transport: Transport::Detached, close_on_disconnect: false };
        gateway.create_session("client", attached).unwrap();
        gateway.create_session("orphan", detached).unwrap();
        assert!(!gateway.reap_orphaned_session("client"), "{variant:?}: reaped a session with a client");
        assert!(gateway.session("client").is_some(), "{variant:?}: the client's session is gone");
        assert!(gateway.reap_orphaned_session("orphan"), "{variant:?}: kept an orphan");
        assert!(gateway.session("orphan").is_none(), "{variant:?}: the orphan is still mapped");
    }
}
