//! `run --shard k/n` and `merge` end to end: four shards explore four times one shard's
//! schedules, in disjoint adjacent slices, for a seeded engine (tokio-paused, turmoil), a seeded
//! shuttle strategy and loom (which walks); and a detection that only shard 3 owns merges into a
//! failing verdict whose token replays.

use crate::gate::{check, run};
use libtest_mimic::{Failed, Trial};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Runs `args` once per shard of 4 (`--shard k/4 --format json`) and returns the result files.
fn shards(dir: &Path, args: &[&str]) -> Result<Vec<PathBuf>, Failed> {
    let mut files = Vec::new();
    for k in 1..=4 {
        let file = dir.join(format!("shard-{k}.json"));
        let shard = format!("{k}/4");
        let mut all: Vec<&str> = vec!["run"];
        all.extend(args);
        let out = file.to_string_lossy().into_owned();
        all.extend(["--shard", &shard, "--format", "json", "--out", &out]);
        let (code, _, err) = run(&all);
        check(matches!(code, Some(0 | 1)), format!("{all:?}: exit {code:?}: {err}"))?;
        files.push(file);
    }
    Ok(files)
}

fn results(file: &Path) -> Result<Vec<Value>, Failed> {
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(file)?)?;
    Ok(doc["results"].as_array().cloned().unwrap_or_default())
}

fn merged(files: &[PathBuf]) -> Result<(Option<i32>, Vec<Value>), Failed> {
    let mut args = vec!["merge".to_owned()];
    args.extend(files.iter().map(|f| f.to_string_lossy().into_owned()));
    args.extend(["--format".into(), "json".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, out, err) = run(&args);
    let doc: Value = serde_json::from_str(&out).map_err(|e| format!("merge printed no JSON ({e}): {out}{err}"))?;
    Ok((code, doc["results"].as_array().cloned().unwrap_or_default()))
}

fn four_shards_explore_four_times_one_none_twice() -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    // shutdown-send-lock: tokio-paused and turmoil (seeds), shuttle-random and -pct (streams).
    let mut files = shards(dir.path(), &["shutdown-send-lock", "--variant", "fixed", "--budget", "3"])?;
    let late = tempfile::tempdir()?;
    files.extend(shards(late.path(), &["fixture-late-bug", "--budget", "5"])?); // loom, walking; 20 < 25
    let (code, cells) = merged(&files)?;
    check(code == Some(0), format!("every fixed cell held, so the merge passes: {code:?}"))?;
    check(cells.len() == 5, format!("four shutdown-send-lock cells and one loom cell: {cells:#?}"))?;
    let first: Vec<Value> = results(&files[0])?.into_iter().chain(results(&files[4])?).collect();
    for cell in &cells {
        let name = format!("{} · {}", cell["scenario"], cell["scheduler"]);
        let one = first
            .iter()
            .find(|r| r["scheduler"] == cell["scheduler"] && r["scenario"] == cell["scenario"])
            .ok_or("no shard 1")?;
        let n = one["schedules"].as_u64().unwrap_or(0);
        check(
            cell["schedules"].as_u64() == Some(4 * n) && n > 0,
            format!("{name}: merged {} vs 4 × {n}", cell["schedules"]),
        )?;
        check(
            cell["shard"]["first"] == 1 && cell["shard"]["last"].as_u64() == Some(4 * n),
            format!("{name}: {}", cell["shard"]),
        )?;
    }
    // The slices tile: shard k owns (k-1)·B+1 ..= k·B, and seeded engines say which seeds they ran.
    for (k, file) in files[..4].iter().enumerate() {
        for r in results(file)? {
            let (first, last) = (k as u64 * 3 + 1, k as u64 * 3 + 3);
            check(
                r["shard"]["first"].as_u64() == Some(first) && r["shard"]["last"].as_u64() == Some(last),
                format!("shard {}: {}", k + 1, r["shard"]),
            )?;
            if r["scheduler"] == "tokio-paused" {
                let bound = r["bound"].as_str().unwrap_or("");
                check(bound.starts_with(&format!("seeds {first}..={last}")), format!("shard {}: {bound}", k + 1))?;
            }
        }
    }
    // loom walks: shard k ran (k-1)·5 executions before its own five.
    for (k, file) in files[4..].iter().enumerate() {
        let r = &results(file)?[0];
        check(
            r["shard"]["walked"].as_u64() == Some(k as u64 * 5) && r["schedules"] == 5,
            format!("loom shard {}: {r}", k + 1),
        )?;
    }
    Ok(())
}

/// The soak's case: a guard (or a fixed cell) that only a later shard catches fails the merged
/// verdict, with a token that replays.
fn a_detection_in_one_shard_merges_into_a_failing_verdict_that_replays() -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    let files = shards(dir.path(), &["fixture-late-bug"])?;
    let verdicts: Vec<Value> =
        files.iter().map(|f| Ok(results(f)?[0]["verdict"].clone())).collect::<Result<_, Failed>>()?;
    // Shards 1 and 2 never reach schedule 25; shard 3 owns it; shard 4 walks through it.
    check(verdicts == ["held", "held", "detected", "detected"], format!("per shard: {verdicts:?}"))?;
    let (code, cells) = merged(&files)?;
    let cell = &cells[0];
    check(code == Some(1) && cell["verdict"] == "detected" && cell["ok"] == false, format!("merged: {code:?} {cell}"))?;
    check(cell["schedules"] == 25 && cell["shard"]["detected_at"] == 25, format!("merged: {cell}"))?;
    let token = cell["replay"].as_str().ok_or("no token")?;
    check(token == "rt1:fixture-late-bug:loom:fixed:1:pbx-i25", format!("token {token}"))?;
    let (code, out, _) = run(&["replay", token]);
    check(
        code == Some(0) && out.contains("reproduced: safety oracle violated: schedule 25"),
        format!("replay: {code:?}\n{out}"),
    )
}

pub(crate) fn trials() -> Vec<Trial> {
    vec![
        Trial::test(
            "shard::four_shards_explore_four_times_one_none_twice",
            four_shards_explore_four_times_one_none_twice,
        ),
        Trial::test(
            "shard::a_detection_in_one_shard_merges_into_a_failing_verdict_that_replays",
            a_detection_in_one_shard_merges_into_a_failing_verdict_that_replays,
        ),
    ]
}
