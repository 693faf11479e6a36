//! A thread with Python's `threading.Thread` lifecycle, which the janitor's check depends on:
//! constructed (not alive), started (alive from the moment its body begins), ended (not alive).

use racetrack_sync::thread::{Builder, JoinHandle};
use racetrack_sync::{Arc, Condvar, Mutex};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Life {
    Constructed,
    Alive,
    Ended,
}

type Body = Box<dyn FnOnce() + Send + 'static>;

/// A task's thread. [`TaskThread::new`] only builds it; [`TaskThread::start`] runs it and, like
/// Python's `Thread.start()`, returns once the body has begun, so the thread is alive from then
/// until its body returns.
pub struct TaskThread {
    name: String,
    life: Arc<(Mutex<Life>, Condvar)>,
    body: Mutex<Option<Body>>,
    handle: Mutex<Option<JoinHandle<()>>>,
}

impl TaskThread {
    /// Builds a thread that will run `body`; it is not alive until started.
    pub fn new(name: impl Into<String>, body: impl FnOnce() + Send + 'static) -> Self {
        Self {
            name: name.into(),
            life: Arc::new((Mutex::new(Life::Constructed), Condvar::new())),
            body: Mutex::new(Some(Box::new(body))),
            handle: Mutex::new(None),
        }
    }

    /// Starts the thread and waits until its body has begun.
    ///
    /// # Panics
    /// If the thread was already started.
    pub fn start(&self) {
        let body = self.body.lock().take().unwrap_or_else(|| panic!("thread {} started twice", self.name));
        let life = Arc::clone(&self.life);
        let handle = Builder::new().name(self.name.clone()).spawn(move || {
            let (state, changed) = &*life;
            *state.lock() = Life::Alive;
            changed.notify_all();
            body();
            *state.lock() = Life::Ended;
        });
        *self.handle.lock() = Some(handle);
        let (state, changed) = &*self.life;
        drop(changed.wait_while(state.lock(), |l| *l == Life::Constructed));
    }

    /// Whether the body has begun and not yet returned.
    pub fn is_alive(&self) -> bool {
        *self.life.0.lock() == Life::Alive
    }

    /// Waits for the body to return (no-op if never started).
    pub fn join(&self) {
        if let Some(handle) = self.handle.lock().take() {
            // The body's own panics are the task's business; joining only waits.
            let _ = handle.join();
        }
    }
}

impl std::fmt::Debug for TaskThread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TaskThread").field("name", &self.name).field("alive", &self.is_alive()).finish()
    }
}
