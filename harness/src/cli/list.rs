//! `racetrack list`.

use super::args::{ListArgs, ListFormat};
use super::UsageError;
use crate::Scenario;
use std::process::ExitCode;

/// Prints every scenario with its seed, schedulers (and budgets) and oracles.
pub(crate) fn list(registry: &[Scenario], args: &ListArgs) -> Result<ExitCode, UsageError> {
    match args.format {
        ListFormat::Json => {
            let entries: Vec<_> = registry
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "id": s.id,
                        "seed": s.seed,
                        "title": s.title,
                        "safety": s.safety,
                        "liveness": s.liveness,
                        "schedulers": s.schedulers.iter().map(|(id, budget)| serde_json::json!({"id": id, "budget": budget})).collect::<Vec<_>>(),
                        "stress": s.supports_stress(),
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&entries).expect("scenarios serialize"));
        }
        ListFormat::Table => {
            for s in registry {
                let mut schedulers: Vec<String> =
                    s.schedulers.iter().map(|(id, b)| format!("{id} ({})", b.schedules)).collect();
                if s.supports_stress() {
                    schedulers.push("stress".into());
                }
                println!("{}  [seed {}]", s.id, s.seed);
                println!("  {}", s.title);
                println!("  schedulers: {}", schedulers.join(", "));
                println!("  safety:   {}", s.safety);
                println!("  liveness: {}", s.liveness);
                println!();
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
