//! The stress run's dealings with the host beyond the race itself: its own temporary
//! directory, the upstream's accept, a hex dump for the report, and the process's fd count.

use models::api_client::hex;
use racetrack::sync::thread;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Accepts the worker's connection (polling: the listener is non-blocking so a worker that never
/// connects cannot hang the run).
pub(crate) fn accept(upstream: &TcpListener, cap: Duration) -> Option<TcpStream> {
    let start = Instant::now();
    while start.elapsed() < cap {
        if let Ok((stream, _)) = upstream.accept() {
            return Some(stream);
        }
        thread::yield_now();
    }
    None
}

/// `hexdump -C`-style lines.
pub(crate) fn hexdump(bytes: &[u8]) -> Vec<String> {
    bytes
        .chunks(16)
        .enumerate()
        .map(|(i, row)| {
            let ascii: String = row.iter().map(|&b| if b.is_ascii_graphic() { b as char } else { '.' }).collect();
            format!("  {:08x}  {:<47}  |{ascii}|", i * 16, hex(row))
        })
        .collect()
}

/// Open fds of this process, where `/proc` tells.
pub(crate) fn open_fd_count() -> Option<usize> {
    std::fs::read_dir("/proc/self/fd").ok().map(|d| d.count())
}

/// The run's own temporary directory, removed on drop.
pub(crate) struct Scratch(pub(crate) PathBuf);

impl Scratch {
    pub(crate) fn new() -> std::io::Result<Self> {
        static RUNS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = RUNS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("racetrack-stranger-fd-close-{}-{n}", std::process::id()));
        std::fs::create_dir(&dir)?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
