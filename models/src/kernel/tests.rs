//! The POSIX rules the race depends on, checked on the simulated table (under loom, every
//! interleaving) and on the real kernel.

use super::{is_timeout, Kernel, RealKernel, SimKernel};
use racetrack_sync::{thread, Arc, Engine};
use std::path::Path;

/// Lowest free integer, recycling, and a write through a recycled integer landing in the new
/// object, attributed to the stale writer.
#[test]
fn sim_recycles_the_lowest_free_fd_and_audits_stale_writes() {
    let k = Arc::new(SimKernel::new());
    k.create_file("kanban.db", vec![0; 8]);
    let sock = thread::Builder::new().name("owner").spawn({
        let k = Arc::clone(&k);
        move || k.connect("api:443").unwrap()
    });
    let sock = sock.join().unwrap();
    assert_eq!(sock, 3);
    k.close(sock).unwrap();
    let db = k.open(Path::new("kanban.db")).unwrap();
    assert_eq!(db, 3);
    let owner = thread::Builder::new().name("owner").spawn({
        let k = Arc::clone(&k);
        move || k.write(3, b"TLS").unwrap()
    });
    owner.join().unwrap();
    assert_eq!(&k.file("kanban.db").unwrap()[..3], b"TLS");
    let me = thread::current_name();
    assert_eq!(
        k.foreign_writes(),
        [format!("owner wrote 3 bytes through fd 3 into kanban.db at offset 0 (opened by {me})")]
    );
    assert_eq!(k.foreign_closes(), [format!("{me} released the fd of tcp api:443 (opened by owner)")]);
}

/// The upstream's answer, the shutdown audit and the read-timeout audit the stranger-fd-close
/// oracles read: bytes already received are read before the EOF of a shutdown (as on Linux), a
/// shutdown through an integer that now names a file fails with ENOTSOCK and is recorded, and a
/// recv that gave up at the read timeout is marked.
#[test]
fn sim_answers_audits_shutdowns_and_marks_read_timeouts() {
    let k = SimKernel::new();
    k.create_file("kanban.db", vec![0; 8]);
    k.respond(2, b"late");
    let first = k.connect("api:443").unwrap();
    k.respond(1, b"hello");
    k.shutdown(first).unwrap();
    let mut buf = [0; 16];
    assert_eq!(k.recv(first, &mut buf).unwrap(), 5, "received bytes come before the EOF");
    assert_eq!(&buf[..5], b"hello");
    assert_eq!(k.recv(first, &mut buf).unwrap(), 0);
    k.close(first).unwrap();
    let db = k.open(Path::new("kanban.db")).unwrap();
    assert_eq!(k.shutdown(db).unwrap_err().raw_os_error(), Some(libc::ENOTSOCK));
    let me = thread::current_name();
    assert_eq!(
        k.misdirected_shutdowns(),
        [format!("{me} called shutdown on an fd that names kanban.db (opened by {me})")]
    );
    let second = k.connect("api:443").unwrap();
    assert_eq!(k.recv(second, &mut buf).unwrap(), 4, "an answer sent before the connection waits for it");
    k.elapse_read_timeout();
    assert!(is_timeout(&k.recv(second, &mut buf).unwrap_err()));
    let timed_out: Vec<bool> = k.descriptions().iter().filter(|d| d.is_socket).map(|d| d.recv_timed_out).collect();
    assert_eq!(timed_out, [false, true]);
    assert_eq!(k.descriptions().iter().map(|d| d.shutdown_by.len()).collect::<Vec<_>>(), [0, 0, 0, 1, 1, 0]);
}

/// A reset connection fails its reads with ECONNRESET, and a process that keeps reconnecting runs
/// out of ephemeral ports (each closed one lingers in TIME_WAIT) instead of looping for ever.
#[test]
fn sim_resets_and_runs_out_of_ephemeral_ports() {
    let k = SimKernel::new();
    let fd = k.connect("api:443").unwrap();
    k.reset(1);
    assert_eq!(k.recv(fd, &mut [0; 8]).unwrap_err().raw_os_error(), Some(libc::ECONNRESET));
    k.close(fd).unwrap();
    for _ in 1..super::EPHEMERAL_PORTS {
        let fd = k.connect("api:443").unwrap();
        k.close(fd).unwrap();
    }
    assert_eq!(k.connect("api:443").unwrap_err().raw_os_error(), Some(libc::EADDRNOTAVAIL));
}

/// Under every loom interleaving: a shutdown ends a blocked recv with EOF and keeps the integer;
/// a close alone never ends it with EOF (on Linux it stays blocked; here until the read timeout).
#[test]
fn sim_shutdown_breaks_recv_and_close_does_not() {
    for shut_down in [true, false] {
        loom::model(move || {
            Engine::Loom.enter(|| {
                let k = Arc::new(SimKernel::new());
                let fd = k.connect("api:443").unwrap();
                let reader = thread::spawn({
                    let k = Arc::clone(&k);
                    move || k.recv(fd, &mut [0; 8])
                });
                if shut_down {
                    k.shutdown(fd).unwrap();
                    assert_eq!(k.open_fds(), [0, 1, 2, fd], "shutdown released the integer");
                    assert_eq!(reader.join().unwrap().unwrap(), 0);
                } else {
                    k.close(fd).unwrap();
                    k.elapse_read_timeout();
                    // EBADF if the recv started after the close, EAGAIN if it was blocked: never EOF.
                    let result = reader.join().unwrap();
                    assert!(result.is_err(), "a close ended a blocked recv: {result:?}");
                }
            })
        });
    }
}

/// The real kernel keeps the same rules: shutdown keeps the integer and ends reads with EOF and
/// writes with EPIPE; close releases it and the next open gets it back.
#[test]
fn real_os_kernel_shutdown_keeps_the_fd_and_close_recycles_it() {
    let dir = std::env::temp_dir().join(format!("racetrack-kernel-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("kanban.db");
    std::fs::write(&file, [0u8; 64]).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let k = RealKernel::new(std::time::Duration::from_millis(200));

    let sock = k.connect(&listener.local_addr().unwrap().to_string()).unwrap();
    let _server = listener.accept().unwrap();
    assert!(is_timeout(&k.recv(sock, &mut [0; 8]).unwrap_err()), "an idle read times out");
    k.shutdown(sock).unwrap();
    assert_eq!(k.recv(sock, &mut [0; 8]).unwrap(), 0);
    assert_eq!(k.write(sock, b"x").unwrap_err().raw_os_error(), Some(libc::EPIPE));
    let other = k.open(&file).unwrap();
    assert_ne!(other, sock, "shutdown must not release the integer");
    k.close(other).unwrap();

    k.close(sock).unwrap();
    let db = k.open(&file).unwrap();
    assert_eq!(db, sock, "POSIX: the next open gets the lowest free integer");
    k.write(db, b"TLS").unwrap();
    k.close(db).unwrap();
    assert_eq!(&std::fs::read(&file).unwrap()[..3], b"TLS");
    std::fs::remove_dir_all(&dir).unwrap();
}
