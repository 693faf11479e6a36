//! Trials over every registered cell: teeth, determinism, replay round-trip.

use crate::{racetrack, stdout};
use libtest_mimic::{Failed, Trial};
use racetrack::CellResult;
use racetrack::Variant;

/// One (scenario, scheduler, variant) run through the isolated `__cell` path.
fn cell(scenario: &str, scheduler: &str, variant: Variant) -> Result<CellResult, Failed> {
    let output = racetrack(&["__cell", scenario, scheduler, variant.as_str()]);
    serde_json::from_str(stdout(&output).trim()).map_err(|e| format!("no cell result ({e}): {output:?}").into())
}

fn expectation_and_determinism(scenario: &str, scheduler: &str, variant: Variant) -> Result<(), Failed> {
    let first = cell(scenario, scheduler, variant)?;
    if !first.ok {
        return Err(racetrack::testing::describe(&first).into());
    }
    let second = cell(scenario, scheduler, variant)?;
    if first.without_timing() != second.without_timing() {
        return Err(format!("two runs of the same cell differ:\n{first:#?}\n{second:#?}").into());
    }
    crate::baseline::matches(&first)
}

fn replay_round_trip(scenario: &str, scheduler: &str) -> Result<(), Failed> {
    let found = cell(scenario, scheduler, Variant::Buggy)?;
    let token = found.replay.clone().ok_or("the buggy cell was not detected, so there is no token")?;
    let first = racetrack(&["replay", &token]);
    let second = racetrack(&["replay", &token]);
    if first.status.code() != Some(0) {
        return Err(format!("replay did not reproduce: {}", stdout(&first)).into());
    }
    if first.stdout != second.stdout {
        return Err("two replays of the same token printed different bytes".into());
    }
    let text = stdout(&first);
    let failure = found.failure.unwrap_or_default();
    let trace = found.trace.unwrap_or_default();
    if !text.contains(&failure) || !text.ends_with(&trace) {
        return Err(format!("replay printed another failure or trace than the run found:\n{text}").into());
    }
    Ok(())
}

pub(crate) fn trials() -> Vec<Trial> {
    let mut trials = Vec::new();
    for scenario in racetrack_cli::SCENARIOS {
        // Every cell as the CLI plans it: labelled budgets are cells of their own, and a guard
        // has only its fixed variant (so only a pair has a detection to replay).
        for (cell, _) in scenario.cells() {
            let (id, name) = (scenario.id, cell.to_string());
            for &variant in scenario.variants() {
                let (trial, name) = (format!("cells::{id}::{name}::{variant}"), name.clone());
                trials.push(Trial::test(trial, move || expectation_and_determinism(id, &name, variant)));
            }
            if !scenario.guard {
                trials.push(Trial::test(format!("replay::{id}::{name}"), move || replay_round_trip(id, &name)));
            }
        }
    }
    // Every registered scenario must be a valid declaration, gate on something and document both
    // oracles.
    for scenario in racetrack_cli::SCENARIOS {
        let id = scenario.id;
        trials.push(Trial::test(format!("registry::{id}::is_complete"), move || {
            let s = racetrack::find(racetrack_cli::SCENARIOS, id)?;
            s.check()?;
            if s.cells().next().is_none() || s.safety.is_empty() || s.liveness.is_empty() {
                return Err(format!("{id} needs at least one gate scheduler and both oracles described").into());
            }
            Ok(())
        }));
    }
    trials
}
