//! A simulated process table for loom and shuttle: pids are handed out lowest-free from 100 (so a
//! reaped pid is reused by the very next spawn, which is what makes a late signal dangerous),
//! signals are delivered at once, and every spawn, signal and reap goes into the audit log.
//!
//! The gateway itself is pid 1 in group 1; a signal that reaches it is logged like any other
//! (the audit flags a group signal to group 1).

use super::process::{Exit, ProcessEvent, ProcessId, ProcessTable, Signal, SpawnSpec};
use racetrack_sync::Mutex;
use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::time::Duration;
use tracing::info;

/// The simulated gateway's pid, which is also its process group.
pub const GATEWAY_PID: u32 = 1;
/// The first pid handed to a spawned process.
pub const FIRST_PID: u32 = 100;

#[derive(Debug)]
struct Proc {
    serial: u64,
    pgid: u32,
    /// `Some(signal)` once a signal killed it: a zombie until reaped.
    died_of: Option<Signal>,
}

#[derive(Debug, Default)]
struct Table {
    /// How many of the next spawns fail (a worker that cannot start: no python, EAGAIN).
    failing_spawns: usize,
    procs: BTreeMap<u32, Proc>,
    reaped: BTreeSet<u64>,
    next_serial: u64,
    log: Vec<ProcessEvent>,
}

/// The simulated table. Processes die of any signal they do not ignore (like `sleep`).
#[derive(Debug)]
pub struct SimProcessTable {
    table: Mutex<Table>,
    ignores: Vec<Signal>,
}

impl SimProcessTable {
    /// A table whose processes die of any signal.
    pub fn new() -> Self {
        Self::ignoring(&[])
    }

    /// A table whose processes ignore `signals` (a worker that traps SIGHUP and SIGTERM needs the
    /// escalation to reach SIGKILL).
    pub fn ignoring(signals: &[Signal]) -> Self {
        SimProcessTable { table: Mutex::new(Table { next_serial: 1, ..Table::default() }), ignores: signals.to_vec() }
    }

    /// Makes the next `count` spawns fail, as a worker that cannot start does.
    pub fn fail_spawns(&self, count: usize) {
        self.table.lock().failing_spawns = count;
    }

    /// The audit log so far.
    pub fn events(&self) -> Vec<ProcessEvent> {
        self.table.lock().log.clone()
    }

    /// Spawn numbers of processes that are still running (not dead, not reaped).
    pub fn running(&self) -> Vec<u64> {
        self.table.lock().procs.values().filter(|p| p.died_of.is_none()).map(|p| p.serial).collect()
    }

    /// (spawn number, pid) of every process not reaped yet, running or zombie.
    pub fn unreaped(&self) -> Vec<(u64, u32)> {
        self.table.lock().procs.iter().map(|(pid, p)| (p.serial, *pid)).collect()
    }

    /// Whether the process spawned as `serial` has been reaped.
    pub fn is_reaped(&self, serial: u64) -> bool {
        self.table.lock().reaped.contains(&serial)
    }

    fn deliver(&self, table: &mut Table, pid: u32, signal: Signal) {
        if let Some(p) = table.procs.get_mut(&pid) {
            if p.died_of.is_none() && !self.ignores.contains(&signal) {
                p.died_of = Some(signal);
            }
        }
    }
}

impl Default for SimProcessTable {
    fn default() -> Self {
        Self::new()
    }
}

impl ProcessTable for SimProcessTable {
    fn spawn(&self, spec: &SpawnSpec) -> io::Result<ProcessId> {
        let mut t = self.table.lock();
        if t.failing_spawns > 0 {
            t.failing_spawns -= 1;
            info!("spawn failed");
            return Err(io::Error::from_raw_os_error(11)); // EAGAIN
        }
        let pid = (FIRST_PID..).find(|pid| !t.procs.contains_key(pid)).expect("pids exhausted");
        let serial = t.next_serial;
        t.next_serial += 1;
        let pgid = if spec.new_group { pid } else { GATEWAY_PID };
        t.procs.insert(pid, Proc { serial, pgid, died_of: None });
        t.log.push(ProcessEvent::Spawned { serial, pid, pgid });
        info!("spawn #{serial} pid {pid} pgid {pgid}");
        Ok(ProcessId { pid, pgid: Some(pgid), serial })
    }

    fn signal(&self, process: &ProcessId, signal: Signal) -> io::Result<()> {
        let mut t = self.table.lock();
        let after_reap = t.reaped.contains(&process.serial);
        t.log.push(ProcessEvent::Signalled {
            serial: process.serial,
            to: process.pid,
            group: false,
            signal,
            after_reap,
        });
        let occupant = t.procs.get(&process.pid).map(|p| p.serial);
        match occupant {
            None => {
                info!("kill {signal} pid {} for #{}: no such process", process.pid, process.serial);
                Err(io::Error::from_raw_os_error(3)) // ESRCH
            }
            Some(s) => {
                if s == process.serial {
                    info!("kill {signal} pid {} (#{s})", process.pid);
                } else {
                    info!("kill {signal} pid {} for #{}: hits #{s} (pid reused)", process.pid, process.serial);
                }
                self.deliver(&mut t, process.pid, signal);
                Ok(())
            }
        }
    }

    fn signal_group(&self, pgid: u32, signal: Signal, process: &ProcessId) -> io::Result<()> {
        let mut t = self.table.lock();
        let after_reap = t.reaped.contains(&process.serial);
        t.log.push(ProcessEvent::Signalled { serial: process.serial, to: pgid, group: true, signal, after_reap });
        info!("killpg {signal} pgid {pgid} for #{}", process.serial);
        let members: Vec<u32> = t.procs.iter().filter(|(_, p)| p.pgid == pgid).map(|(pid, _)| *pid).collect();
        if members.is_empty() && pgid != GATEWAY_PID {
            return Err(io::Error::from_raw_os_error(3));
        }
        members.into_iter().for_each(|pid| self.deliver(&mut t, pid, signal));
        Ok(())
    }

    fn try_reap(&self, process: &ProcessId) -> io::Result<Option<Exit>> {
        let mut t = self.table.lock();
        let (serial, died_of) = match t.procs.get(&process.pid) {
            Some(p) if p.serial == process.serial => (p.serial, p.died_of),
            _ => return Err(io::Error::from_raw_os_error(10)), // ECHILD
        };
        let Some(signal) = died_of else { return Ok(None) };
        t.procs.remove(&process.pid);
        t.reaped.insert(serial);
        t.log.push(ProcessEvent::Reaped { serial, pid: process.pid });
        info!("reap pid {} (#{serial})", process.pid);
        Ok(Some(Exit::Signalled(signal as i32)))
    }

    /// Delivery is immediate here, so waiting adds nothing to one look.
    fn wait_exit(&self, process: &ProcessId, _grace: Duration) -> io::Result<Option<Exit>> {
        self.try_reap(process)
    }

    fn own_pgid(&self) -> u32 {
        GATEWAY_PID
    }
}
