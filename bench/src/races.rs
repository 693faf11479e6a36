//! The default exploration over the registered races (`racetrack_cli::SCENARIOS`): each
//! scenario's thread or async body, with its declared cells replaced by the default alone at its
//! default budget. The buggy variant must be detected (by its safety oracle or a deadlock), the
//! fixed one must hold over the whole budget.

use racetrack::{run_cell, CellResult, RunOptions, Scenario, SchedulerId, Variant, DEFAULT_EXPLORATION};

/// One registered race under the default exploration.
#[derive(Clone, Debug)]
pub struct Race {
    /// The scenario id.
    pub id: &'static str,
    /// The buggy and the fixed cell; `None` for a scenario with only a network workload.
    pub cells: Option<(CellResult, CellResult)>,
}

/// Runs every registered race with a thread or async body under the default.
pub fn run(progress: &dyn Fn(&str)) -> Vec<Race> {
    racetrack_cli::SCENARIOS.iter().map(|s| race(s, progress)).collect()
}

fn race(scenario: &Scenario, progress: &dyn Fn(&str)) -> Race {
    if scenario.threads.is_none() && scenario.tasks.is_none() {
        return Race { id: scenario.id, cells: None };
    }
    progress(scenario.id);
    let default = scenario.schedulers(DEFAULT_EXPLORATION);
    let run = |variant| run_cell(&default, SchedulerId::Default, variant, &RunOptions::default());
    Race { id: scenario.id, cells: Some((run(Variant::Buggy), run(Variant::Fixed))) }
}
