//! The seed's stress test on real threads: submitters flood one worker with tiny healthy tasks
//! while its real janitor polls every 50 ms; every "thread death" is the bug.

use models::task_worker::{Request, Response, Script, Transcript, Worker, JANITOR_PERIOD};
use racetrack::oracle::Violation;
use racetrack::stress::{StressConfig, StressReport};
use racetrack::sync::thread;
use racetrack::Variant;
use std::collections::BTreeMap;
use std::sync::mpsc;

/// Tasks each submitter sends per round (the seed: 16 threads × 200 tasks).
pub const TASKS_PER_SUBMITTER: u64 = 200;

/// Runs `config.iterations` rounds of `config.threads` submitters × 200 tasks.
pub fn run(config: &StressConfig, progress: &dyn Fn(u64)) -> StressReport {
    let mut report = StressReport::new("tasks");
    for round in 0..config.iterations {
        let transcript = Transcript::new();
        let sent = one_round(config.variant, config.threads, round, &transcript);
        let mut failed: BTreeMap<String, Vec<Violation>> = BTreeMap::new();
        for response in transcript.responses() {
            if let Response::Failure { task, error } = response {
                let what = format!("task {task} failed with \"{error}\"");
                failed.entry(task).or_default().push(Violation::Safety(what));
            }
        }
        for task in sent {
            report.record(failed.remove(&task).unwrap_or_default());
        }
        progress(report.trials);
    }
    report.record_check(dead_thread_is_still_reported(config.variant));
    report
}

/// One round: the service's submitters feed the worker's single receiver, as Appose's stdin does.
/// Returns the tasks it sent.
fn one_round(variant: Variant, submitters: usize, round: u64, transcript: &Transcript) -> Vec<String> {
    let worker = Worker::new(variant, transcript.clone());
    let janitor = worker.start_janitor(JANITOR_PERIOD);
    let (requests, inbox) = mpsc::channel::<Request>();
    let receiver = {
        let worker = worker.clone();
        thread::Builder::new().name("receiver").spawn(move || inbox.into_iter().for_each(|r| worker.process_request(r)))
    };
    let task = move |s: usize, i: u64| format!("r{round}-s{s}-{i}");
    let handles: Vec<_> = (0..submitters)
        .map(|s| {
            let requests = requests.clone();
            thread::spawn(move || {
                for i in 0..TASKS_PER_SUBMITTER {
                    let task = task(s, i);
                    let _ = requests.send(Request::Execute { task, script: Script::Return(1), main_queue: false });
                }
            })
        })
        .collect();
    drop(requests);
    handles.into_iter().for_each(|s| s.join().expect("submitter panicked"));
    receiver.join().expect("receiver panicked");
    worker.join_task_threads();
    // Let the janitor make its sweep of the finished tasks before it stops.
    thread::sleep(JANITOR_PERIOD * 2);
    worker.shutdown();
    janitor.join().expect("janitor panicked");
    (0..submitters).flat_map(|s| (0..TASKS_PER_SUBMITTER).map(move |i| task(s, i))).collect()
}

/// The anti-cheat half on real threads: a task whose thread dies is failed by the real janitor
/// within one period, and one that calls `sys.exit` reports its own error.
fn dead_thread_is_still_reported(variant: Variant) -> Vec<Violation> {
    let transcript = Transcript::new();
    let worker = Worker::new(variant, transcript.clone());
    let janitor = worker.start_janitor(JANITOR_PERIOD);
    for (task, script) in [("dies", Script::Die), ("exits", Script::Exit(123))] {
        worker.process_request(Request::Execute { task: task.into(), script, main_queue: false });
    }
    worker.join_task_threads();
    thread::sleep(JANITOR_PERIOD * 3);
    worker.shutdown();
    janitor.join().expect("janitor panicked");
    let mut problems = Vec::new();
    let expect = |task: &str, error: &str, problems: &mut Vec<Violation>| {
        let got = transcript.for_task(task);
        if got != [Response::Failure { task: task.into(), error: error.into() }] {
            problems
                .push(Violation::Liveness(format!("task '{task}' should fail with \"{error}\" but reported {got:?}")));
        }
    };
    expect("dies", "thread death", &mut problems);
    expect("exits", "SystemExit: 123", &mut problems);
    problems
}
