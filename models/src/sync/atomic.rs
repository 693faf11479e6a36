use super::engine::Engine;
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
            Loom(loom::sync::atomic::$name),
            Shuttle(shuttle::sync::atomic::$name),
        }

        /// Forwards one method to whichever engine's atomic is inside.
        macro_rules! forward {
            ($self:ident, $a:ident => $call:expr) => {
                match &$self.0 {
                    Inner::Std($a) => $call,
                    Inner::Loom($a) => $call,
                    Inner::Shuttle($a) => $call,
                }
            };
        }

        impl $name {
            /// A new atomic holding `value`.
            pub fn new(value: $prim) -> Self {
                Self(match Engine::current() {
                    Engine::Std => Inner::Std(std::sync::atomic::$name::new(value)),
                    Engine::Loom => Inner::Loom(loom::sync::atomic::$name::new(value)),
                    Engine::Shuttle => Inner::Shuttle(shuttle::sync::atomic::$name::new(value)),
                })
            }

            /// Loads the value.
            pub fn load(&self, order: Ordering) -> $prim {
                forward!(self, a => a.load(order))
            }

            /// Stores `value`.
            pub fn store(&self, value: $prim, order: Ordering) {
                forward!(self, a => a.store(value, order))
            }

            /// Stores `value`, returning the previous value.
            pub fn swap(&self, value: $prim, order: Ordering) -> $prim {
                forward!(self, a => a.swap(value, order))
            }

            /// Stores `new` if the value is `current`; returns the previous value either way.
            pub fn compare_exchange(&self, current: $prim, new: $prim, success: Ordering, failure: Ordering) -> Result<$prim, $prim> {
                forward!(self, a => a.compare_exchange(current, new, success, failure))
            }

            $(
            #[doc = concat!("Adds `value`, returning the previous value (", stringify!($int), " atomics only).")]
            pub fn fetch_add(&self, value: $prim, order: Ordering) -> $prim {
                forward!(self, a => a.fetch_add(value, order))
            }

            /// Subtracts `value`, returning the previous value.
            pub fn fetch_sub(&self, value: $prim, order: Ordering) -> $prim {
                forward!(self, a => a.fetch_sub(value, order))
            }
            )?
        }
    };
}

mod bool_ {
    use super::*;
    facade_atomic!(
        /// An atomic `bool` on the current [`Engine`].
        AtomicBool, bool
    );
}
mod usize_ {
    use super::*;
    facade_atomic!(
        /// An atomic `usize` on the current [`Engine`].
        AtomicUsize, usize, integer
    );
}
mod u64_ {
    use super::*;
    facade_atomic!(
        /// An atomic `u64` on the current [`Engine`].
        AtomicU64, u64, integer
    );
}

pub use bool_::AtomicBool;
pub use u64_::AtomicU64;
pub use usize_::AtomicUsize;
