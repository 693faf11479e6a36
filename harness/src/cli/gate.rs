//! `racetrack gate`: the matrix against the committed baseline (see [`super::checks`]), and on
//! request against a base commit ([`super::delta`]) and the history of a fix
//! ([`super::teeth`]).
//!
//! Exit status: 0 nothing is weaker than the baseline (and the fix's guards have teeth); 1 some
//! finding fails the gate (each is printed with its cell and reason), or a base or a fix could
//! not be built or run; 2 a usage error (a bad ref, an unreadable baseline or result file), with
//! one line naming it, before anything runs.

use super::args::GateArgs;
use super::baseline::{repo_root, Baseline, DEFAULT_PATH};
use super::checks::{self, Finding, Kind};
use super::delta::{self, Delta};
use super::run::{jobs, run_all, Selection};
use super::teeth::{self, Planned};
use super::worktree::{self, default_target, Worktree};
use super::{gate_report, git, snapshots, UsageError};
use crate::outcome::CellResult;
use crate::Scenario;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Everything one gate run found.
#[derive(Serialize)]
pub(crate) struct GateReport {
    pub ok: bool,
    /// The baseline file, as given or found.
    pub baseline: String,
    pub findings: Vec<Finding>,
    pub delta: Option<Delta>,
    /// Why there is no delta although a base was asked for.
    pub base_error: Option<String>,
    pub teeth: Option<teeth::Report>,
    pub results: Vec<CellResult>,
    #[serde(skip)]
    pub wall: Duration,
}

/// The base side of a delta: a commit to build, or results already run.
enum Base {
    Commit { name: String, sha: String },
    Results { name: String, results: Vec<CellResult> },
}

pub(crate) fn gate(registry: &[Scenario], args: &GateArgs) -> Result<ExitCode, UsageError> {
    let root = repo_root(args.root.as_deref())?;
    let path = args.baseline.clone().unwrap_or_else(|| root.join(DEFAULT_PATH));
    let baseline = Baseline::read(&path)?;
    // Every input is checked before anything runs: a bad ref or file is a usage error.
    let out = args.out.as_deref().map(super::output::OutFile::create).transpose()?;
    let teeth_plan = args.teeth.as_deref().map(|fix| teeth::plan(&root, fix, &args.scenarios, registry)).transpose()?;
    let base = match (&args.base, &args.base_result) {
        (Some(name), _) => Some(Base::Commit {
            name: name.clone(),
            sha: git::commit(&root, name).map_err(|e| format!("--base: {e}"))?,
        }),
        (None, Some(file)) => {
            let text = std::fs::read_to_string(file)
                .map_err(|e| format!("cannot read --base-result {}: {e}", file.display()))?;
            let results = worktree::parse_results(&text)
                .map_err(|e| format!("--base-result {} is not a racetrack result document: {e}", file.display()))?;
            Some(Base::Results { name: file.display().to_string(), results })
        }
        (None, None) => None,
    };
    if let (Some(Planned::Skip { fix, why }), true) = (&teeth_plan, args.scenarios.is_empty()) {
        println!("racetrack gate --teeth {}: skipped: {why}", git::short(fix));
        return Ok(ExitCode::SUCCESS);
    }
    let scenarios = match (&teeth_plan, args.scenarios.is_empty()) {
        (Some(Planned::Check(plan)), true) => plan.scenarios.clone(),
        _ => args.scenarios.clone(),
    };
    let selection = Selection::all(&scenarios, Some(baseline.seed));
    let cells = selection.plan(registry)?;
    let started = Instant::now();
    let (jobs, timeout) = (jobs(args.jobs), args.timeout);
    let results = run_all(&cells, jobs, Duration::from_secs(timeout));
    let wall = started.elapsed(); // the head's run only: a base build is not part of it
    let in_scope = |id: &str| selection.includes(id);
    let chosen: Vec<Scenario> = registry.iter().filter(|s| in_scope(s.id)).copied().collect();
    let findings = checks::compare(&baseline, &results, &snapshots::discover(&root, &chosen), registry, &in_scope);

    let (delta, base_error) = match base {
        None => (None, None),
        Some(Base::Results { name, results: base }) => {
            let base: Vec<CellResult> = base.into_iter().filter(|r| in_scope(&r.scenario)).collect();
            (Some(delta::compute(name, &base, &results, &BTreeMap::new())), None)
        }
        Some(Base::Commit { name, sha }) => match base_results(&root, &sha, args, baseline.seed, jobs) {
            Ok((base, budgets)) => {
                let base: Vec<CellResult> = base.into_iter().filter(|r| in_scope(&r.scenario)).collect();
                (Some(delta::compute(format!("{name} ({})", git::short(&sha)), &base, &results, &budgets)), None)
            }
            Err(e) => (None, Some(format!("base {name} ({}): {e}", git::short(&sha)))),
        },
    };
    let teeth = teeth_plan.map(|planned| match planned {
        Planned::Skip { fix, why } => teeth::Report::skipped(fix, why),
        Planned::Check(plan) => {
            let run = teeth::Run { build: &args.build, seed: baseline.seed, jobs, timeout_secs: timeout };
            teeth::check(&root, &plan, &results, &run).unwrap_or_else(|e| teeth::Report::failed(&plan, e))
        }
    });
    let ok =
        !findings.iter().any(|f| f.kind == Kind::Fail) && base_error.is_none() && teeth.as_ref().is_none_or(|t| t.ok);
    let shown = path.strip_prefix(&root).unwrap_or(&path).display().to_string();
    let report = GateReport { ok, baseline: shown, findings, delta, base_error, teeth, results, wall };
    super::output::emit(&gate_report::render(&report, args.format), out)?;
    Ok(if report.ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// The base commit's matrix: built in a temporary worktree and run there; with the budgets its
/// `list` declares, for a racetrack whose results do not carry them.
fn base_results(
    root: &Path,
    sha: &str,
    args: &GateArgs,
    seed: u64,
    jobs: usize,
) -> Result<(Vec<CellResult>, delta::Budgets), String> {
    let tree = Worktree::add(root, sha)?;
    let bin = tree.build(&args.build, &default_target(root))?;
    let run: Vec<String> = ["run", "--format", "json", "--seed", &seed.to_string(), "--jobs", &jobs.to_string()]
        .into_iter()
        .map(str::to_owned)
        .chain(["--timeout".to_owned(), args.timeout.to_string()])
        .collect();
    let results = worktree::run_json(&bin, tree.path(), &run)?;
    let mut budgets = BTreeMap::new();
    if results.iter().any(|r| r.budget.is_none()) {
        let listed =
            std::process::Command::new(&bin).args(["list", "--format", "json"]).current_dir(tree.path()).output();
        if let Ok(listed) = listed {
            budgets = delta::budgets_from_list(&String::from_utf8_lossy(&listed.stdout));
        }
    }
    Ok((results, budgets))
}
