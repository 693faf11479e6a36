//! ConVul's CVE-2016-7911 reproduction (wcventure/PERIOD evaluation/ConVul-CVE-Benchmarks; Linux
//! `get_task_ioprio`): the reader tests `p->io_context` and then dereferences it without
//! `task_lock`, while `exit_io_context` clears it under the lock and drops the context. Fixed
//! (upstream 8ba8682107ee): the reader holds `task_lock` around the test and the use.

use super::{join_all, spawn_sharing};
use crate::{program, Program};
use racetrack::sync::{Arc, AtomicBool, Mutex, Ordering::SeqCst};
use racetrack::{Scenario, Variant};

struct Task {
    alloc_lock: Mutex<()>,
    /// `p->io_context != NULL`.
    has_io_context: AtomicBool,
    io_context_freed: AtomicBool,
}

fn get_task_ioprio(p: &Task, variant: Variant) {
    let _held = (variant == Variant::Fixed).then(|| p.alloc_lock.lock());
    if p.has_io_context.load(SeqCst) {
        tracing::info!("reads ioprio");
        racetrack::safety!(!p.io_context_freed.load(SeqCst), "read ioprio of a freed io_context");
    }
}

fn exit_io_context(p: &Task) {
    {
        let _held = p.alloc_lock.lock();
        p.has_io_context.store(false, SeqCst);
    }
    tracing::info!("drops the io_context");
    p.io_context_freed.store(true, SeqCst);
}

fn run(variant: Variant) {
    let task = Arc::new(Task {
        alloc_lock: Mutex::new(()),
        has_io_context: AtomicBool::new(true),
        io_context_freed: AtomicBool::new(false),
    });
    let reader = spawn_sharing("ioprio", &task, move |task| get_task_ioprio(task, variant));
    let exit = spawn_sharing("exit", &task, move |task| exit_io_context(task));
    join_all(vec![reader, exit]);
}

/// `cve-2016-7911`: 3 threads, depth 1.
pub const PROGRAM: Program = program(
    Scenario::new("cve-2016-7911", "get_task_ioprio: io_context used after exit dropped it")
        .source("wcventure/PERIOD evaluation/ConVul-CVE-Benchmarks/CVE-2016-7911")
        .oracles("no read of a freed io_context", "")
        .threads(&run),
    3,
    1,
);
