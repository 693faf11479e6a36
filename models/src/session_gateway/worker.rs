//! The slash worker: one subprocess per session, and how it is closed.
//!
//! - [`Variant::Buggy`] (before the seed's fix): `close()` polls the process and, if it still
//!   runs, sends SIGTERM to the leader, waits, and falls back to an unreaped SIGKILL. Nothing
//!   claims the close, so two teardown paths that both poll before either reaps both signal it,
//!   and the later one may signal a pid that has been reaped (and reused).
//! - [`Variant::Fixed`]: a `closed` flag claims the close (a second call is a no-op); the kill
//!   escalates SIGHUP → SIGTERM → SIGKILL, each followed by a bounded wait that reaps the zombie;
//!   the signals go to the worker's own process group, captured at spawn, unless that group is
//!   unknown or is the gateway's own, in which case only the leader is signalled.

use super::process::{ProcessId, ProcessTable, Signal, SpawnSpec};
use racetrack_sync::Variant;
use racetrack_sync::{Arc, AtomicBool, Ordering};
use std::fmt;
use std::io;
use std::time::Duration;
use tracing::info;

/// A running worker subprocess, owned by the session it was spawned for.
pub struct SlashWorker {
    process: ProcessId,
    session: u64,
    procs: Arc<dyn ProcessTable>,
    variant: Variant,
    grace: Duration,
    closed: AtomicBool,
}

impl SlashWorker {
    /// Spawns a worker for the session whose serial is `session`. Slow: never call it under the
    /// sessions lock.
    pub fn spawn(
        procs: &Arc<dyn ProcessTable>,
        spec: &SpawnSpec,
        variant: Variant,
        session: u64,
        grace: Duration,
    ) -> io::Result<Arc<SlashWorker>> {
        let process = procs.spawn(spec)?;
        let procs = Arc::clone(procs);
        Ok(Arc::new(SlashWorker { process, session, procs, variant, grace, closed: AtomicBool::new(false) }))
    }

    /// The worker's process.
    pub fn process(&self) -> ProcessId {
        self.process
    }

    /// The serial of the session it was spawned for (which session object, not which sid).
    pub fn spawned_for(&self) -> u64 {
        self.session
    }

    /// The worker's name in traces: `w` and its spawn number.
    pub fn name(&self) -> String {
        format!("w{}", self.process.serial)
    }

    /// Stops the process and reaps it. Idempotent in the fixed variant.
    pub fn close(&self) {
        match self.variant {
            Variant::Buggy => self.close_unclaimed(),
            Variant::Fixed => self.close_claimed(),
        }
    }

    /// `if proc.poll() is None: proc.terminate(); proc.wait(timeout)` — no claim, leader only.
    fn close_unclaimed(&self) {
        let p = &self.process;
        if !matches!(self.procs.try_reap(p), Ok(None)) {
            info!("close {}: poll says exited", self.name());
            return;
        }
        info!("close {}: poll says running, terminate", self.name());
        let _ = self.procs.signal(p, Signal::Term);
        if let Ok(None) = self.procs.wait_exit(p, self.grace) {
            let _ = self.procs.signal(p, Signal::Kill); // the zombie it leaves is never reaped
        }
    }

    fn close_claimed(&self) {
        if self.closed.swap(true, Ordering::SeqCst) {
            info!("close {}: already closed", self.name());
            return;
        }
        let p = &self.process;
        let group = p.pgid.filter(|&g| g != self.procs.own_pgid());
        info!("close {}: claimed, escalate to {}", self.name(), if group.is_some() { "group" } else { "leader" });
        for signal in Signal::ESCALATION {
            let _ = match group {
                Some(pgid) => self.procs.signal_group(pgid, signal, p),
                None => self.procs.signal(p, signal),
            };
            match self.procs.wait_exit(p, self.grace) {
                Ok(None) => continue,
                Ok(Some(_)) | Err(_) => return,
            }
        }
    }
}

impl fmt::Debug for SlashWorker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SlashWorker").field("process", &self.process).field("session", &self.session).finish()
    }
}
