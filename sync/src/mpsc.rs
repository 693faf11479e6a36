//! Multi-producer, single-consumer channels on the current [`Engine`]: std's, shuttle's, and
//! under loom one built from the facade's [`Mutex`](crate::Mutex) and [`Condvar`](crate::Condvar).
//!
//! loom 0.7's own `mpsc` is not std's channel: it does not model disconnection (a `recv` after
//! every `Sender` is gone blocks forever, which loom reports as a deadlock, where std returns
//! `Err(RecvError)`), it fails any execution that ends with a message still queued ("Messages
//! leaked"), and it prints a `dbg!` line on every `recv`. So under loom the channel is a queue
//! on the facade's `Mutex` and `Condvar` (`mpsc/on_mutex.rs`), whose every step is a loom lock
//! or wait and is explored; it synchronises at least as strongly as std's.
//!
//! Not offered: `sync_channel` (loom has no bounded channel) and `recv_timeout` (neither model
//! checker has a clock: loom lacks it, shuttle's never times out, so a model relying on the
//! timeout would "deadlock"). Poll with [`Receiver::try_recv`] and
//! [`thread::sleep`](crate::thread::sleep) instead, which a model checker treats as a yield.
//!
//! ```
//! use racetrack_sync::{mpsc, thread};
//!
//! let (tx, rx) = mpsc::channel();
//! let producer = thread::spawn(move || (1..=3).for_each(|n| tx.send(n).unwrap()));
//! // The loop ends when the last Sender is dropped, under every engine.
//! assert_eq!(rx.iter().collect::<Vec<i32>>(), [1, 2, 3]);
//! producer.join().unwrap();
//! ```

use super::engine::{check, not_built_in, Engine};
pub use std::sync::mpsc::{RecvError, SendError, TryRecvError};

#[cfg(feature = "loom")]
mod on_mutex;

/// Creates a channel: the [`Sender`] may be cloned, the [`Receiver`] is one.
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    match Engine::current() {
        Engine::Std => {
            let (tx, rx) = std::sync::mpsc::channel();
            (Sender(Tx::Std(tx)), Receiver(Rx::Std(rx)))
        }
        #[cfg(feature = "loom")]
        Engine::Loom => {
            let (tx, rx) = on_mutex::channel();
            (Sender(Tx::Loom(tx)), Receiver(Rx::Loom(rx)))
        }
        #[cfg(feature = "shuttle")]
        Engine::Shuttle => {
            let (tx, rx) = shuttle::sync::mpsc::channel();
            (Sender(Tx::Shuttle(tx)), Receiver(Rx::Shuttle(rx)))
        }
        #[allow(unreachable_patterns)]
        other => not_built_in(other),
    }
}

/// The sending half of a [`channel`]; clone it for more producers.
#[derive(Debug)]
pub struct Sender<T>(Tx<T>);

#[derive(Debug)]
enum Tx<T> {
    Std(std::sync::mpsc::Sender<T>),
    #[cfg(feature = "loom")]
    Loom(on_mutex::Sender<T>),
    #[cfg(feature = "shuttle")]
    Shuttle(shuttle::sync::mpsc::Sender<T>),
}

/// The receiving half of a [`channel`].
#[derive(Debug)]
pub struct Receiver<T>(Rx<T>);

#[derive(Debug)]
enum Rx<T> {
    Std(std::sync::mpsc::Receiver<T>),
    #[cfg(feature = "loom")]
    Loom(on_mutex::Receiver<T>),
    #[cfg(feature = "shuttle")]
    Shuttle(shuttle::sync::mpsc::Receiver<T>),
}

/// Forwards one call to whichever engine's half is inside, after checking it runs there.
macro_rules! forward {
    ($half:expr, $kind:ident, $what:literal, $h:ident => $call:expr) => {{
        match $half {
            $kind::Std($h) => {
                check(Engine::Std, $what);
                $call
            }
            #[cfg(feature = "loom")]
            $kind::Loom($h) => {
                check(Engine::Loom, $what);
                $call
            }
            #[cfg(feature = "shuttle")]
            $kind::Shuttle($h) => {
                check(Engine::Shuttle, $what);
                $call
            }
        }
    }};
}

impl<T> Sender<T> {
    /// Queues `value`; `Err` gives it back if the [`Receiver`] is gone.
    #[track_caller]
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        forward!(&self.0, Tx, "mpsc::Sender::send", tx => tx.send(value))
    }
}

impl<T> Clone for Sender<T> {
    #[track_caller]
    fn clone(&self) -> Self {
        Sender(forward!(&self.0, Tx, "mpsc::Sender::clone", tx => tx.clone().into()))
    }
}

impl<T> Receiver<T> {
    /// Blocks until a value arrives; `Err` once the queue is empty and every [`Sender`] is gone.
    #[track_caller]
    pub fn recv(&self) -> Result<T, RecvError> {
        forward!(&self.0, Rx, "mpsc::Receiver::recv", rx => rx.recv())
    }

    /// A queued value, or why there is none (`Empty`, or `Disconnected`: every sender is gone).
    #[track_caller]
    pub fn try_recv(&self) -> Result<T, TryRecvError> {
        forward!(&self.0, Rx, "mpsc::Receiver::try_recv", rx => rx.try_recv())
    }

    /// The values as they arrive, until every [`Sender`] is gone.
    pub fn iter(&self) -> Iter<'_, T> {
        Iter(self)
    }
}

/// The values of a [`Receiver`] as they arrive ([`Receiver::iter`]).
#[derive(Debug)]
pub struct Iter<'a, T>(&'a Receiver<T>);

impl<T> Iterator for Iter<'_, T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        self.0.recv().ok()
    }
}

/// The values of a [`Receiver`] as they arrive, owning it (`for value in receiver`).
#[derive(Debug)]
pub struct IntoIter<T>(Receiver<T>);

impl<T> Iterator for IntoIter<T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        self.0.recv().ok()
    }
}

impl<T> IntoIterator for Receiver<T> {
    type Item = T;
    type IntoIter = IntoIter<T>;
    fn into_iter(self) -> IntoIter<T> {
        IntoIter(self)
    }
}

impl<'a, T> IntoIterator for &'a Receiver<T> {
    type Item = T;
    type IntoIter = Iter<'a, T>;
    fn into_iter(self) -> Iter<'a, T> {
        Iter(self)
    }
}

/// Each engine's sender becomes the facade's, so `clone` can stay one `forward!`.
macro_rules! from_engine {
    ($($(#[$cfg:meta])? $variant:ident($ty:ty);)+) => {
        $(
            $(#[$cfg])?
            impl<T> From<$ty> for Tx<T> {
                fn from(tx: $ty) -> Self {
                    Tx::$variant(tx)
                }
            }
        )+
    };
}

from_engine! {
    Std(std::sync::mpsc::Sender<T>);
    #[cfg(feature = "loom")] Loom(on_mutex::Sender<T>);
    #[cfg(feature = "shuttle")] Shuttle(shuttle::sync::mpsc::Sender<T>);
}
