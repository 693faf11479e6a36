//! Python's `socket.socket`: an object that owns one fd integer. `close()` swaps the integer to
//! -1 before calling `close(2)`, so however many paths close the same object, the kernel sees
//! one close. (What it cannot protect is a *copy* of the integer held elsewhere — the TLS BIO's.)

use crate::kernel::{Fd, Kernel};
use racetrack_sync::{Arc, Mutex};
use std::io;

/// A socket object. Its lock stands for the GIL around `sock_fd`: `shutdown` and `close` on the
/// same object never interleave, so `shutdown` through the object can never hit a recycled
/// integer.
#[derive(Debug)]
pub struct PySocket {
    kernel: Arc<dyn Kernel>,
    fd: Mutex<Fd>,
}

impl PySocket {
    /// Connects to `endpoint` (`socket.create_connection`).
    pub fn connect(kernel: Arc<dyn Kernel>, endpoint: &str) -> io::Result<Self> {
        let fd = kernel.connect(endpoint)?;
        Ok(PySocket { kernel, fd: Mutex::new(fd) })
    }

    /// The integer, or -1 once closed (`fileno()`).
    pub fn fileno(&self) -> Fd {
        *self.fd.lock()
    }

    /// `shutdown(SHUT_RDWR)`: breaks the owner's blocked `recv`, keeps the integer allocated.
    /// On a closed object it fails with `EBADF`, as Python's does.
    pub fn shutdown(&self) -> io::Result<()> {
        let fd = self.fd.lock();
        if *fd < 0 {
            return Err(io::Error::from_raw_os_error(libc::EBADF));
        }
        self.kernel.shutdown(*fd)
    }

    /// `close()`: swaps the integer to -1, then releases it. Returns whether this call was the one
    /// that closed it (a second close is a no-op).
    pub fn close(&self) -> bool {
        let mut fd = self.fd.lock();
        let old = std::mem::replace(&mut *fd, -1);
        if old < 0 {
            return false;
        }
        // An error from close(2) is not actionable: the integer is released either way.
        let _ = self.kernel.close(old);
        true
    }
}
