//! `default`: racetrack's default exploration, a fixed portfolio of shuttle strategies over one
//! budget.
//!
//! Every strategy is the single-strategy cell at the cell's seed (`shuttle-urw` at seed 1, …);
//! the portfolio hands out the budget's executions to them in a fixed cycle ([`CYCLE`]), so the
//! n-th execution of a cell is always the same strategy's same execution, and the first failing
//! one stops the run. The cell reports which strategy found it. The token is the failing
//! schedule, as for any shuttle cell (a replay does not need to know which strategy found it),
//! and the detection is shrunk like any other.
//!
//! shuttle's own `PortfolioRunner` runs its strategies on parallel OS threads and stops at
//! whichever fails first, which is not deterministic (and the facade's engine and the trace
//! recorder are per OS thread), so the portfolio interleaves executions on the cell's thread.
//!
//! The composition is chosen from the benchmark (`bench/`, see the README): uniform random walk
//! finds the deep and many-thread programs; PCT finds, in fewer schedules, the bugs that need a
//! long run of one task before another (PCT's figure-5 shape), where random walks struggle.

use super::shuttle::{self as engine, Quiet};
use super::{Exploration, Job};
use crate::scheduler::SchedulerId;
use ::shuttle::scheduler::{PctScheduler, RandomScheduler, Scheduler, UrwRandomScheduler};
use shuttle_engine::runtime::task::{Task, TaskId};
use shuttle_engine::scheduler::Schedule;
use std::mem::ManuallyDrop;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// One strategy of the portfolio.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Strategy {
    /// shuttle's uniform random walk (`shuttle-urw`).
    Urw,
    /// shuttle's PCT at a depth (`shuttle-pct` with `Budget::depth`).
    Pct(usize),
    /// shuttle's random walk (`shuttle-random`).
    Random,
}

impl Strategy {
    /// Its name in reports: `urw`, `pct-3`, `random`.
    pub(crate) fn name(self) -> String {
        match self {
            Strategy::Urw => "urw".to_owned(),
            Strategy::Pct(depth) => format!("pct-{depth}"),
            Strategy::Random => "random".to_owned(),
        }
    }

    fn scheduler(self, seed: u64, budget: usize) -> Box<dyn Scheduler + Send> {
        match self {
            Strategy::Urw => Box::new(UrwRandomScheduler::new_from_seed(seed, budget)),
            Strategy::Pct(depth) => Box::new(PctScheduler::new_from_seed(seed, depth, budget)),
            Strategy::Random => Box::new(RandomScheduler::new_from_seed(seed, budget)),
        }
    }
}

/// Which strategy runs each execution, repeated until the budget ends.
pub(crate) const CYCLE: &[Strategy] = &[Strategy::Urw, Strategy::Pct(3), Strategy::Urw, Strategy::Random];

/// The composition in words, for the cell's `bound`.
pub(crate) fn describe() -> String {
    let mut names: Vec<String> = Vec::new();
    for s in CYCLE {
        if !names.contains(&s.name()) {
            names.push(s.name());
        }
    }
    let share = |name: &String| CYCLE.iter().filter(|s| &s.name() == name).count();
    let parts: Vec<String> = names.iter().map(|n| format!("{n} {}/{}", share(n), CYCLE.len())).collect();
    format!("portfolio {}", parts.join(", "))
}

pub(crate) fn explore(job: &Job<'_>) -> Result<Exploration, String> {
    let body = engine::body(job, SchedulerId::Default)?;
    if let Some(encoded) = job.replay {
        let (schedules, failure) = engine::replay(job, &body, encoded)?;
        return Ok(Exploration { schedules, failure, ..Exploration::default() });
    }
    let running = Arc::new(AtomicUsize::new(0));
    let portfolio = Portfolio::new(CYCLE, job.seed, job.budget.schedules, Arc::clone(&running));
    let mut explored = engine::search(job, &body, Box::new(portfolio));
    explored.bound = Some(describe());
    if explored.failure.is_some() {
        explored.strategy = Some(CYCLE[running.load(Ordering::SeqCst)].name());
    }
    Ok(explored)
}

/// The strategies of [`CYCLE`] behind one shuttle `Scheduler`.
struct Portfolio {
    /// One scheduler per position of the cycle that names a new strategy; `slot[i]` is the
    /// scheduler position `i` uses.
    members: Vec<Quiet>,
    slot: Vec<usize>,
    next: usize,
    left: u64,
    /// The cycle position of the execution running now.
    running: Arc<AtomicUsize>,
}

impl Portfolio {
    fn new(cycle: &[Strategy], seed: u64, budget: u64, running: Arc<AtomicUsize>) -> Self {
        let mut kinds: Vec<Strategy> = Vec::new();
        let slot = cycle
            .iter()
            .map(|s| {
                kinds.iter().position(|k| k == s).unwrap_or_else(|| {
                    kinds.push(*s);
                    kinds.len() - 1
                })
            })
            .collect();
        let members = kinds.iter().map(|k| Quiet(ManuallyDrop::new(k.scheduler(seed, budget as usize)))).collect();
        Portfolio { members, slot, next: 0, left: budget, running }
    }

    fn current(&mut self) -> &mut Quiet {
        let member = self.slot[self.running.load(Ordering::SeqCst)];
        &mut self.members[member]
    }
}

impl Scheduler for Portfolio {
    fn new_execution(&mut self) -> Option<Schedule> {
        // A member that has run out (DFS-like exhaustion) gives its turns to the next one.
        for _ in 0..self.slot.len() {
            if self.left == 0 {
                return None;
            }
            let position = self.next % self.slot.len();
            self.next += 1;
            self.running.store(position, Ordering::SeqCst);
            if let Some(schedule) = self.current().new_execution() {
                self.left -= 1;
                return Some(schedule);
            }
        }
        None
    }

    fn next_task(&mut self, runnable: &[&Task], current: Option<TaskId>, is_yielding: bool) -> Option<TaskId> {
        self.current().next_task(runnable, current, is_yielding)
    }

    fn next_u64(&mut self) -> u64 {
        self.current().next_u64()
    }
}
