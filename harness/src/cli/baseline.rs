//! The committed baseline of expectations (`ci/racetrack-baseline.json`) and `racetrack baseline`,
//! which writes it.
//!
//! One [`Entry`] per cell (scenario, cell name, variant) with its expected verdict, its budget,
//! the schedule at which the buggy variant is detected at the pinned seed, what caught it and a
//! hash of its failing trace (what the insta snapshots pin), plus a hash of every pinned
//! [`Snapshot`] file. `racetrack gate` compares a fresh run with it; any weakening passes only once
//! this file says so, which makes it a reviewed diff. The output is deterministic: entries
//! sorted, keys sorted, pretty-printed, a trailing newline.

use super::args::BaselineArgs;
use super::run::{run_all, Selection};
use super::{git, snapshots, UsageError};
use crate::outcome::{BudgetRecord, CaughtBy, CellResult, Verdict};
use crate::Scenario;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// Where the baseline lives, relative to the repository's top.
pub const DEFAULT_PATH: &str = "ci/racetrack-baseline.json";
/// How much later than the baseline a detection may come before the gate says the test lost
/// sensitivity.
pub const DEFAULT_FACTOR: u64 = 10;

const ABOUT: &str = "racetrack's gate baseline: what every cell is expected to do at the pinned seed. \
                     `racetrack gate` fails when a fresh run is weaker than this file (a cell, scheduler or \
                     scenario missing, a budget, bound or depth weaker, a detection more than \
                     later_detection_factor times later, a pinned trace or snapshot changed); regenerate \
                     it with `racetrack baseline`, so that every such change is a reviewed diff of this file.";

/// The whole baseline file. Keys are in alphabetical order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    /// What the file is, for a reviewer who meets it in a diff.
    pub about: String,
    /// Every cell, sorted by (scenario, cell, variant).
    pub cells: Vec<Entry>,
    /// A detection later than this many times its baseline schedule fails the gate.
    pub later_detection_factor: u64,
    /// The seed every cell runs at.
    pub seed: u64,
    /// Every pinned snapshot file, sorted by path.
    pub snapshots: Vec<Snapshot>,
}

/// What one cell is expected to do. Keys are in alphabetical order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The budget it runs under (absent for results of a racetrack that did not report it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<BudgetRecord>,
    /// What caught the detection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caught_by: Option<CaughtBy>,
    /// The cell's name: its scheduler, and its budget's label if it has one.
    pub cell: String,
    /// The schedule at which the buggy variant is detected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detected_at: Option<u64>,
    /// Whether the fixed variant held over the whole (bounded) space.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub exhaustive: bool,
    /// `detected` or `held`.
    pub expected: Verdict,
    /// The schedules a held cell explored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_over: Option<u64>,
    /// The scenario id.
    pub scenario: String,
    /// sha256 of the rendered failing trace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_sha256: Option<String>,
    /// `buggy` or `fixed`.
    pub variant: String,
}

/// A pinned snapshot file. Keys are in alphabetical order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The cell whose trace it pins, when its name says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    /// Its path from the repository's top, with `/`.
    pub file: String,
    /// The scenario it belongs to.
    pub scenario: String,
    /// sha256 of its bytes.
    pub sha256: String,
}

/// (scenario, cell, variant): what identifies a cell across runs.
pub type Key = (String, String, String);

impl Entry {
    /// What a cell's result says it does (verdict-dependent fields only where they apply).
    pub fn from_result(r: &CellResult) -> Entry {
        let detected = r.verdict == Verdict::Detected;
        Entry {
            budget: r.budget,
            caught_by: r.caught_by,
            cell: r.scheduler.clone(),
            detected_at: detected.then_some(r.schedules),
            exhaustive: r.verdict == Verdict::Held && r.exhaustive,
            expected: r.expected,
            held_over: (r.verdict == Verdict::Held).then_some(r.schedules),
            scenario: r.scenario.clone(),
            trace_sha256: r.trace.as_deref().filter(|_| detected).map(|t| sha256_hex(t.as_bytes())),
            variant: r.variant.clone(),
        }
    }

    /// The cell's identity.
    pub fn key(&self) -> Key {
        (self.scenario.clone(), self.cell.clone(), self.variant.clone())
    }

    /// The cell's name as reports print it.
    pub fn name(&self) -> String {
        format!("{} · {} · {}", self.scenario, self.cell, self.variant)
    }
}

impl Baseline {
    /// The baseline of a green run: `results` at `seed`, and the snapshot files found.
    pub fn new(results: &[CellResult], snapshots: Vec<Snapshot>, seed: u64, factor: u64) -> Baseline {
        let cells = results.iter().map(Entry::from_result).collect();
        let mut baseline = Baseline { about: ABOUT.to_owned(), cells, later_detection_factor: factor, seed, snapshots };
        baseline.sort();
        baseline
    }

    fn sort(&mut self) {
        self.cells.sort_by_key(Entry::key);
        self.snapshots.sort_by(|a, b| a.file.cmp(&b.file));
    }

    /// Reads and parses a baseline file; the error names the file.
    pub fn read(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            format!("cannot read baseline {}: {e} (write one with `racetrack baseline`)", path.display())
        })?;
        serde_json::from_str(&text).map_err(|e| format!("baseline {} is not a racetrack baseline: {e}", path.display()))
    }

    /// The file's text: pretty-printed, sorted, with a trailing newline.
    pub fn to_json(&self) -> String {
        format!("{}\n", serde_json::to_string_pretty(self).expect("a baseline serializes"))
    }

    /// The entry for `key`, if any.
    pub fn entry(&self, key: &Key) -> Option<&Entry> {
        self.cells.iter().find(|e| &e.key() == key)
    }
}

/// sha256 of `bytes`, in lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The repository top the gate works in: `--root`, or the one the current directory is in.
pub(crate) fn repo_root(root: Option<&Path>) -> Result<PathBuf, UsageError> {
    let cwd = std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let dir = root.map_or(cwd.clone(), |r| cwd.join(r));
    if !dir.is_dir() {
        return Err(UsageError(format!("--root {}: no such directory", dir.display())));
    }
    Ok(git::root(&dir))
}

/// `racetrack baseline`: runs every cell at the pinned seed and, if every one met its expectation,
/// writes the baseline and prints how the file changed.
pub(crate) fn baseline(registry: &[Scenario], args: &BaselineArgs) -> Result<ExitCode, UsageError> {
    let root = repo_root(args.root.as_deref())?;
    let path = args.baseline.clone().unwrap_or_else(|| root.join(DEFAULT_PATH));
    let old = std::fs::read_to_string(&path).ok();
    let previous = old.as_deref().and_then(|t| serde_json::from_str::<Baseline>(t).ok());
    let factor = args.factor.or(previous.as_ref().map(|b| b.later_detection_factor)).unwrap_or(DEFAULT_FACTOR);
    let seed = args.seed.unwrap_or(crate::engines::DEFAULT_SEED);
    let selection = Selection::all(&args.scenarios, Some(seed));
    let cells = selection.plan(registry)?;
    let results = run_all(&cells, super::run::jobs(args.jobs), Duration::from_secs(args.timeout));
    let missed: Vec<&CellResult> = results.iter().filter(|r| !r.ok).collect();
    if !missed.is_empty() {
        for r in &missed {
            eprintln!("✗ {} · {} · {}: expected {}, got {}", r.scenario, r.scheduler, r.variant, r.expected, r.verdict);
        }
        eprintln!(
            "racetrack baseline: {} cell(s) missed their expectation; a baseline records a green matrix, so {} is unchanged",
            missed.len(),
            path.display()
        );
        return Ok(ExitCode::from(1));
    }
    let chosen: Vec<Scenario> = registry.iter().filter(|s| selection.includes(s.id)).copied().collect();
    let mut fresh = Baseline::new(&results, snapshots::discover(&root, &chosen), seed, factor);
    if let Some(previous) = previous.filter(|_| !args.scenarios.is_empty()) {
        // Only the named scenarios were run: keep the others' entries as they were.
        let keep = |scenario: &str| !selection.includes(scenario);
        fresh.cells.extend(previous.cells.into_iter().filter(|e| keep(&e.scenario)));
        fresh.snapshots.extend(previous.snapshots.into_iter().filter(|s| keep(&s.scenario)));
        fresh.sort();
    }
    let text = fresh.to_json();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(&path, &text).map_err(|e| format!("cannot write baseline {}: {e}", path.display()))?;
    let shown = path.strip_prefix(&root).unwrap_or(&path).display().to_string();
    match old.as_deref() {
        Some(old) if old == text => println!("{shown}: unchanged ({} cells)", fresh.cells.len()),
        old => {
            let diff = similar::TextDiff::from_lines(old.unwrap_or(""), &text);
            print!("{}", diff.unified_diff().context_radius(3).header(&format!("a/{shown}"), &format!("b/{shown}")));
            println!("{shown}: written ({} cells, {} snapshots)", fresh.cells.len(), fresh.snapshots.len());
        }
    }
    Ok(ExitCode::SUCCESS)
}
