//! The race on the real OS: the same [`Agent`] and [`KanbanDb`] over [`RealKernel`] — a real TCP
//! connection to a 127.0.0.1 listener that accepts and never answers, a real SQLite-format file
//! in a temporary directory of its own, real `shutdown`/`close`/`open`/`write` on raw integers.
//!
//! One run: the worker blocks in its request; a stranger thread interrupts it as soon as the
//! request is in flight; `threads` dispatcher threads tick (open, check the header, close) until
//! the worker has unwound. A run whose file header changed is a corruption. Nothing outside the
//! temporary directory is touched, and the directory is removed at the end.

use crate::os::{accept, hexdump, open_fd_count, Scratch};
use crate::workload::{DISPATCHER, OWNER, REQUEST, STRANGER};
use models::api_client::{hex, late_record, new_database_image, Agent, ApiError, DbError, KanbanDb, HEADER_LEN};
use models::kernel::{Kernel, RealKernel};
use racetrack::oracle::Violation;
use racetrack::stress::{StressConfig, StressReport};
use racetrack::sync::{thread, Arc, AtomicBool, AtomicU64, Ordering};
use racetrack::Variant;
use std::net::TcpListener;
use std::path::Path;
use std::time::{Duration, Instant};

/// A request nobody breaks gives up after this long (`SO_RCVTIMEO`), so a broken interrupt shows
/// as a liveness problem, never as a hung run.
pub const READ_TIMEOUT: Duration = Duration::from_secs(1);
/// A run stops early after this many runs with liveness problems: the mechanism is broken, and
/// each such run costs a read timeout.
const LIVENESS_PROBLEMS_TO_STOP: usize = 3;
/// How long a run waits for a step that should take microseconds before calling it stuck.
const STEP_CAP: Duration = Duration::from_secs(5);

/// Runs `config.iterations` runs of the race with `config.threads` dispatcher threads.
pub fn run(config: &StressConfig, progress: &dyn Fn(u64)) -> StressReport {
    let mut report = StressReport::new("runs");
    let scratch = match Scratch::new() {
        Ok(s) => s,
        Err(e) => {
            report.record_check([Violation::Liveness(format!("cannot set up the temporary directory: {e}"))]);
            return report;
        }
    };
    let upstream = match TcpListener::bind("127.0.0.1:0").and_then(|l| l.set_nonblocking(true).map(|()| l)) {
        Ok(l) => l,
        Err(e) => {
            report.record_check([Violation::Liveness(format!("cannot listen on 127.0.0.1: {e}"))]);
            return report;
        }
    };
    let db = scratch.0.join("kanban.db");
    let (mut ticks, mut refusals) = (0, 0);
    for _ in 0..config.iterations {
        let run = one_run(config.variant, config.threads.max(1), &upstream, &db);
        ticks += run.ticks;
        refusals += run.refusals;
        let mut seen: Vec<Violation> = run.problem.map(Violation::Liveness).into_iter().collect();
        if let Some(header) = run.corrupted {
            if report.first_failure.is_none() {
                report.notes.push("first corrupted header (bytes 0..32 of kanban.db):".to_owned());
                report.notes.extend(hexdump(&header[..32]));
                if !header_check_refuses(&db) {
                    seen.push(Violation::Liveness("the header check accepted the corrupted kanban.db".to_owned()));
                }
            }
            seen.push(Violation::Safety(format!("kanban.db header overwritten: {}", hex(&header[..24]))));
        }
        report.record(seen);
        progress(report.trials);
        if report.liveness_problems.len() >= LIVENESS_PROBLEMS_TO_STOP {
            report.notes.push(format!("stopped after {} runs: the interrupt or the close is broken", report.trials));
            break;
        }
    }
    report.notes.push(format!("dispatcher ticks: {ticks}, refused as not a valid SQLite database: {refusals}"));
    report.record_check(match std::fs::write(&db, corrupted_image()) {
        Err(e) => Some(Violation::Liveness(format!("cannot write the probe file: {e}"))),
        Ok(()) if !header_check_refuses(&db) => {
            Some(Violation::Liveness("the header check accepted a file whose header is a TLS record".to_owned()))
        }
        Ok(()) => None,
    });
    report
}

/// What one run saw.
struct Run {
    corrupted: Option<Vec<u8>>,
    problem: Option<String>,
    ticks: u64,
    refusals: u64,
}

fn one_run(variant: Variant, dispatchers: usize, upstream: &TcpListener, db: &Path) -> Run {
    let mut run = Run { corrupted: None, problem: None, ticks: 0, refusals: 0 };
    if let Err(e) = std::fs::write(db, new_database_image()) {
        run.problem = Some(format!("cannot write {}: {e}", db.display()));
        return run;
    }
    let fds_before = open_fd_count();
    let kernel: Arc<dyn Kernel> = Arc::new(RealKernel::new(READ_TIMEOUT));
    let endpoint = upstream.local_addr().expect("a bound listener has an address").to_string();
    let agent = Arc::new(Agent::new(variant, Arc::clone(&kernel), endpoint));
    let done = Arc::new(AtomicBool::new(false));

    let owner = {
        let (agent, done) = (Arc::clone(&agent), Arc::clone(&done));
        thread::Builder::new().name(OWNER).spawn(move || {
            let outcome = agent.interruptible_api_call(REQUEST);
            done.store(true, Ordering::SeqCst);
            outcome
        })
    };
    // Accept before the race starts, so the server side's fd is not one the race hands out.
    let server = accept(upstream, STEP_CAP);
    let stranger = {
        let agent = Arc::clone(&agent);
        thread::Builder::new().name(STRANGER).spawn(move || {
            let start = Instant::now();
            while !agent.request_in_flight() && start.elapsed() < STEP_CAP {
                thread::yield_now();
            }
            agent.interrupt();
        })
    };
    let (ticks, refusals) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let dispatchers: Vec<_> = (0..dispatchers)
        .map(|i| {
            let (kernel, done, db) = (Arc::clone(&kernel), Arc::clone(&done), db.to_owned());
            let (ticks, refusals) = (Arc::clone(&ticks), Arc::clone(&refusals));
            thread::Builder::new().name(format!("{DISPATCHER}-{i}")).spawn(move || {
                while !done.load(Ordering::SeqCst) {
                    ticks.fetch_add(1, Ordering::SeqCst);
                    if let Err(DbError::NotADatabase { .. }) = KanbanDb::tick(Arc::clone(&kernel), &db) {
                        refusals.fetch_add(1, Ordering::SeqCst);
                    }
                }
            })
        })
        .collect();

    let outcome = owner.join().expect("the worker panicked");
    stranger.join().expect("the interrupt panicked");
    dispatchers.into_iter().for_each(|d| d.join().expect("a dispatcher panicked"));
    drop(server);
    run.ticks = ticks.load(Ordering::SeqCst);
    run.refusals = refusals.load(Ordering::SeqCst);

    match std::fs::read(db) {
        Ok(image) if image.len() >= HEADER_LEN && image[..HEADER_LEN] == new_database_image()[..HEADER_LEN] => {}
        Ok(image) => run.corrupted = Some(image),
        Err(e) => run.problem = Some(format!("cannot read back {}: {e}", db.display())),
    }
    if outcome != Err(ApiError::Interrupted) {
        run.problem = Some(format!("the interrupted request did not unblock through the interrupt: {outcome:?}"));
    } else if let (Some(before), Some(after)) = (fds_before, open_fd_count()) {
        if after > before {
            run.problem = Some(format!("{} fd(s) left open after the worker unwound", after - before));
        }
    }
    run
}

/// Opens `path` through the real kernel and reports whether the header check refused it.
fn header_check_refuses(path: &Path) -> bool {
    let kernel: Arc<dyn Kernel> = Arc::new(RealKernel::new(READ_TIMEOUT));
    matches!(KanbanDb::tick(kernel, path), Err(DbError::NotADatabase { .. }))
}

fn corrupted_image() -> Vec<u8> {
    let mut image = new_database_image();
    image[..late_record().len()].copy_from_slice(&late_record());
    image
}
