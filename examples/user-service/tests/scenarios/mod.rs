//! The service's racetrack scenarios: shared by the tests (`tests/races.rs`) and the CLI
//! (`examples/racetrack.rs`).

mod shutdown_drains;
mod stale_refresh;
mod store;

pub use shutdown_drains::SHUTDOWN_DRAINS;
pub use stale_refresh::STALE_REFRESH;

// ANCHOR: registry
/// Every scenario, for the CLI (a test in `tests/races.rs` checks it, so no target leaves it unused).
pub const SCENARIOS: &[racetrack::Scenario] = &[STALE_REFRESH, SHUTDOWN_DRAINS];
// ANCHOR_END: registry
