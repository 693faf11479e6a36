//! The overhead comparison of `racetrack-bench` for the named programs, in a process of its own:
//! `cargo run --release -p racetrack-bench --example overhead -- bluetooth-driver lost-update`.
//!
//! With `--side`, it runs one side of the comparison once instead, timing nothing, so that an
//! instruction counter can measure it: `bench/instructions` runs both sides of each body under
//! callgrind, which counts the same on a busy machine as on an idle one (wall-clock pairs on a
//! shared 2-core machine spread by ±40 %).

use clap::Parser;
use racetrack_bench::overhead::{self, Side};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "overhead")]
struct Args {
    /// Benchmark programs or registered races (`racetrack list`).
    #[arg(required = true)]
    bodies: Vec<String>,
    /// Run this side once instead of timing pairs.
    #[arg(long)]
    side: Option<Side>,
    /// The engine of `--side`.
    #[arg(long, default_value = "shuttle", value_parser = ["shuttle", "loom"])]
    engine: String,
    /// Schedules per exploration of `--side`.
    #[arg(long, default_value_t = 20_000)]
    schedules: u64,
    /// Explorations of `--side` (for a body loom explores exhaustively in fewer schedules).
    #[arg(long, default_value_t = 1)]
    rounds: u64,
    /// Timed pairs per body.
    #[arg(long, default_value_t = 7)]
    repeats: usize,
}

/// The body's scenario, and whether loom can run it (as `racetrack-bench` decides).
fn scenario(id: &str) -> Result<(racetrack::Scenario, bool), String> {
    racetrack_bench::find(id).map(|p| (p.scenario, p.fits_loom())).or_else(|e| {
        let race = racetrack_cli::SCENARIOS.iter().find(|s| s.id == id).ok_or(e + ", or a registered race")?;
        Ok((*race, race.budget(racetrack::SchedulerId::Loom).is_some()))
    })
}

fn main() -> ExitCode {
    let args = Args::parse();
    for id in &args.bodies {
        let result = scenario(id).and_then(|(s, loom)| match args.side {
            Some(side) => {
                let ran = overhead::run_side(&s, &args.engine, side, args.schedules, args.rounds)?;
                println!("{id} {} {side:?}: {ran} schedules", args.engine);
                Ok(())
            }
            None => {
                for c in overhead::compare(&s, loom, args.repeats)? {
                    let (median, low, high) = c.ratio;
                    println!(
                        "{id} {}: run_cell {:.0}/s, raw {:.0}/s, ratio {median:.2} ({low:.2}–{high:.2})",
                        c.engine, c.racetrack_per_sec, c.raw_per_sec
                    );
                }
                Ok(())
            }
        });
        if let Err(e) = result {
            eprintln!("overhead: {e}");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
