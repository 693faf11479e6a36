//! Oracles: the checks a workload makes. A violated oracle panics, which is how loom and shuttle
//! learn that a schedule failed; the message says which kind of oracle broke and what it saw.

/// Prefix of every safety-oracle failure: the documented bug happened.
pub const SAFETY: &str = "safety oracle violated";
/// Prefix of every liveness / anti-cheat failure: the mechanism the fix must keep stopped working.
pub const LIVENESS: &str = "liveness oracle violated";

/// Asserts that the documented bug did not happen.
///
/// ```should_panic
/// racetrack::safety!(1 + 1 == 3, "arithmetic held: {}", 2);
/// ```
#[macro_export]
macro_rules! safety {
    ($cond:expr, $($what:tt)+) => {
        if !$cond {
            ::std::panic!("{}: {}", $crate::oracle::SAFETY, ::std::format_args!($($what)+));
        }
    };
}

/// Asserts that the mechanism the fix must keep (janitor, reaper, interrupt, verification) still
/// works: a "fix" that switches it off fails here.
#[macro_export]
macro_rules! liveness {
    ($cond:expr, $($what:tt)+) => {
        if !$cond {
            ::std::panic!("{}: {}", $crate::oracle::LIVENESS, ::std::format_args!($($what)+));
        }
    };
}

/// A broken oracle as a value, for a check that both a model-checked workload (which must panic,
/// so the engine sees the failing schedule) and a stress run (which counts) consume.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Violation {
    /// The documented bug happened.
    Safety(String),
    /// The mechanism the fix must keep stopped working.
    Liveness(String),
}

impl Violation {
    /// Panics exactly as [`safety!`](crate::safety) or [`liveness!`](crate::liveness) would.
    #[track_caller]
    pub fn raise(self) -> ! {
        match self {
            Violation::Safety(what) => panic!("{SAFETY}: {what}"),
            Violation::Liveness(what) => panic!("{LIVENESS}: {what}"),
        }
    }
}
