//! user-service: a concurrent component written the way a team outside racetrack would write
//! one, and tested with racetrack from its own crate.
//!
//! [`Cache`] is a read-through cache of configuration values with a background refresh thread.
//! Its primitives come from `racetrack_sync`, which is std in this crate's own build; its tests
//! (`tests/`) explore it under loom and shuttle through the `racetrack` dev-dependency, and its
//! CLI (`examples/racetrack.rs`) is four lines over its own scenarios.
//!
//! The race it guards against: a refresh that loaded a value *before* a concurrent
//! [`Cache::put`] wrote a newer one installs the old value *after* it, and the cache serves
//! the stale value until the next refresh. The fix (as Caffeine does for its `refreshAfterWrite`)
//! discards a refresh whose entry changed while it was loading.
#![deny(missing_docs)]

mod cache;

pub use cache::{Cache, ShutDown, Source};
