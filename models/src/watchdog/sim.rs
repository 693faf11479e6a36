//! A simulated process table with pid reuse and virtual time, on the `racetrack_sync` facade so
//! that loom and shuttle control every interleaving of its users.
//!
//! - Pids: a killed process is reaped at once and its pid goes back to the pool; the next
//!   [`SimProcesses::spawn`] hands the most recently freed pid to a new, unrelated process with a
//!   later start time. An exited worker stays a zombie (init reaps lazily), so its pid stays taken.
//! - Orphans: with [`Reparent::ToInit`] (POSIX) a dead parent's children get init as their parent;
//!   with [`Reparent::Never`] (Windows) their recorded parent pid never changes.
//! - Time: each process has a virtual clock that only its own [`ProcessTable::sleep`] advances,
//!   so "within poll + grace" is counted, never measured. A kill the scenario announces with
//!   [`SimProcesses::kill_due_by`] happens before any clock passes that time (a sleeper waits for it),
//!   and [`SimProcesses::end_run_at`] kills whatever still runs when its clock reaches the end of the
//!   run, as an integration test's cleanup does.

use super::process::{Pid, INIT};
use super::sim_process::SimProcess;
use racetrack_sync::{Arc, Condvar, Mutex};
use std::collections::BTreeMap;
use std::time::Duration;
use tracing::info;

/// What happens to a dead parent's children.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reparent {
    /// POSIX: orphans are adopted by init, so their `getppid()` changes.
    ToInit,
    /// Windows: a process's recorded parent pid never changes, even once that pid is reused.
    Never,
}

/// How a simulated process ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// It called `exit(code)` itself, at this point of its virtual clock.
    Exited {
        /// The exit code.
        code: i32,
        /// Its virtual clock then.
        at: Duration,
    },
    /// It was killed from outside: by [`SimProcesses::kill`], or at the end of the run.
    Killed {
        /// Its virtual clock then.
        at: Duration,
    },
}

/// Everything the kernel knows about one process, for oracles and messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// Its pid.
    pub pid: Pid,
    /// What it was spawned as.
    pub name: String,
    /// Its creation time.
    pub start_time: u64,
    /// Its parent now.
    pub ppid: Pid,
    /// Its virtual clock now.
    pub clock: Duration,
    /// Its virtual clock when its original parent died, if that happened while it ran.
    pub parent_died_at: Option<Duration>,
    /// How it ended, if it did.
    pub end: Option<End>,
    /// The lines it wrote while it ran (a line written after it ended is lost).
    pub output: Vec<String>,
}

pub(super) struct State {
    /// Every process ever spawned, in spawn order; the index is a process's identity.
    pub(super) processes: Vec<Record>,
    /// Which process holds each pid now (zombies included).
    pub(super) holders: BTreeMap<Pid, usize>,
    /// Reaped pids, handed out again most recent first.
    free: Vec<Pid>,
    next_pid: Pid,
    pub(super) label: String,
    reparent: Reparent,
    pub(super) kill_due: Option<Duration>,
    pub(super) end_of_run: Option<Duration>,
    /// Threads blocked in [`SimProcess::hang`]: an ending process wakes them (and only then
    /// signals, so that runs without a hung command keep their interleavings).
    pub(super) hanging: usize,
}

pub(super) struct Shared {
    pub(super) state: Mutex<State>,
    pub(super) changed: Condvar,
}

/// The simulated process table (the kernel's side). Cheap to clone; clones share one table.
#[derive(Clone)]
pub struct SimProcesses(pub(super) Arc<Shared>);

impl SimProcesses {
    /// A process table holding only init (pid 1, start time 0); new pids start at 100. `label`
    /// prefixes its trace events, to tell several tables apart.
    pub fn new(label: &str, reparent: Reparent) -> Self {
        let init = Record {
            pid: INIT,
            name: "init".into(),
            start_time: 0,
            ppid: 0,
            clock: Duration::ZERO,
            parent_died_at: None,
            end: None,
            output: Vec::new(),
        };
        let state = State {
            processes: vec![init],
            holders: BTreeMap::from([(INIT, 0)]),
            free: Vec::new(),
            next_pid: 100,
            label: label.to_owned(),
            reparent,
            kill_due: None,
            end_of_run: None,
            hanging: 0,
        };
        SimProcesses(Arc::new(Shared { state: Mutex::new(state), changed: Condvar::new() }))
    }

    /// Starts process `name` as a child of `parent`; returns its pid, a reaped one if any.
    pub fn spawn(&self, parent: Pid, name: &str) -> Pid {
        let mut s = self.0.state.lock();
        let (pid, reused) = match s.free.pop() {
            Some(pid) => (pid, " (reused)"),
            None => (s.next_pid, ""),
        };
        s.next_pid = s.next_pid.max(pid + 1);
        let start_time = s.processes.len() as u64;
        info!("{}: spawn {name}: pid {pid}{reused}, start {start_time}", s.label);
        let record = Record {
            pid,
            name: name.into(),
            start_time,
            ppid: parent,
            clock: Duration::ZERO,
            parent_died_at: None,
            end: None,
            output: Vec::new(),
        };
        s.processes.push(record);
        let index = s.processes.len() - 1;
        s.holders.insert(pid, index);
        pid
    }

    /// `kill -9 pid`, and its parent reaps it at once: the pid is free for the next spawn. Its
    /// children are orphaned (and re-parented to init under [`Reparent::ToInit`]).
    pub fn kill(&self, pid: Pid) {
        let mut s = self.0.state.lock();
        let Some(index) = s.holders.remove(&pid) else { return };
        let victim = &mut s.processes[index];
        victim.end = Some(End::Killed { at: victim.clock });
        let name = victim.name.clone();
        info!("{}: kill -9 {pid} ({name}), reaped", s.label);
        s.free.push(pid);
        let reparent = s.reparent;
        // A child that has already exited was not orphaned while it ran.
        let children: Vec<usize> = s
            .holders
            .values()
            .copied()
            .filter(|&i| s.processes[i].ppid == pid && s.processes[i].end.is_none())
            .collect();
        for child in children {
            let child = &mut s.processes[child];
            child.parent_died_at = Some(child.clock);
            if reparent == Reparent::ToInit {
                child.ppid = INIT;
            }
        }
        s.kill_due = None;
        self.0.changed.notify_all();
    }

    /// Announces a [`SimProcesses::kill`]: no process's clock passes `due` until it has happened.
    pub fn kill_due_by(&self, due: Duration) {
        self.0.state.lock().kill_due = Some(due);
    }

    /// Ends the run at `end`: a process whose clock reaches it is killed.
    pub fn end_run_at(&self, end: Duration) {
        self.0.state.lock().end_of_run = Some(end);
    }

    /// The process holding `pid` now, as that process sees the table.
    pub fn process(&self, pid: Pid) -> SimProcess {
        let index = *self.0.state.lock().holders.get(&pid).unwrap_or_else(|| panic!("no process has pid {pid}"));
        SimProcess::new(self.clone(), index)
    }

    /// What the kernel knows about the process holding `pid` now.
    pub fn holder(&self, pid: Pid) -> Option<Record> {
        let s = self.0.state.lock();
        s.holders.get(&pid).map(|&i| s.processes[i].clone())
    }
}

impl std::fmt::Debug for SimProcesses {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimProcesses").field("holders", &self.0.state.lock().holders).finish()
    }
}
