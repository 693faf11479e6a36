//! The few git questions the gate asks, through the `git` command (what CI and developers have).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs `git ARGS` in `dir` and returns its stdout, or the first line of what it said.
pub(crate) fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let output =
        Command::new("git").arg("-C").arg(dir).args(args).output().map_err(|e| format!("cannot run git: {e}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        let said = String::from_utf8_lossy(&output.stderr);
        Err(said.lines().find(|l| !l.trim().is_empty()).unwrap_or("git failed").trim().to_owned())
    }
}

/// The top of the repository `dir` is in (the directory itself outside one).
pub(crate) fn root(dir: &Path) -> PathBuf {
    git(dir, &["rev-parse", "--show-toplevel"]).map(|s| PathBuf::from(s.trim())).unwrap_or_else(|_| dir.to_owned())
}

/// The commit `reference` names, in full; the error names the reference.
pub(crate) fn commit(root: &Path, reference: &str) -> Result<String, String> {
    let spec = format!("{reference}^{{commit}}");
    git(root, &["rev-parse", "--verify", "--quiet", &spec])
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| format!("'{reference}' is not a commit in {}: expected a branch, tag or sha", root.display()))
}

/// The paths a commit changed relative to its first parent (renames as a delete and an add).
pub(crate) fn changed_paths(root: &Path, parent: &str, commit: &str) -> Result<Vec<String>, String> {
    let out = git(root, &["diff", "--name-only", "--no-renames", parent, commit])?;
    Ok(out.lines().filter(|l| !l.is_empty()).map(str::to_owned).collect())
}

/// The trailer `key` of a commit's message (`Teeth: a b`), if it has one.
pub(crate) fn trailer(root: &Path, commit: &str, key: &str) -> Result<Option<String>, String> {
    let format = format!("--format=%(trailers:key={key},valueonly,separator=%x20)");
    let out = git(root, &["show", "-s", &format, commit])?;
    Ok(Some(out.trim().to_owned()).filter(|s| !s.is_empty()))
}

/// The short form of a sha, for reports.
pub(crate) fn short(sha: &str) -> &str {
    &sha[..sha.len().min(10)]
}
