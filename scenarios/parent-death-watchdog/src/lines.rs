//! A child's stdout, line by line, with deadlines: the stress run's view of its processes.

use std::io::{BufRead, BufReader};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

/// The gateway's stdout (shared with its worker), line by line; EOF once both are gone.
pub(crate) struct Lines(mpsc::Receiver<String>);

/// What came next.
pub(crate) enum Next {
    /// A line.
    Line(String),
    /// End of output: every process holding the pipe has exited.
    Eof,
    /// Nothing before the deadline.
    Timeout,
}

impl Lines {
    /// Reads `out` on a thread of its own.
    pub(crate) fn new(out: impl std::io::Read + Send + 'static) -> Self {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || BufReader::new(out).lines().map_while(Result::ok).try_for_each(|l| tx.send(l)));
        Lines(rx)
    }

    /// The next line, unless the output ends or `deadline` passes first.
    pub(crate) fn next_until(&self, deadline: Instant) -> Next {
        match self.0.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(line) => Next::Line(line),
            Err(RecvTimeoutError::Disconnected) => Next::Eof,
            Err(RecvTimeoutError::Timeout) => Next::Timeout,
        }
    }

    /// Skips lines until one is `wanted`; an error if none comes `within`.
    pub(crate) fn expect(&self, wanted: impl Fn(&str) -> bool, within: Duration) -> Result<String, String> {
        let deadline = Instant::now() + within;
        loop {
            match self.next_until(deadline) {
                Next::Line(line) if wanted(&line) => return Ok(line),
                Next::Line(_) => {}
                Next::Eof => return Err("the gateway's output ended early".into()),
                Next::Timeout => return Err(format!("no expected line within {}s", within.as_secs())),
            }
        }
    }

    /// Drains lines until the output ends (or `within` passes).
    pub(crate) fn wait_eof(&self, within: Duration) {
        let deadline = Instant::now() + within;
        while let Next::Line(_) = self.next_until(deadline) {}
    }
}
