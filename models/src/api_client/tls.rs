//! The TLS layer under the HTTP client: OpenSSL over a socket BIO. `BIO_new_socket(fd)` copies
//! the integer, so the stream keeps writing to *that integer* for as long as it lives — whatever
//! the kernel has since given it to.

use super::socket::PySocket;
use crate::kernel::{Fd, Kernel};
use racetrack_sync::Arc;
use std::io;
use tracing::info;

/// Content type 23 (application data), TLS 1.2, length 19: the header of the record found on
/// bytes 5..28 of the reporter's `kanban.db`.
pub const RECORD_HEADER: [u8; 5] = [0x17, 0x03, 0x03, 0x00, 0x13];
/// The record's 19-byte encrypted payload (any ciphertext does; this one is fixed).
pub const RECORD_PAYLOAD: [u8; 19] =
    [0x8d, 0x41, 0xe2, 0x07, 0x5c, 0x9b, 0x30, 0xf6, 0x12, 0xa8, 0x67, 0xd4, 0x2e, 0x91, 0x0b, 0xc3, 0x58, 0x7a, 0xe5];
/// Header plus payload: the 24 bytes that overwrote the database header.
pub const RECORD_LEN: usize = RECORD_HEADER.len() + RECORD_PAYLOAD.len();

/// The 24-byte application-data record the stream flushes late.
pub fn late_record() -> [u8; RECORD_LEN] {
    let mut record = [0; RECORD_LEN];
    record[..5].copy_from_slice(&RECORD_HEADER);
    record[5..].copy_from_slice(&RECORD_PAYLOAD);
    record
}

/// A TLS stream over a [`PySocket`], with the raw fd cached in its BIO.
#[derive(Debug)]
pub struct TlsStream {
    kernel: Arc<dyn Kernel>,
    socket: Arc<PySocket>,
    /// The BIO's copy of the integer, taken at wrap time and never refreshed.
    bio_fd: Fd,
}

impl TlsStream {
    /// Wraps a connected socket (`ssl_context.wrap_socket`); the BIO caches its integer.
    pub fn wrap(kernel: Arc<dyn Kernel>, socket: Arc<PySocket>) -> Self {
        let bio_fd = socket.fileno();
        info!("TLS BIO caches fd {bio_fd}");
        TlsStream { kernel, socket, bio_fd }
    }

    /// The socket object underneath (what the HTTP pool closes).
    pub fn socket(&self) -> &Arc<PySocket> {
        &self.socket
    }

    /// Encrypts `plaintext` into one application-data record and writes it through the BIO.
    pub fn send(&self, plaintext: &[u8]) -> io::Result<()> {
        let mut record = vec![0x17, 0x03, 0x03];
        record.extend_from_slice(&(plaintext.len() as u16).to_be_bytes());
        record.extend_from_slice(plaintext);
        self.kernel.write(self.bio_fd, &record).map(drop)
    }

    /// Reads through the BIO; blocks like the socket does.
    pub fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.kernel.recv(self.bio_fd, buf)
    }

    /// The late flush: as the worker unwinds, one last buffered application-data record goes out
    /// through the still-live BIO — `write(bio_fd, 24 bytes)`, to whatever the integer names now.
    pub fn flush_pending(&self) -> io::Result<()> {
        info!("flush 24-byte TLS record (17 03 03 00 13 ..) to fd {}", self.bio_fd);
        self.kernel.write(self.bio_fd, &late_record()).map(drop)
    }
}
