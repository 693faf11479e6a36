//! One simulated process's view of a [`SimProcesses`] table: what the worker's watchdog calls.

use super::process::{Killed, Pid, ProcessTable};
use super::sim::{End, Record, SimProcesses};
use std::time::Duration;
use tracing::info;

/// One simulated process's view of the table: the worker's [`ProcessTable`].
#[derive(Clone)]
pub struct SimProcess {
    kernel: SimProcesses,
    index: usize,
}

impl SimProcess {
    pub(super) fn new(kernel: SimProcesses, index: usize) -> Self {
        SimProcess { kernel, index }
    }

    /// This process's pid.
    pub fn pid(&self) -> Pid {
        self.record().pid
    }

    /// Everything the kernel knows about this process.
    pub fn record(&self) -> Record {
        self.kernel.0.state.lock().processes[self.index].clone()
    }

    /// Writes a line to the process's stdout; a process that has ended writes nothing.
    pub fn write(&self, line: &str) -> bool {
        let mut s = self.kernel.0.state.lock();
        let label = s.label.clone();
        let me = &mut s.processes[self.index];
        if me.end.is_some() {
            info!("{label}: {} gone, '{line}' lost", me.pid);
            return false;
        }
        me.output.push(line.to_owned());
        true
    }

    /// Blocks until this process has ended, by its own exit or a kill: a command that never
    /// finishes by itself (one waiting on the dead gateway, say). Takes no virtual time.
    pub fn hang(&self) {
        let shared = &self.kernel.0;
        let mut s = shared.state.lock();
        s.hanging += 1;
        let mut s = shared.changed.wait_while(s, |s| s.processes[self.index].end.is_none());
        s.hanging -= 1;
    }
}

impl ProcessTable for SimProcess {
    fn parent_pid(&self) -> Pid {
        self.kernel.0.state.lock().processes[self.index].ppid
    }

    fn start_time(&self, pid: Pid) -> Option<u64> {
        let s = self.kernel.0.state.lock();
        s.holders.get(&pid).map(|&i| s.processes[i].start_time)
    }

    fn sleep(&self, period: Duration) -> Result<(), Killed> {
        let shared = &self.kernel.0;
        let mut s = shared.changed.wait_while(shared.state.lock(), |s| {
            s.kill_due.is_some_and(|due| s.processes[self.index].clock + period > due)
        });
        let (end_of_run, label) = (s.end_of_run, s.label.clone());
        let me = &mut s.processes[self.index];
        if me.end.is_some() {
            return Err(Killed);
        }
        me.clock += period;
        if end_of_run.is_some_and(|end| me.clock >= end) {
            me.end = Some(End::Killed { at: me.clock });
            info!("{label}: {} still running at {}ms, end of run: killed", me.pid, me.clock.as_millis());
            if s.hanging > 0 {
                shared.changed.notify_all();
            }
            return Err(Killed);
        }
        Ok(())
    }

    fn exit(&self, code: i32) {
        let mut s = self.kernel.0.state.lock();
        let label = s.label.clone();
        let me = &mut s.processes[self.index];
        me.end = Some(End::Exited { code, at: me.clock });
        info!("{label}: {} exit({code}) at {}ms", me.pid, me.clock.as_millis());
        if s.hanging > 0 {
            // A thread of this process waiting for it to end (SimProcess::hang) ends with it.
            self.kernel.0.changed.notify_all();
        }
    }
}

impl std::fmt::Debug for SimProcess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("SimProcess").field(&self.pid()).finish()
    }
}
