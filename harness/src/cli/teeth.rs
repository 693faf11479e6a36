//! Teeth proven by history (`gate --teeth FIX`): the head's scenario code against the model code
//! of the fix's parent must be **detected**, and held at head. A regression test that holds before
//! its fix is toothless, and fails the gate.
//!
//! How: a temporary worktree at HEAD in which the fix's changes outside `scenarios/` and
//! `tests/` are undone — its diff reversed, where that applies to HEAD (so what later commits
//! changed in the same files stays); else each such file as it was in `FIX^`, a file the fix
//! added removed — built, and
//! made to run the guarding scenarios' **fixed** cells — every gate cell of a guard, and every
//! cell's fixed variant of a pair (the buggy variant is detected both before and after any fix,
//! so it says nothing about this one). Each of those cells must be detected there, by its safety
//! oracle or a deadlock, and hold at head; one that holds before the fix is reported by name.
//!
//! The guarding scenarios are the ones named on the command line; else the fix commit's
//! `Teeth: <scenario> …` trailer (`Teeth: none` for a commit that fixes nothing a scenario can
//! see: skipped); else the scenarios whose directories the fix commit touched. A commit that only
//! adds files outside `scenarios/` and `tests/` (a new component) is skipped: there is no code
//! before it to be caught.

use super::args::BuildArgs;
use super::git::{self, git};
use super::worktree::{default_target, run_json, Worktree};
use super::UsageError;
use crate::outcome::{CaughtBy, CellResult, Verdict};
use crate::scenario::find;
use crate::Scenario;
use serde::Serialize;
use std::path::Path;

/// The trailer a fix commit names its guarding scenarios in.
pub(crate) const TRAILER: &str = "Teeth";

/// What `--teeth` will check.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    pub fix: String,
    pub parent: String,
    /// The files put back as they were before the fix.
    pub reverted: Vec<String>,
    pub scenarios: Vec<String>,
    /// Where the scenarios came from, for the report.
    pub chosen_by: String,
}

/// A plan, or why there is nothing to check.
pub(crate) enum Planned {
    Check(Plan),
    Skip { fix: String, why: String },
}

/// Resolves the fix, the files to revert and the guarding scenarios; every problem is a usage
/// error naming the input.
pub(crate) fn plan(root: &Path, fix: &str, named: &[String], registry: &[Scenario]) -> Result<Planned, UsageError> {
    let sha = git::commit(root, fix).map_err(|e| format!("--teeth: {e}"))?;
    let parent = git::commit(root, &format!("{sha}^"))
        .map_err(|_| format!("--teeth {fix}: the commit has no parent, so there is no code before the fix"))?;
    let changed = git::changed_paths(root, &parent, &sha)?;
    let outside = |p: &String| !p.starts_with("scenarios/") && !p.starts_with("tests/");
    let reverted: Vec<String> = changed.iter().filter(|p| outside(p)).cloned().collect();
    let trailer = git::trailer(root, &sha, TRAILER)?;
    let (scenarios, chosen_by): (Vec<String>, String) = if !named.is_empty() {
        (named.to_vec(), "named on the command line".into())
    } else if let Some(value) = trailer {
        if value.trim().eq_ignore_ascii_case("none") {
            let why = format!("commit {} says `{TRAILER}: none`", git::short(&sha));
            return Ok(Planned::Skip { fix: sha, why });
        }
        let ids = value.split(|c: char| c.is_whitespace() || c == ',').filter(|s| !s.is_empty()).map(str::to_owned);
        (ids.collect(), format!("the commit's `{TRAILER}:` trailer"))
    } else {
        let mut touched: Vec<String> = changed
            .iter()
            .filter_map(|p| p.strip_prefix("scenarios/")?.split('/').next())
            .filter(|id| registry.iter().any(|s| s.id == *id))
            .map(str::to_owned)
            .collect();
        touched.dedup();
        (touched, "touched by the fix commit".into())
    };
    if scenarios.is_empty() {
        return Err(UsageError(format!(
            "--teeth {fix}: no scenario guards it: name them (`racetrack gate --teeth {fix} SCENARIO…`) or give the \
             commit a `{TRAILER}: <scenario>…` trailer"
        )));
    }
    for id in &scenarios {
        find(registry, id)?;
    }
    if reverted.is_empty() {
        return Err(UsageError(format!(
            "--teeth {fix}: the commit changes nothing outside scenarios/ and tests/, so there is no model code to put back"
        )));
    }
    if reverted.iter().all(|p| git(root, &["cat-file", "-e", &format!("{parent}:{p}")]).is_err()) {
        // A new component (a model with both variants, say): there is no behaviour before it to
        // catch, and its pair's buggy variant is what proves the scenario's teeth.
        let why = format!("commit {} only adds code (no file it changes existed before it)", git::short(&sha));
        return Ok(Planned::Skip { fix: sha, why });
    }
    Ok(Planned::Check(Plan { fix: sha, parent, reverted, scenarios, chosen_by }))
}

/// One guarding cell: before the fix, and at head.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Cell {
    pub scenario: String,
    pub cell: String,
    pub before_fix: String,
    pub at_head: String,
    pub ok: bool,
    pub reason: String,
}

/// What `--teeth` found.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Report {
    pub fix: String,
    pub parent: String,
    pub reverted: Vec<String>,
    /// How they were put back.
    pub reverted_how: String,
    pub scenarios: Vec<String>,
    pub chosen_by: String,
    pub cells: Vec<Cell>,
    /// Set when nothing was checked, and why.
    pub skipped: Option<String>,
    /// Set when the check could not be made (the tree before the fix did not build or run).
    pub error: Option<String>,
    pub ok: bool,
}

impl Report {
    /// A report of `plan` with no cells checked.
    fn empty(plan: &Plan, ok: bool) -> Report {
        Report {
            fix: plan.fix.clone(),
            parent: plan.parent.clone(),
            reverted: plan.reverted.clone(),
            reverted_how: String::new(),
            scenarios: plan.scenarios.clone(),
            chosen_by: plan.chosen_by.clone(),
            cells: vec![],
            skipped: None,
            error: None,
            ok,
        }
    }

    /// The report of a skipped check.
    pub fn skipped(fix: String, why: String) -> Report {
        let plan = Plan { fix, parent: String::new(), reverted: vec![], scenarios: vec![], chosen_by: String::new() };
        Report { skipped: Some(why), ..Report::empty(&plan, true) }
    }

    /// The report of a check that could not be made: it fails.
    pub fn failed(plan: &Plan, error: String) -> Report {
        Report { error: Some(error), ..Report::empty(plan, false) }
    }
}

/// How `check` runs the reverted tree.
pub(crate) struct Run<'a> {
    pub build: &'a BuildArgs,
    pub seed: u64,
    pub jobs: usize,
    pub timeout_secs: u64,
}

/// Builds HEAD with the fix's model changes put back, runs the guarding fixed cells there, and
/// judges them with the head's own results (`head`: the gate's run of the same scenarios).
pub(crate) fn check(root: &Path, plan: &Plan, head: &[CellResult], run: &Run<'_>) -> Result<Report, String> {
    let tree = Worktree::add(root, &git::commit(root, "HEAD")?)?;
    let how = revert(root, tree.path(), plan)?;
    let bin = tree.build(run.build, &default_target(root)).map_err(|e| {
        format!("the head's scenarios do not build against the code before {}: {e}", git::short(&plan.fix))
    })?;
    let mut args: Vec<String> = vec!["run".into()];
    args.extend(plan.scenarios.iter().cloned());
    for (flag, value) in
        [("--variant", "fixed".to_owned()), ("--format", "json".into()), ("--seed", run.seed.to_string())]
    {
        args.extend([flag.to_owned(), value]);
    }
    args.extend(["--jobs".into(), run.jobs.to_string(), "--timeout".into(), run.timeout_secs.to_string()]);
    let before = run_json(&bin, tree.path(), &args)?;
    let mut cells = Vec::new();
    for now in head.iter().filter(|r| r.variant == "fixed" && plan.scenarios.contains(&r.scenario)) {
        let then = before.iter().find(|b| b.scenario == now.scenario && b.scheduler == now.scheduler);
        cells.push(judge(plan, then, now));
    }
    let ok = !cells.is_empty() && cells.iter().all(|c| c.ok);
    Ok(Report { cells, reverted_how: how.to_owned(), ..Report::empty(plan, ok) })
}

/// Undoes the fix's changes outside `scenarios/` and `tests/` in the worktree, and says how: its
/// diff reversed onto HEAD where that applies (what later commits changed in the same files,
/// a workspace manifest say, stays), else every such file as it was in the fix's parent.
fn revert(root: &Path, tree: &Path, plan: &Plan) -> Result<&'static str, String> {
    let mut diff = vec!["diff", "--binary", "--no-renames", plan.fix.as_str(), plan.parent.as_str(), "--"];
    diff.extend(plan.reverted.iter().map(String::as_str));
    let patch = git(root, &diff)?;
    let file = tempfile::NamedTempFile::new().map_err(|e| format!("cannot write the fix's reverse diff: {e}"))?;
    std::fs::write(file.path(), patch).map_err(|e| format!("cannot write the fix's reverse diff: {e}"))?;
    // `git apply` is all or nothing: on failure the tree is as it was.
    if git(tree, &["apply", &file.path().to_string_lossy()]).is_ok() {
        return Ok("the fix's diff undone");
    }
    let (mut existed, mut added) = (Vec::new(), Vec::new());
    for path in &plan.reverted {
        let spec = format!("{}:{path}", plan.parent);
        match git(root, &["cat-file", "-e", &spec]) {
            Ok(_) => existed.push(path.as_str()),
            Err(_) => added.push(path),
        }
    }
    if !existed.is_empty() {
        let mut args = vec!["checkout", plan.parent.as_str(), "--"];
        args.extend(existed);
        git(tree, &args).map_err(|e| format!("cannot put the code before the fix back: {e}"))?;
    }
    for path in added {
        let file = tree.join(path);
        if file.exists() {
            std::fs::remove_file(&file).map_err(|e| format!("cannot remove {}: {e}", file.display()))?;
        }
    }
    Ok("later commits touch the same lines, so the files as they were before the fix")
}

fn judge(plan: &Plan, before: Option<&CellResult>, now: &CellResult) -> Cell {
    let fix = git::short(&plan.fix);
    let outcome = |r: &CellResult| match r.verdict {
        Verdict::Detected => format!("detected at {}", r.schedules),
        Verdict::Held => format!("held over {}", r.schedules),
        other => other.to_string(),
    };
    let held_at_head = now.verdict == Verdict::Held && now.ok;
    let (ok, reason) = match before {
        None => (false, format!("the cell does not run before {fix}")),
        Some(b) if b.verdict == Verdict::Held => (
            false,
            format!(
                "toothless: held over {} against the code before {fix}: this test would not have caught the bug",
                b.schedules
            ),
        ),
        Some(b) if b.verdict != Verdict::Detected => (
            false,
            format!("could not tell: before {fix} the cell gave {}: {}", b.verdict, b.failure.as_deref().unwrap_or("")),
        ),
        Some(b) if !matches!(b.caught_by, Some(CaughtBy::Safety | CaughtBy::Deadlock)) => {
            (false, format!("before {fix} only the liveness check failed: {}", b.failure.as_deref().unwrap_or("")))
        }
        Some(_) if !held_at_head => (false, format!("not held at head: {}", now.failure.as_deref().unwrap_or(""))),
        Some(b) => {
            let by = b.caught_by.map_or("", |c| c.as_str());
            (true, format!("detected at schedule {} before {fix} (caught by {by}), held at head", b.schedules))
        }
    };
    Cell {
        scenario: now.scenario.clone(),
        cell: now.scheduler.clone(),
        before_fix: before.map_or("-".into(), outcome),
        at_head: outcome(now),
        ok,
        reason,
    }
}
