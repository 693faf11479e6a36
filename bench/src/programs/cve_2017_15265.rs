//! ConVul's CVE-2017-15265 reproduction (wcventure/PERIOD evaluation/ConVul-CVE-Benchmarks; ALSA
//! sequencer `snd_seq_ioctl_create_port`): creating a port publishes it in the client's list under
//! the ports locks and then, unlocked, fills in its info; a concurrent delete of that port number
//! finds it, unlinks it and frees it in between. Fixed (upstream 71105998845f): the creator takes
//! a use reference before publishing and drops it after the info is set; delete waits for the
//! references to drain before it frees.

use super::{join_all, spawn_sharing};
use crate::{program, Program};
use racetrack::sync::{thread, Arc, AtomicBool, AtomicUsize, Mutex, Ordering::SeqCst};
use racetrack::{Scenario, Variant};

struct Port {
    number: usize,
    users: AtomicUsize,
    freed: AtomicBool,
    kind: AtomicUsize,
}

fn port(number: usize) -> Arc<Port> {
    Arc::new(Port { number, users: AtomicUsize::new(0), freed: AtomicBool::new(false), kind: AtomicUsize::new(0) })
}

fn create_port(ports: &Mutex<Vec<Arc<Port>>>, variant: Variant) {
    let new = {
        let mut list = ports.lock();
        let new = port(list.iter().map(|p| p.number + 1).max().unwrap_or(0));
        if variant == Variant::Fixed {
            new.users.fetch_add(1, SeqCst);
        }
        list.push(Arc::clone(&new));
        new
    };
    tracing::info!(port = new.number, "created; sets its info");
    racetrack::safety!(!new.freed.load(SeqCst), "set the info of port {} after it was freed", new.number);
    new.kind.store(1, SeqCst);
    if variant == Variant::Fixed {
        new.users.fetch_sub(1, SeqCst);
    }
}

fn delete_port(ports: &Mutex<Vec<Arc<Port>>>, number: usize) {
    let found = {
        let mut list = ports.lock();
        list.iter().position(|p| p.number == number).map(|at| list.remove(at))
    };
    if let Some(port) = found {
        while port.users.load(SeqCst) > 0 {
            thread::yield_now();
        }
        tracing::info!(port = port.number, "frees it");
        port.freed.store(true, SeqCst);
    }
}

fn run(variant: Variant) {
    let ports = Arc::new(Mutex::new(vec![port(0)]));
    let create = spawn_sharing("create", &ports, move |ports| create_port(ports, variant));
    let delete = spawn_sharing("delete", &ports, move |ports| delete_port(ports, 1));
    join_all(vec![create, delete]);
}

/// `cve-2017-15265`: 3 threads, depth 2.
pub const PROGRAM: Program = program(
    Scenario::new("cve-2017-15265", "ALSA seq: a port freed while its creator sets it up")
        .source("wcventure/PERIOD evaluation/ConVul-CVE-Benchmarks/CVE-2017-15265")
        .oracles("no write to a freed port", "")
        .threads(&run),
    3,
    2,
);
