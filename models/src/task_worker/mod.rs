//! The task worker of seed `002_1ca0eba1ff21f61e.txt` (Appose's `python_worker`), with its
//! janitor and its documented time-of-check/time-of-use race.
//!
//! A worker reads task requests; every task not bound to the main queue runs on its own
//! [`TaskThread`]. A janitor pass ([`Worker::cleanup_threads`], run every 50 ms by
//! [`Worker::start_janitor`]) fails with "thread death" any task whose thread handle is set, whose
//! thread is not alive, and which has not reported: that catches threads that really die.
//!
//! - [`Variant::Buggy`]: the handle is published (`task.thread = Thread(...)`) before the thread
//!   is started, so a janitor pass in that window sees a referenced, not-yet-alive thread and
//!   fails a healthy task.
//! - [`Variant::Fixed`]: the thread is built into a local, started, and published only once it
//!   is alive.

mod port;
mod task_thread;

pub use port::{parse_request, read_requests, JsonLines, Request, Response, ResponseSink, Script, TaskId, Transcript};
pub use task_thread::TaskThread;

use racetrack_sync::thread::{self, JoinHandle};
use racetrack_sync::Variant;
use racetrack_sync::{Arc, AtomicBool, Mutex, Ordering};
use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;
use tracing::info;

/// How often Appose's janitor looks for dead threads.
pub const JANITOR_PERIOD: Duration = Duration::from_millis(50);

/// One task: its script, its thread once published, and whether it has reported.
#[derive(Debug)]
struct Task {
    id: TaskId,
    script: Script,
    thread: Mutex<Option<Arc<TaskThread>>>,
    finished: AtomicBool,
}

impl Task {
    /// Sends the task's terminal response, as Appose's `_respond` does: it marks the task
    /// finished first, and a second terminal response is sent all the same (Appose only notes it).
    /// So the janitor's "has it reported" check is what keeps it from failing a finished task.
    fn report(&self, sink: &dyn ResponseSink, response: Response) {
        self.finished.store(true, Ordering::SeqCst);
        sink.respond(response);
    }

    /// Runs the script and reports its outcome, as Appose's `Task._run` does.
    fn run(&self, sink: &dyn ResponseSink) {
        info!("{} running", self.id);
        match self.script {
            Script::Return(output) => {
                info!("{} COMPLETION {output}", self.id);
                self.report(sink, Response::Completion { task: self.id.clone(), output });
            }
            Script::Exit(code) => {
                info!("{} FAILURE SystemExit: {code}", self.id);
                self.report(sink, Response::Failure { task: self.id.clone(), error: format!("SystemExit: {code}") });
            }
            Script::Die => info!("{} dies without reporting", self.id),
        }
    }
}

struct Shared {
    variant: Variant,
    sink: Box<dyn ResponseSink>,
    tasks: Mutex<BTreeMap<TaskId, Arc<Task>>>,
    main_queue: Mutex<VecDeque<Arc<Task>>>,
    /// Every thread ever started, so that shutdown can wait for all of them (a thread the janitor
    /// already swept from `tasks` may still be running).
    started: Mutex<Vec<Arc<TaskThread>>>,
    running: AtomicBool,
}

/// The worker: receives requests, runs tasks, and sweeps dead task threads. Cheap to clone; the
/// clones share one worker.
#[derive(Clone)]
pub struct Worker(Arc<Shared>);

impl Worker {
    /// A worker that reports to `sink`. No janitor runs until [`Worker::start_janitor`]; under a
    /// model checker, which has no clock, a scenario calls [`Worker::cleanup_threads`] itself,
    /// one call per janitor period.
    pub fn new(variant: Variant, sink: impl ResponseSink) -> Self {
        Worker(Arc::new(Shared {
            variant,
            sink: Box::new(sink),
            tasks: Mutex::new(BTreeMap::new()),
            main_queue: Mutex::new(VecDeque::new()),
            started: Mutex::new(Vec::new()),
            running: AtomicBool::new(true),
        }))
    }

    /// Handles one request, as the worker's receiver thread does for each input line.
    pub fn process_request(&self, request: Request) {
        let Request::Execute { task, script, main_queue } = request;
        let task = Arc::new(Task { id: task, script, thread: Mutex::new(None), finished: AtomicBool::new(false) });
        self.0.tasks.lock().insert(task.id.clone(), Arc::clone(&task));
        if main_queue {
            info!("{}: queued for the main thread, no handle", task.id);
            self.0.main_queue.lock().push_back(task);
            return;
        }
        let thread = Arc::new(TaskThread::new(task.id.clone(), {
            let (task, worker) = (Arc::clone(&task), self.clone());
            move || task.run(&*worker.0.sink)
        }));
        self.0.started.lock().push(Arc::clone(&thread));
        match self.0.variant {
            Variant::Buggy => {
                // task._thread = Thread(...); task._thread.start()
                info!("{}: publish handle, then start", task.id);
                *task.thread.lock() = Some(Arc::clone(&thread));
                thread.start();
            }
            Variant::Fixed => {
                // t = Thread(...); t.start(); task._thread = t
                thread.start();
                info!("{}: started, publish handle", task.id);
                *task.thread.lock() = Some(thread);
            }
        }
    }

    /// Runs the tasks queued for the main thread, in order (Appose's main-thread loop).
    pub fn run_main_queue(&self) {
        loop {
            // Popped in a statement of its own: the queue's lock is not held while the task runs,
            // so the receiver can keep queueing (Appose's `self.queue.pop()` takes no lock).
            let Some(task) = self.0.main_queue.lock().pop_front() else { break };
            task.run(&*self.0.sink);
            self.0.tasks.lock().remove(&task.id);
        }
    }

    /// One janitor pass: every task whose thread handle is set and whose thread is not alive is
    /// dropped from the table, and failed with "thread death" if it never reported.
    pub fn cleanup_threads(&self) {
        let dead: Vec<Arc<Task>> = {
            let tasks = self.0.tasks.lock();
            tasks.values().filter(|t| t.thread.lock().as_ref().is_some_and(|th| !th.is_alive())).cloned().collect()
        };
        for task in dead {
            self.0.tasks.lock().remove(&task.id);
            // Aliveness was read first: a thread that ended had already reported, if it could.
            if !task.finished.load(Ordering::SeqCst) {
                info!("{}: handle set, not alive, unreported -> FAILURE thread death", task.id);
                task.report(&*self.0.sink, Response::Failure { task: task.id.clone(), error: "thread death".into() });
            }
        }
    }

    /// Starts the janitor thread: a [`Worker::cleanup_threads`] pass every `period` until
    /// [`Worker::shutdown`].
    pub fn start_janitor(&self, period: Duration) -> JoinHandle<()> {
        let worker = self.clone();
        thread::Builder::new().name("janitor").spawn(move || {
            while worker.0.running.load(Ordering::SeqCst) {
                thread::sleep(period);
                worker.cleanup_threads();
            }
        })
    }

    /// Waits for every task thread started so far to finish.
    pub fn join_task_threads(&self) {
        let threads = self.0.started.lock().clone();
        threads.iter().for_each(|t| t.join());
    }

    /// Stops the janitor after its current pass.
    pub fn shutdown(&self) {
        self.0.running.store(false, Ordering::SeqCst);
    }

    /// Tasks still in the worker's table.
    pub fn pending_tasks(&self) -> Vec<TaskId> {
        self.0.tasks.lock().keys().cloned().collect()
    }
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker").field("variant", &self.0.variant).field("tasks", &self.pending_tasks()).finish()
    }
}
