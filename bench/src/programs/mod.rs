//! The programs, one file each. Every doc comment names where the program comes from; the logic
//! is ported (not copied) to racetrack's facade: a C `int` shared without a lock becomes an atomic
//! read and a separate atomic write (two scheduling points, as the race has), a `pthread_mutex_t`
//! a facade `Mutex`, an `assert` a [`racetrack::safety!`], a `free` a flag the next use checks.

use crate::Program;
pub(crate) use racetrack::sync::thread::spawn_sharing;
use racetrack::sync::thread::{self, JoinHandle};

mod bluetooth_driver;
mod bounded_buffer;
mod circular_buffer;
mod cve_2016_1972;
mod cve_2016_7911;
mod cve_2017_15265;
mod dining;
mod lost_update;
mod pct_figure_1b;
mod pct_figure_1c;
mod reorder;
mod stack;
mod token_ring;
mod twostage;
mod uneven;
mod wronglock;

/// Every program, in the table's order: SCTBench, Inspect, ConVul, shuttle's and loom's demos.
pub const ALL: &[Program] = &[
    bluetooth_driver::PROGRAM,
    circular_buffer::PROGRAM,
    stack::PROGRAM,
    token_ring::PROGRAM,
    twostage::PROGRAM,
    twostage::MANY,
    wronglock::PROGRAM,
    wronglock::MANY,
    reorder::PROGRAM,
    reorder::MANY,
    dining::THREE,
    dining::FIVE,
    cve_2016_1972::PROGRAM,
    cve_2016_7911::PROGRAM,
    cve_2017_15265::PROGRAM,
    pct_figure_1b::PROGRAM,
    pct_figure_1c::PROGRAM,
    uneven::PROGRAM,
    bounded_buffer::PROGRAM,
    lost_update::PROGRAM,
];

/// Spawns a named thread (its name is its column in a trace).
pub(crate) fn spawn<T: Send + 'static>(
    name: impl Into<String>,
    f: impl FnOnce() -> T + Send + 'static,
) -> JoinHandle<T> {
    thread::Builder::new().name(name).spawn(f)
}

/// Joins every thread; a thread's panic (an oracle) goes on unwinding here.
pub(crate) fn join_all<T>(threads: Vec<JoinHandle<T>>) {
    for t in threads {
        if let Err(panic) = t.join() {
            std::panic::resume_unwind(panic);
        }
    }
}
