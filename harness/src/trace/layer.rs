use super::{Step, Trace};
use racetrack_sync::{thread, Engine};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// Collects the steps of the current execution. Cheap to clone; clones share the buffer.
#[derive(Clone, Debug, Default)]
pub struct Recorder {
    steps: Arc<Mutex<Vec<Step>>>,
    /// Event targets that belong to the race (crate names; their modules are included).
    targets: Arc<Vec<String>>,
}

impl Recorder {
    /// A recorder keeping the events whose target is one of `targets` or inside one
    /// (`Scenario::trace_targets`: the crates a scenario names).
    pub fn new(targets: Vec<String>) -> Self {
        Recorder { steps: Arc::default(), targets: Arc::new(targets) }
    }

    /// Forgets the steps recorded so far (a new execution begins).
    pub fn clear(&self) {
        self.steps.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// The steps recorded since the last [`Recorder::clear`].
    pub fn trace(&self) -> Trace {
        Trace { steps: self.steps.lock().unwrap_or_else(|e| e.into_inner()).clone() }
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
        let mut fields = Fields::default();
        event.record(&mut fields);
        let actor = fields.actor.unwrap_or_else(current_actor);
        self.0.steps.lock().unwrap_or_else(|e| e.into_inner()).push(Step { actor, text: fields.text });
    }
}

/// The logical thread now running. Under loom and shuttle that is the engine's thread name; on
/// real threads a name would vary with the test harness, so events there name their `actor`.
fn current_actor() -> String {
    match Engine::current() {
        Engine::Std => "main".to_owned(),
        Engine::Loom | Engine::Shuttle => thread::current_name(),
    }
}

#[derive(Default)]
struct Fields {
    actor: Option<String>,
    text: String,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "actor" => self.actor = Some(value.to_owned()),
            "message" => self.text.insert_str(0, value),
            name => {
                let _ = write!(self.text, " {name}={value}");
            }
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.record_str(field, &format!("{value:?}"));
    }
}
