//! The registry: every scenario `racetrack` knows, in report order.
//!
//! Adding a scenario crate means one dependency line in this crate's `Cargo.toml` and one line
//! here; the CLI and the workspace gate tests (`tests/`) pick it up from this list.
#![deny(missing_docs)]

use racetrack::Scenario;

/// Every registered scenario.
#[rustfmt::skip]
pub const SCENARIOS: &[Scenario] = &[
    janitor_toctou::SCENARIO,
    shutdown_send_lock::SCENARIO,
    blocking_event_loop::SCENARIO,
    orphan_worker::SCENARIO,
    orphan_worker::EVERY_SITE,
    idempotent_teardown::SCENARIO,
    idempotent_teardown::EVERY_ENTRY,
    idle_ttl_eviction::SCENARIO,
    stranger_fd_close::SCENARIO,
    parent_death_watchdog::SCENARIO,
    disconnect_reap::SCENARIO,
];
