//! Real-process plumbing for the stress run (Linux): adopt orphans, put a process on a chosen
//! pid, kill and reap, and find anything of this run's still in the process table.

use crate::roles::{self, RoleArgs};
use models::watchdog::Stat;
use rustix::process::{self as rp, Pid, Signal, WaitOptions};
use std::io::Write;
use std::path::Path;
use std::process::{Child, Stdio};

/// Makes this process the subreaper of its descendants: an orphaned worker is re-parented here
/// instead of to init, so the run can reap it (this machine's init reaps lazily) and kill it.
pub fn become_subreaper() -> Result<(), String> {
    rp::set_child_subreaper(Some(rp::getpid())).map_err(|e| format!("PR_SET_CHILD_SUBREAPER: {e}"))
}

/// Starts the squatter role on `pid` (free again: the gateway was reaped), by writing `pid - 1`
/// to `/proc/sys/kernel/ns_last_pid` (needs CAP_SYS_ADMIN) just before the spawn. Other processes
/// on the machine may take the pid first; a few attempts are made, then the reason is returned.
pub fn squat(exe: &Path, args: &RoleArgs, pid: u32) -> Result<Child, String> {
    for _ in 0..32 {
        std::fs::write("/proc/sys/kernel/ns_last_pid", (pid - 1).to_string())
            .map_err(|e| format!("pid reuse not forced: /proc/sys/kernel/ns_last_pid: {e}"))?;
        let child = roles::command(exe, "squatter", args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("spawning the squatter: {e}"))?;
        if child.id() == pid {
            return Ok(child);
        }
        end(child);
        if Stat::read(pid).is_some() {
            return Err(format!("pid {pid} was taken by another process first"));
        }
    }
    Err(format!("pid {pid} not obtained in 32 attempts"))
}

/// Ends a child this run started: closes its stdin, kills it, reaps it.
pub fn end(mut child: Child) {
    drop(child.stdin.take());
    let _ = child.kill();
    let _ = child.wait();
}

/// SIGKILLs `pid` (gone already is fine).
pub fn kill(pid: u32) {
    if let Some(pid) = Pid::from_raw(pid as i32) {
        let _ = rp::kill_process(pid, Signal::KILL);
    }
}

/// Reaps `pid` if it is this process's child or adoptee (waits for it to end).
pub fn reap(pid: u32) {
    if let Some(pid) = Pid::from_raw(pid as i32) {
        let _ = rp::waitpid(Some(pid), WaitOptions::empty());
    }
}

/// Reaps every child or adoptee that has already ended.
pub fn reap_ended() {
    while let Ok(Some(_)) = rp::wait(WaitOptions::NOHANG) {}
}

/// Processes of this run's roles still in the process table: `(pid, state)`.
pub fn leftovers(owner: u32) -> Vec<(u32, char)> {
    let Ok(dir) = std::fs::read_dir("/proc") else { return Vec::new() };
    let mut found: Vec<(u32, char)> = dir
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| is_ours(pid, owner))
        .filter_map(|pid| Some((pid, Stat::read(pid)?.state)))
        .collect();
    found.sort_unstable();
    found
}

fn is_ours(pid: u32, owner: u32) -> bool {
    let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else { return false };
    let args: Vec<&[u8]> = cmdline.split(|&b| b == 0).filter(|a| !a.is_empty()).collect();
    let owner = owner.to_string();
    args.windows(2).any(|w| w[0] == b"__role" && w[1] == crate::SCENARIO.id.as_bytes())
        && args.last().is_some_and(|last| *last == owner.as_bytes())
}

/// Writes one line to a child's stdin.
pub fn send(stdin: &mut impl Write, line: &str) -> Result<(), String> {
    writeln!(stdin, "{line}").and_then(|()| stdin.flush()).map_err(|e| format!("writing '{line}': {e}"))
}
