//! The real process table (Linux): `getppid()` from std, creation times from `/proc/<pid>/stat`,
//! `std::process::exit` for `os._exit`.

use super::process::{Killed, Pid, ProcessTable};
use racetrack_sync::thread;
use std::time::Duration;

/// The kernel's process table, as the current process sees it.
#[derive(Clone, Copy, Debug, Default)]
pub struct OsProcesses;

/// The two fields of `/proc/<pid>/stat` the watchdog and its stress run read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stat {
    /// Field 3, the state: `R`, `S`, `D`, `Z` (zombie: exited, not yet reaped), …
    pub state: char,
    /// Field 22, `starttime`: clock ticks after boot at which the process started.
    pub start_time: u64,
}

impl Stat {
    /// Reads `/proc/<pid>/stat`; `None` if there is no such process (or no procfs).
    pub fn read(pid: Pid) -> Option<Stat> {
        Stat::parse(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
    }

    /// Parses one `/proc/<pid>/stat` line. The command name (field 2) is in parentheses and may
    /// itself contain spaces and parentheses, so fields are counted after the last `)`.
    pub fn parse(line: &str) -> Option<Stat> {
        let rest = &line[line.rfind(')')? + 1..];
        let mut fields = rest.split_whitespace();
        let state = fields.next()?.chars().next()?;
        // `rest` starts at field 3, so field 22 is 19 further on.
        let start_time = fields.nth(18)?.parse().ok()?;
        Some(Stat { state, start_time })
    }

    /// Whether the process has exited (a zombie waiting to be reaped counts as exited).
    pub fn exited(&self) -> bool {
        matches!(self.state, 'Z' | 'X')
    }
}

impl ProcessTable for OsProcesses {
    fn parent_pid(&self) -> Pid {
        std::os::unix::process::parent_id()
    }

    fn start_time(&self, pid: Pid) -> Option<u64> {
        // Like psutil, a zombie still has its creation time: it exists until it is reaped.
        Stat::read(pid).map(|s| s.start_time)
    }

    fn sleep(&self, period: Duration) -> Result<(), Killed> {
        thread::sleep(period);
        Ok(())
    }

    fn exit(&self, code: i32) {
        std::process::exit(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_command_name_with_spaces_and_parentheses() {
        let line = "4242 (a (b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10";
        assert_eq!(Stat::parse(line), Some(Stat { state: 'S', start_time: 987654 }));
    }

    #[test]
    fn reads_this_process_and_its_parent() {
        let me = Stat::read(std::process::id()).expect("/proc/self/stat");
        assert!(!me.exited());
        let procs = OsProcesses;
        let parent = procs.parent_pid();
        assert!(procs.start_time(parent).is_some_and(|t| t <= me.start_time), "a parent starts before its child");
        assert_eq!(procs.start_time(u32::MAX), None);
    }
}
