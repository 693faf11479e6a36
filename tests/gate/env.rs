//! The engines' environment variables change nothing a cell reports: `racetrack run` gives the
//! same JSON with or without them (its cells' processes never see them), and a cell run in its
//! own process under one either ignores it (loom's, every setting pinned) or is an error naming
//! it (shuttle's, which no setting overrides) — never another verdict. A detection prints no
//! backtrace under `RUST_BACKTRACE=1` (symbolising one cost ~10× the detection itself).

use crate::{racetrack_with, stdout};
use libtest_mimic::{Failed, Trial};
use racetrack::CellResult;

/// The engine variables CI machines and users commonly have set, each with a value that changed
/// verdicts or counts before they were pinned or scrubbed. (`RUST_BACKTRACE` never reaches a
/// report, only a detection's time and stderr: `detection_prints_no_backtrace` covers it.)
const VARIABLES: [(&str, &str); 3] =
    [("LOOM_MAX_BRANCHES", "3"), ("LOOM_MAX_PREEMPTIONS", "0"), ("SHUTTLE_RANDOM_SEED", "999")];

/// A small scenario with loom and shuttle cells, and a budget that keeps each of its cells well
/// under a second in a debug build (its buggy cells are detected within it).
const SCENARIO: &str = "janitor-toctou";
const BUDGET: &str = "50";

/// `run --format json` without the timing, which alone may differ between identical runs.
fn run_json(scheduler: &str, env: &[(&str, &str)]) -> Result<serde_json::Value, Failed> {
    let o = racetrack_with(&["run", SCENARIO, "--scheduler", scheduler, "--budget", BUDGET, "--format", "json"], env);
    let mut doc: serde_json::Value =
        serde_json::from_str(&stdout(&o)).map_err(|e| format!("no JSON report ({e}): {o:?}"))?;
    for result in doc["results"].as_array_mut().ok_or("results must be an array")? {
        result.as_object_mut().ok_or("a result must be an object")?.remove("elapsed_ms");
    }
    Ok(doc)
}

fn run_ignores(variable: &'static str, value: &'static str) -> Result<(), Failed> {
    let scheduler = if variable.starts_with("SHUTTLE_") { "shuttle-random" } else { "loom" };
    let (without, with) = (run_json(scheduler, &[])?, run_json(scheduler, &[(variable, value)])?);
    if without != with {
        return Err(format!("{variable}={value} changed the report:\nwithout: {without:#}\nwith: {with:#}").into());
    }
    Ok(())
}

/// One cell in its own process (`racetrack __cell`): the in-process `run_cell`, no scrubbing.
fn cell(scheduler: &str, variant: &str, env: &[(&str, &str)]) -> Result<(CellResult, String), Failed> {
    let o = racetrack_with(&["__cell", SCENARIO, scheduler, variant, "--budget", BUDGET], env);
    let result = serde_json::from_str(stdout(&o).trim()).map_err(|e| format!("no cell result ({e}): {o:?}"))?;
    Ok((result, String::from_utf8_lossy(&o.stderr).into_owned()))
}

fn loom_cell_ignores_loom_variables() -> Result<(), Failed> {
    for variant in ["buggy", "fixed"] {
        let (without, _) = cell("loom", variant, &[])?;
        for (variable, value) in VARIABLES.into_iter().filter(|(v, _)| v.starts_with("LOOM_")) {
            let (with, _) = cell("loom", variant, &[(variable, value)])?;
            if with.without_timing() != without.without_timing() {
                return Err(
                    format!("{variable}={value} changed the {variant} loom cell:\n{without:#?}\n{with:#?}").into()
                );
            }
        }
    }
    Ok(())
}

fn shuttle_cell_under_random_seed_is_an_error_naming_it() -> Result<(), Failed> {
    for variant in ["buggy", "fixed"] {
        let (result, _) = cell("shuttle-random", variant, &[("SHUTTLE_RANDOM_SEED", "999")])?;
        let named = result.failure.as_deref().is_some_and(|f| f.contains("SHUTTLE_RANDOM_SEED"));
        if result.verdict != racetrack::Verdict::Error || !named || result.schedules != 0 {
            return Err(format!(
                "under SHUTTLE_RANDOM_SEED the {variant} cell must be an error naming it: {result:#?}"
            )
            .into());
        }
    }
    Ok(())
}

fn detection_prints_no_backtrace() -> Result<(), Failed> {
    let (without, _) = cell("loom", "buggy", &[])?;
    let (with, stderr) = cell("loom", "buggy", &[("RUST_BACKTRACE", "1")])?;
    if with.without_timing() != without.without_timing() {
        return Err(format!("RUST_BACKTRACE=1 changed the cell:\n{without:#?}\n{with:#?}").into());
    }
    if stderr.contains("backtrace") || stderr.contains("panicked") {
        return Err(format!("a detection printed a panic report under RUST_BACKTRACE=1:\n{stderr}").into());
    }
    Ok(())
}

pub(crate) fn trials() -> Vec<Trial> {
    let mut trials: Vec<Trial> = VARIABLES
        .into_iter()
        .map(|(variable, value)| {
            Trial::test(format!("env::run_json_ignores_{}", variable.to_lowercase()), move || {
                run_ignores(variable, value)
            })
        })
        .collect();
    trials.push(Trial::test("env::loom_cell_ignores_loom_variables", loom_cell_ignores_loom_variables));
    trials.push(Trial::test(
        "env::shuttle_cell_under_random_seed_is_an_error_naming_it",
        shuttle_cell_under_random_seed_is_an_error_naming_it,
    ));
    trials.push(Trial::test("env::detection_prints_no_backtrace", detection_prints_no_backtrace));
    trials
}
