//! stale-refresh: a refresh that loaded before a concurrent `put` installs its old value after
//! it, and the cache serves the stale value.

// ANCHOR: workload
use super::store::MemoryStore; // the scenario's in-memory Source (tests/scenarios/store.rs)
use racetrack::{Budget, Scenario, SchedulerId::*, Variant};
use racetrack_sync::{thread, Arc};
use user_service::{Cache, Source};

/// A writer puts a new limit while the refresh thread reloads it; then a value changed behind
/// the cache's back (another instance wrote it) must still be picked up by a refresh.
pub fn run(variant: Variant) {
    let store = MemoryStore::with(&[("limit", "10"), ("flag", "off")]);
    let cache = Arc::new(Cache::start_variant(store.clone(), variant));
    cache.get("limit");
    cache.get("flag");

    let writer = {
        let cache = Arc::clone(&cache);
        thread::Builder::new().name("writer").spawn(move || cache.put("limit", "20"))
    };
    cache.request_refresh("limit").unwrap();
    writer.join().unwrap();

    store.store("flag", "on"); // another instance's write, which only a refresh brings in
    cache.request_refresh("flag").unwrap();
    cache.shutdown(); // serves every refresh requested so far

    let limit = cache.get("limit");
    racetrack::safety!(limit.as_deref() == Some("20"), "the cache serves limit={limit:?} after put(20) returned");
    let flag = cache.get("flag");
    racetrack::liveness!(flag.as_deref() == Some("on"), "a refresh no longer picks up a changed value: flag={flag:?}");
}
// ANCHOR_END: workload

// ANCHOR: scenario
/// The buggy/fixed pair: `Cache::start_variant(.., Variant::Buggy)` is the code before the fix.
pub const STALE_REFRESH: Scenario =
    Scenario::new("stale-refresh", "config cache: a refresh installs a value older than a concurrent put")
        .oracles(
            "after put(v) returns, the cache never serves an older value",
            "a refresh still picks up a value changed in the source",
        )
        .threads(&run)
        .traces(&["user_service"]) // the cache's own tracing events are the trace
        .schedulers(&[
            (Loom, Budget::schedules(20_000).preemptions(3)),
            (ShuttlePct, Budget::schedules(1_000).depth(3)),
            (ShuttleRandom, Budget::schedules(1_000)),
        ]);
// ANCHOR_END: scenario
