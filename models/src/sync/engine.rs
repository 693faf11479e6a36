use std::cell::Cell;

/// Which engine the facade's primitives are built on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Engine {
    /// Real OS threads and std primitives.
    Std,
    /// loom's model checker (exhaustive DPOR, optionally preemption-bounded).
    Loom,
    /// shuttle's randomized / PCT / DFS schedulers.
    Shuttle,
}

std::thread_local! {
    static CURRENT: Cell<Engine> = const { Cell::new(Engine::Std) };
}

impl Engine {
    /// The engine that primitives built on this OS thread use now.
    pub fn current() -> Engine {
        CURRENT.with(Cell::get)
    }

    /// Runs `f` with `self` as the current engine, restoring the previous one afterwards (also
    /// when `f` unwinds, which is how loom and shuttle report a failing schedule).
    pub fn enter<R>(self, f: impl FnOnce() -> R) -> R {
        struct Restore(Engine);
        impl Drop for Restore {
            fn drop(&mut self) {
                CURRENT.with(|c| c.set(self.0));
            }
        }
        let _restore = Restore(CURRENT.with(|c| c.replace(self)));
        f()
    }
}

/// Panics with a message naming the mismatch: a primitive built under one engine was used with
/// one built under another (for instance a std guard handed to a loom condvar).
#[track_caller]
pub(crate) fn mixed_engines(what: &str) -> ! {
    panic!("{what}: primitives from different engines were mixed (current engine: {:?})", Engine::current())
}
