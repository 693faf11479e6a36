//! The kanban dispatcher's database: a SQLite-format file it opens on every tick, and the header
//! check (`_validate_sqlite_header`, the seed's prong 3) that refuses a corrupted file.

use crate::kernel::{Fd, Kernel};
use racetrack_sync::Arc;
use std::fmt;
use std::path::Path;
use tracing::info;

/// Bytes 0..16 of every SQLite database.
pub const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
/// The database header's length.
pub const HEADER_LEN: usize = 100;
/// Page size of the databases this module creates.
pub const PAGE_SIZE: u16 = 4096;

/// A fresh one-page database image: a valid 100-byte header, then an empty page.
pub fn new_database_image() -> Vec<u8> {
    let mut image = vec![0u8; PAGE_SIZE as usize];
    image[..16].copy_from_slice(SQLITE_MAGIC);
    image[16..18].copy_from_slice(&PAGE_SIZE.to_be_bytes());
    image[18] = 1; // file format write version: legacy
    image[19] = 1; // read version
    image[21] = 64; // max embedded payload fraction (must be 64)
    image[22] = 32; // min embedded payload fraction (must be 32)
    image[23] = 32; // leaf payload fraction (must be 32)
    image[28..32].copy_from_slice(&1u32.to_be_bytes()); // database size in pages
    image[44..48].copy_from_slice(&4u32.to_be_bytes()); // schema format
    image[56..60].copy_from_slice(&1u32.to_be_bytes()); // text encoding: UTF-8
    image
}

/// Bytes as `17 03 03 00 13 ..`, for messages and notes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ")
}

/// Why the dispatcher refused to open its database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DbError {
    /// The header check failed: `kanban dispatcher: ... is not a valid SQLite database`.
    NotADatabase {
        /// The file.
        path: String,
        /// Its first 8 bytes, hex.
        head: String,
    },
    /// The file could not be opened or read.
    Io(String),
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbError::NotADatabase { path, head } => write!(f, "{path} is not a valid SQLite database (head: {head})"),
            DbError::Io(e) => write!(f, "{e}"),
        }
    }
}

/// `_validate_sqlite_header`: the magic string, a power-of-two page size in 512..=65536, and the
/// three fixed payload fractions.
pub fn validate_sqlite_header(header: &[u8]) -> bool {
    if header.len() < HEADER_LEN || &header[..16] != SQLITE_MAGIC {
        return false;
    }
    let page = u16::from_be_bytes([header[16], header[17]]) as u32;
    let page = if page == 1 { 65536 } else { page };
    page.is_power_of_two() && (512..=65536).contains(&page) && header[21..24] == [64, 32, 32]
}

/// An open kanban database: the fd the dispatcher holds while it works.
#[derive(Debug)]
pub struct KanbanDb {
    kernel: Arc<dyn Kernel>,
    fd: Fd,
}

impl KanbanDb {
    /// Opens `path` and validates its header; a corrupted file is closed again and refused.
    pub fn open(kernel: Arc<dyn Kernel>, path: &Path) -> Result<KanbanDb, DbError> {
        let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        let fd = kernel.open(path).map_err(|e| DbError::Io(format!("open {name}: {e}")))?;
        info!("open {name} -> fd {fd}");
        let mut header = [0u8; HEADER_LEN];
        let read = kernel.pread(fd, &mut header, 0);
        if read.as_ref().map_or(true, |n| !validate_sqlite_header(&header[..*n])) {
            let _ = kernel.close(fd);
            let error = DbError::NotADatabase { path: name, head: hex(&header[..8]) };
            info!("kanban dispatcher: {error}");
            return Err(error);
        }
        Ok(KanbanDb { kernel, fd })
    }

    /// One dispatcher tick: open (with the header check), then close.
    pub fn tick(kernel: Arc<dyn Kernel>, path: &Path) -> Result<(), DbError> {
        KanbanDb::open(kernel, path).map(KanbanDb::close)
    }

    /// The fd it holds.
    pub fn fd(&self) -> Fd {
        self.fd
    }

    /// Closes the database (end of the dispatcher's tick).
    pub fn close(self) {
        let _ = self.kernel.close(self.fd);
    }
}
