//! `racetrack gate --teeth` in both directions, in a scratch repository an outside team could have:
//! a model crate, a crate of guard scenarios with its own racetrack binary (racetrack as a path
//! dependency), and two commits — the base, whose `visit` loads then stores (a lost update), and
//! the fix, which makes it a `fetch_add` and adds the scenario that guards it.
//!
//! - `--teeth FIX fixture-counted` passes: against the code before the fix the guard is detected,
//!   at head it holds;
//! - `--teeth FIX fixture-untouched` fails: that scenario's code path (`limit`) the fix never
//!   touched, so it holds before the fix too: a toothless regression test.
//!
//! The scratch build shares this test binary's target directory (its dependencies are already
//! built there), so only the two fixture crates compile, once for the head and once per gate.

use crate::gate::check;
use libtest_mimic::{Failed, Trial};
use std::path::{Path, PathBuf};
use std::process::Command;

const MODEL_BEFORE: &str = r#"//! A visit counter.
use racetrack_sync::{AtomicUsize, Ordering};

/// Counts one visit.
pub fn visit(count: &AtomicUsize) {
    let seen = count.load(Ordering::SeqCst);
    count.store(seen + 1, Ordering::SeqCst);
}

/// The visit limit (configuration: never racy).
pub fn limit() -> usize {
    2
}
"#;

const SCENARIOS: &str = r#"//! Guards on the visit counter.
use racetrack::sync::{thread, Arc, AtomicUsize, Ordering};
use racetrack::{Budget, Scenario, SchedulerId::Loom, Variant};

fn untouched(_: Variant) {
    let other = thread::spawn(teeth_fixture_model::limit);
    let mine = teeth_fixture_model::limit();
    racetrack::safety!(other.join().unwrap() == mine, "two threads read different limits");
}

/// Guards `limit`, which no fix here touches.
pub const UNTOUCHED: Scenario = Scenario::new("fixture-untouched", "the limit reads the same everywhere")
    .oracles("every thread reads one limit", "")
    .guard()
    .threads(&untouched)
    .schedulers(&[(Loom, Budget::schedules(100))]);
"#;

const GUARD: &str = r#"
fn counted(_: Variant) {
    let count = Arc::new(AtomicUsize::new(0));
    let other = {
        let count = Arc::clone(&count);
        thread::spawn(move || teeth_fixture_model::visit(&count))
    };
    teeth_fixture_model::visit(&count);
    other.join().unwrap();
    let n = count.load(Ordering::SeqCst);
    racetrack::safety!(n == 2, "a visit was lost: {n} of 2 counted");
}

/// Guards the fix of `visit`.
pub const COUNTED: Scenario = Scenario::new("fixture-counted", "no visit is lost")
    .oracles("two visits count two", "")
    .guard()
    .threads(&counted)
    .schedulers(&[(Loom, Budget::schedules(100))]);
"#;

fn write(path: &Path, text: &str) -> Result<(), Failed> {
    std::fs::create_dir_all(path.parent().ok_or("no parent")?)?;
    std::fs::write(path, text)?;
    Ok(())
}

fn sh(dir: &Path, program: &str, args: &[&str]) -> Result<String, Failed> {
    let o = Command::new(program).args(args).current_dir(dir).env("CARGO_NET_OFFLINE", "true").output()?;
    let said = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    check(o.status.success(), format!("{program} {args:?} in {}: {said}", dir.display()))?;
    Ok(said)
}

fn commit(dir: &Path, message: &str) -> Result<(), Failed> {
    sh(dir, "git", &["add", "-A"])?;
    sh(dir, "git", &["-c", "user.name=fixture", "-c", "user.email=fixture@example.invalid", "commit", "-qm", message])?;
    Ok(())
}

/// The target directory this test binary was built into (`<target>/<profile>/deps/gate-…`).
fn target_dir() -> Result<PathBuf, Failed> {
    let exe = std::env::current_exe()?;
    Ok(exe.ancestors().nth(3).ok_or("no target directory above the test binary")?.to_owned())
}

/// The scratch repository (`<dir>/repo`) at the fix commit, and a copy of its racetrack binary.
fn scratch(top: &Path) -> Result<PathBuf, Failed> {
    let dir = &top.join("repo");
    let root = std::fs::canonicalize(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."))?;
    let path = |p: &str| root.join(p).to_string_lossy().into_owned();
    write(&dir.join("Cargo.toml"), "[workspace]\nresolver = \"2\"\nmembers = [\"model\", \"scenarios/fixtures\"]\n")?;
    write(
        &dir.join("model/Cargo.toml"),
        &format!("[package]\nname = \"teeth-fixture-model\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nracetrack-sync = {{ path = \"{}\" }}\n", path("sync")),
    )?;
    write(
        &dir.join("scenarios/fixtures/Cargo.toml"),
        &format!(
            "[package]\nname = \"teeth-fixtures\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[[bin]]\nname = \"teeth-racetrack\"\npath = \"src/main.rs\"\n\n\
             [dependencies]\nracetrack = {{ path = \"{}\" }}\nteeth-fixture-model = {{ path = \"../../model\" }}\n",
            path("harness")
        ),
    )?;
    write(&dir.join("model/src/lib.rs"), MODEL_BEFORE)?;
    write(
        &dir.join("scenarios/fixtures/src/main.rs"),
        "fn main() -> std::process::ExitCode {\n    racetrack::cli::main(teeth_fixtures::ALL)\n}\n",
    )?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    std::fs::write(dir.join(".gitignore"), "/target\n")?;
    let registry = "\n/// Every scenario.\npub const ALL: &[Scenario] = &[UNTOUCHED];\n";
    std::fs::write(dir.join("scenarios/fixtures/src/lib.rs"), format!("{SCENARIOS}{registry}"))?;
    sh(dir, "cargo", &["metadata", "--offline", "--format-version", "1"])?; // completes Cargo.lock
    sh(dir, "git", &["init", "-q"])?;
    commit(dir, "a visit counter and a guard on its limit")?;

    // The fix: `visit` becomes one atomic step, and a guard scenario comes with it.
    let fixed = MODEL_BEFORE.replace(
        "    let seen = count.load(Ordering::SeqCst);\n    count.store(seen + 1, Ordering::SeqCst);\n",
        "    count.fetch_add(1, Ordering::SeqCst);\n",
    );
    std::fs::write(dir.join("model/src/lib.rs"), fixed)?;
    let registry = "\n/// Every scenario.\npub const ALL: &[Scenario] = &[UNTOUCHED, COUNTED];\n";
    std::fs::write(dir.join("scenarios/fixtures/src/lib.rs"), format!("{SCENARIOS}{GUARD}{registry}"))?;
    let target = target_dir()?.to_string_lossy().into_owned();
    let built = Command::new("cargo")
        .args(["build", "--offline", "--locked", "--bin", "teeth-racetrack", "--message-format=short"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", &target)
        .output()?;
    check(built.status.success(), format!("the scratch build failed: {}", String::from_utf8_lossy(&built.stderr)))?;
    // A copy: a gate's own worktree build lands on the same path in the shared target directory.
    let bin = top.join("teeth-racetrack");
    std::fs::copy(Path::new(&target).join("debug/teeth-racetrack"), &bin)?;
    sh(dir, &bin.to_string_lossy(), &["baseline"])?;
    commit(dir, "visit: fetch_add, not load-then-store (a lost update); fixture-counted guards it")?;
    Ok(bin)
}

fn gate_teeth(dir: &Path, bin: &Path, scenario: &str) -> Result<(Option<i32>, String), Failed> {
    let target = target_dir()?.to_string_lossy().into_owned();
    let o = Command::new(bin)
        .args(["gate", "--teeth", "HEAD", scenario, "--target-dir", &target, "--profile", "dev"])
        .current_dir(dir)
        .env("CARGO_NET_OFFLINE", "true")
        .output()?;
    Ok((o.status.code(), format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))))
}

fn teeth_pass_for_a_real_fix_and_fail_for_an_untouched_path() -> Result<(), Failed> {
    let top = tempfile::tempdir()?;
    let bin = scratch(top.path())?;
    let dir = top.path().join("repo");
    let (code, out) = gate_teeth(&dir, &bin, "fixture-counted")?;
    println!("{out}");
    check(code == Some(0), format!("a guard of a real fix has teeth, exit {code:?}:\n{out}"))?;
    check(out.contains("✓ fixture-counted · loom · fixed") && out.contains("detected at schedule"), out.clone())?;
    check(
        out.contains(": ci/racetrack-baseline.json, model/src/lib.rs put back"),
        format!("the report names what it put back:\n{out}"),
    )?;

    let (code, out) = gate_teeth(&dir, &bin, "fixture-untouched")?;
    println!("{out}");
    check(code == Some(1), format!("a guard the fix never touched is toothless, exit {code:?}:\n{out}"))?;
    check(out.contains("✗ fixture-untouched · loom · fixed") && out.contains("toothless: held over"), out.clone())?;
    let worktrees = sh(&dir, "git", &["worktree", "list"])?;
    check(worktrees.lines().count() == 1, format!("every temporary worktree is removed: {worktrees}"))
}

pub(crate) fn trials() -> Vec<Trial> {
    vec![Trial::test(
        "teeth::pass_for_a_real_fix_and_fail_for_an_untouched_path",
        teeth_pass_for_a_real_fix_and_fail_for_an_untouched_path,
    )]
}
