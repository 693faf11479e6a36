//! The command line end to end: exit codes, usage errors naming the bad input, JSON schema,
//! and isolation (an aborting or hanging cell becomes a verdict).

use crate::{racetrack, stdout};
use libtest_mimic::{Failed, Trial};

fn check(ok: bool, what: impl Into<String>) -> Result<(), Failed> {
    if ok {
        Ok(())
    } else {
        Err(what.into().into())
    }
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json_follows_the_schema() -> Result<(), Failed> {
    let first = racetrack_cli::SCENARIOS[0].id;
    let o = racetrack(&["run", first, "--format", "json"]);
    check(o.status.code() == Some(0), format!("exit {:?}: {}", o.status.code(), stderr(&o)))?;
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o))?;
    check(doc["ok"] == true, "ok must be true")?;
    let results = doc["results"].as_array().ok_or("results must be an array")?;
    check(!results.is_empty(), "no results")?;
    for r in results {
        for key in [
            "scenario",
            "scheduler",
            "variant",
            "expected",
            "verdict",
            "ok",
            "schedules",
            "exhaustive",
            "elapsed_ms",
            "failure",
            "replay",
        ] {
            check(r.get(key).is_some(), format!("result lacks '{key}': {r}"))?;
        }
        let expected = if r["variant"] == "buggy" { "detected" } else { "held" };
        check(r["expected"] == expected && r["verdict"] == expected, format!("cell missed: {r}"))?;
    }
    Ok(())
}

fn table_and_markdown_show_the_matrix() -> Result<(), Failed> {
    let first = racetrack_cli::SCENARIOS[0].id;
    for format in ["table", "markdown"] {
        let o = racetrack(&["run", first, "--format", format]);
        let text = stdout(&o);
        check(o.status.code() == Some(0), format!("{format}: exit {:?}", o.status.code()))?;
        check(
            text.contains("detected at schedule") && text.contains("held over"),
            format!("{format}: no matrix:\n{text}"),
        )?;
        check(text.contains("racetrack replay rt1:"), format!("{format}: no replay line:\n{text}"))?;
    }
    Ok(())
}

fn toothless_scenario_fails_the_gate() -> Result<(), Failed> {
    let o = racetrack(&["run", "fixture-toothless", "--format", "json"]);
    check(o.status.code() == Some(1), format!("a toothless scenario must exit 1, got {:?}", o.status.code()))?;
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o))?;
    check(doc["ok"] == false, "ok must be false")?;
    check(
        doc["results"][0]["verdict"] == "held" && doc["results"][0]["ok"] == false,
        "buggy cell held, so it is not ok",
    )
}

fn aborting_cell_is_an_error_verdict() -> Result<(), Failed> {
    let o = racetrack(&["run", "fixture-aborts", "--variant", "buggy", "--format", "json"]);
    check(o.status.code() == Some(1), format!("exit {:?}", o.status.code()))?;
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o))?;
    check(doc["results"][0]["verdict"] == "error", format!("an aborted cell must be an error verdict: {doc}"))
}

fn hanging_cell_is_a_timeout_verdict() -> Result<(), Failed> {
    let o = racetrack(&["run", "fixture-hangs", "--variant", "fixed", "--timeout", "1", "--format", "json"]);
    check(o.status.code() == Some(1), format!("exit {:?}", o.status.code()))?;
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o))?;
    check(doc["results"][0]["verdict"] == "timeout", format!("a hung cell must be a timeout verdict: {doc}"))
}

fn usage_errors_exit_2_naming_the_input() -> Result<(), Failed> {
    let cases: [(&[&str], &[&str]); 6] = [
        (&["run", "no-such-race"], &["no-such-race", "known scenarios are", racetrack_cli::SCENARIOS[0].id]),
        (&["run", "--scheduler", "nope"], &["nope", "loom", "shuttle-pct"]),
        (&["replay", "not-a-token"], &["not-a-token", "rt1:<scenario>:<scheduler>"]),
        (&["replay", "rt1:no-such-race:loom:buggy:1:pb2-i1"], &["no-such-race", "known scenarios"]),
        (&["run", "--seed", "abc"], &["abc", "--seed"]),
        (&["stress", "no-such-race"], &["no-such-race"]),
    ];
    for (args, names) in cases {
        let o = racetrack(args);
        check(o.status.code() == Some(2), format!("{args:?} must exit 2, got {:?}", o.status.code()))?;
        let err = stderr(&o);
        for name in names {
            check(err.contains(name), format!("{args:?}: the error should mention '{name}': {err}"))?;
        }
        check(err.trim().lines().count() <= 3, format!("{args:?}: the usage error should be short: {err}"))?;
    }
    Ok(())
}

fn list_names_every_scenario() -> Result<(), Failed> {
    let o = racetrack(&["list", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o))?;
    for s in racetrack_cli::SCENARIOS {
        let found = doc.as_array().is_some_and(|a| a.iter().any(|e| e["id"] == s.id));
        check(found, format!("list lacks {}", s.id))?;
    }
    Ok(())
}

pub(crate) fn trials() -> Vec<Trial> {
    vec![
        Trial::test("cli::json_follows_the_schema", json_follows_the_schema),
        Trial::test("cli::table_and_markdown_show_the_matrix", table_and_markdown_show_the_matrix),
        Trial::test("cli::toothless_scenario_fails_the_gate", toothless_scenario_fails_the_gate),
        Trial::test("cli::aborting_cell_is_an_error_verdict", aborting_cell_is_an_error_verdict),
        Trial::test("cli::hanging_cell_is_a_timeout_verdict", hanging_cell_is_a_timeout_verdict),
        Trial::test("cli::usage_errors_exit_2_naming_the_input", usage_errors_exit_2_naming_the_input),
        Trial::test("cli::list_names_every_scenario", list_names_every_scenario),
    ]
}
