//! The simulated kernel's state: the fd table, the open file descriptions it points at, the
//! files' contents, and an audit of every write and close (what an `strace` of the process
//! would show, with the object each integer named at the time).

use super::Fd;
use std::collections::BTreeMap;
use std::io;

/// How many connections a simulated process can make in one run (its ephemeral ports): a call
/// that reconnects without bound fails with `EADDRNOTAVAIL` instead of looping for ever.
pub const EPHEMERAL_PORTS: usize = 64;

/// An `io::Error` carrying `errno`, as the real kernel reports it.
pub(super) fn errno(code: i32) -> io::Error {
    io::Error::from_raw_os_error(code)
}

/// One write, as the kernel saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteRecord {
    /// The thread that called `write`.
    pub writer: String,
    /// The integer it wrote through.
    pub fd: Fd,
    /// Bytes written.
    pub len: usize,
    /// File offset the bytes landed at (`None` for a socket).
    pub offset: Option<u64>,
}

/// What an open file description is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// Inherited stdin, stdout or stderr.
    Stdio,
    /// A connected TCP socket.
    Socket(Socket),
    /// A regular file and this description's offset.
    File { path: String, offset: u64 },
}

/// A connected TCP socket's state. Its peer sends nothing unless the run says it answers
/// ([`super::SimKernel::respond`]): a slow upstream.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Socket {
    /// Which connection this is: 1 for the first `connect` of the process, 2 for the next, …
    pub connection: usize,
    pub rd_shut: bool,
    pub wr_shut: bool,
    /// Bytes the peer sent that nobody has read yet.
    pub inbox: Vec<u8>,
    /// The peer reset the connection (`RST`): reads fail with `ECONNRESET` once the inbox is read.
    pub reset: bool,
}

/// One open file description (what an fd integer points at), with its audit trail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Description {
    /// What it is: `tcp api.openai.com:443`, `kanban.db`, `stdout`.
    pub name: String,
    /// The thread that created it (`open`, `connect`).
    pub opened_by: String,
    /// Whether it is a socket.
    pub is_socket: bool,
    /// Every thread that released it with `close`, in order (more than one is a double close).
    pub closed_by: Vec<String>,
    /// Every thread that called `shutdown` on an integer naming it, in order, whether or not the
    /// call could succeed (on a file it fails with `ENOTSOCK`).
    pub shutdown_by: Vec<String>,
    /// Whether a `recv` on it gave up at the read timeout (nothing broke it or answered it).
    pub recv_timed_out: bool,
    /// Every write that landed in it.
    pub writes: Vec<WriteRecord>,
    pub(super) kind: Kind,
}

/// The process's fd table and the kernel objects behind it.
#[derive(Debug)]
pub(super) struct Table {
    /// fd → index into `descriptions`.
    pub fds: BTreeMap<Fd, usize>,
    pub descriptions: Vec<Description>,
    /// File contents by path (the inodes).
    pub files: BTreeMap<String, Vec<u8>>,
    /// The client's read timeout has passed: a `recv` with nothing to read gives up.
    pub read_timeout_elapsed: bool,
    /// Sockets connected so far.
    pub connections: usize,
    /// What the upstream will send on connections not made yet, by connection number.
    pub responses: BTreeMap<usize, Vec<u8>>,
}

impl Table {
    /// A table with stdin, stdout and stderr on 0, 1 and 2.
    pub fn new() -> Self {
        let mut table = Table {
            fds: BTreeMap::new(),
            descriptions: Vec::new(),
            files: BTreeMap::new(),
            read_timeout_elapsed: false,
            connections: 0,
            responses: BTreeMap::new(),
        };
        for name in ["stdin", "stdout", "stderr"] {
            table.install(name.to_owned(), "init", Kind::Stdio);
        }
        table
    }

    /// Creates a description and gives it the lowest free integer (POSIX).
    pub fn install(&mut self, name: String, opened_by: &str, kind: Kind) -> Fd {
        let fd = (0..).find(|fd| !self.fds.contains_key(fd)).expect("an fd table has a free integer");
        let is_socket = matches!(kind, Kind::Socket(_));
        self.descriptions.push(Description {
            name,
            opened_by: opened_by.to_owned(),
            is_socket,
            closed_by: Vec::new(),
            shutdown_by: Vec::new(),
            recv_timed_out: false,
            writes: Vec::new(),
            kind,
        });
        self.fds.insert(fd, self.descriptions.len() - 1);
        fd
    }

    /// The description `fd` names now, or `EBADF`.
    pub fn lookup(&self, fd: Fd) -> io::Result<usize> {
        self.fds.get(&fd).copied().ok_or_else(|| errno(libc::EBADF))
    }

    /// Writes `data` through `fd`; returns the description's name and the file offset used.
    pub fn write(&mut self, writer: &str, fd: Fd, data: &[u8]) -> io::Result<(String, Option<u64>)> {
        let index = self.lookup(fd)?;
        let d = &mut self.descriptions[index];
        let offset = match &mut d.kind {
            Kind::Stdio => None,
            Kind::Socket(Socket { wr_shut: true, .. }) => return Err(errno(libc::EPIPE)),
            Kind::Socket(_) => None,
            Kind::File { path, offset } => {
                let at = *offset;
                let contents = self.files.get_mut(path.as_str()).expect("an open file has contents");
                let end = at as usize + data.len();
                if contents.len() < end {
                    contents.resize(end, 0);
                }
                contents[at as usize..end].copy_from_slice(data);
                *offset += data.len() as u64;
                Some(at)
            }
        };
        d.writes.push(WriteRecord { writer: writer.to_owned(), fd, len: data.len(), offset });
        Ok((d.name.clone(), offset))
    }

    /// Reads from a file description at `offset`.
    pub fn pread(&self, fd: Fd, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        match &self.descriptions[self.lookup(fd)?].kind {
            Kind::File { path, .. } => {
                let contents = &self.files[path.as_str()];
                let from = (offset as usize).min(contents.len());
                let n = buf.len().min(contents.len() - from);
                buf[..n].copy_from_slice(&contents[from..from + n]);
                Ok(n)
            }
            _ => Err(errno(libc::ESPIPE)),
        }
    }

    /// The socket state of the description at `index`, or `ENOTSOCK`.
    pub fn socket_mut(&mut self, index: usize) -> io::Result<&mut Socket> {
        match &mut self.descriptions[index].kind {
            Kind::Socket(socket) => Ok(socket),
            _ => Err(errno(libc::ENOTSOCK)),
        }
    }

    /// A new socket's state: the next connection number, and what the upstream already sent on
    /// it. `EADDRNOTAVAIL` once [`EPHEMERAL_PORTS`] connections have been made: every closed one
    /// still holds its port in `TIME_WAIT` for longer than a run lasts.
    pub fn next_socket(&mut self) -> io::Result<Socket> {
        if self.connections == EPHEMERAL_PORTS {
            return Err(errno(libc::EADDRNOTAVAIL));
        }
        self.connections += 1;
        let inbox = self.responses.remove(&self.connections).unwrap_or_default();
        Ok(Socket { connection: self.connections, inbox, ..Socket::default() })
    }

    /// The socket of connection number `connection`, if it was made.
    pub fn connection_mut(&mut self, connection: usize) -> Option<&mut Socket> {
        self.descriptions.iter_mut().find_map(|d| match &mut d.kind {
            Kind::Socket(s) if s.connection == connection => Some(s),
            _ => None,
        })
    }
}
