//! The kernel, narrowed to the file-descriptor calls the API client and the kanban dispatcher
//! make (seed `001_465c57c5f9a84ab7.txt`), with two implementations:
//!
//! - [`RealKernel`]: the host's kernel through `libc` / `std::os::fd` — real sockets, real files,
//!   real `shutdown(2)`, `close(2)` and `write(2)` on raw integers;
//! - [`SimKernel`]: a simulated per-process fd table with the POSIX rules the race depends on,
//!   built on [`racetrack_sync`] so that loom and shuttle control every interleaving.
//!
//! The rules both honour: `open`/`socket` return the **lowest free** integer; `shutdown(SHUT_RDWR)`
//! breaks a `recv` blocked on another thread but keeps the integer allocated; `close` releases
//! the integer (and does *not* wake a `recv` blocked on it); `write` goes to whatever object the
//! integer names *now*.
//!
//! ```
//! use models::kernel::{Kernel, SimKernel};
//! use std::path::Path;
//!
//! let k = SimKernel::new();
//! k.create_file("kanban.db", vec![0; 8]);
//! let sock = k.connect("api.openai.com:443").unwrap();
//! assert_eq!(sock, 3); // 0, 1, 2 are stdio
//! k.close(sock).unwrap();
//! let db = k.open(Path::new("kanban.db")).unwrap();
//! assert_eq!(db, sock); // the integer was recycled
//! k.write(sock, b"TLS").unwrap(); // a stale writer lands in the file
//! assert_eq!(&k.file("kanban.db").unwrap()[..3], b"TLS");
//! ```

mod real;
mod sim;
mod table;

pub use real::RealKernel;
pub use sim::SimKernel;
pub use table::{Description, WriteRecord, EPHEMERAL_PORTS};

use std::io;
use std::path::Path;

/// A file descriptor: the raw integer, as the kernel hands it out and as a TLS BIO caches it.
pub type Fd = i32;

/// The fd calls of one process. Every method is the syscall of the same name, on raw integers.
pub trait Kernel: std::fmt::Debug + Send + Sync + 'static {
    /// `socket(2)` + `connect(2)` to `endpoint` (`host:port`): a connected TCP socket on the
    /// lowest free fd. Reads on it time out after the client's read timeout.
    fn connect(&self, endpoint: &str) -> io::Result<Fd>;
    /// `open(path, O_RDWR)` of an existing file: the lowest free fd, offset 0.
    fn open(&self, path: &Path) -> io::Result<Fd>;
    /// `write(2)`: to whatever `fd` names now; for a file, at its offset, which it advances.
    fn write(&self, fd: Fd, data: &[u8]) -> io::Result<usize>;
    /// `recv(2)`: blocks until data arrives, the socket is shut down or its peer hangs up
    /// (`Ok(0)`), or the read timeout passes (`EAGAIN`).
    fn recv(&self, fd: Fd, buf: &mut [u8]) -> io::Result<usize>;
    /// `pread(2)`: reads at `offset` without moving the fd's offset (how SQLite reads).
    fn pread(&self, fd: Fd, buf: &mut [u8], offset: u64) -> io::Result<usize>;
    /// `shutdown(fd, SHUT_RDWR)`: sends FIN and breaks pending `recv`/`send`; the integer stays
    /// allocated.
    fn shutdown(&self, fd: Fd) -> io::Result<()>;
    /// `close(2)`: releases the integer; the next `open`/`socket` may get it.
    fn close(&self, fd: Fd) -> io::Result<()>;
}

/// Whether an error is a read timeout (`EAGAIN` from a socket with `SO_RCVTIMEO`).
pub fn is_timeout(error: &io::Error) -> bool {
    matches!(error.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
}

#[cfg(test)]
mod tests;
