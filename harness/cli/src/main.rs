//! `racetrack`: see `racetrack --help`.

fn main() -> std::process::ExitCode {
    racetrack::cli::main(racetrack_cli::SCENARIOS)
}
