//! The seed's stress test on real threads: submitters flood one worker with tiny healthy tasks
//! while its real janitor polls every 50 ms; every "thread death" is the bug.

use models::task_worker::{Request, Response, Script, Transcript, Worker, JANITOR_PERIOD};
use racetrack::stress::{StressConfig, StressReport};
use racetrack::sync::thread;
use racetrack::Variant;
use std::sync::mpsc;

/// Tasks each submitter sends per round (the seed: 16 threads × 200 tasks).
pub const TASKS_PER_SUBMITTER: u64 = 200;

/// Runs `config.iterations` rounds of `config.threads` submitters × 200 tasks.
pub fn run(config: &StressConfig, progress: &dyn Fn(u64)) -> StressReport {
    let mut report = StressReport { unit: "tasks", ..StressReport::default() };
    for round in 0..config.iterations {
        let transcript = Transcript::new();
        let trials = one_round(config.variant, config.threads, round, &transcript);
        report.trials += trials;
        for response in transcript.responses() {
            if let Response::Failure { task, error } = &response {
                report.failures += 1;
                report.first_failure.get_or_insert_with(|| format!("task {task} failed with \"{error}\""));
            }
        }
        progress(report.trials);
    }
    report.liveness_problems = dead_thread_is_still_reported(config.variant);
    report
}

/// One round: the service's submitters feed the worker's single receiver, as Appose's stdin does.
fn one_round(variant: Variant, submitters: usize, round: u64, transcript: &Transcript) -> u64 {
    let worker = Worker::new(variant, transcript.clone());
    let janitor = worker.start_janitor(JANITOR_PERIOD);
    let (requests, inbox) = mpsc::channel::<Request>();
    let receiver = {
        let worker = worker.clone();
        thread::Builder::new().name("receiver").spawn(move || inbox.into_iter().for_each(|r| worker.process_request(r)))
    };
    let handles: Vec<_> = (0..submitters)
        .map(|s| {
            let requests = requests.clone();
            thread::spawn(move || {
                for i in 0..TASKS_PER_SUBMITTER {
                    let task = format!("r{round}-s{s}-{i}");
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
    TASKS_PER_SUBMITTER * submitters as u64
}

/// The anti-cheat half on real threads: a task whose thread dies is failed by the real janitor
/// within one period, and one that calls `sys.exit` reports its own error.
fn dead_thread_is_still_reported(variant: Variant) -> Vec<String> {
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
    let expect = |task: &str, error: &str, problems: &mut Vec<String>| {
        let got = transcript.for_task(task);
        if got != [Response::Failure { task: task.into(), error: error.into() }] {
            problems.push(format!("task '{task}' should fail with \"{error}\" but reported {got:?}"));
        }
    };
    expect("dies", "thread death", &mut problems);
    expect("exits", "SystemExit: 123", &mut problems);
    problems
}
