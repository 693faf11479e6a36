use std::cell::Cell;

/// Which engine the facade's primitives are built on.
///
/// Every variant exists in every build, so code can match on it; `Loom` and `Shuttle` can only be
/// entered when racetrack-sync was built with the `loom` / `shuttle` feature (the harness turns
/// both on; a production build has neither).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Engine {
    /// Real OS threads and std primitives (and tokio, for [`task`](crate::task)).
    Std,
    /// loom's model checker (exhaustive DPOR, optionally preemption-bounded).
    Loom,
    /// shuttle's randomized / PCT / DFS / URW schedulers.
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

    /// Whether this build of racetrack-sync can run primitives on `self`.
    pub const fn is_available(self) -> bool {
        match self {
            Engine::Std => true,
            Engine::Loom => cfg!(feature = "loom"),
            Engine::Shuttle => cfg!(feature = "shuttle"),
        }
    }

    /// Runs `f` with `self` as the current engine, restoring the previous one afterwards (also
    /// when `f` unwinds, which is how loom and shuttle report a failing schedule).
    ///
    /// Panics if this build lacks the engine's feature.
    pub fn enter<R>(self, f: impl FnOnce() -> R) -> R {
        if !self.is_available() {
            not_built_in(self)
        }
        struct Restore(Engine);
        impl Drop for Restore {
            fn drop(&mut self) {
                CURRENT.with(|c| c.set(self.0));
            }
        }
        let _restore = Restore(CURRENT.with(|c| c.replace(self)));
        #[cfg(feature = "loom")]
        if self == Engine::Loom {
            crate::thread::loom_thread_limit::reset();
        }
        f()
    }
}

/// Panics unless `built` (the engine a primitive was built under) is the current engine: a
/// primitive built outside a model run and used inside one would be invisible to the model
/// checker (never explored), and one built inside a run and used after it is dangling state.
#[track_caller]
pub(crate) fn check(built: Engine, what: &str) {
    let now = Engine::current();
    if now != built {
        panic!(
            "racetrack_sync::{what}: built under {built:?} but used under {now:?}; build every primitive \
             inside the run that uses it (a static, or a value made before the run, is not explored)"
        );
    }
}

/// The arm a primitive's constructor takes for an engine this build does not have. Unreachable
/// through [`Engine::enter`], which refuses such an engine first.
#[track_caller]
#[allow(dead_code)] // only reachable in a build without the loom or shuttle feature
pub(crate) fn not_built_in(engine: Engine) -> ! {
    let feature = format!("{engine:?}").to_lowercase();
    panic!("racetrack-sync was built without the `{feature}` feature, so it cannot run under {engine:?}")
}

/// The engine a primitive's inner enum value was built under: every such enum has a `Std` arm
/// and, per feature, `Loom` and `Shuttle` arms.
macro_rules! built_under {
    ($inner:expr, $enum:ident) => {
        match $inner {
            $enum::Std(..) => $crate::Engine::Std,
            #[cfg(feature = "loom")]
            $enum::Loom(..) => $crate::Engine::Loom,
            #[cfg(feature = "shuttle")]
            $enum::Shuttle(..) => $crate::Engine::Shuttle,
        }
    };
}
pub(crate) use built_under;
