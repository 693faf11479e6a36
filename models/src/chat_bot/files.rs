//! The narrow interface under the TOTP module: privileged reads and writes of root-owned files.
//! [`ProcessFiles`] runs real subprocesses (`sudo -n cat` / `sudo -n tee` in production) with
//! timeouts; [`SimFiles`](super::SimFiles) keeps the files in memory and stalls or fails a call
//! on the scenario's say.

use super::totp::TotpError;
use std::io::{Read as _, Write as _};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Privileged file access, as the TOTP module needs it. Every call is synchronous and may block.
pub trait PrivilegedFiles: Send + Sync + 'static {
    /// The file's contents (the helper's output, as bytes); `None` when it does not exist.
    fn read(&self, name: &str) -> Result<Option<Vec<u8>>, TotpError>;
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
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => TotpError::Missing(program.clone()),
                std::io::ErrorKind::PermissionDenied => TotpError::PermissionDenied(format!("{program}: {e}")),
                _ => TotpError::Failed(format!("{program}: {e}")),
            })?;
        if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
            let _ = pipe.write_all(text.as_bytes());
        }
        let started = Instant::now();
        loop {
            match child.try_wait().map_err(|e| TotpError::Failed(e.to_string()))? {
                Some(status) if status.success() => break,
                Some(status) => {
                    let mut said = String::new();
                    if let Some(mut pipe) = child.stderr.take() {
                        let _ = pipe.read_to_string(&mut said);
                    }
                    return Err(failure(program, status, said.trim()));
                }
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
            pipe.read_to_end(&mut out).map_err(|e| TotpError::Failed(e.to_string()))?;
        }
        Ok(out)
    }
}

/// What a failed exit means: `sudo -n` without the rights (or a file it may not touch) is a
/// permission error, anything else a failure.
fn failure(program: &str, status: std::process::ExitStatus, stderr: &str) -> TotpError {
    let denied = ["a password is required", "Permission denied", "not allowed", "Operation not permitted"];
    if denied.iter().any(|d| stderr.contains(d)) {
        TotpError::PermissionDenied(format!("{program}: {stderr}"))
    } else {
        TotpError::Failed(format!("{program} exited with {status}: {stderr}"))
    }
}

impl PrivilegedFiles for ProcessFiles {
    fn read(&self, name: &str) -> Result<Option<Vec<u8>>, TotpError> {
        if !self.dir.join(name).exists() {
            return Ok(None);
        }
        self.run(&self.read_cmd, name, None).map(Some)
    }

    fn write(&self, name: &str, contents: &str) -> Result<(), TotpError> {
        self.run(&self.write_cmd, name, Some(contents)).map(drop)
    }
}
