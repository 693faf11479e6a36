//! One execution of the race, on `racetrack::sync` threads.

use models::task_worker::{Request, Response, Script, Transcript, Worker};
use racetrack::sync::thread;
use racetrack::Variant;
use racetrack::{liveness, safety};

fn execute(task: &str, script: Script) -> Request {
    Request::Execute { task: task.to_owned(), script, main_queue: false }
}

/// A request with Appose's `queue: "main"`: the task runs on the worker's main loop and never
/// gets a thread handle.
fn execute_on_main(task: &str, script: Script) -> Request {
    Request::Execute { task: task.to_owned(), script, main_queue: true }
}

fn failure(task: &str, error: &str) -> Response {
    Response::Failure { task: task.to_owned(), error: error.to_owned() }
}

/// While one janitor pass runs, the receiver (this thread) queues a task for the main thread
/// and hands a healthy task its own thread, and the main loop (this thread too) runs the queued
/// one: the pass may land before, between and after every step of both paths. Then a task that
/// dies and one that exits, each swept by the next janitor pass.
pub fn run(variant: Variant) {
    let transcript = Transcript::new();
    let worker = Worker::new(variant, transcript.clone());

    // Under a model checker time does not pass: each cleanup_threads call is one janitor period.
    let janitor = {
        let worker = worker.clone();
        thread::Builder::new().name("janitor").spawn(move || worker.cleanup_threads())
    };
    worker.process_request(execute_on_main("main-queued", Script::Return(7)));
    worker.process_request(execute("healthy", Script::Return(42)));
    worker.run_main_queue();
    janitor.join().expect("the janitor pass panicked");

    worker.process_request(execute("dies", Script::Die));
    worker.process_request(execute("exits", Script::Exit(123)));
    worker.join_task_threads();
    let before_sweep = worker.pending_tasks();
    worker.cleanup_threads();

    let healthy = transcript.for_task("healthy");
    safety!(
        !healthy.contains(&failure("healthy", "thread death")),
        "healthy task failed with \"thread death\" (its responses: {healthy:?})"
    );
    safety!(
        healthy == [Response::Completion { task: "healthy".into(), output: 42 }],
        "healthy task reported {healthy:?}"
    );
    let queued = transcript.for_task("main-queued");
    safety!(
        !queued.contains(&failure("main-queued", "thread death")) && queued.len() <= 1,
        "a task on the main queue, which has no thread handle, reported {queued:?}"
    );
    liveness!(
        queued == [Response::Completion { task: "main-queued".into(), output: 7 }],
        "the main loop did not run its queued task: it reported {queued:?}"
    );
    let dies = transcript.for_task("dies");
    liveness!(dies == [failure("dies", "thread death")], "a task whose thread died was reported as {dies:?}");
    let exits = transcript.for_task("exits");
    liveness!(exits == [failure("exits", "SystemExit: 123")], "a task that called sys.exit was reported as {exits:?}");
    // A thread that died leaves its task in the table until the janitor sweeps it, and the sweep
    // empties the table.
    liveness!(before_sweep.iter().any(|t| t == "dies"), "the dead task left the table unswept: {before_sweep:?}");
    liveness!(worker.pending_tasks().is_empty(), "tasks left in the table: {:?}", worker.pending_tasks());
}
