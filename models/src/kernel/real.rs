//! The host's kernel: real sockets and files, addressed by raw integers exactly as OpenSSL's
//! socket BIO addresses them. `connect` and `open` go through std and hand back the raw fd;
//! `write`, `recv`, `pread`, `shutdown` and `close` are the libc calls on that integer.
//!
//! `write` on a shut-down socket raises `SIGPIPE`; Rust's runtime ignores it in every std
//! binary (and test harness), so the call fails with `EPIPE` instead, as Python's does.
// The one place in the workspace that calls libc on raw integers: that is the point of it.
#![allow(unsafe_code)]

use super::{Fd, Kernel};
use std::io;
use std::net::{SocketAddr, TcpStream};
use std::os::fd::IntoRawFd;
use std::path::Path;
use std::time::Duration;

/// The real kernel. `connect` sets `SO_RCVTIMEO` to the read timeout, so a request nobody
/// interrupts ends with `EAGAIN` instead of hanging.
#[derive(Clone, Copy, Debug)]
pub struct RealKernel {
    read_timeout: Duration,
}

impl RealKernel {
    /// A kernel whose sockets time out reads after `read_timeout`.
    pub fn new(read_timeout: Duration) -> Self {
        RealKernel { read_timeout }
    }
}

/// The result of a libc call that returns -1 and sets `errno` on failure.
fn check(ret: isize) -> io::Result<usize> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret as usize)
    }
}

impl Kernel for RealKernel {
    fn connect(&self, endpoint: &str) -> io::Result<Fd> {
        let addr: SocketAddr =
            endpoint.parse().map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, format!("{endpoint}: {e}")))?;
        let stream = TcpStream::connect(addr)?;
        stream.set_read_timeout(Some(self.read_timeout))?;
        Ok(stream.into_raw_fd())
    }

    fn open(&self, path: &Path) -> io::Result<Fd> {
        Ok(std::fs::OpenOptions::new().read(true).write(true).open(path)?.into_raw_fd())
    }

    fn write(&self, fd: Fd, data: &[u8]) -> io::Result<usize> {
        // SAFETY: `data` is valid for `data.len()` bytes; an fd the process does not hold is
        // reported by the kernel as EBADF, not undefined behaviour.
        check(unsafe { libc::write(fd, data.as_ptr().cast(), data.len()) })
    }

    fn recv(&self, fd: Fd, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            // SAFETY: `buf` is valid for writes of `buf.len()` bytes.
            match check(unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), 0) }) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => return other,
            }
        }
    }

    fn pread(&self, fd: Fd, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        // SAFETY: `buf` is valid for writes of `buf.len()` bytes.
        check(unsafe { libc::pread(fd, buf.as_mut_ptr().cast(), buf.len(), offset as libc::off_t) })
    }

    fn shutdown(&self, fd: Fd) -> io::Result<()> {
        // SAFETY: plain syscall on an integer; no memory is involved.
        check(unsafe { libc::shutdown(fd, libc::SHUT_RDWR) } as isize).map(drop)
    }

    fn close(&self, fd: Fd) -> io::Result<()> {
        // SAFETY: plain syscall on an integer. Releasing an integer someone else still uses is
        // exactly the race this kernel exists to reproduce; it is not memory-unsafe.
        check(unsafe { libc::close(fd) } as isize).map(drop)
    }
}
