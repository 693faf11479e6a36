//! `parent-death-watchdog-roles __role parent-death-watchdog <role> [args…]`: the scenario's
//! roles, as `racetrack __role` runs them, for this crate's own tests of its stress run.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let scenario = parent_death_watchdog::SCENARIO;
    let code = match args.as_slice() {
        [flag, id, role, rest @ ..] if flag == "__role" && id == scenario.id => {
            match scenario.roles.iter().find(|(name, _)| name == role) {
                Some((_, run)) => run(rest),
                None => 2,
            }
        }
        _ => 2,
    };
    std::process::exit(code);
}
