//! The pinned trace snapshots a baseline hashes: every insta `.snap` file under a directory
//! named after a scenario (`scenarios/<id>/tests/snapshots/…`), so deleting or editing one is a
//! change of the baseline. A file named `…__<cell>_buggy_trace.snap` (what `scheduler_tests!(…;
//! snapshots: …)` writes) belongs to that cell; any other to the scenario.

use super::baseline::{sha256_hex, Snapshot};
use crate::Scenario;
use std::path::Path;

/// Directories never searched: build output (cargo marks it with `CACHEDIR.TAG`), VCS and
/// dependency trees.
fn skipped(dir: &Path) -> bool {
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.starts_with('.') || name == "target" || name == "node_modules" || dir.join("CACHEDIR.TAG").exists()
}

/// Every pinned snapshot of `scenarios` under `root`, sorted by path.
pub fn discover(root: &Path, scenarios: &[Scenario]) -> Vec<Snapshot> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_owned()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if !skipped(&path) {
                    pending.push(path);
                }
                continue;
            }
            if path.extension().and_then(|e| e.to_str()) != Some("snap") {
                continue;
            }
            let Ok(relative) = path.strip_prefix(root) else { continue };
            let parts: Vec<String> =
                relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            let Some(scenario) = scenarios.iter().find(|s| parts.iter().any(|p| p == s.id)) else { continue };
            let Ok(bytes) = std::fs::read(&path) else { continue };
            found.push(Snapshot {
                cell: cell_of(scenario, parts.last().map(String::as_str).unwrap_or("")),
                file: parts.join("/"),
                scenario: scenario.id.to_owned(),
                sha256: sha256_hex(&bytes),
            });
        }
    }
    found.sort_by(|a, b| a.file.cmp(&b.file));
    found
}

/// The cell a `…__<cell>_buggy_trace.snap` file pins, if it names one of the scenario's cells.
fn cell_of(scenario: &Scenario, file: &str) -> Option<String> {
    let stem = file.strip_suffix(".snap")?;
    let name = stem.rsplit("__").next()?.strip_suffix("_buggy_trace")?;
    scenario.cell(name).ok().map(|(cell, _)| cell.to_string())
}

#[cfg(test)]
mod tests {
    use crate::{Budget, Scenario, SchedulerId::*};

    const S: Scenario = Scenario::new("demo", "demo")
        .threads(&|_| {})
        .schedulers(&[(Loom, Budget::schedules(1)), (ShuttlePct, Budget::schedules(1))]);

    #[test]
    fn a_trace_snapshot_belongs_to_its_cell() {
        assert_eq!(
            super::cell_of(&S, "scenario__snapshots__shuttle_pct_buggy_trace.snap").as_deref(),
            Some("shuttle-pct")
        );
        assert_eq!(super::cell_of(&S, "scenario__snapshots__loom_buggy_trace.snap").as_deref(), Some("loom"));
        assert_eq!(super::cell_of(&S, "scenario__loom_buggy_corruption_trace.snap"), None);
        assert_eq!(super::cell_of(&S, "scenario__snapshots__turmoil_buggy_trace.snap"), None);
    }
}
