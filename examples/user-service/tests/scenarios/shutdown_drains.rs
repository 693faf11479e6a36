//! shutdown-drains: a guard on the cache's current code. Shutting down while a client is still
//! asking for refreshes loses no request the cache accepted.

use super::store::MemoryStore;
use racetrack::{Budget, Scenario, SchedulerId::*};
use racetrack_sync::{thread, Arc};
use user_service::{Cache, ShutDown, Source};

/// A client asks for refreshes while the owner shuts the cache down; `keys` refreshes each.
fn run(keys: usize) {
    let names: Vec<String> = (0..keys).map(|k| format!("key{k}")).collect();
    let entries: Vec<(&str, &str)> = names.iter().map(|k| (k.as_str(), "old")).collect();
    let store = MemoryStore::with(&entries);
    let cache = Arc::new(Cache::start(store.clone()));
    names.iter().for_each(|k| drop(cache.get(k)));
    names.iter().for_each(|k| store.store(k, "new"));

    let client = {
        let (cache, names) = (Arc::clone(&cache), names.clone());
        thread::Builder::new()
            .name("client")
            .spawn(move || names.iter().map(|k| cache.request_refresh(k)).collect::<Vec<Result<(), ShutDown>>>())
    };
    cache.shutdown();
    let answers = client.join().unwrap();

    for (key, answer) in names.iter().zip(&answers) {
        let cached = cache.get(key);
        racetrack::safety!(
            answer.is_err() || cached.as_deref() == Some("new"),
            "{key}: refresh accepted before shutdown, yet the cache still serves {cached:?}"
        );
    }
    racetrack::liveness!(cache.request_refresh("key0") == Err(ShutDown), "a request after shutdown was accepted");
}

/// Its own code only (a guard): every cell must hold.
pub const SHUTDOWN_DRAINS: Scenario =
    Scenario::new("shutdown-drains", "config cache: shutdown serves every refresh it accepted")
        .guard()
        .oracles(
            "a refresh accepted before shutdown is applied before shutdown returns",
            "requests after shutdown are refused",
        )
        .threads(&|_| run(2))
        .traces(&["user_service"])
        .schedulers(&[
            (Loom, Budget::schedules(20_000).preemptions(3)),
            (ShuttlePct, Budget::schedules(1_000).depth(3)),
        ]);
