//! `racetrack baseline` and `racetrack gate` end to end, on the cheap `fixture-lost-update` pair
//! and a baseline in a temporary directory: every weakening fails naming the cell and the reason
//! until the baseline says so; a base of the same tree is all unchanged; bad inputs exit 2.

use crate::{racetrack, stdout};
use libtest_mimic::{Failed, Trial};
use serde_json::{json, Value};
use std::path::Path;

const PAIR: &str = "fixture-lost-update";

pub(crate) fn check(ok: bool, what: impl Into<String>) -> Result<(), Failed> {
    if ok {
        Ok(())
    } else {
        Err(what.into().into())
    }
}

pub(crate) fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let o = racetrack(args);
    (o.status.code(), stdout(&o), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn write_baseline(file: &Path) -> Result<String, Failed> {
    let (code, out, err) = run(&["baseline", PAIR, "--baseline", &file.to_string_lossy()]);
    check(code == Some(0), format!("baseline exit {code:?}: {out}{err}"))?;
    Ok(out)
}

fn gate(file: &Path, extra: &[&str]) -> (Option<i32>, String, String) {
    let path = file.to_string_lossy().into_owned();
    let mut args = vec!["gate", PAIR, "--baseline", &path];
    args.extend(extra);
    run(&args)
}

/// Lowering a budget, removing a scheduler and deleting a pinned snapshot each fail the gate
/// naming the cell and the reason; `racetrack baseline` then shows the change and the gate passes.
fn weakening_fails_naming_each_cell_until_the_baseline_says_so() -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("baseline.json");
    write_baseline(&file)?;
    let (code, out, _) = gate(&file, &[]);
    check(code == Some(0) && out.contains("nothing changed"), format!("a fresh baseline must pass: {code:?}\n{out}"))?;

    // What the tree would look like to a baseline written before three weakenings of the code.
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&file)?)?;
    let cells = doc["cells"].as_array_mut().ok_or("no cells")?;
    let loom_fixed =
        cells.iter_mut().find(|c| c["cell"] == "loom" && c["variant"] == "fixed").ok_or("no loom fixed cell")?;
    loom_fixed["budget"]["schedules"] = json!(1000); // the code now says 100: a lower budget
    let mut dropped =
        cells.iter().find(|c| c["cell"] == "shuttle-pct" && c["variant"] == "fixed").ok_or("no pct")?.clone();
    dropped["cell"] = json!("shuttle-random"); // the code no longer runs shuttle-random
    cells.push(dropped);
    doc["snapshots"] = json!([{
        "cell": "shuttle-pct",
        "file": "scenarios/fixture-lost-update/tests/snapshots/scenario__snapshots__shuttle_pct_buggy_trace.snap",
        "scenario": PAIR,
        "sha256": "00"
    }]); // …and its pinned snapshot was deleted
    std::fs::write(&file, serde_json::to_string_pretty(&doc)?)?;

    let (code, out, _) = gate(&file, &[]);
    check(code == Some(1), format!("a weaker tree must exit 1, got {code:?}\n{out}"))?;
    for expected in [
        "✗ fixture-lost-update · loom · fixed: budget lowered: 1000 → 100",
        "✗ fixture-lost-update · shuttle-random: scheduler shuttle-random missing",
        "✗ fixture-lost-update · shuttle-pct: pinned snapshot deleted: scenarios/fixture-lost-update/tests/snapshots/",
        "GATE FAILED",
    ] {
        check(out.contains(expected), format!("the gate should say '{expected}':\n{out}"))?;
    }

    let diff = write_baseline(&file)?;
    for expected in [
        "-        \"schedules\": 1000",
        "+        \"schedules\": 100",
        "-      \"cell\": \"shuttle-random\"",
        "-      \"sha256\": \"00\"",
    ] {
        check(diff.contains(expected), format!("the baseline diff should show '{expected}':\n{diff}"))?;
    }
    let (code, out, _) = gate(&file, &[]);
    check(code == Some(0), format!("once the baseline says so the gate passes, got {code:?}\n{out}"))
}

/// A base whose results are the same tree's is an all-unchanged delta, and the gate passes.
fn a_base_of_the_same_tree_is_all_unchanged() -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("baseline.json");
    write_baseline(&file)?;
    let base = dir.path().join("base.json");
    let (code, _, err) = run(&["run", PAIR, "--format", "json", "--out", &base.to_string_lossy()]);
    check(code == Some(0), format!("run: {code:?} {err}"))?;
    let (code, out, _) = gate(&file, &["--base-result", &base.to_string_lossy()]);
    check(code == Some(0), format!("exit {code:?}\n{out}"))?;
    check(
        out.contains("4 cells: 0 added, 0 removed, 0 flipped, 0 budgets changed, 0 detections moved, 0 traces changed, 4 unchanged"),
        format!("the delta should be all unchanged:\n{out}"),
    )?;
    check(out.matches("unchanged").count() >= 5, format!("every cell is a row:\n{out}"))
}

/// The gate's Markdown (the PR summary) has the verdict and one mermaid diagram per detection.
fn gate_markdown_has_the_verdict_and_the_pictures() -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("baseline.json");
    write_baseline(&file)?;
    let (code, out, _) = gate(&file, &["--format", "markdown"]);
    check(code == Some(0), format!("exit {code:?}"))?;
    check(out.starts_with("## racetrack gate\n\n**✓ gate passed"), format!("verdict first:\n{out}"))?;
    check(out.matches("```mermaid\nsequenceDiagram").count() == 2, format!("two detections, two diagrams:\n{out}"))
}

/// `run --variant buggy --format markdown`: one mermaid diagram per detection, pinned (the
/// Detections section; the figures around it hold wall-clock times).
fn run_markdown_pins_one_diagram_per_detection() -> Result<(), Failed> {
    let (code, out, err) = run(&["run", PAIR, "--variant", "buggy", "--format", "markdown"]);
    check(code == Some(0), format!("exit {code:?}: {err}"))?;
    let detections = out
        .split("### Detections\n\n")
        .nth(1)
        .and_then(|s| s.split("\n### Figures").next())
        .ok_or("no Detections section")?;
    check(detections.matches("```mermaid").count() == 2, format!("two detections, two diagrams:\n{detections}"))?;
    racetrack::__insta::assert_snapshot!("fixture_lost_update_buggy_markdown_detections", detections);
    Ok(())
}

fn usage_errors_exit_2_naming_the_input() -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("baseline.json");
    write_baseline(&file)?;
    let baseline = file.to_string_lossy().into_owned();
    let cases: [(&[&str], &str); 7] = [
        (&["gate", PAIR, "--baseline", &baseline, "--base", "no-such-ref-7f3"], "no-such-ref-7f3"),
        (&["gate", PAIR, "--baseline", "/no/such/baseline.json"], "/no/such/baseline.json"),
        (&["gate", PAIR, "--baseline", &baseline, "--base-result", "/no/such/base.json"], "/no/such/base.json"),
        (&["gate", PAIR, "--baseline", &baseline, "--teeth", "no-such-commit-7f3"], "no-such-commit-7f3"),
        (&["run", PAIR, "--shard", "5/4"], "5/4"),
        (&["run", PAIR, "--shard", "two"], "two"),
        (&["merge", "/no/such/shard.json"], "/no/such/shard.json"),
    ];
    for (args, name) in cases {
        let (code, _, err) = run(args);
        check(code == Some(2), format!("{args:?} must exit 2, got {code:?}: {err}"))?;
        check(err.contains(name), format!("{args:?}: the error should name '{name}': {err}"))?;
        check(err.trim().lines().count() <= 3, format!("{args:?}: the error should be short: {err}"))?;
    }
    Ok(())
}

pub(crate) fn trials() -> Vec<Trial> {
    vec![
        Trial::test(
            "gate::weakening_fails_naming_each_cell_until_the_baseline_says_so",
            weakening_fails_naming_each_cell_until_the_baseline_says_so,
        ),
        Trial::test("gate::a_base_of_the_same_tree_is_all_unchanged", a_base_of_the_same_tree_is_all_unchanged),
        Trial::test(
            "gate::gate_markdown_has_the_verdict_and_the_pictures",
            gate_markdown_has_the_verdict_and_the_pictures,
        ),
        Trial::test("gate::usage_errors_exit_2_naming_the_input", usage_errors_exit_2_naming_the_input),
        Trial::test("gate::run_markdown_pins_one_diagram_per_detection", run_markdown_pins_one_diagram_per_detection),
    ]
}
