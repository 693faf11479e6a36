//! Another commit, built: a temporary `git worktree` (removed on every way out: success, error,
//! panic, and Ctrl-C or SIGTERM, which end the build or run it waits for and so come back here as
//! an error) and the racetrack binary built there with cargo.
//!
//! Builds share one target directory (`--target-dir`, default `racetrack-gate` inside
//! `$CARGO_TARGET_DIR` or `target/`), so dependencies are compiled once and kept between gate
//! runs; each worktree's own crates build anew (their path is new). The built binary is copied
//! out of the shared directory before it runs, so a later build cannot swap it.

use super::args::BuildArgs;
use super::git::{self, git};
use crate::outcome::CellResult;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;

/// Set when Ctrl-C or SIGTERM arrived: the step in progress fails and the worktree goes.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// A checkout of one commit in a directory of its own, removed when dropped.
pub(crate) struct Worktree {
    repo: PathBuf,
    path: PathBuf,
    /// Holds the directory (worktree and copied binaries); removed with it.
    _dir: tempfile::TempDir,
}

impl Worktree {
    /// Checks `commit` out (detached) into a new temporary directory.
    pub fn add(repo: &Path, commit: &str) -> Result<Worktree, String> {
        static HANDLER: Once = Once::new();
        // Being interrupted must still remove the worktree: the signal only marks it, and the
        // build or run it interrupts (same process group) fails back to here.
        HANDLER.call_once(|| {
            let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
        });
        let _ = git(repo, &["worktree", "prune"]); // what an earlier, killed gate left behind
        let dir = tempfile::Builder::new()
            .prefix("racetrack-gate-")
            .tempdir()
            .map_err(|e| format!("cannot make a temporary directory: {e}"))?;
        let path = dir.path().join("tree");
        let shown = path.to_string_lossy().into_owned();
        git(repo, &["worktree", "add", "--detach", "--quiet", &shown, commit])
            .map_err(|e| format!("cannot check {} out into a worktree: {e}", git::short(commit)))?;
        Ok(Worktree { repo: repo.to_owned(), path, _dir: dir })
    }

    /// The checkout.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Builds the racetrack binary there and returns a copy of it, outside the shared target dir.
    pub fn build(&self, build: &BuildArgs, default_target: &Path) -> Result<PathBuf, String> {
        check_interrupted()?;
        let (profile, bin) = (profile(build), bin(build)?);
        let target = build.target_dir.clone().unwrap_or_else(|| default_target.join("racetrack-gate"));
        eprintln!(
            "racetrack gate: building {bin} ({profile}) in {} (target {})",
            self.path.display(),
            target.display()
        );
        let mut child = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .args([
                "build",
                "--locked",
                "--profile",
                &profile,
                "--bin",
                &bin,
                "--message-format=json-render-diagnostics",
            ])
            .current_dir(&self.path)
            .env("CARGO_TARGET_DIR", &target)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        let mut executable = None;
        for line in std::io::BufReader::new(child.stdout.take().expect("piped stdout")).lines().map_while(Result::ok) {
            let Ok(message) = serde_json::from_str::<serde_json::Value>(&line) else { continue };
            if message["reason"] == "compiler-artifact" && message["target"]["name"] == bin.as_str() {
                executable = message["executable"].as_str().map(PathBuf::from).or(executable);
            }
        }
        let status = child.wait().map_err(|e| format!("lost cargo: {e}"))?;
        check_interrupted()?;
        let built = match (status.success(), executable) {
            (true, Some(path)) => path,
            (true, None) => return Err(format!("cargo built no binary named '{bin}' (pass --bin)")),
            (false, _) => {
                return Err(format!("cargo build of {} failed ({status}; its errors are above)", self.path.display()))
            }
        };
        let copy = self._dir.path().join(&bin);
        std::fs::copy(&built, &copy).map_err(|e| format!("cannot copy {}: {e}", built.display()))?;
        Ok(copy)
    }
}

impl Drop for Worktree {
    fn drop(&mut self) {
        let shown = self.path.to_string_lossy().into_owned();
        if git(&self.repo, &["worktree", "remove", "--force", &shown]).is_err() {
            let _ = std::fs::remove_dir_all(&self.path);
            let _ = git(&self.repo, &["worktree", "prune"]);
        }
    }
}

fn check_interrupted() -> Result<(), String> {
    if INTERRUPTED.load(Ordering::SeqCst) {
        Err("interrupted".to_owned())
    } else {
        Ok(())
    }
}

/// The profile: `--profile`, or the one this binary was built with (the name of its directory in
/// a cargo target directory, which cargo marks with `CACHEDIR.TAG`); else release.
fn profile(build: &BuildArgs) -> String {
    build.profile.clone().unwrap_or_else(|| {
        let exe = std::env::current_exe().ok();
        let dir = exe.as_ref().and_then(|e| e.parent());
        let in_target = dir.and_then(|d| d.parent()).is_some_and(|t| t.join("CACHEDIR.TAG").exists());
        match dir.and_then(|d| d.file_name()).and_then(|n| n.to_str()) {
            Some("debug") if in_target => "dev".to_owned(),
            Some(name) if in_target && name != "deps" => name.to_owned(),
            _ => "release".to_owned(),
        }
    })
}

/// The binary: `--bin`, or this binary's name.
fn bin(build: &BuildArgs) -> Result<String, String> {
    if let Some(bin) = &build.bin {
        return Ok(bin.clone());
    }
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this binary: {e}"))?;
    exe.file_stem().and_then(|s| s.to_str()).map(str::to_owned).ok_or_else(|| "this binary has no name".to_owned())
}

/// The target directory a default `--target-dir` goes into: `$CARGO_TARGET_DIR`, or `target/`
/// at the repository's top.
pub(crate) fn default_target(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(|d| root.join(d)).unwrap_or_else(|| root.join("target"))
}

/// Runs `bin ARGS` in `dir` and parses the `{"ok", "results"}` document it prints.
pub(crate) fn run_json(bin: &Path, dir: &Path, args: &[String]) -> Result<Vec<CellResult>, String> {
    check_interrupted()?;
    let output = Command::new(bin)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    check_interrupted()?;
    parse_results(&String::from_utf8_lossy(&output.stdout))
        .map_err(|e| format!("{} {} gave no results ({}): {e}", bin.display(), args.join(" "), output.status))
}

/// The results of a `run --format json` document (or of a `gate --format json` one).
pub(crate) fn parse_results(text: &str) -> Result<Vec<CellResult>, String> {
    let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    serde_json::from_value(doc["results"].clone()).map_err(|e| e.to_string())
}
