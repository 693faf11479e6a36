//! Threads on the current [`Engine`]: spawn, names, ids, join, yield and sleep.

use super::engine::{check, not_built_in, Engine};
use std::time::Duration;

/// An owned permission to join a spawned thread.
#[derive(Debug)]
pub struct JoinHandle<T>(Inner<T>);

#[derive(Debug)]
enum Inner<T> {
    Std(std::thread::JoinHandle<T>),
    #[cfg(feature = "loom")]
    Loom(loom::thread::JoinHandle<T>),
    #[cfg(feature = "shuttle")]
    Shuttle(shuttle::thread::JoinHandle<T>),
}

impl<T> JoinHandle<T> {
    /// Waits for the thread to finish; `Err` carries its panic payload.
    #[track_caller]
    pub fn join(self) -> std::thread::Result<T> {
        match self.0 {
            Inner::Std(h) => {
                check(Engine::Std, "thread::JoinHandle::join");
                h.join()
            }
            #[cfg(feature = "loom")]
            Inner::Loom(h) => {
                check(Engine::Loom, "thread::JoinHandle::join");
                h.join()
            }
            #[cfg(feature = "shuttle")]
            Inner::Shuttle(h) => {
                check(Engine::Shuttle, "thread::JoinHandle::join");
                h.join()
            }
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
                let f = move || {
                    crate::chaos::thread_start();
                    f()
                };
                crate::chaos::point();
                Inner::Std(b.spawn(f).unwrap_or_else(|e| refused(e)))
            }
            #[cfg(feature = "loom")]
            Engine::Loom => {
                loom_thread_limit::count_spawn(&label);
                let b = self.name.into_iter().fold(loom::thread::Builder::new(), |b, n| b.name(n));
                Inner::Loom(b.spawn(f).unwrap_or_else(|e| refused(e)))
            }
            #[cfg(feature = "shuttle")]
            Engine::Shuttle => {
                let b = self.name.into_iter().fold(shuttle::thread::Builder::new(), |b, n| b.name(n));
                Inner::Shuttle(b.spawn(f).unwrap_or_else(|e| refused(e)))
            }
            #[allow(unreachable_patterns)]
            other => not_built_in(other),
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
        Engine::Std => {
            crate::chaos::point();
            std::thread::yield_now()
        }
        #[cfg(feature = "loom")]
        Engine::Loom => loom::thread::yield_now(),
        #[cfg(feature = "shuttle")]
        Engine::Shuttle => shuttle::thread::yield_now(),
        #[allow(unreachable_patterns)]
        other => not_built_in(other),
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
    with_current_name(str::to_owned)
}

/// Calls `f` with the current thread's name (as [`current_name`] gives it) without copying it:
/// the trace recorder looks a name up once per thread and execution, on the hot path.
pub fn with_current_name<R>(f: impl FnOnce(&str) -> R) -> R {
    let named = |name: Option<&str>| match name {
        None | Some("main-thread") => f("main"),
        Some(n) => f(n),
    };
    match Engine::current() {
        Engine::Std => named(std::thread::current().name()),
        #[cfg(feature = "loom")]
        Engine::Loom => named(loom::thread::current().name()),
        #[cfg(feature = "shuttle")]
        Engine::Shuttle => named(shuttle::thread::current().name()),
        #[allow(unreachable_patterns)]
        other => not_built_in(other),
    }
}

/// A thread's identity on its engine: equal for the same (logical) thread, different for any
/// two threads alive at once. Under loom and shuttle every logical thread shares one OS thread,
/// so `std::thread::current().id()` cannot tell them apart; this can.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ThreadId(Id);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Id {
    Std(std::thread::ThreadId),
    #[cfg(feature = "loom")]
    Loom(loom::thread::ThreadId),
    #[cfg(feature = "shuttle")]
    Shuttle(shuttle::thread::ThreadId),
}

/// The calling thread's [`ThreadId`].
pub fn current_id() -> ThreadId {
    ThreadId(match Engine::current() {
        Engine::Std => Id::Std(std::thread::current().id()),
        #[cfg(feature = "loom")]
        Engine::Loom => Id::Loom(loom::thread::current().id()),
        #[cfg(feature = "shuttle")]
        Engine::Shuttle => Id::Shuttle(shuttle::thread::current().id()),
        #[allow(unreachable_patterns)]
        other => not_built_in(other),
    })
}

/// Spawns a thread called `name` that runs `body` with its own clone of `shared`: the shape of a
/// workload's client threads, each holding a handle to the one component under test.
pub fn spawn_sharing<S, F, T>(name: &str, shared: &S, body: F) -> JoinHandle<T>
where
    S: Clone + Send + 'static,
    F: FnOnce(&S) -> T + Send + 'static,
    T: Send + 'static,
{
    let shared = shared.clone();
    Builder::new().name(name).spawn(move || body(&shared))
}

/// loom models at most [`loom::MAX_THREADS`] threads per execution, main included, and past that
/// fails with a bare `assertion failed: threads.len() < self.max()`. The facade counts spawns per
/// execution (the harness enters the engine once per execution) and names the limit instead.
#[cfg(feature = "loom")]
pub(crate) mod loom_thread_limit {
    use std::cell::Cell;

    std::thread_local! {
        static SPAWNED: Cell<usize> = const { Cell::new(0) };
    }

    /// A new execution starts: no thread spawned yet.
    pub(crate) fn reset() {
        SPAWNED.with(|s| s.set(0));
    }

    #[track_caller]
    pub(crate) fn count_spawn(label: &str) {
        let spawned = SPAWNED.with(|s| s.replace(s.get() + 1)) + 1;
        let limit = loom::MAX_THREADS;
        if spawned + 1 > limit {
            panic!(
                "engine limit: loom models at most {limit} threads per execution (main included), and this \
                 model starts thread number {} ('{label}'); run it under shuttle, or use fewer threads",
                spawned + 1
            );
        }
    }
}
