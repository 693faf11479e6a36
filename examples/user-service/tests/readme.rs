//! The README's "Use it on your own service" section shows this crate's real code: each block
//! after a `<!-- snippet: PATH#ANCHOR -->` marker must be the region of PATH between
//! `ANCHOR: name` and `ANCHOR_END: name` (dedented; no anchor: a snapshot's body), and the block
//! after `<!-- replay: SCENARIO CELL TEST -->` the command a failing test of that cell prints.
//! Every code block of the section but the last (plain commands) carries a marker.

mod scenarios;

use std::path::{Path, PathBuf};

const SECTION: &str = "## Use it on your own service";

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The section's code blocks, each with the marker comment just above it (if any).
fn blocks() -> Vec<(Option<String>, String)> {
    let readme = std::fs::read_to_string(repository().join("README.md")).unwrap();
    let start = readme.find(SECTION).expect("the README has the section");
    let section = &readme[start + SECTION.len()..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let (mut blocks, mut marker, mut lines) = (Vec::new(), None, section.lines());
    while let Some(line) = lines.next() {
        if let Some(m) = line.strip_prefix("<!-- ").and_then(|l| l.strip_suffix(" -->")) {
            marker = Some(m.to_owned());
        } else if line.starts_with("```") {
            let body: Vec<&str> = lines.by_ref().take_while(|l| !l.starts_with("```")).collect();
            blocks.push((marker.take(), body.join("\n")));
        }
    }
    blocks
}

/// The lines between `ANCHOR: name` and `ANCHOR_END: name` in `file`, dedented.
fn anchored(file: &str, name: &str) -> String {
    let text = std::fs::read_to_string(repository().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    let lines: Vec<&str> = text.lines().collect();
    let at = |tag: &str| lines.iter().position(|l| l.trim_start().ends_with(&format!("{tag}: {name}")));
    let (from, to) =
        (at("ANCHOR").unwrap_or_else(|| panic!("{file} has no ANCHOR: {name}")), at("ANCHOR_END").unwrap());
    let region = &lines[from + 1..to];
    let indent =
        region.iter().filter(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0);
    region.iter().map(|l| l.get(indent..).unwrap_or("")).collect::<Vec<_>>().join("\n")
}

/// An insta snapshot's body (after its `---` header).
fn snapshot(file: &str) -> String {
    let text = std::fs::read_to_string(repository().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    text.splitn(3, "---\n").nth(2).expect("an insta snapshot").trim_end().to_owned()
}

#[test]
fn every_snippet_is_the_code_it_quotes() {
    let blocks = blocks();
    let (last, quoted) = blocks.split_last().expect("the section has code blocks");
    assert!(last.0.is_none(), "the last block is plain commands");
    for (marker, body) in quoted {
        let marker = marker.as_deref().unwrap_or_else(|| panic!("a README block has no snippet marker:\n{body}"));
        let Some(source) = marker.strip_prefix("snippet: ") else { continue };
        let expected = match source.split_once('#') {
            Some((file, name)) => anchored(file, name),
            None => snapshot(source),
        };
        assert_eq!(body, &expected, "the README's copy of {source} drifted: paste the file's region again");
    }
}

#[test]
fn the_replay_command_is_what_the_failing_test_prints() {
    let (marker, command) =
        blocks().into_iter().find(|(m, _)| m.as_deref().is_some_and(|m| m.starts_with("replay: "))).unwrap();
    let marker: &'static str = marker.unwrap().leak(); // TestName holds &'static str
    let [scenario, cell, test] = marker["replay: ".len()..].split(' ').collect::<Vec<_>>()[..] else {
        panic!("{marker}")
    };
    let scenario = scenarios::SCENARIOS.iter().find(|s| s.id == scenario).unwrap();
    let token = racetrack::testing::detected(scenario, cell, None).replay.unwrap();
    let module = format!("races::{}::{cell}", scenario.id.replace('-', "_"));
    let test = racetrack::testing::TestName { package: "user-service", module: module.leak(), function: test };
    assert_eq!(command, test.replay_command(&token));
}
