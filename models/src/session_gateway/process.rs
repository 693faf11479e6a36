//! The gateway's narrow interface to the operating system's processes: spawn a worker, signal it
//! (or its process group), reap it. Two implementations: [`OsProcessTable`](super::OsProcessTable)
//! (real child processes) and [`SimProcessTable`](super::SimProcessTable) (a simulated table with
//! pid reuse, for loom and shuttle).
//!
//! Both keep an audit log of [`ProcessEvent`]s; [`audit`] turns a log into the teardown
//! invariants the scenarios check: each worker killed once and reaped once, no signal after its
//! reap, no signal ever to the gateway's own process group.

use std::collections::BTreeMap;
use std::fmt::{self, Debug};
use std::io;
use std::time::Duration;

/// The signals the gateway sends, in its kill-escalation order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Signal {
    /// SIGHUP: the worker's terminal went away (what a PTY close delivers first).
    Hup,
    /// SIGTERM: please exit.
    Term,
    /// SIGKILL: cannot be caught.
    Kill,
}

impl Signal {
    /// The kill escalation: SIGHUP, then SIGTERM, then SIGKILL.
    pub const ESCALATION: [Signal; 3] = [Signal::Hup, Signal::Term, Signal::Kill];
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Signal::Hup => "SIGHUP",
            Signal::Term => "SIGTERM",
            Signal::Kill => "SIGKILL",
        })
    }
}

/// How to start a worker process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpawnSpec {
    /// The program (the seed runs `python -m tui_gateway.slash_worker`).
    pub program: String,
    /// Its arguments.
    pub args: Vec<String>,
    /// Start it in a process group of its own (the seed's `start_new_session=True`), so a group
    /// kill reaches its grandchildren and never the gateway.
    pub new_group: bool,
}

impl SpawnSpec {
    /// `program args…` in a new process group.
    pub fn new(program: impl Into<String>, args: &[&str]) -> Self {
        SpawnSpec { program: program.into(), args: args.iter().map(|a| a.to_string()).collect(), new_group: true }
    }
}

/// A spawned process as its spawner knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProcessId {
    /// The kernel's pid. Once the process is reaped the kernel may give it to another process.
    pub pid: u32,
    /// The process group captured right after spawn (`None` if it could not be read).
    pub pgid: Option<u32>,
    /// This table's spawn number: tells two processes that had the same pid apart in the audit
    /// log. The kernel never sees it: a signal is addressed by pid alone, as with kill(2).
    pub serial: u64,
}

/// How a reaped process ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// It exited with this code.
    Code(i32),
    /// A signal killed it (raw signal number on real processes).
    Signalled(i32),
}

/// Spawning, signalling and reaping processes.
pub trait ProcessTable: Send + Sync + Debug + 'static {
    /// Starts a process. Slow for real (the seed's worker imports an agent), so callers never
    /// hold the sessions lock across it.
    fn spawn(&self, spec: &SpawnSpec) -> io::Result<ProcessId>;

    /// kill(2): sends `signal` to `process.pid`, whoever has that pid now.
    fn signal(&self, process: &ProcessId, signal: Signal) -> io::Result<()>;

    /// killpg(2): sends `signal` to every process in group `pgid`, on behalf of `process`.
    fn signal_group(&self, pgid: u32, signal: Signal, process: &ProcessId) -> io::Result<()>;

    /// waitpid(WNOHANG): reaps `process` if it has exited; `Ok(None)` while it runs. An error if
    /// it is not (or no longer) an unreaped child of this table.
    fn try_reap(&self, process: &ProcessId) -> io::Result<Option<Exit>>;

    /// Waits up to `grace` for `process` to exit and reaps it; `Ok(None)` if it still runs.
    fn wait_exit(&self, process: &ProcessId, grace: Duration) -> io::Result<Option<Exit>>;

    /// The gateway's own process group (getpgrp()): a group kill must never target it.
    fn own_pgid(&self) -> u32;
}

/// One entry of a process table's audit log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProcessEvent {
    /// A process was started.
    Spawned {
        /// The spawn number.
        serial: u64,
        /// Its pid.
        pid: u32,
        /// Its process group.
        pgid: u32,
    },
    /// A signal was sent (or, on the real table, refused because it would have gone astray).
    Signalled {
        /// The process the sender meant.
        serial: u64,
        /// The pid (or, for a group signal, the pgid) it was addressed to.
        to: u32,
        /// Whether it was a group signal.
        group: bool,
        /// Which signal.
        signal: Signal,
        /// Whether the meant process had already been reaped when it was sent.
        after_reap: bool,
    },
    /// A process was reaped.
    Reaped {
        /// The spawn number.
        serial: u64,
        /// Its pid.
        pid: u32,
    },
}

/// The spawn number of every process an audit log saw started, in spawn order.
pub fn spawned(events: &[ProcessEvent]) -> Vec<u64> {
    events
        .iter()
        .filter_map(|e| match e {
            ProcessEvent::Spawned { serial, .. } => Some(*serial),
            _ => None,
        })
        .collect()
}

/// Checks a table's audit log against the teardown invariants. `closed` lists the spawn numbers
/// whose owner has closed them: each must have been signalled and reaped.
pub fn audit(events: &[ProcessEvent], own_pgid: u32, closed: &[u64]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut sent: BTreeMap<(u64, Signal), usize> = BTreeMap::new();
    let mut reaps: BTreeMap<u64, usize> = BTreeMap::new();
    for event in events {
        match *event {
            ProcessEvent::Signalled { serial, to, group, signal, after_reap } => {
                *sent.entry((serial, signal)).or_default() += 1;
                if after_reap {
                    problems.push(format!("worker #{serial}: {signal} sent to pid {to} after it was reaped"));
                }
                if group && to == own_pgid {
                    problems.push(format!("worker #{serial}: {signal} sent to the gateway's own process group {to}"));
                }
            }
            ProcessEvent::Reaped { serial, .. } => *reaps.entry(serial).or_default() += 1,
            ProcessEvent::Spawned { .. } => {}
        }
    }
    for (&(serial, signal), &n) in &sent {
        if n > 1 {
            problems.push(format!("worker #{serial}: killed twice ({signal} sent {n} times)"));
        }
    }
    for (&serial, &n) in &reaps {
        if n > 1 {
            problems.push(format!("worker #{serial}: reaped {n} times"));
        }
    }
    for serial in closed {
        if !sent.keys().any(|(s, _)| s == serial) {
            problems.push(format!("worker #{serial}: closed but never signalled"));
        }
        if !reaps.contains_key(serial) {
            problems.push(format!("worker #{serial}: closed but never reaped (a zombie or a live orphan)"));
        }
    }
    problems
}
