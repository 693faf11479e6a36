//! `default`: racetrack's default exploration, a fixed portfolio of shuttle strategies over one
//! budget.
//!
//! Every strategy is the single-strategy cell at the cell's seed (`shuttle-urw` at seed 1, …);
//! the portfolio hands the budget's executions to them in a fixed order, [`OPENING`] once and
//! then [`CYCLE`] over and over, so the n-th execution of a cell is always the same strategy's
//! same execution, and the first failing one stops the run. The cell reports which strategy found
//! it. The token is the failing schedule, as for any shuttle cell (a replay does not need to know
//! which strategy found it), and the detection is shrunk like any other.
//!
//! shuttle's own `PortfolioRunner` runs its strategies on parallel OS threads and stops at
//! whichever fails first, which is not deterministic (and the facade's engine and the trace
//! recorder are per OS thread), so the portfolio interleaves executions on the cell's thread.
//!
//! **Composition** (chosen from the benchmark, `bench/`; the README has the numbers). Because
//! each strategy's k-th turn is its own k-th execution, what any order does on a program follows
//! exactly from the single strategies' schedules to first detection. Uniform random walk is the
//! only strategy that finds the many-thread programs (`reorder-20`, `twostage-100`) and is within
//! a few schedules of the best on most others, so it gets two thirds of the long run; PCT at depth
//! 3 is several times faster on the check-then-act bugs of two short threads (the CVE
//! reproductions, `bluetooth-driver`), so it gets the other third; PCT at depth 1 (no priority
//! change: threads run to completion in a random priority order) finds ordering bugs such as
//! `uneven` in a handful of runs where every random walk needs hundreds, so it gets every fourth
//! execution of the opening. No fixed order can be within 1.5× of the best single strategy on
//! every program: a program only one strategy finds needs that strategy's share to be at least
//! 2/3, and two such programs with different strategies at the same time scale exist.

use super::shuttle::{self as engine, Quiet};
use super::{Exploration, Job};
use crate::scheduler::SchedulerId;
use ::shuttle::scheduler::{PctScheduler, Scheduler, UrwRandomScheduler};
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
}

impl Strategy {
    /// Its name in reports: `urw`, `pct-3`.
    pub(crate) fn name(self) -> String {
        match self {
            Strategy::Urw => "urw".to_owned(),
            Strategy::Pct(depth) => format!("pct-{depth}"),
        }
    }

    fn scheduler(self, seed: u64, budget: usize) -> Box<dyn Scheduler + Send> {
        match self {
            Strategy::Urw => Box::new(UrwRandomScheduler::new_from_seed(seed, budget)),
            Strategy::Pct(depth) => Box::new(PctScheduler::new_from_seed(seed, depth, budget)),
        }
    }
}

use Strategy::{Pct, Urw};

/// The strategies of the first executions, in order.
pub(crate) const OPENING: &[Strategy] =
    &[Urw, Urw, Pct(1), Urw, Urw, Urw, Pct(1), Urw, Urw, Urw, Pct(1), Urw, Urw, Urw, Pct(1), Urw];

/// The strategies of every execution after the opening, repeated until the budget ends.
pub(crate) const CYCLE: &[Strategy] = &[Pct(3), Urw, Urw];

/// The strategy of the `n`-th execution (from 0).
fn strategy_at(n: usize) -> Strategy {
    OPENING.get(n).copied().unwrap_or_else(|| CYCLE[(n - OPENING.len()) % CYCLE.len()])
}

/// The composition in words, for the cell's `bound`.
pub(crate) fn describe() -> String {
    let shares = |order: &[Strategy]| {
        let mut names: Vec<String> = Vec::new();
        for s in order {
            if !names.contains(&s.name()) {
                names.push(s.name());
            }
        }
        let share = |name: &String| order.iter().filter(|s| &s.name() == name).count();
        names.iter().map(|n| format!("{n} {}/{}", share(n), order.len())).collect::<Vec<_>>().join(" ")
    };
    format!("portfolio: first {} {}, then {}", OPENING.len(), shares(OPENING), shares(CYCLE))
}

pub(crate) fn explore(job: &Job<'_>) -> Result<Exploration, String> {
    let body = engine::body(job, SchedulerId::Default)?;
    if let Some(encoded) = job.replay {
        let (schedules, failure) = engine::replay(job, &body, encoded)?;
        return Ok(Exploration { schedules, failure, ..Exploration::default() });
    }
    let running = Arc::new(AtomicUsize::new(0));
    // A shard runs its own stream, as a single seeded strategy does.
    let portfolio = Portfolio::new(job.seed.wrapping_add(job.offset()), job.budget.schedules, Arc::clone(&running));
    let mut explored = engine::search(job, &body, Box::new(portfolio));
    explored.bound = Some(describe());
    if explored.failure.is_some() {
        explored.strategy = Some(strategy_at(running.load(Ordering::SeqCst)).name());
    }
    Ok(explored)
}

/// The strategies of [`OPENING`] and [`CYCLE`] behind one shuttle `Scheduler`.
struct Portfolio {
    /// One scheduler per strategy, in order of first use.
    members: Vec<(Strategy, Quiet)>,
    /// Executions handed out so far.
    started: usize,
    budget: usize,
    /// The number (from 0) of the execution running now, for the report.
    running: Arc<AtomicUsize>,
    /// Its strategy's place in `members`: chosen once per execution, not at every decision.
    current: usize,
}

impl Portfolio {
    fn new(seed: u64, budget: u64, running: Arc<AtomicUsize>) -> Self {
        let mut members: Vec<(Strategy, Quiet)> = Vec::new();
        for s in OPENING.iter().chain(CYCLE) {
            if !members.iter().any(|(m, _)| m == s) {
                members.push((*s, Quiet(ManuallyDrop::new(s.scheduler(seed, budget as usize)))));
            }
        }
        Portfolio { members, started: 0, budget: budget as usize, running, current: 0 }
    }

    fn current(&mut self) -> &mut Quiet {
        &mut self.members[self.current].1
    }
}

impl Scheduler for Portfolio {
    fn new_execution(&mut self) -> Option<Schedule> {
        // A member that runs out early (none of these does before the budget) ends the run.
        if self.started == self.budget {
            return None;
        }
        let strategy = strategy_at(self.started);
        self.current = self.members.iter().position(|(m, _)| *m == strategy).expect("every strategy has a member");
        self.running.store(self.started, Ordering::SeqCst);
        self.started += 1;
        self.current().new_execution()
    }

    fn next_task(&mut self, runnable: &[&Task], current: Option<TaskId>, is_yielding: bool) -> Option<TaskId> {
        self.current().next_task(runnable, current, is_yielding)
    }

    fn next_u64(&mut self) -> u64 {
        self.current().next_u64()
    }
}

#[cfg(test)]
mod tests {
    use super::{strategy_at, Strategy, CYCLE, OPENING};

    #[test]
    fn the_order_is_the_opening_then_the_cycle() {
        assert_eq!(strategy_at(2), Strategy::Pct(1));
        assert_eq!(strategy_at(OPENING.len()), CYCLE[0]);
        assert_eq!(strategy_at(OPENING.len() + CYCLE.len() + 1), CYCLE[1]);
        assert_eq!(super::describe(), "portfolio: first 16 urw 12/16 pct-1 4/16, then pct-3 1/3 urw 2/3");
    }
}
