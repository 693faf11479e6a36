//! Traces: what the models did, step by step, labelled by logical thread or task.
//!
//! Models emit `tracing` events at their decision points; [`capture`] records them through a
//! `tracing-subscriber` layer for the run on this OS thread (loom and shuttle run every logical
//! thread there) and [`Trace::render`] draws the interleaving, one column per thread or task.
//! Nothing run-to-run varies: no time, no addresses, columns in order of first appearance.

mod layer;
pub mod mermaid;
mod render;

pub use layer::{capture, install, Recorder};

/// One recorded event: who did it, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The logical thread or task (its name; an event's `actor` field overrides it).
    pub actor: String,
    /// The event's message and fields.
    pub text: String,
}

/// The steps of one execution, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trace {
    /// Steps in execution order.
    pub steps: Vec<Step>,
}

impl Trace {
    /// The interleaving as text: one column per actor, one row per step.
    pub fn render(&self) -> String {
        render::interleaving(&self.steps)
    }
}
