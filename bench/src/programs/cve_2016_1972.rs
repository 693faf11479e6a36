//! ConVul's CVE-2016-1972 reproduction (wcventure/PERIOD evaluation/ConVul-CVE-Benchmarks; libvpx
//! `once()` in Firefox): `once` counts waiters with plain `++`/`--` and the thread that brings the
//! count to zero frees the lock; a thread that passed the `done` check before it was set counts
//! itself in afterwards and enters the freed lock. Fixed (upstream: `pthread_once`): the lock is
//! never freed, `once` only locks, checks and sets `done`.

use super::{join_all, spawn_sharing};
use crate::{program, Program};
use racetrack::sync::{Arc, AtomicBool, AtomicI64, Mutex, Ordering::SeqCst};
use racetrack::{Scenario, Variant};

struct Once {
    done: AtomicBool,
    waiters: AtomicI64,
    lock: Mutex<()>,
    lock_freed: AtomicBool,
}

fn once(o: &Once, variant: Variant) {
    if o.done.load(SeqCst) {
        return;
    }
    if variant == Variant::Buggy {
        let w = o.waiters.load(SeqCst);
        o.waiters.store(w + 1, SeqCst);
        racetrack::safety!(!o.lock_freed.load(SeqCst), "entered the once-lock after it was freed");
    }
    {
        let _held = o.lock.lock();
        if !o.done.load(SeqCst) {
            tracing::info!("runs the init");
            o.done.store(true, SeqCst);
        }
    }
    if variant == Variant::Buggy {
        let w = o.waiters.load(SeqCst) - 1;
        o.waiters.store(w, SeqCst);
        if w == 0 {
            tracing::info!("frees the lock");
            o.lock_freed.store(true, SeqCst);
        }
    }
}

fn run(variant: Variant) {
    let o = Arc::new(Once {
        done: AtomicBool::new(false),
        waiters: AtomicI64::new(0),
        lock: Mutex::new(()),
        lock_freed: AtomicBool::new(false),
    });
    let threads = (0..2).map(|i| spawn_sharing(&format!("once-{i}"), &o, move |o| once(o, variant))).collect();
    join_all(threads);
}

/// `cve-2016-1972`: 3 threads, depth 2.
pub const PROGRAM: Program = program(
    Scenario::new("cve-2016-1972", "libvpx once(): the lock freed under a late waiter")
        .source("wcventure/PERIOD evaluation/ConVul-CVE-Benchmarks/CVE-2016-1972")
        .oracles("no use of the freed lock", "")
        .threads(&run),
    3,
    2,
);
