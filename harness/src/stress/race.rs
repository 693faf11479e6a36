//! Starting a real-OS race: every racer on a thread of its own, all released at once, so the
//! real scheduler decides how they interleave.

use super::StressConfig;
use racetrack_sync::thread;
use std::sync::{Arc, Barrier};

/// One racer: a thread name, and what the thread does with its copy of the state under test.
pub type Racer<T> = (&'static str, Box<dyn FnOnce(&T) + Send>);

/// Runs every racer of every `(state, racers)` pair on a thread of its own with a clone of its
/// state, all released together by one barrier (so the races of one round overlap too), and
/// waits for all of them. A racer that panics fails the run, naming the racer.
pub fn race_together<T: Clone + Send + 'static>(races: impl IntoIterator<Item = (T, Vec<Racer<T>>)>) {
    let racers: Vec<(T, Racer<T>)> =
        races.into_iter().flat_map(|(state, racers)| racers.into_iter().map(move |r| (state.clone(), r))).collect();
    let barrier = Arc::new(Barrier::new(racers.len()));
    let threads: Vec<_> = racers
        .into_iter()
        .map(|(state, (name, body))| {
            let barrier = Arc::clone(&barrier);
            let thread = thread::Builder::new().name(name).spawn(move || {
                barrier.wait();
                body(&state)
            });
            (name, thread)
        })
        .collect();
    for (name, thread) in threads {
        thread.join().unwrap_or_else(|_| panic!("racer {name} panicked"));
    }
}

/// One round of a race over independent instances: `config.threads` of them from `make` (the
/// state under test, and what judges it afterwards, such as its own process table), every
/// instance's racers started together by [`race_together`]; returns the instances, quiescent,
/// to be judged.
pub fn race_instances<T: Clone + Send + 'static, J>(
    config: &StressConfig,
    make: impl FnMut() -> (T, J),
    racers: impl Fn(&T) -> Vec<Racer<T>>,
) -> Vec<(T, J)> {
    let instances: Vec<(T, J)> = std::iter::repeat_with(make).take(config.threads.max(1)).collect();
    race_together(instances.iter().map(|(state, _)| (state.clone(), racers(state))));
    instances
}
