//! The committed baseline (`ci/racetrack-baseline.json`) is current: it lists exactly the
//! registry's cells with their declared budgets, the snapshot files as they are, and — checked
//! inside each `cells::…` trial, on the run it already makes — each cell's detection schedule,
//! catcher and trace hash. A stale baseline fails here with the command that regenerates it.

use libtest_mimic::{Failed, Trial};
use racetrack::cli::baseline::{Baseline, Entry, DEFAULT_PATH};
use racetrack::{BudgetRecord, CellResult};
use std::path::PathBuf;
use std::sync::OnceLock;

const REGENERATE: &str = "regenerate it with `cargo run --release -p racetrack-cli -- baseline` and review its diff";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn committed() -> Result<&'static Baseline, Failed> {
    static BASELINE: OnceLock<Result<Baseline, String>> = OnceLock::new();
    BASELINE.get_or_init(|| Baseline::read(&root().join(DEFAULT_PATH))).as_ref().map_err(|e| e.clone().into())
}

/// Whether a cell's fresh result is what the committed baseline records for it.
pub(crate) fn matches(result: &CellResult) -> Result<(), Failed> {
    let now = Entry::from_result(result);
    match committed()?.entry(&now.key()) {
        Some(entry) if *entry == now => Ok(()),
        Some(entry) => Err(format!(
            "{DEFAULT_PATH} is stale for {}: it records\n{entry:?}\nthe run gives\n{now:?}\n{REGENERATE}",
            now.name()
        )
        .into()),
        None => Err(format!("{DEFAULT_PATH} has no entry for {}: {REGENERATE}", now.name()).into()),
    }
}

fn covers_the_registry() -> Result<(), Failed> {
    let baseline = committed()?;
    let mut expected: Vec<(String, String, String, BudgetRecord)> = Vec::new();
    for s in racetrack_cli::SCENARIOS {
        for (cell, budget) in s.cells() {
            for variant in s.variants() {
                let record = BudgetRecord::new(cell.scheduler, &budget);
                expected.push((s.id.to_owned(), cell.to_string(), variant.to_string(), record));
            }
        }
    }
    expected.sort_by(|a, b| (&a.0, &a.1, &a.2).cmp(&(&b.0, &b.1, &b.2)));
    let recorded: Vec<(String, String, String, BudgetRecord)> = baseline
        .cells
        .iter()
        .map(|e| (e.scenario.clone(), e.cell.clone(), e.variant.clone(), e.budget.unwrap_or_default()))
        .collect();
    if recorded != expected {
        let missing: Vec<_> = expected.iter().filter(|e| !recorded.contains(e)).collect();
        let extra: Vec<_> = recorded.iter().filter(|e| !expected.contains(e)).collect();
        return Err(format!("{DEFAULT_PATH} is stale: the registry has {missing:?} that it lacks, it has {extra:?} that the registry lacks; {REGENERATE}").into());
    }
    let snapshots = racetrack::cli::snapshots::discover(&std::fs::canonicalize(root())?, racetrack_cli::SCENARIOS);
    if snapshots != baseline.snapshots {
        return Err(format!("{DEFAULT_PATH} is stale: the pinned snapshot files changed; {REGENERATE}").into());
    }
    if baseline.seed != racetrack::engines::DEFAULT_SEED {
        return Err(format!("{DEFAULT_PATH} pins seed {}, not the default seed the cells run at", baseline.seed).into());
    }
    let text = std::fs::read_to_string(root().join(DEFAULT_PATH))?;
    if text != baseline.to_json() {
        return Err(format!("{DEFAULT_PATH} is not as `racetrack baseline` writes it (sorted, pretty, one trailing newline); {REGENERATE}").into());
    }
    Ok(())
}

pub(crate) fn trials() -> Vec<Trial> {
    vec![Trial::test("baseline::covers_the_registry", covers_the_registry)]
}
