//! The narrow interface under the TOTP module: privileged reads and writes of root-owned files.
//! [`ProcessFiles`] runs real subprocesses (`sudo -n cat` / `sudo -n tee` in production) with
//! timeouts; [`SimFiles`] keeps the files in memory and can stall or fail on the scenario's say.

use super::totp::TotpError;
use racetrack_sync::task::Gate;
use racetrack_sync::{Arc, Mutex};
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tracing::info;

/// Privileged file access, as the TOTP module needs it. Every call is synchronous and may block.
pub trait PrivilegedFiles: Send + Sync + 'static {
    /// The file's contents; `None` when it does not exist.
    fn read(&self, name: &str) -> Result<Option<String>, TotpError>;
    /// Replaces the file's contents.
    fn write(&self, name: &str, contents: &str) -> Result<(), TotpError>;
}

/// Real subprocesses: `read` runs `<read_cmd…> <dir>/<name>` and takes its stdout, `write` runs
/// `<write_cmd…> <dir>/<name>` with the contents on stdin. Each is killed after `timeout`.
#[derive(Clone, Debug)]
pub struct ProcessFiles {
    /// Directory of the files.
    pub dir: PathBuf,
    /// Program and leading args of a read (`["sudo", "-n", "cat"]`).
    pub read_cmd: Vec<String>,
    /// Program and leading args of a write (`["sudo", "-n", "tee"]`).
    pub write_cmd: Vec<String>,
    /// Per-call timeout (the seed: 5 s).
    pub timeout: Duration,
}

impl ProcessFiles {
    /// The production setup: `sudo -n cat` / `sudo -n tee` with 5 s timeouts.
    pub fn sudo(dir: impl Into<PathBuf>) -> Self {
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect();
        ProcessFiles {
            dir: dir.into(),
            read_cmd: words(&["sudo", "-n", "cat"]),
            write_cmd: words(&["sudo", "-n", "tee"]),
            timeout: Duration::from_secs(5),
        }
    }

    fn run(&self, cmd: &[String], name: &str, stdin: Option<&str>) -> Result<Vec<u8>, TotpError> {
        let (program, args) = cmd.split_first().ok_or(TotpError::Missing("empty command".into()))?;
        let mut child = Command::new(program)
            .args(args)
            .arg(self.dir.join(name))
            .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => TotpError::Missing(program.clone()),
                _ => TotpError::Failed(format!("{program}: {e}")),
            })?;
        if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
            let _ = pipe.write_all(text.as_bytes());
        }
        let started = Instant::now();
        loop {
            match child.try_wait().map_err(|e| TotpError::Failed(e.to_string()))? {
                Some(status) if status.success() => break,
                Some(status) => return Err(TotpError::Failed(format!("{program} exited with {status}"))),
                None if started.elapsed() >= self.timeout => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(TotpError::Timeout(self.timeout));
                }
                None => std::thread::sleep(Duration::from_millis(2)),
            }
        }
        let mut out = Vec::new();
        if let Some(mut pipe) = child.stdout.take() {
            std::io::Read::read_to_end(&mut pipe, &mut out).map_err(|e| TotpError::Failed(e.to_string()))?;
        }
        Ok(out)
    }
}

impl PrivilegedFiles for ProcessFiles {
    fn read(&self, name: &str) -> Result<Option<String>, TotpError> {
        if !self.dir.join(name).exists() {
            return Ok(None);
        }
        let out = self.run(&self.read_cmd, name, None)?;
        Ok(Some(String::from_utf8_lossy(&out).into_owned()))
    }

    fn write(&self, name: &str, contents: &str) -> Result<(), TotpError> {
        self.run(&self.write_cmd, name, Some(contents)).map(drop)
    }
}

#[derive(Debug, Default)]
struct Sim {
    files: BTreeMap<String, String>,
    /// Writes wait for this gate (a verification that takes long), up to a real-time limit.
    stall_writes: Option<(Arc<Gate>, Duration)>,
    /// Every call fails with this (binary missing, permission denied, timeout).
    fail: Option<TotpError>,
    /// Writes fail with this (`tee` denied while `cat` works).
    fail_writes: Option<TotpError>,
    /// Writes that gave up waiting for the gate.
    gave_up: usize,
}

/// In-memory files the scenario controls. Cheap to clone; clones share the files.
#[derive(Clone, Debug)]
pub struct SimFiles(Arc<Mutex<Sim>>);

impl SimFiles {
    /// Files with these contents.
    pub fn new<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let files = files.into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
        SimFiles(Arc::new(Mutex::new(Sim { files, ..Sim::default() })))
    }

    /// From now on every write blocks until `gate` opens; on real threads it gives up after
    /// `limit` of real time with [`TotpError::Timeout`] (a subprocess timeout).
    pub fn stall_writes_until(&self, gate: Arc<Gate>, limit: Duration) {
        self.0.lock().stall_writes = Some((gate, limit));
    }

    /// Makes every call fail with `error` (`None`: calls work again).
    pub fn fail_with(&self, error: Option<TotpError>) {
        self.0.lock().fail = error;
    }

    /// Makes every write fail with `error` (`None`: writes work again).
    pub fn fail_writes_with(&self, error: Option<TotpError>) {
        self.0.lock().fail_writes = error;
    }

    /// How many writes gave up waiting for their gate.
    pub fn writes_gave_up(&self) -> usize {
        self.0.lock().gave_up
    }

    /// A file's contents.
    pub fn contents(&self, name: &str) -> Option<String> {
        self.0.lock().files.get(name).cloned()
    }

    fn check_failure(&self) -> Result<(), TotpError> {
        self.0.lock().fail.clone().map_or(Ok(()), Err)
    }
}

impl PrivilegedFiles for SimFiles {
    fn read(&self, name: &str) -> Result<Option<String>, TotpError> {
        self.check_failure()?;
        Ok(self.contents(name))
    }

    fn write(&self, name: &str, contents: &str) -> Result<(), TotpError> {
        self.check_failure()?;
        if let Some(error) = self.0.lock().fail_writes.clone() {
            return Err(error);
        }
        let stall = self.0.lock().stall_writes.clone();
        if let Some((gate, limit)) = stall {
            if !gate.is_open() {
                info!(actor = "totp", "write {name}: blocks until the gate opens");
                if !gate.wait_blocking(limit) {
                    self.0.lock().gave_up += 1;
                    info!(actor = "totp", "write {name}: gave up after {limit:?} of real time");
                    return Err(TotpError::Timeout(limit));
                }
                info!(actor = "totp", "write {name}: gate open, done");
            }
        }
        self.0.lock().files.insert(name.to_owned(), contents.to_owned());
        Ok(())
    }
}
