//! Reports of a `run`: the matrix (table or Markdown) and the JSON document.
//!
//! The matrix has one row per (scenario, scheduler): the buggy cell ("detected at schedule k")
//! and the fixed cell ("held over N"). Figures (wall time, schedules per second, virtual time)
//! come after it; they are the only part that varies between identical runs.

use super::args::Format;
use crate::outcome::{CellResult, Verdict};
use crate::scheduler::human;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

/// The report of `results` in `format`.
pub(crate) fn render(results: &[CellResult], wall: Duration, format: Format) -> String {
    match format {
        Format::Table => table(results, wall),
        Format::Json => json(results),
        Format::Markdown => markdown(results, wall),
    }
}

/// The JSON document of ARCHITECTURE.md's CLI contract: `{"ok": bool, "results": [...]}`.
pub(crate) fn json(results: &[CellResult]) -> String {
    let doc = serde_json::json!({ "ok": results.iter().all(|r| r.ok), "results": results });
    format!("{}\n", serde_json::to_string_pretty(&doc).expect("results serialize"))
}

/// What a cell shows in the matrix.
fn cell_text(r: &CellResult) -> String {
    let mark = if r.ok { "✓" } else { "✗" };
    let what = match r.verdict {
        Verdict::Detected => format!("detected at schedule {}", r.schedules),
        Verdict::Held => {
            let scope = match (r.exhaustive, &r.bound) {
                (true, Some(bound)) if bound != "unbounded" => format!(", exhaustive within {bound}"),
                (true, _) => ", exhaustive".to_owned(),
                (false, Some(bound)) => format!(", {bound}"),
                (false, None) => String::new(),
            };
            format!("held over {}{scope}", r.schedules)
        }
        Verdict::Error => "error".to_owned(),
        Verdict::Timeout => "timeout".to_owned(),
    };
    format!("{mark} {what}{}", r.shard.map(shard_text).unwrap_or_default())
}

/// Which slice of the cell's order a sharded result covered.
fn shard_text(s: crate::ShardRun) -> String {
    let walked = if s.walked > 0 { format!(", walked {}", s.walked) } else { String::new() };
    match s.index {
        0 => format!(" · {} shards, schedules {}..={}{walked}", s.count, s.first, s.last),
        k => format!(" · shard {k}/{}, schedules {}..={}{walked}", s.count, s.first, s.last),
    }
}

/// Rows of the matrix: (scenario, scheduler) → (buggy, fixed), in plan order.
pub(crate) fn matrix(results: &[CellResult]) -> Vec<(String, String, String, String)> {
    let mut order: Vec<(String, String)> = Vec::new();
    let mut cells: BTreeMap<(String, String, String), String> = BTreeMap::new();
    for r in results {
        let key = (r.scenario.clone(), r.scheduler.clone());
        if !order.contains(&key) {
            order.push(key);
        }
        cells.insert((r.scenario.clone(), r.scheduler.clone(), r.variant.clone()), cell_text(r));
    }
    let get = |s: &str, c: &str, v: &str| cells.get(&(s.into(), c.into(), v.into())).cloned().unwrap_or("-".into());
    order
        .into_iter()
        .map(|(s, c)| (get(&s, &c, "buggy"), get(&s, &c, "fixed"), s, c))
        .map(|(b, f, s, c)| (s, c, b, f))
        .collect()
}

pub(crate) fn summary(results: &[CellResult], wall: Duration) -> String {
    let failed = results.iter().filter(|r| !r.ok).count();
    let verdict = if failed == 0 { "every cell met its expectation" } else { "SOME CELLS DID NOT" };
    format!(
        "{} cells, {} ok, {failed} not ok in {:.1} s: {verdict}",
        results.len(),
        results.len() - failed,
        wall.as_secs_f64()
    )
}

fn figures(r: &CellResult) -> [String; 10] {
    let shrink = |text: fn(&crate::Shrunk) -> String| r.shrink.as_ref().map_or("-".into(), text);
    [
        r.scenario.clone(),
        r.scheduler.clone(),
        r.variant.clone(),
        r.schedules.to_string(),
        r.elapsed_ms.to_string(),
        format!("{:.0}", r.schedules_per_sec()),
        r.virtual_ms.map_or("-".into(), |v| human(Duration::from_millis(v))),
        r.strategy.clone().unwrap_or_else(|| "-".into()),
        shrink(crate::Shrunk::preemptions_text),
        shrink(crate::Shrunk::steps_text),
    ]
}

/// The figures of every cell; for a detection also which default strategy found it and its
/// shrink (`before → after`).
const FIGURE_HEADERS: [&str; 10] = [
    "scenario",
    "scheduler",
    "variant",
    "schedules",
    "wall ms",
    "schedules/s",
    "virtual",
    "found by",
    "preemptions",
    "steps",
];

/// Aligns rows of cells into columns separated by two spaces.
fn aligned(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let line: Vec<String> = row.iter().zip(&widths).map(|(cell, w)| format!("{cell:<w$}")).collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// Details for every detection (token) and every cell that missed its expectation.
fn details(results: &[CellResult]) -> String {
    let mut out = String::new();
    for r in results.iter().filter(|r| !r.ok || r.replay.is_some()) {
        let _ = writeln!(out, "{} · {} · {}: {}", r.scenario, r.scheduler, r.variant, r.verdict);
        if let Some(failure) = &r.failure {
            let _ = writeln!(out, "  {failure}");
        }
        if let Some(token) = &r.replay {
            let _ = writeln!(out, "  racetrack replay {token}");
        }
    }
    out
}

/// Details for Markdown: every detection (its message, replay line and its interleaving as a
/// mermaid diagram, see [`crate::trace::mermaid`]) and every cell that missed its expectation.
pub(crate) fn markdown_details(results: &[CellResult]) -> String {
    let mut out = String::new();
    for r in results.iter().filter(|r| !r.ok || r.replay.is_some()) {
        let mark = if r.ok { "✓" } else { "✗" };
        let _ = writeln!(out, "#### {mark} {} · {} · {}: {}\n", r.scenario, r.scheduler, r.variant, r.verdict);
        if let Some(failure) = &r.failure {
            let _ = writeln!(out, "{}\n", failure.replace('\n', " "));
        }
        if let Some(token) = &r.replay {
            let _ = writeln!(out, "`racetrack replay {token}`\n");
        }
        if let (Some(steps), Verdict::Detected) = (&r.steps, r.verdict) {
            let diagram = crate::trace::mermaid::sequence_diagram(steps, r.failure.as_deref().unwrap_or(""));
            let _ = writeln!(out, "```mermaid\n{diagram}```\n");
        }
    }
    out
}

/// The terminal report.
pub(crate) fn table(results: &[CellResult], wall: Duration) -> String {
    let mut rows = vec![vec!["scenario".into(), "scheduler".into(), "buggy".into(), "fixed".into()]];
    rows.extend(matrix(results).into_iter().map(|(s, c, b, f)| vec![s, c, b, f]));
    let mut out = aligned(&rows);
    out.push('\n');
    out.push_str(&details(results));
    out.push('\n');
    let mut figure_rows = vec![FIGURE_HEADERS.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    figure_rows.extend(results.iter().map(|r| figures(r).to_vec()));
    out.push_str(&aligned(&figure_rows));
    out.push('\n');
    out.push_str(&summary(results, wall));
    out.push('\n');
    out
}

/// The Markdown report (GitHub job summary).
pub(crate) fn markdown(results: &[CellResult], wall: Duration) -> String {
    let mut out = String::from("## racetrack\n\n");
    let _ = writeln!(out, "{}\n", summary(results, wall));
    out.push_str("| scenario | scheduler | buggy | fixed |\n|---|---|---|---|\n");
    for (s, c, b, f) in matrix(results) {
        let _ = writeln!(out, "| {s} | {c} | {b} | {f} |");
    }
    out.push_str("\n### Detections\n\n");
    out.push_str(&markdown_details(results));
    out.push_str("\n### Figures\n\n| ");
    out.push_str(&FIGURE_HEADERS.join(" | "));
    out.push_str(" |\n");
    out.push_str(&"|---".repeat(FIGURE_HEADERS.len()));
    out.push_str("|\n");
    for r in results {
        let _ = writeln!(out, "| {} |", figures(r).join(" | "));
    }
    out
}
