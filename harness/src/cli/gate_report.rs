//! The gate's report: for a terminal, as JSON, or as Markdown for the PR's job summary (the
//! verdict first, then what changed against the baseline, the base and the fix's history, then
//! the run's own matrix with a mermaid diagram per detection).

use super::args::Format;
use super::checks::Kind;
use super::gate::GateReport;
use super::teeth;
use super::{git, report, tables};
use std::fmt::Write as _;

pub(crate) fn render(r: &GateReport, format: Format) -> String {
    match format {
        Format::Json => format!("{}\n", serde_json::to_string_pretty(r).expect("a gate report serializes")),
        Format::Table => text(r, false),
        Format::Markdown => text(r, true),
    }
}

fn verdict(r: &GateReport) -> String {
    let count = |k: Kind| r.findings.iter().filter(|f| f.kind == k).count();
    let (fail, stronger, notes) = (count(Kind::Fail), count(Kind::Stronger), count(Kind::Note));
    let teeth = match &r.teeth {
        Some(t) if !t.ok => ", a fix's guard has no teeth",
        _ => "",
    };
    let base = if r.base_error.is_some() { ", the base could not be run" } else { "" };
    let head = if r.ok { "gate passed" } else { "GATE FAILED" };
    format!(
        "{head}: {} cells against {}: {fail} weaker or failing, {stronger} stronger, {notes} notes{teeth}{base}",
        r.results.len(),
        r.baseline
    )
}

fn text(r: &GateReport, markdown: bool) -> String {
    let mut out = String::new();
    let heading = |out: &mut String, title: &str| {
        let gap = if out.is_empty() { "" } else { "\n" };
        let _ = if markdown { writeln!(out, "\n### {title}\n") } else { writeln!(out, "{gap}{title}") };
    };
    if markdown {
        let mark = if r.ok { "✓" } else { "✗" };
        let _ = writeln!(out, "## racetrack gate\n\n**{mark} {}**", verdict(r));
    }
    heading(&mut out, &format!("Against the baseline ({})", r.baseline));
    if r.findings.is_empty() {
        out.push_str("nothing changed: every cell is as the baseline expects\n");
    } else if markdown {
        let rows: Vec<Vec<String>> = r
            .findings
            .iter()
            .map(|f| {
                let mark = match f.kind {
                    Kind::Fail => "✗ weaker",
                    Kind::Stronger => "+ stronger",
                    Kind::Note => "· note",
                };
                vec![mark.to_owned(), f.subject(), f.reason.clone()]
            })
            .collect();
        out.push_str(&tables::render(&["", "cell", "reason"], &rows, true));
    } else {
        for f in &r.findings {
            let _ = writeln!(out, "{f}");
        }
    }
    if let Some(error) = &r.base_error {
        heading(&mut out, "Against the base");
        let _ = writeln!(out, "✗ {error}");
    }
    if let Some(delta) = &r.delta {
        heading(&mut out, &format!("Against the base {}", delta.base));
        let _ = writeln!(out, "{}\n", delta.summary());
        out.push_str(&delta.render(markdown));
    }
    if let Some(t) = &r.teeth {
        heading(&mut out, &format!("Teeth of {}", git::short(&t.fix)));
        out.push_str(&teeth_text(t, markdown));
    }
    if markdown {
        out.push('\n');
        out.push_str(&report::markdown(&r.results, r.wall).replacen("## racetrack\n", "### The run\n", 1));
    } else {
        out.push('\n');
        out.push_str(&verdict(r));
        out.push('\n');
    }
    out
}

fn teeth_text(t: &teeth::Report, markdown: bool) -> String {
    let mut out = String::new();
    if let Some(why) = &t.skipped {
        let _ = writeln!(out, "skipped: {why}");
        return out;
    }
    let _ = writeln!(
        out,
        "the head's scenarios [{}] ({}) against the code before the fix ({}: {} put back{})\n",
        t.scenarios.join(", "),
        t.chosen_by,
        git::short(&t.parent),
        t.reverted.join(", "),
        if t.reverted_how.is_empty() { String::new() } else { format!(": {}", t.reverted_how) }
    );
    if let Some(error) = &t.error {
        let _ = writeln!(out, "✗ {error}");
        return out;
    }
    let rows: Vec<Vec<String>> = t
        .cells
        .iter()
        .map(|c| {
            let mark = if c.ok { "✓" } else { "✗" };
            vec![
                format!("{mark} {} · {} · fixed", c.scenario, c.cell),
                c.before_fix.clone(),
                c.at_head.clone(),
                c.reason.clone(),
            ]
        })
        .collect();
    out.push_str(&tables::render(&["cell", "before the fix", "at head", "verdict"], &rows, markdown));
    out
}
