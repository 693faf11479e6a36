//! The simulated side of [`PrivilegedFiles`]: files in memory, and a script of what the next
//! calls do. A scenario arms one call at a time, counted from now ("the 4th privileged call
//! from here"), to be slow ([`SimFiles::stall_call`]: it blocks until a [`Gate`] opens, bounded
//! by real time) or to fail the way a subprocess can ([`SimFiles::fail_call`] with a [`Fault`]).

use super::files::PrivilegedFiles;
use super::totp::TotpError;
use racetrack_sync::task::Gate;
use racetrack_sync::{Arc, Mutex};
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::sync::Notify;
use tracing::info;

/// What a privileged helper can do wrong, as the simulation produces it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fault {
    /// The program is not installed: [`TotpError::Missing`].
    Missing,
    /// `sudo -n` has no rights: [`TotpError::PermissionDenied`].
    PermissionDenied,
    /// It was killed at its 5 s timeout: [`TotpError::Timeout`] (at once: the time is simulated).
    Timeout,
    /// A read prints bytes that are not the file (not UTF-8). A write's output is not read, so
    /// there it is no error: the garbage lands in the file, and the next read reports it.
    Garbled,
    /// The helper panics.
    Panic,
}

impl Fault {
    /// Every fault, in a fixed order.
    pub const ALL: [Fault; 5] = [Fault::Missing, Fault::PermissionDenied, Fault::Timeout, Fault::Garbled, Fault::Panic];
}

/// What garbled output looks like: not UTF-8, so no reader can mistake it for the file.
const GARBLED: &[u8] = b"\xff\xfe\x00garbled";

#[derive(Clone, Debug)]
enum Action {
    Stall(Arc<Gate>, Duration),
    Fail(Fault),
}

#[derive(Debug, Default)]
struct Sim {
    files: BTreeMap<String, Vec<u8>>,
    /// Calls made so far; the script is keyed by this count.
    calls: usize,
    script: BTreeMap<usize, Action>,
    /// Stalled calls that gave up waiting for their gate.
    gave_up: usize,
}

/// In-memory files the scenario controls. Cheap to clone; clones share the files and script.
#[derive(Clone, Debug)]
pub struct SimFiles {
    sim: Arc<Mutex<Sim>>,
    stalled: Arc<Notify>,
}

impl SimFiles {
    /// Files with these contents.
    pub fn new<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let files = files.into_iter().map(|(k, v)| (k.to_owned(), v.as_bytes().to_vec())).collect();
        SimFiles { sim: Arc::new(Mutex::new(Sim { files, ..Sim::default() })), stalled: Arc::new(Notify::new()) }
    }

    fn arm(&self, nth: usize, action: Action) {
        let mut sim = self.sim.lock();
        let at = sim.calls + nth;
        sim.script.insert(at, action);
    }

    /// The `nth` call from now (0: the next one) blocks until `gate` opens; on real threads it
    /// gives up after `limit` of real time with [`TotpError::Timeout`] (a subprocess timeout).
    pub fn stall_call(&self, nth: usize, gate: Arc<Gate>, limit: Duration) {
        self.arm(nth, Action::Stall(gate, limit));
    }

    /// The `nth` call from now (0: the next one) fails with `fault`.
    pub fn fail_call(&self, nth: usize, fault: Fault) {
        self.arm(nth, Action::Fail(fault));
    }

    /// Resolves once a stalled call has started waiting (one wake-up per stall).
    pub async fn stall_reached(&self) {
        self.stalled.notified().await;
    }

    /// Privileged calls made so far.
    pub fn calls(&self) -> usize {
        self.sim.lock().calls
    }

    /// Armed calls not made yet.
    pub fn armed(&self) -> usize {
        self.sim.lock().script.len()
    }

    /// How many stalled calls gave up waiting for their gate.
    pub fn stalls_gave_up(&self) -> usize {
        self.sim.lock().gave_up
    }

    /// A file's contents (lossy UTF-8).
    pub fn contents(&self, name: &str) -> Option<String> {
        self.sim.lock().files.get(name).map(|b| String::from_utf8_lossy(b).into_owned())
    }

    /// Counts one call and runs what the script says about it: `Err` fails the call, `Ok(true)`
    /// makes a read print garbage (a write store it).
    fn scripted(&self, what: &str) -> Result<bool, TotpError> {
        let action = {
            let mut sim = self.sim.lock();
            let at = sim.calls;
            sim.calls += 1;
            sim.script.remove(&at)
        };
        match action {
            None => Ok(false),
            Some(Action::Stall(gate, limit)) => {
                info!(actor = "totp", "{what}: blocks until the gate opens");
                self.stalled.notify_one();
                if !gate.wait_blocking(limit) {
                    self.sim.lock().gave_up += 1;
                    info!(actor = "totp", "{what}: gave up after {limit:?} of real time");
                    return Err(TotpError::Timeout(limit));
                }
                info!(actor = "totp", "{what}: gate open, done");
                Ok(false)
            }
            Some(Action::Fail(fault)) => {
                info!(actor = "totp", "{what}: {fault:?}");
                match fault {
                    Fault::Missing => Err(TotpError::Missing("sudo".into())),
                    Fault::PermissionDenied => Err(TotpError::PermissionDenied("sudo: a password is required".into())),
                    Fault::Timeout => Err(TotpError::Timeout(Duration::from_secs(5))),
                    Fault::Garbled => Ok(true),
                    // Both kinds of panic payload: a read's is a literal (`&str`), a write's is
                    // formatted (`String`); the bot must deny, and name it, either way.
                    Fault::Panic if what.starts_with("read") => panic!("the privileged helper panicked"),
                    Fault::Panic => panic!("the privileged helper panicked during {what}"),
                }
            }
        }
    }
}

impl PrivilegedFiles for SimFiles {
    fn read(&self, name: &str) -> Result<Option<Vec<u8>>, TotpError> {
        if self.scripted(&format!("read {name}"))? {
            return Ok(Some(GARBLED.to_vec()));
        }
        Ok(self.sim.lock().files.get(name).cloned())
    }

    fn write(&self, name: &str, contents: &str) -> Result<(), TotpError> {
        let garbled = self.scripted(&format!("write {name}"))?;
        let bytes = if garbled { GARBLED.to_vec() } else { contents.as_bytes().to_vec() };
        self.sim.lock().files.insert(name.to_owned(), bytes);
        Ok(())
    }
}
