//! Real child processes: `std::process` to spawn and reap, rustix's safe `kill`/`killpg`.
//!
//! The table keeps each child's `Child` until it is reaped and refuses, rather than sends, two
//! kinds of signal that can only hurt someone else on a shared machine: one to a process this table
//! has already reaped (its pid may belong to a stranger by now) and a group signal to the
//! gateway's own group. Both are still written to the audit log, flagged, so a stress run reports
//! the bug it would have caused.

use super::process::{Exit, ProcessEvent, ProcessId, ProcessTable, Signal, SpawnSpec};
use racetrack_sync::Mutex;
use rustix::process::{getpgid, getpgrp, kill_process, kill_process_group, Pid, Signal as RawSignal};
use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How often [`ProcessTable::wait_exit`] looks again while a child is still running.
const POLL: Duration = Duration::from_millis(5);

#[derive(Debug, Default)]
struct Table {
    children: BTreeMap<u64, Child>,
    reaped: BTreeSet<u64>,
    next_serial: u64,
    log: Vec<ProcessEvent>,
}

/// The real process table.
#[derive(Debug)]
pub struct OsProcessTable {
    table: Mutex<Table>,
}

fn raw(signal: Signal) -> RawSignal {
    match signal {
        Signal::Hup => RawSignal::HUP,
        Signal::Term => RawSignal::TERM,
        Signal::Kill => RawSignal::KILL,
    }
}

fn pid(raw_pid: u32) -> io::Result<Pid> {
    Pid::from_raw(raw_pid as i32).ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "pid 0"))
}

impl OsProcessTable {
    /// An empty table.
    pub fn new() -> Self {
        OsProcessTable { table: Mutex::new(Table { next_serial: 1, ..Table::default() }) }
    }

    /// The audit log so far.
    pub fn events(&self) -> Vec<ProcessEvent> {
        self.table.lock().log.clone()
    }

    /// The pid of every child this table ever spawned, in spawn order.
    pub fn spawned_pids(&self) -> Vec<u32> {
        let log = self.table.lock().log.clone();
        log.iter()
            .filter_map(|e| match e {
                ProcessEvent::Spawned { pid, .. } => Some(*pid),
                _ => None,
            })
            .collect()
    }

    /// (spawn number, pid) of every child not reaped yet.
    pub fn unreaped(&self) -> Vec<(u64, u32)> {
        self.table.lock().children.iter().map(|(serial, c)| (*serial, c.id())).collect()
    }

    /// Kills (SIGKILL) and reaps every child not reaped yet, so nothing outlives the table's
    /// owner; returns how many there were. Not logged: it is cleanup, not gateway behaviour.
    pub fn kill_all(&self) -> usize {
        let mut t = self.table.lock();
        let children = std::mem::take(&mut t.children);
        let n = children.len();
        for (serial, mut child) in children {
            let _ = child.kill();
            let _ = child.wait();
            t.reaped.insert(serial);
        }
        n
    }

    /// Logs a signal and sends it, both under the table's lock so that no reap can slip between
    /// the staleness check and kill(2). Refuses stale signals and signals to the own group.
    fn send(&self, process: &ProcessId, to: u32, group: bool, signal: Signal) -> io::Result<()> {
        let mut t = self.table.lock();
        let after_reap = t.reaped.contains(&process.serial);
        t.log.push(ProcessEvent::Signalled { serial: process.serial, to, group, signal, after_reap });
        if after_reap {
            return Err(io::Error::new(io::ErrorKind::NotFound, "refused: that child was already reaped"));
        }
        if group && to == self.own_pgid() {
            return Err(io::Error::new(io::ErrorKind::PermissionDenied, "refused: the gateway's own process group"));
        }
        let target = pid(to)?;
        if group {
            kill_process_group(target, raw(signal))?;
        } else {
            kill_process(target, raw(signal))?;
        }
        Ok(())
    }
}

impl Default for OsProcessTable {
    fn default() -> Self {
        Self::new()
    }
}

impl ProcessTable for OsProcessTable {
    fn spawn(&self, spec: &SpawnSpec) -> io::Result<ProcessId> {
        let mut command = Command::new(&spec.program);
        command.args(&spec.args).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
        if spec.new_group {
            command.process_group(0);
        }
        // Spawning happens under the table's lock so that a child is never unaccounted for.
        let mut t = self.table.lock();
        let child = command.spawn()?;
        let raw_pid = child.id();
        let pgid = getpgid(Some(pid(raw_pid)?)).map(|g| g.as_raw_nonzero().get() as u32).ok();
        let serial = t.next_serial;
        t.next_serial += 1;
        t.children.insert(serial, child);
        t.log.push(ProcessEvent::Spawned { serial, pid: raw_pid, pgid: pgid.unwrap_or(0) });
        Ok(ProcessId { pid: raw_pid, pgid, serial })
    }

    fn signal(&self, process: &ProcessId, signal: Signal) -> io::Result<()> {
        self.send(process, process.pid, false, signal)
    }

    fn signal_group(&self, pgid: u32, signal: Signal, process: &ProcessId) -> io::Result<()> {
        self.send(process, pgid, true, signal)
    }

    fn try_reap(&self, process: &ProcessId) -> io::Result<Option<Exit>> {
        let mut t = self.table.lock();
        let child = t
            .children
            .get_mut(&process.serial)
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "not an unreaped child"))?;
        let Some(status) = child.try_wait()? else { return Ok(None) };
        t.children.remove(&process.serial);
        t.reaped.insert(process.serial);
        t.log.push(ProcessEvent::Reaped { serial: process.serial, pid: process.pid });
        Ok(Some(match (status.code(), status.signal()) {
            (Some(code), _) => Exit::Code(code),
            (None, signal) => Exit::Signalled(signal.unwrap_or(0)),
        }))
    }

    fn wait_exit(&self, process: &ProcessId, grace: Duration) -> io::Result<Option<Exit>> {
        let deadline = Instant::now() + grace;
        loop {
            if let Some(exit) = self.try_reap(process)? {
                return Ok(Some(exit));
            }
            if Instant::now() >= deadline {
                return Ok(None);
            }
            std::thread::sleep(POLL);
        }
    }

    fn own_pgid(&self) -> u32 {
        getpgrp().as_raw_nonzero().get() as u32
    }
}

/// Those of `pids` that are still children of this process, read from the real process table
/// (`/proc/<pid>/stat`): what a run left behind.
pub fn leftover_children(pids: &[u32]) -> Vec<u32> {
    let me = std::process::id().to_string();
    pids.iter()
        .copied()
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|stat| stat.rsplit_once(") ").map(|(_, rest)| rest.to_owned()))
                .and_then(|rest| rest.split_whitespace().nth(1).map(str::to_owned))
                .is_some_and(|ppid| ppid == me)
        })
        .collect()
}
