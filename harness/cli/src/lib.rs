//! The registry: every scenario `racetrack` knows, in report order.
//!
//! Adding a scenario crate means one dependency line in this crate's `Cargo.toml` and one line
//! here; the CLI and the workspace gate tests (`tests/`) pick it up from this list.
#![deny(missing_docs)]

use racetrack::Scenario;

/// Every registered scenario.
pub const SCENARIOS: &[Scenario] =
    &[janitor_toctou::SCENARIO, orphan_worker::SCENARIO, idempotent_teardown::SCENARIO, idle_ttl_eviction::SCENARIO];
