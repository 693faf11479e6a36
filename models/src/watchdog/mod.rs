//! The worker-side parent-death watchdog of seed `004_85ccd8a2cd44988b.txt` (hermes-agent's
//! `tui_gateway/slash_worker.py`, part C3 of the slash-worker leak fix).
//!
//! A slash worker is a child process of the gateway. When the gateway dies without running its
//! exit hooks (SIGKILL, crash), nothing closes its workers, so each worker watches its parent
//! itself: a thread polls every [`Config::poll`] whether it has been orphaned; once it has, it
//! lets an in-flight command finish for up to [`Config::grace`] and then calls `os._exit(0)`.
//!
//! - [`Variant::Buggy`]: "is my parent pid still there" ([`ProcessTable::exists`]). Once the
//!   gateway is dead and reaped its pid can be handed to an unrelated process, and the worker
//!   lives on for as long as that process does.
//! - [`Variant::Fixed`]: the seed's `_is_orphaned(original_ppid, parent_create_time)`: orphaned
//!   once `getppid()` is no longer the original parent, or the process holding the original pid
//!   is gone or has another creation time (the PID-reuse guard, psutil's `create_time`). On POSIX
//!   the first check already fires (the orphan is re-parented); where the recorded parent pid
//!   never changes (Windows, [`Reparent::Never`]) only the creation time tells the processes apart.
//!
//! Documented residual (the seed's "Known limitations"): [`Watchdog::arm`] takes the parent's
//! identity from `getppid()` when the watchdog starts, so a gateway that dies before that moment
//! leaves the worker watching init, and it never exits. The seed defers the principled fix,
//! passing the gateway's pid and creation time at spawn; that is [`Watchdog::arm_for`].
//!
//! The process table is a narrow trait, [`ProcessTable`], with the real Linux implementation
//! ([`OsProcesses`]) and a simulated one ([`SimProcesses`] / [`SimProcess`]) with pid reuse and
//! virtual time, on which loom and shuttle drive the race.
//!
//! ```
//! use racetrack_sync::Arc;
//! use models::watchdog::{Config, InFlight, Reparent, SimProcesses, Watchdog, INIT};
//! use racetrack_sync::Variant;
//!
//! // Windows semantics: a worker's recorded parent pid never changes.
//! let kernel = SimProcesses::new("doc", Reparent::Never);
//! let gateway = kernel.spawn(INIT, "gateway");
//! let worker = kernel.process(kernel.spawn(gateway, "worker"));
//! let arm = |variant| Watchdog::arm(variant, worker.clone(), Config::SEED, Arc::new(InFlight::new()));
//! let (buggy, fixed) = (arm(Variant::Buggy), arm(Variant::Fixed));
//!
//! kernel.kill(gateway); // SIGKILL, reaped: its pid is free ...
//! kernel.spawn(INIT, "unrelated"); // ... and handed to an unrelated process
//! assert!(!buggy.is_orphaned(), "pid-only: 'my parent is still there'");
//! assert!(fixed.is_orphaned(), "another creation time: orphaned");
//! ```

mod in_flight;
mod os;
mod process;
mod sim;
mod sim_process;

pub use in_flight::{Busy, InFlight};
pub use os::{OsProcesses, Stat};
pub use process::{Killed, ParentIdentity, Pid, ProcessTable, INIT};
pub use sim::{End, Record, Reparent, SimProcesses};
pub use sim_process::SimProcess;

use racetrack_sync::thread::{self, JoinHandle};
use racetrack_sync::Arc;
use racetrack_sync::Variant;
use std::time::Duration;
use tracing::info;

/// The watchdog's timing (the seed's `HERMES_SLASH_WATCHDOG_POLL_S` / `_GRACE_S`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// How often the parent is checked.
    pub poll: Duration,
    /// How long an in-flight command may keep an orphaned worker alive.
    pub grace: Duration,
    /// How often the drain re-checks the in-flight flag. The grace window is counted in these
    /// ticks, so under a model checker, which has no clock, it is a number of sleeps.
    pub drain_tick: Duration,
}

impl Config {
    /// The seed's defaults: poll every 2 s, grace 5 s, drain re-check every 50 ms.
    pub const SEED: Config =
        Config { poll: Duration::from_secs(2), grace: Duration::from_secs(5), drain_tick: Duration::from_millis(50) };
}

/// How an orphaned worker's watchdog ended it (only the simulated table ever returns this).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exited {
    /// How long it drained an in-flight command before `exit(0)`.
    pub drained: Duration,
}

/// The parent-death watchdog of one worker process.
#[derive(Debug)]
pub struct Watchdog<P> {
    variant: Variant,
    procs: P,
    config: Config,
    parent: ParentIdentity,
    in_flight: Arc<InFlight>,
}

impl<P: ProcessTable> Watchdog<P> {
    /// Arms the watchdog for the current parent, as the seed's worker does at start-up:
    /// `original_ppid = os.getppid()` and that process's creation time.
    pub fn arm(variant: Variant, procs: P, config: Config, in_flight: Arc<InFlight>) -> Self {
        let parent = ParentIdentity::current(&procs);
        Self::arm_for(variant, procs, config, in_flight, parent)
    }

    /// Arms the watchdog for a parent identity passed at spawn, which closes the residual window
    /// of [`Watchdog::arm`] (a parent that died before arming).
    pub fn arm_for(
        variant: Variant,
        procs: P,
        config: Config,
        in_flight: Arc<InFlight>,
        parent: ParentIdentity,
    ) -> Self {
        match variant {
            Variant::Buggy => info!("armed: parent pid {}", parent.pid),
            Variant::Fixed => info!("armed: parent pid {}, start {}", parent.pid, show(parent.start_time)),
        }
        Watchdog { variant, procs, config, parent, in_flight }
    }

    /// The parent it watches.
    pub fn parent(&self) -> ParentIdentity {
        self.parent
    }

    /// One poll: whether the worker has lost the parent it was armed for.
    pub fn is_orphaned(&self) -> bool {
        let pid = self.parent.pid;
        match self.variant {
            Variant::Buggy => {
                let exists = self.procs.exists(pid);
                info!("poll: pid {pid} {}", if exists { "exists -> parent alive" } else { "gone -> orphaned" });
                !exists
            }
            Variant::Fixed => {
                let ppid = self.procs.parent_pid();
                if ppid != pid {
                    info!("poll: getppid() = {ppid}, not {pid} -> orphaned");
                    return true;
                }
                let now = self.procs.start_time(pid);
                // psutil.NoSuchProcess counts as orphaned too.
                let orphaned = now.is_none() || now != self.parent.start_time;
                let verdict = if orphaned { "orphaned" } else { "parent alive" };
                info!("poll: ppid {ppid}, pid {pid} start {} -> {verdict}", show(now));
                orphaned
            }
        }
    }

    /// The watchdog loop: poll until orphaned, drain an in-flight command for up to the grace
    /// window, then `exit(0)`. A real process never returns from it.
    pub fn run(&self) -> Result<Exited, Killed> {
        while !self.is_orphaned() {
            self.procs.sleep(self.config.poll)?;
        }
        let mut drained = Duration::ZERO;
        while self.in_flight.is_set() && drained < self.config.grace {
            if drained.is_zero() {
                info!("command in flight: draining (grace {}ms)", self.config.grace.as_millis());
            }
            self.procs.sleep(self.config.drain_tick)?;
            drained += self.config.drain_tick;
        }
        self.procs.exit(0);
        Ok(Exited { drained })
    }

    /// Starts [`Watchdog::run`] on a thread named `name` (the seed's daemon thread).
    pub fn start(self, name: &str) -> JoinHandle<Result<Exited, Killed>>
    where
        P: 'static,
    {
        thread::Builder::new().name(name).spawn(move || self.run())
    }
}

fn show(start_time: Option<u64>) -> String {
    start_time.map_or_else(|| "none".to_owned(), |t| t.to_string())
}

#[cfg(test)]
mod tests;
