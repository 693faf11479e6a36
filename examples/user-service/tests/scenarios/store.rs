//! The source of truth the scenarios give the cache: an in-memory map on racetrack-sync's
//! `Mutex`, so each load and store is a step the schedulers interleave.

use racetrack_sync::{Arc, Mutex};
use std::collections::BTreeMap;
use user_service::Source;

/// A key-value store shared by the cache and by "other writers" (another service instance).
#[derive(Default)]
pub struct MemoryStore(Mutex<BTreeMap<String, String>>);

impl MemoryStore {
    /// A store holding `entries`.
    pub fn with(entries: &[(&str, &str)]) -> Arc<Self> {
        let map = entries.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Arc::new(MemoryStore(Mutex::new(map)))
    }
}

impl Source for MemoryStore {
    fn load(&self, key: &str) -> Option<String> {
        self.0.lock().get(key).cloned()
    }

    fn store(&self, key: &str, value: &str) {
        self.0.lock().insert(key.to_owned(), value.to_owned());
    }
}
