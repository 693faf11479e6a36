//! `racetrack list`.

use super::args::{ListArgs, ListFormat};
use super::{output, UsageError};
use crate::Scenario;
use std::fmt::Write as _;
use std::process::ExitCode;

/// Prints every scenario with its source (public pull request), schedulers (and budgets) and oracles.
pub(crate) fn list(registry: &[Scenario], args: &ListArgs) -> Result<ExitCode, UsageError> {
    let mut out = String::new();
    match args.format {
        ListFormat::Json => {
            let entries: Vec<_> = registry
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "id": s.id,
                        "title": s.title,
                        "source": s.source,
                        "kind": if s.guard { "guard" } else { "pair" },
                        "safety": s.safety,
                        "liveness": s.liveness,
                        "schedulers": s.cells().map(|(cell, budget)| serde_json::json!({"id": cell.to_string(), "budget": budget})).collect::<Vec<_>>(),
                        "stress": s.supports_stress(),
                    })
                })
                .collect();
            let _ = writeln!(out, "{}", serde_json::to_string_pretty(&entries).expect("scenarios serialize"));
        }
        ListFormat::Table => {
            for s in registry {
                let mut schedulers: Vec<String> =
                    s.cells().map(|(cell, b)| format!("{cell} ({})", b.schedules)).collect();
                if s.supports_stress() {
                    schedulers.push("stress".into());
                }
                let kind = if s.guard { "  [guard: no buggy variant]" } else { "" };
                let source = s.source.map(|src| format!("  [{src}]")).unwrap_or_default();
                let _ = writeln!(out, "{}{source}{kind}", s.id);
                let _ = writeln!(out, "  {}", s.title);
                let _ = writeln!(out, "  schedulers: {}", schedulers.join(", "));
                for (what, text) in [("safety:  ", s.safety), ("liveness:", s.liveness)] {
                    if !text.is_empty() {
                        let _ = writeln!(out, "  {what} {text}");
                    }
                }
                out.push('\n');
            }
        }
    }
    output::print(&out)?;
    Ok(ExitCode::SUCCESS)
}
