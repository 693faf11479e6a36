//! The service's own `racetrack` CLI: `cargo run -p user-service --example racetrack -- run`.
//! An example target, so `racetrack` stays a dev-dependency (examples may use those).

// ANCHOR: cli
#[path = "../tests/scenarios/mod.rs"]
mod scenarios;

fn main() -> std::process::ExitCode {
    racetrack::cli::main(scenarios::SCENARIOS)
}
// ANCHOR_END: cli
