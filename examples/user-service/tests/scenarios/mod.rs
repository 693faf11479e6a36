//! The service's racetrack scenarios: shared by the tests (`tests/races.rs`) and the CLI
//! (`examples/racetrack.rs`).

mod shutdown_drains;
mod stale_refresh;
mod store;

pub use shutdown_drains::SHUTDOWN_DRAINS;
pub use stale_refresh::STALE_REFRESH;

/// Every scenario, for the CLI.
pub const SCENARIOS: &[racetrack::Scenario] = &[STALE_REFRESH, SHUTDOWN_DRAINS];
