//! Trace columns for async tasks: the gateway's events carry no `actor` field (loom and shuttle
//! name their column after the thread), and on a tokio runtime every task runs on one OS thread,
//! so without help they would all land in one column.
//!
//! [`act`] runs one *synchronous* gateway call under a collecting subscriber and then re-emits
//! each of its events, text unchanged, prefixed with the virtual time and tagged with the task's
//! `actor`. The call cannot be interleaved with another task (it never awaits), so re-emitting
//! right after it keeps the trace in execution order.

use std::fmt::Write as _;
use std::sync::Mutex; // trace glue, not model code: outlives any one engine
use std::time::Duration;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{info, Dispatch, Event, Metadata};

/// Runs `call` (a gateway call that does not await) and records its events in `actor`'s column,
/// each prefixed with `now`, the virtual time of the call.
pub fn act<R>(actor: &str, now: Duration, call: impl FnOnce() -> R) -> R {
    // One dispatcher per OS thread, reused: registering a new one re-evaluates every callsite.
    std::thread_local! {
        static COLLECTOR: Dispatch = Dispatch::new(Collector::default());
    }
    let (result, lines) = COLLECTOR.with(|collector| {
        let result = tracing::dispatcher::with_default(collector, call);
        let lines = collector
            .downcast_ref::<Collector>()
            .map(|c| std::mem::take(&mut *c.lines.lock().unwrap_or_else(|e| e.into_inner())));
        (result, lines.unwrap_or_default())
    });
    for line in lines {
        info!(actor = actor, "[{}] {line}", clock_text(now));
    }
    result
}

/// `h:mm:ss` of virtual time.
pub fn clock_text(t: Duration) -> String {
    let s = t.as_secs();
    format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// Keeps the text of the `models` crate's events (the ones the harness records), formatted as
/// the harness formats them: the message, then ` name=value` for any other field.
#[derive(Default)]
struct Collector {
    lines: Mutex<Vec<String>>,
}

impl tracing::Subscriber for Collector {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        let target = metadata.target();
        target == "models" || target.starts_with("models::")
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut text = Text::default();
        event.record(&mut text);
        self.lines.lock().unwrap_or_else(|e| e.into_inner()).push(text.0);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[derive(Default)]
struct Text(String);

impl Visit for Text {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "message" => self.0.insert_str(0, value),
            name => {
                let _ = write!(self.0, " {name}={value}");
            }
        }
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.record_str(field, &format!("{value:?}"));
    }
}
