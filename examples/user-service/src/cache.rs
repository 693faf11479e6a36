//! A read-through cache of configuration values, refreshed by a background thread.

// ANCHOR: imports
// Every primitive from racetrack_sync, none from std::sync or std::thread.
use racetrack_sync::mpsc::{self, Sender};
use racetrack_sync::thread::{self, JoinHandle};
use racetrack_sync::{Arc, Mutex, Variant};
// ANCHOR_END: imports
use std::collections::BTreeMap;
use std::fmt;

/// Where values really live (a database, a config service): the cache's source of truth.
pub trait Source: Send + Sync + 'static {
    /// The current value of `key`, if any.
    fn load(&self, key: &str) -> Option<String>;
    /// Writes `value` for `key`.
    fn store(&self, key: &str, value: &str);
}

/// A read-through cache with a refresh thread. Cheap to share: wrap it in an `Arc`.
pub struct Cache {
    shared: Arc<Shared>,
    /// `None` once [`Cache::shutdown`] has begun: later refresh requests are refused.
    requests: Mutex<Option<Sender<String>>>,
    refresher: Mutex<Option<JoinHandle<()>>>,
}

struct Shared {
    source: Arc<dyn Source>,
    entries: Mutex<BTreeMap<String, Entry>>,
    variant: Variant,
}

/// A cached value and how many times it has been written: a refresh that saw another
/// generation when it started loading is stale.
struct Entry {
    value: String,
    generation: u64,
}

/// [`Cache::request_refresh`] after [`Cache::shutdown`]: the request was not queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShutDown;

impl fmt::Display for ShutDown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the cache is shutting down")
    }
}

impl std::error::Error for ShutDown {}

impl Cache {
    /// A cache over `source`, with its refresh thread started.
    pub fn start(source: Arc<dyn Source>) -> Self {
        Self::start_variant(source, Variant::Fixed)
    }

    /// As [`Cache::start`], with the refresh path of `variant`: `Buggy` is the code before the
    /// fix (a refresh installs what it loaded unconditionally), kept to prove the tests catch it.
    pub fn start_variant(source: Arc<dyn Source>, variant: Variant) -> Self {
        let shared = Arc::new(Shared { source, entries: Mutex::new(BTreeMap::new()), variant });
        let (requests, queue) = mpsc::channel::<String>();
        let refresher = {
            let shared = Arc::clone(&shared);
            // The loop ends once every request is served and the sender is gone (shutdown).
            thread::Builder::new()
                .name("refresher")
                .spawn(move || queue.into_iter().for_each(|key| shared.refresh(&key)))
        };
        Cache { shared, requests: Mutex::new(Some(requests)), refresher: Mutex::new(Some(refresher)) }
    }

    /// The cached value of `key`, loading it from the source on a miss.
    pub fn get(&self, key: &str) -> Option<String> {
        if let Some(entry) = self.shared.entries.lock().get(key) {
            return Some(entry.value.clone());
        }
        let value = self.shared.source.load(key)?;
        tracing::info!("get {key}: miss, loaded {value}");
        Some(self.shared.install_if_unchanged(key, None, value))
    }

    /// Writes `value` through to the source, then caches it.
    pub fn put(&self, key: &str, value: &str) {
        self.shared.source.store(key, value);
        let generation = write(&mut self.shared.entries.lock(), key, value);
        tracing::info!("put {key}={value} (generation {generation})");
    }

    /// Asks the refresh thread to reload `key` from the source.
    pub fn request_refresh(&self, key: &str) -> Result<(), ShutDown> {
        let requests = self.requests.lock();
        let sender = requests.as_ref().ok_or(ShutDown)?;
        sender.send(key.to_owned()).map_err(|_| ShutDown)
    }

    /// Stops the refresh thread once every refresh already requested is done; later requests
    /// are refused. Idempotent.
    pub fn shutdown(&self) {
        drop(self.requests.lock().take());
        if let Some(refresher) = self.refresher.lock().take() {
            refresher.join().expect("the refresh thread panicked");
        }
    }
}

impl Shared {
    // ANCHOR: refresh
    /// Reloads `key` from the source (not holding the lock: the source may be slow).
    fn refresh(&self, key: &str) {
        let seen = self.entries.lock().get(key).map(|e| e.generation);
        let Some(value) = self.source.load(key) else { return };
        tracing::info!("refresh {key}: loaded {value} (entry at generation {})", seen.unwrap_or(0));
        match self.variant {
            // Before the fix: whatever was loaded wins, even over a newer put.
            Variant::Buggy => {
                let generation = write(&mut self.entries.lock(), key, &value);
                tracing::info!("refresh {key}: installed {value} (generation {generation})");
            }
            Variant::Fixed => drop(self.install_if_unchanged(key, seen, value)),
        }
    }

    /// Caches `value` unless the entry changed from generation `seen` meanwhile; returns what the
    /// cache holds afterwards.
    fn install_if_unchanged(&self, key: &str, seen: Option<u64>, value: String) -> String {
        let mut entries = self.entries.lock();
        match entries.get(key) {
            Some(current) if Some(current.generation) != seen => {
                tracing::info!("{key}: changed while loading, keeps {}", current.value);
                current.value.clone()
            }
            _ => {
                write(&mut entries, key, &value);
                tracing::info!("{key}: installed {value}");
                value
            }
        }
    }
    // ANCHOR_END: refresh
}

/// Caches `value` for `key` as the entry's next generation, which it returns.
fn write(entries: &mut BTreeMap<String, Entry>, key: &str, value: &str) -> u64 {
    let generation = entries.get(key).map_or(0, |e| e.generation) + 1;
    entries.insert(key.to_owned(), Entry { value: value.to_owned(), generation });
    generation
}

impl Drop for Cache {
    fn drop(&mut self) {
        self.shutdown();
    }
}
