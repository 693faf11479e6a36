//! Everything the command line prints goes through here, never `println!`: a reader that went
//! away (`racetrack list | head -1`) ends the output quietly, as other Unix tools do, where
//! `println!` panics with "failed printing to stdout: Broken pipe".

use super::UsageError;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The `--out` file, created before any work starts, so a path that cannot be written is a usage
/// error up front rather than the end of a long run.
pub(crate) struct OutFile {
    path: PathBuf,
    file: File,
}

impl OutFile {
    /// Creates (truncates) `path`, or says why it cannot.
    pub(crate) fn create(path: &Path) -> Result<OutFile, UsageError> {
        let file = File::create(path).map_err(|e| {
            format!(
                "--out {}: cannot create the file ({e}); --out takes a file path in an existing, writable directory",
                path.display()
            )
        })?;
        Ok(OutFile { path: path.to_owned(), file })
    }
}

/// A report: into the `--out` file, if one was asked for, and to stdout.
pub(crate) fn emit(text: &str, out: Option<OutFile>) -> Result<(), UsageError> {
    if let Some(OutFile { path, mut file }) = out {
        file.write_all(text.as_bytes()).map_err(|e| format!("cannot write --out {}: {e}", path.display()))?;
    }
    print(text)
}

/// Writes `text` to stdout. Once the reader is gone the rest is dropped, and the command keeps
/// its own exit status (a `run` that found a regression still exits 1); any other failure to
/// write is an error naming stdout.
pub(crate) fn print(text: &str) -> Result<(), UsageError> {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(UsageError(format!("cannot write to standard output: {e}")))
        }
        _ => Ok(()),
    }
}

/// Writes `text` to stderr, whatever became of it: a diagnostic that cannot be shown is dropped.
pub(crate) fn eprint(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}
