//! Runs a test body on every engine: real threads a few times, loom exhaustively (within a
//! preemption bound), shuttle's random scheduler; each with the facade's engine entered, as the harness
//! does for every execution.

use racetrack_sync::Engine;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

/// Runs `body` on std (10 times), loom and shuttle (200 random schedules).
pub fn on_every_engine(body: impl Fn() + Send + Sync + 'static) {
    let body = Arc::new(body);
    for _ in 0..10 {
        Engine::Std.enter(|| body());
    }
    under_loom({
        let body = Arc::clone(&body);
        move || body()
    });
    under_shuttle(move || body());
}

/// Every execution loom explores within preemption bound 3.
pub fn under_loom(body: impl Fn() + Send + Sync + 'static) {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(3);
    builder.check(move || Engine::Loom.enter(&body));
}

/// 200 random shuttle schedules (seeded, so the same each run). Random rather than PCT: PCT
/// refuses a body with no scheduling choice, such as a barrier of one.
pub fn under_shuttle(body: impl Fn() + Send + Sync + 'static) {
    let scheduler = shuttle::scheduler::RandomScheduler::new_from_seed(1, 200);
    shuttle::Runner::new(scheduler, shuttle::Config::default()).run(move || Engine::Shuttle.enter(&body));
}

/// What the executions of one engine observed, to show that it explored more than one outcome.
#[derive(Clone, Default)]
pub struct Seen(Arc<Mutex<BTreeSet<String>>>);

impl Seen {
    pub fn record(&self, outcome: impl Into<String>) {
        self.0.lock().unwrap().insert(outcome.into());
    }

    pub fn outcomes(&self) -> Vec<String> {
        self.0.lock().unwrap().iter().cloned().collect()
    }
}

/// The outcomes `body` (given a [`Seen`] to record into) shows on loom and on shuttle.
pub fn outcomes_per_model_checker(body: impl Fn(&Seen) + Send + Sync + Clone + 'static) -> [Vec<String>; 2] {
    let (on_loom, on_shuttle) = (Seen::default(), Seen::default());
    under_loom({
        let (seen, body) = (on_loom.clone(), body.clone());
        move || body(&seen)
    });
    under_shuttle({
        let seen = on_shuttle.clone();
        move || body(&seen)
    });
    [on_loom.outcomes(), on_shuttle.outcomes()]
}

/// The message of the panic `f` raises, if it does.
pub fn panic_message(f: impl FnOnce()) -> Option<String> {
    let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).err()?;
    payload.downcast_ref::<String>().cloned().or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
}
