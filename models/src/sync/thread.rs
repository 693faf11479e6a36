//! Threads on the current [`Engine`]: spawn, names, join, yield and sleep.

use super::engine::Engine;
use std::time::Duration;

/// An owned permission to join a spawned thread.
#[derive(Debug)]
pub struct JoinHandle<T>(Inner<T>);

#[derive(Debug)]
enum Inner<T> {
    Std(std::thread::JoinHandle<T>),
    Loom(loom::thread::JoinHandle<T>),
    Shuttle(shuttle::thread::JoinHandle<T>),
}

impl<T> JoinHandle<T> {
    /// Waits for the thread to finish; `Err` carries its panic payload.
    pub fn join(self) -> std::thread::Result<T> {
        match self.0 {
            Inner::Std(h) => h.join(),
            Inner::Loom(h) => h.join(),
            Inner::Shuttle(h) => h.join(),
        }
    }
}

/// Thread configuration: a name, which traces use as the thread's column.
#[derive(Debug, Default)]
pub struct Builder {
    name: Option<String>,
}

impl Builder {
    /// A builder with no name set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Names the thread.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Spawns the thread. Spawning only fails when the OS refuses a new thread, which no model
    /// can recover from, so that is a panic naming the thread.
    pub fn spawn<F, T>(self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let label = self.name.clone().unwrap_or_else(|| "<unnamed>".into());
        let refused = |e: std::io::Error| -> ! { panic!("could not spawn thread {label}: {e}") };
        JoinHandle(match Engine::current() {
            Engine::Std => {
                let b = self.name.into_iter().fold(std::thread::Builder::new(), |b, n| b.name(n));
                Inner::Std(b.spawn(f).unwrap_or_else(|e| refused(e)))
            }
            Engine::Loom => {
                let b = self.name.into_iter().fold(loom::thread::Builder::new(), |b, n| b.name(n));
                Inner::Loom(b.spawn(f).unwrap_or_else(|e| refused(e)))
            }
            Engine::Shuttle => {
                let b = self.name.into_iter().fold(shuttle::thread::Builder::new(), |b, n| b.name(n));
                Inner::Shuttle(b.spawn(f).unwrap_or_else(|e| refused(e)))
            }
        })
    }
}

/// Spawns an unnamed thread.
pub fn spawn<F, T>(f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    Builder::new().spawn(f)
}

/// Lets other threads run. Under a model checker this is a scheduling point.
pub fn yield_now() {
    match Engine::current() {
        Engine::Std => std::thread::yield_now(),
        Engine::Loom => loom::thread::yield_now(),
        Engine::Shuttle => shuttle::thread::yield_now(),
    }
}

/// Sleeps for `duration` on real threads; under a model checker, which has no clock, it is a
/// yield: the other threads may do anything in the meantime, which is what a sleep permits.
pub fn sleep(duration: Duration) {
    match Engine::current() {
        Engine::Std => std::thread::sleep(duration),
        Engine::Loom | Engine::Shuttle => yield_now(),
    }
}

/// The current thread's name; the engines' unnamed main threads are all called `main`.
pub fn current_name() -> String {
    let name = match Engine::current() {
        Engine::Std => std::thread::current().name().map(str::to_owned),
        Engine::Loom => loom::thread::current().name().map(str::to_owned),
        Engine::Shuttle => shuttle::thread::current().name().map(str::to_owned),
    };
    match name.as_deref() {
        None | Some("main-thread") => "main".to_owned(),
        Some(n) => n.to_owned(),
    }
}
