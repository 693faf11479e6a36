//! The simulated kernel: one fd table behind a facade [`Mutex`], and a facade [`Condvar`] a
//! blocked `recv` waits on, so loom and shuttle decide every interleaving of the syscalls.
//!
//! Its audit (who opened, wrote to, shut down and closed each object) is what an `strace` of the
//! process would show, with the object each integer named at the time: the oracles read it.

use super::table::{errno, Description, Kind, Table};
use super::{Fd, Kernel};
use racetrack_sync::{thread, Condvar, Mutex};
use std::io;
use std::path::Path;
use tracing::info;

/// A simulated process's kernel state. Build it inside the run (its primitives belong to the
/// engine current at construction). Sockets connect to a peer that answers only when the run says
/// so ([`SimKernel::respond`]): otherwise a `recv` returns only once the socket is shut down or
/// [`SimKernel::elapse_read_timeout`] is called.
#[derive(Debug)]
pub struct SimKernel {
    table: Mutex<Table>,
    /// Signalled whenever a blocked `recv` may be able to return.
    wakeup: Condvar,
}

impl SimKernel {
    /// A process with only stdin, stdout and stderr open (fds 0, 1, 2).
    pub fn new() -> Self {
        SimKernel { table: Mutex::new(Table::new()), wakeup: Condvar::new() }
    }

    /// Puts a file on the simulated disk.
    pub fn create_file(&self, path: &str, contents: Vec<u8>) {
        self.table.lock().files.insert(path.to_owned(), contents);
    }

    /// A file's contents.
    pub fn file(&self, path: &str) -> Option<Vec<u8>> {
        self.table.lock().files.get(path).cloned()
    }

    /// The client's read timeout passes (virtual time): every `recv` still waiting for data, and
    /// every later one, fails with `EAGAIN`. A workload calls it once the interrupt had its chance,
    /// so that a request the interrupt failed to break ends as a timeout rather than a hang.
    pub fn elapse_read_timeout(&self) {
        info!("read timeout elapses");
        self.table.lock().read_timeout_elapsed = true;
        self.wakeup.notify_all();
    }

    /// The upstream sends `response` on connection number `connection` (1: the process's first
    /// `connect`): now, if that connection was made, else as soon as it is.
    pub fn respond(&self, connection: usize, response: &[u8]) {
        let mut table = self.table.lock();
        match table.connection_mut(connection) {
            Some(socket) => socket.inbox.extend_from_slice(response),
            None => table.responses.entry(connection).or_default().extend_from_slice(response),
        }
        self.wakeup.notify_all();
    }

    /// The upstream resets connection number `connection` (`RST`): its reads fail with
    /// `ECONNRESET`. A no-op on a connection not made.
    pub fn reset(&self, connection: usize) {
        if let Some(socket) = self.table.lock().connection_mut(connection) {
            socket.reset = true;
        }
        self.wakeup.notify_all();
    }

    /// The integers allocated now, ascending.
    pub fn open_fds(&self) -> Vec<Fd> {
        self.table.lock().fds.keys().copied().collect()
    }

    /// Every description ever created, in creation order, with its audit trail.
    pub fn descriptions(&self) -> Vec<Description> {
        self.table.lock().descriptions.clone()
    }

    /// `recv`: what the peer sent, else EOF once the socket is shut down, else `EAGAIN` once the
    /// read timeout has passed; until then it blocks.
    fn blocking_recv(&self, fd: Fd, buf: &mut [u8]) -> io::Result<usize> {
        let mut table = self.table.lock();
        // The call holds the description, not the integer: a close of `fd` on another thread
        // neither wakes it nor ends it (Linux), only a shutdown does.
        let index = table.lookup(fd)?;
        table.socket_mut(index)?;
        let mut announced = false;
        loop {
            let timed_out = table.read_timeout_elapsed;
            let socket = table.socket_mut(index)?;
            // Bytes already received are read first, as Linux does after a shutdown.
            if !socket.inbox.is_empty() {
                let n = buf.len().min(socket.inbox.len());
                buf[..n].copy_from_slice(&socket.inbox[..n]);
                socket.inbox.drain(..n);
                info!("recv(fd {fd}) returns {n} bytes");
                return Ok(n);
            }
            if socket.reset {
                info!("recv(fd {fd}) fails: connection reset by peer");
                return Err(errno(libc::ECONNRESET));
            }
            if socket.rd_shut {
                info!("recv(fd {fd}) returns EOF: socket shut down");
                return Ok(0);
            }
            if timed_out {
                table.descriptions[index].recv_timed_out = true;
                return Err(errno(libc::EAGAIN));
            }
            if !announced {
                info!("recv(fd {fd}) blocks");
                announced = true;
            }
            table = self.wakeup.wait(table);
        }
    }

    /// Writes that landed in an object the writer did not open, in words: each one is bytes
    /// meant for one object written into another through a recycled integer.
    pub fn foreign_writes(&self) -> Vec<String> {
        let mut out = Vec::new();
        for d in self.descriptions() {
            for w in d.writes.iter().filter(|w| w.writer != d.opened_by) {
                let at = w.offset.map(|o| format!(" at offset {o}")).unwrap_or_default();
                out.push(format!(
                    "{} wrote {} bytes through fd {} into {}{at} (opened by {})",
                    w.writer, w.len, w.fd, d.name, d.opened_by
                ));
            }
        }
        out
    }

    /// Shutdowns that landed on a file, in words: each one was aimed at a socket through an
    /// integer that has since been recycled (on a socket it would have broken an innocent
    /// connection; on a file it fails with `ENOTSOCK`).
    pub fn misdirected_shutdowns(&self) -> Vec<String> {
        let mut out = Vec::new();
        for d in self.descriptions().iter().filter(|d| !d.is_socket) {
            for caller in &d.shutdown_by {
                out.push(format!(
                    "{caller} called shutdown on an fd that names {} (opened by {})",
                    d.name, d.opened_by
                ));
            }
        }
        out
    }

    /// Closes of an object by a thread that did not open it, in words: each one released an
    /// integer its opener may still be using.
    pub fn foreign_closes(&self) -> Vec<String> {
        let mut out = Vec::new();
        for d in self.descriptions() {
            for closer in d.closed_by.iter().filter(|c| **c != d.opened_by) {
                out.push(format!("{closer} released the fd of {} (opened by {})", d.name, d.opened_by));
            }
        }
        out
    }
}

impl Default for SimKernel {
    fn default() -> Self {
        Self::new()
    }
}

impl Kernel for SimKernel {
    fn connect(&self, endpoint: &str) -> io::Result<Fd> {
        let mut table = self.table.lock();
        let kind = Kind::Socket(table.next_socket()?);
        Ok(table.install(format!("tcp {endpoint}"), &thread::current_name(), kind))
    }

    fn open(&self, path: &Path) -> io::Result<Fd> {
        let path = path.to_string_lossy().into_owned();
        let mut table = self.table.lock();
        if !table.files.contains_key(&path) {
            return Err(errno(libc::ENOENT));
        }
        Ok(table.install(path.clone(), &thread::current_name(), Kind::File { path, offset: 0 }))
    }

    fn write(&self, fd: Fd, data: &[u8]) -> io::Result<usize> {
        let result = self.table.lock().write(&thread::current_name(), fd, data);
        match &result {
            Ok((name, Some(offset))) => info!("write(fd {fd}) {} bytes -> {name} at offset {offset}", data.len()),
            Ok((name, None)) => info!("write(fd {fd}) {} bytes -> {name}", data.len()),
            Err(e) => info!("write(fd {fd}) fails: {e}"),
        }
        result.map(|_| data.len())
    }

    fn recv(&self, fd: Fd, buf: &mut [u8]) -> io::Result<usize> {
        let result = self.blocking_recv(fd, buf);
        if let Err(e) = &result {
            info!("recv(fd {fd}) fails: {e}");
        }
        result
    }

    fn pread(&self, fd: Fd, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        self.table.lock().pread(fd, buf, offset)
    }

    fn shutdown(&self, fd: Fd) -> io::Result<()> {
        let mut table = self.table.lock();
        let index = table.lookup(fd)?;
        table.descriptions[index].shutdown_by.push(thread::current_name());
        let socket = table.socket_mut(index).inspect_err(|_| {
            info!("shutdown(fd {fd}) fails: ENOTSOCK, it names a file now");
        })?;
        (socket.rd_shut, socket.wr_shut) = (true, true);
        self.wakeup.notify_all();
        Ok(())
    }

    fn close(&self, fd: Fd) -> io::Result<()> {
        let mut table = self.table.lock();
        let index = table.fds.remove(&fd).ok_or_else(|| errno(libc::EBADF))?;
        table.descriptions[index].closed_by.push(thread::current_name());
        Ok(())
    }
}
