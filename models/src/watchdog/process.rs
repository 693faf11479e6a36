//! The worker's narrow view of the process table: who its parent is, when a process started,
//! how to wait, and how to end itself.
//!
//! The real implementation ([`super::OsProcesses`]) asks the kernel; the simulated one
//! ([`super::SimProcess`]) is one process's view of a [`super::SimProcesses`], which hands dead
//! processes' pids to new, unrelated processes.

use std::fmt;
use std::time::Duration;

/// A process id.
pub type Pid = u32;

/// The pid of init, which adopts orphans on POSIX systems without a subreaper.
pub const INIT: Pid = 1;

/// What a process table answers about the current process and the others.
pub trait ProcessTable: Send + Sync + 'static {
    /// `getppid()`: the current parent. On POSIX it changes when the parent dies (the orphan is
    /// re-parented to init or the nearest subreaper); on Windows it never changes.
    fn parent_pid(&self) -> Pid;

    /// The creation time of process `pid` (Linux: `/proc/<pid>/stat` field 22, `starttime`, in
    /// clock ticks since boot; psutil's `create_time`), or `None` if no process has that pid.
    /// Two processes that held the same pid one after the other have different start times.
    fn start_time(&self, pid: Pid) -> Option<u64>;

    /// Whether a process with this pid exists now (`psutil.pid_exists`, `kill(pid, 0)`).
    fn exists(&self, pid: Pid) -> bool {
        self.start_time(pid).is_some()
    }

    /// Sleeps `period`. Under a model checker time is counted, not measured: the simulated table
    /// advances this process's virtual clock by `period` and yields.
    ///
    /// `Err(Killed)` means the process was killed from outside while it slept. A real process
    /// never sees that (it is simply gone); a simulated one needs it to end its thread.
    fn sleep(&self, period: Duration) -> Result<(), Killed>;

    /// `os._exit(code)`: ends the process at once, without cleanup. The real implementation
    /// never returns; the simulated one records the exit and returns, and the caller returns too.
    fn exit(&self, code: i32);
}

/// The process was killed from outside (a simulated `SIGKILL`) while it waited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Killed;

impl fmt::Display for Killed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the process was killed")
    }
}

impl std::error::Error for Killed {}

/// Who the watchdog watches: the parent's pid and, as the PID-reuse guard, its creation time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParentIdentity {
    /// The parent's pid.
    pub pid: Pid,
    /// The parent's creation time when the identity was taken; `None` if it was already gone.
    pub start_time: Option<u64>,
}

impl ParentIdentity {
    /// The current parent as `procs` sees it now: `getppid()` and that process's creation time.
    pub fn current(procs: &dyn ProcessTable) -> Self {
        let pid = procs.parent_pid();
        ParentIdentity { pid, start_time: procs.start_time(pid) }
    }
}
