use super::{Step, Trace};
use racetrack_sync::{thread, Engine};
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// Collects the steps of the current execution. Cheap to clone; clones share the buffer.
///
/// Recording is on the hot path of every execution and almost never read (only a failing
/// execution's trace is), so it allocates nothing per event once the buffer has grown: every
/// event's text goes into one string that [`Recorder::clear`] empties without freeing, actors are
/// kept once per execution, and the steps become [`Step`]s only when [`Recorder::trace`] asks.
#[derive(Clone, Debug, Default)]
pub struct Recorder {
    buffer: Arc<Mutex<Buffer>>,
    /// Event targets that belong to the race (crate names; their modules are included).
    targets: Arc<Vec<String>>,
}

/// The current execution's events.
#[derive(Debug, Default)]
struct Buffer {
    /// Every event's text, back to back.
    text: String,
    /// Every actor seen so far, kept across executions so that a name is copied once per cell:
    /// `steps` index it, and only a trace turns an index back into a name.
    actors: Vec<String>,
    /// Per event: its actor (an index into `actors`) and its text (a range of `text`).
    steps: Vec<(usize, Range<usize>)>,
    /// shuttle task → actor, so that a shuttle task's name is looked up once per execution.
    tasks: Vec<(usize, usize)>,
}

impl Buffer {
    fn actor(&mut self, name: &str) -> usize {
        self.actors.iter().position(|a| a == name).unwrap_or_else(|| {
            self.actors.push(name.to_owned());
            self.actors.len() - 1
        })
    }

    /// The logical thread now running. Under loom and shuttle that is the engine's thread name;
    /// on real threads a name would vary with the test harness, so events there name their
    /// `actor`.
    fn current_actor(&mut self) -> usize {
        match Engine::current() {
            Engine::Std => self.actor("main"),
            Engine::Shuttle => match shuttle_engine::current::try_get_current_task() {
                Some(task) => {
                    let task = usize::from(task);
                    match self.tasks.iter().find(|(t, _)| *t == task) {
                        Some(&(_, actor)) => actor,
                        None => {
                            let actor = thread::with_current_name(|name| self.actor(name));
                            self.tasks.push((task, actor));
                            actor
                        }
                    }
                }
                None => thread::with_current_name(|name| self.actor(name)),
            },
            Engine::Loom => thread::with_current_name(|name| self.actor(name)),
        }
    }
}

impl Recorder {
    /// A recorder keeping the events whose target is one of `targets` or inside one
    /// (`Scenario::trace_targets`: the crates a scenario names).
    pub fn new(targets: Vec<String>) -> Self {
        Recorder { buffer: Arc::default(), targets: Arc::new(targets) }
    }

    /// Forgets the steps recorded so far (a new execution begins), keeping the memory.
    pub fn clear(&self) {
        let mut buffer = self.lock();
        buffer.text.clear();
        buffer.steps.clear();
        buffer.tasks.clear();
    }

    /// The steps recorded since the last [`Recorder::clear`].
    pub fn trace(&self) -> Trace {
        let buffer = self.lock();
        let steps = buffer
            .steps
            .iter()
            .map(|(actor, text)| Step {
                actor: buffer.actors[*actor].clone(),
                text: buffer.text[text.clone()].to_owned(),
            })
            .collect();
        Trace { steps }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Buffer> {
        self.buffer.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn records(&self, target: &str) -> bool {
        self.targets.iter().any(|t| target == t || target.strip_prefix(t.as_str()).is_some_and(|r| r.starts_with("::")))
    }
}

/// Runs `f` with `recorder` capturing this OS thread's events.
pub fn capture<R>(recorder: &Recorder, f: impl FnOnce() -> R) -> R {
    let subscriber = tracing_subscriber::registry().with(RecordingLayer(recorder.clone()));
    tracing::subscriber::with_default(subscriber, f)
}

/// Makes `recorder` capture the events of the calling OS thread until the guard drops: for
/// threads an engine starts itself (tokio's blocking pool), where [`capture`] cannot reach.
pub fn install(recorder: &Recorder) -> tracing::subscriber::DefaultGuard {
    tracing::subscriber::set_default(tracing_subscriber::registry().with(RecordingLayer(recorder.clone())))
}

struct RecordingLayer(Recorder);

impl<S: Subscriber> Layer<S> for RecordingLayer {
    /// Only the race's own events are built at all: the engines' chatty internal events
    /// (shuttle's per-step ones) cost nothing then.
    fn enabled(&self, metadata: &tracing::Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        self.0.records(metadata.target())
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if !self.0.records(event.metadata().target()) {
            return;
        }
        let mut buffer = self.0.lock();
        let buffer = &mut *buffer;
        let start = buffer.text.len();
        let mut fields = Fields { text: &mut buffer.text, start, actor: None };
        event.record(&mut fields);
        let actor = match fields.actor.take() {
            Some(name) => buffer.actor(&name),
            None => buffer.current_actor(),
        };
        let end = buffer.text.len();
        buffer.steps.push((actor, start..end));
    }
}

/// Writes one event's message and then ` name=value` per field straight into the buffer (the
/// message is the first field `tracing`'s macros record, so it is written in place); an `actor`
/// field, which only real-thread events carry, names the step's actor instead.
struct Fields<'a> {
    text: &'a mut String,
    start: usize,
    actor: Option<String>,
}

impl Fields<'_> {
    fn message(&mut self, write: impl FnOnce(&mut String)) {
        if self.text.len() == self.start {
            write(self.text);
        } else {
            let mut message = String::new();
            write(&mut message);
            self.text.insert_str(self.start, &message);
        }
    }
}

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "actor" => self.actor = Some(value.to_owned()),
            "message" => self.message(|text| text.push_str(value)),
            name => {
                let _ = write!(self.text, " {name}={value}");
            }
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        match field.name() {
            "actor" => self.actor = Some(format!("{value:?}")),
            "message" => self.message(|text| {
                let _ = write!(text, "{value:?}");
            }),
            name => {
                let _ = write!(self.text, " {name}={value:?}");
            }
        }
    }
}
