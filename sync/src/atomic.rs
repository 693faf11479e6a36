use super::engine::{built_under, check, not_built_in, Engine};
pub use std::sync::atomic::Ordering;

/// Declares one facade atomic over the three engines' atomics of the same primitive type.
macro_rules! facade_atomic {
    ($(#[$doc:meta])* $name:ident, $prim:ty $(, $int:ident)?) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name(Inner);

        #[derive(Debug)]
        enum Inner {
            Std(std::sync::atomic::$name),
            #[cfg(feature = "loom")]
            Loom(loom::sync::atomic::$name),
            #[cfg(feature = "shuttle")]
            Shuttle(shuttle::sync::atomic::$name),
        }

        /// Forwards one method to whichever engine's atomic is inside, after checking it runs there.
        macro_rules! forward {
            ($self:ident, $method:literal, $a:ident => $call:expr) => {{
                check($self.engine(), concat!(stringify!($name), "::", $method));
                match &$self.0 {
                    Inner::Std($a) => {
                        crate::chaos::point();
                        $call
                    }
                    #[cfg(feature = "loom")]
                    Inner::Loom($a) => $call,
                    #[cfg(feature = "shuttle")]
                    Inner::Shuttle($a) => $call,
                }
            }};
        }

        impl $name {
            /// A new atomic holding `value`.
            pub fn new(value: $prim) -> Self {
                Self(match Engine::current() {
                    Engine::Std => Inner::Std(std::sync::atomic::$name::new(value)),
                    #[cfg(feature = "loom")]
                    Engine::Loom => Inner::Loom(loom::sync::atomic::$name::new(value)),
                    #[cfg(feature = "shuttle")]
                    Engine::Shuttle => Inner::Shuttle(shuttle::sync::atomic::$name::new(value)),
                    #[allow(unreachable_patterns)]
                    other => not_built_in(other),
                })
            }

            fn engine(&self) -> Engine {
                built_under!(&self.0, Inner)
            }

            /// Loads the value.
            #[track_caller]
            pub fn load(&self, order: Ordering) -> $prim {
                forward!(self, "load", a => a.load(order))
            }

            /// Stores `value`.
            #[track_caller]
            pub fn store(&self, value: $prim, order: Ordering) {
                forward!(self, "store", a => a.store(value, order))
            }

            /// Stores `value`, returning the previous value.
            #[track_caller]
            pub fn swap(&self, value: $prim, order: Ordering) -> $prim {
                forward!(self, "swap", a => a.swap(value, order))
            }

            /// Stores `new` if the value is `current`; returns the previous value either way.
            #[track_caller]
            pub fn compare_exchange(&self, current: $prim, new: $prim, success: Ordering, failure: Ordering) -> Result<$prim, $prim> {
                forward!(self, "compare_exchange", a => a.compare_exchange(current, new, success, failure))
            }

            $(
            #[doc = concat!("Adds `value`, returning the previous value (", stringify!($int), " atomics only).")]
            #[track_caller]
            pub fn fetch_add(&self, value: $prim, order: Ordering) -> $prim {
                forward!(self, "fetch_add", a => a.fetch_add(value, order))
            }

            /// Subtracts `value`, returning the previous value.
            #[track_caller]
            pub fn fetch_sub(&self, value: $prim, order: Ordering) -> $prim {
                forward!(self, "fetch_sub", a => a.fetch_sub(value, order))
            }
            )?
        }
    };
}

/// One module per atomic type: each gets its own private `Inner` and `forward!`.
macro_rules! atomics {
    ($($module:ident: $name:ident, $prim:ty $(, $int:ident)?;)+) => {
        $(
            mod $module {
                use super::*;
                facade_atomic!(
                    #[doc = concat!("An atomic `", stringify!($prim), "` on the current [`Engine`].")]
                    $name, $prim $(, $int)?
                );
            }
            pub use $module::$name;
        )+
    };
}

atomics! {
    bool_: AtomicBool, bool;
    u32_: AtomicU32, u32, integer;
    u64_: AtomicU64, u64, integer;
    usize_: AtomicUsize, usize, integer;
    i32_: AtomicI32, i32, integer;
    i64_: AtomicI64, i64, integer;
    isize_: AtomicIsize, isize, integer;
}
