//! `racetrack stress`: the scenario's reproduction on the real machine, in this process (its
//! child processes, if any, are this binary again through `__role`).

use super::args::{ChaosPart, StressArgs, StressVariant};
use super::{output, UsageError};
use crate::scenario::find;
use crate::stress::StressConfig;
use crate::Scenario;
use indicatif::{ProgressBar, ProgressStyle};
use racetrack_sync::Variant;
use std::process::ExitCode;

/// Runs the stress shape and prints the rate. Exit 1 only if the fixed variant showed the bug
/// or a liveness problem appeared: a buggy run that happens not to show it proves nothing.
pub(crate) fn stress(registry: &[Scenario], args: &StressArgs) -> Result<ExitCode, UsageError> {
    let scenario = find(registry, &args.scenario)?;
    let run = scenario.stress.ok_or_else(|| {
        let with: Vec<&str> = registry.iter().filter(|s| s.supports_stress()).map(|s| s.id).collect();
        format!("scenario {} has no stress run; scenarios with one: {}", scenario.id, with.join(", "))
    })?;
    let variant = match args.variant {
        StressVariant::Buggy => Variant::Buggy,
        StressVariant::Fixed => Variant::Fixed,
    };
    output::eprint(&format!(
        "stress {} ({variant}): {} iteration(s), --threads {}, on this machine (real threads, sockets, files, processes)\n",
        scenario.id, args.iterations, args.threads
    ));
    let bar = ProgressBar::new_spinner();
    bar.set_style(ProgressStyle::with_template("{spinner} [{elapsed_precise}] {pos} trials").expect("template"));
    if args.chaos {
        use racetrack_sync::chaos::Parts;
        let part = |p: &ChaosPart| match p {
            ChaosPart::Yields => Parts::YIELDS,
            ChaosPart::Sleeps => Parts::SLEEPS,
            ChaosPart::LowPriority => Parts::LOW_PRIORITY,
        };
        let parts = args.chaos_parts.iter().map(part).fold(Parts::NONE, Parts::with);
        racetrack_sync::chaos::enable_parts(args.chaos_seed, parts);
    }
    let mut report = run(&StressConfig::new(variant, args.iterations, args.threads), &|done| bar.set_position(done));
    racetrack_sync::chaos::disable();
    if args.chaos {
        report.notes.push(racetrack_sync::chaos::describe());
    }
    bar.finish_and_clear();
    output::print(&if args.json {
        format!("{}\n", serde_json::to_string_pretty(&report).expect("report serializes"))
    } else {
        format!("{} ({variant}): {report}", scenario.id)
    })?;
    let regressed = variant == Variant::Fixed && report.failures > 0;
    Ok(if regressed || !report.liveness_problems.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
