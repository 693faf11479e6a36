//! The overhead comparison of `racetrack-bench` for the named programs, in a process of its own
//! (the bench's long run measures it after thousands of other cells):
//! `cargo run --release -p racetrack-bench --example overhead -- bluetooth-driver lost-update`.

fn main() -> std::process::ExitCode {
    for id in std::env::args().skip(1) {
        let compared =
            racetrack_bench::find(&id).and_then(|p| racetrack_bench::overhead::compare(&p.scenario, false, 7));
        match compared {
            Ok(comparisons) => {
                for c in comparisons {
                    let (median, low, high) = c.ratio;
                    println!(
                        "{id} {}: run_cell {:.0}/s, raw {:.0}/s, ratio {median:.2} ({low:.2}–{high:.2})",
                        c.engine, c.racetrack_per_sec, c.raw_per_sec
                    );
                }
            }
            Err(e) => {
                eprintln!("overhead: {e}");
                return std::process::ExitCode::from(2);
            }
        }
    }
    std::process::ExitCode::SUCCESS
}
