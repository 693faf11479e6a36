//! Everything the command line prints goes through here, never `println!`: a reader that went
//! away (`racetrack list | head -1`) ends the output quietly, as other Unix tools do, where
//! `println!` panics with "failed printing to stdout: Broken pipe".

use super::UsageError;
use std::io::{self, Write};

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
