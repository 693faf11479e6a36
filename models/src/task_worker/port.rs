//! The worker's narrow interface to the outside world: requests in, responses out.
//!
//! The real implementation speaks Appose's protocol, one JSON object a line over the process's
//! stdin and stdout; the simulated one is an in-memory [`Transcript`] a scenario can inspect.

use racetrack_sync::{Arc, Mutex};
use std::io::{self, BufRead, Write};

/// A task's identifier (Appose uses a UUID string).
pub type TaskId = String;

/// What a task's script does. Appose runs arbitrary Python; these are the outcomes the janitor
/// has to tell apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Script {
    /// Runs to completion and reports this output.
    Return(i64),
    /// Calls the process-level exit (`sys.exit(code)`); the task reports it as its own error.
    Exit(i32),
    /// The thread dies before it can report anything, as a thread killed by a fatal error does.
    Die,
}

/// A request from the service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// Run `script` as task `task`, on its own thread unless `main_queue` is set.
    Execute {
        /// The task's id.
        task: TaskId,
        /// What the task does.
        script: Script,
        /// Run on the worker's main thread (Appose's `queue: "main"`) instead of a new thread.
        main_queue: bool,
    },
}

/// A response to the service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    /// The task finished and reports its output.
    Completion {
        /// The task's id.
        task: TaskId,
        /// The script's output.
        output: i64,
    },
    /// The task failed with `error`.
    Failure {
        /// The task's id.
        task: TaskId,
        /// Why, as the service shows it: "thread death", "SystemExit: 123", …
        error: String,
    },
}

impl Response {
    /// The task the response is about.
    pub fn task(&self) -> &str {
        match self {
            Response::Completion { task, .. } | Response::Failure { task, .. } => task,
        }
    }
}

/// Where responses go.
pub trait ResponseSink: Send + Sync + 'static {
    /// Delivers one response.
    fn respond(&self, response: Response);
}

/// The simulated sink: an ordered, shareable record of every response.
#[derive(Clone, Debug, Default)]
pub struct Transcript(Arc<Mutex<Vec<Response>>>);

impl Transcript {
    /// An empty transcript on the current engine.
    pub fn new() -> Self {
        Self(Arc::new(Mutex::new(Vec::new())))
    }

    /// Every response so far, in delivery order.
    pub fn responses(&self) -> Vec<Response> {
        self.0.lock().clone()
    }

    /// The responses about one task, in delivery order.
    pub fn for_task(&self, task: &str) -> Vec<Response> {
        self.0.lock().iter().filter(|r| r.task() == task).cloned().collect()
    }
}

impl ResponseSink for Transcript {
    fn respond(&self, response: Response) {
        self.0.lock().push(response);
    }
}

/// The real sink: Appose's JSON lines on a writer (the worker's stdout).
#[derive(Debug)]
pub struct JsonLines<W>(Mutex<W>);

impl<W: Write + Send + 'static> JsonLines<W> {
    /// Writes responses to `out`, one JSON object a line.
    pub fn new(out: W) -> Self {
        Self(Mutex::new(out))
    }
}

impl<W: Write + Send + 'static> ResponseSink for JsonLines<W> {
    fn respond(&self, response: Response) {
        let line = match &response {
            Response::Completion { task, output } => {
                serde_json::json!({"task": task, "responseType": "COMPLETION", "outputs": {"result": output}})
            }
            Response::Failure { task, error } => {
                serde_json::json!({"task": task, "responseType": "FAILURE", "error": error})
            }
        };
        let mut out = self.0.lock();
        // A closed stdout means the service is gone; the worker has nobody left to tell.
        let _ = writeln!(out, "{line}").and_then(|()| out.flush());
    }
}

/// Reads one Appose request from a JSON line:
/// `{"task": "t1", "requestType": "EXECUTE", "script": "return 42", "queue": null}`.
/// The script language is this model's: `return N`, `exit N` or `die`.
pub fn parse_request(line: &str) -> io::Result<Request> {
    let bad = |why: String| io::Error::new(io::ErrorKind::InvalidData, format!("bad request {line:?}: {why}"));
    let v: serde_json::Value = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
    let field = |k: &str| v.get(k).and_then(|x| x.as_str()).ok_or_else(|| bad(format!("missing string field '{k}'")));
    if field("requestType")? != "EXECUTE" {
        return Err(bad("only EXECUTE is supported".into()));
    }
    let script = match field("script")?.split_once(' ') {
        Some(("return", n)) => Script::Return(n.parse().map_err(|_| bad("return takes an integer".into()))?),
        Some(("exit", n)) => Script::Exit(n.parse().map_err(|_| bad("exit takes an integer".into()))?),
        _ if field("script")? == "die" => Script::Die,
        _ => return Err(bad("script must be 'return N', 'exit N' or 'die'".into())),
    };
    let main_queue = v.get("queue").and_then(|q| q.as_str()) == Some("main");
    Ok(Request::Execute { task: field("task")?.to_owned(), script, main_queue })
}

/// Reads requests from `input` until end of input, handing each to `handle`.
pub fn read_requests(input: impl BufRead, mut handle: impl FnMut(Request)) -> io::Result<()> {
    for line in input.lines() {
        let line = line?;
        if !line.trim().is_empty() {
            handle(parse_request(&line)?);
        }
    }
    Ok(())
}
