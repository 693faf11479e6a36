//! racetrack's panic hook, which it puts back before every cell, leaves the process's panics as
//! they were outside cells: loom run after racetrack's cells, outside any cell, reports no panic
//! (loom's coroutines end with panics that only a filter of theirs used to silence).

use racetrack::sync::{thread, Arc, AtomicUsize, Ordering};
use racetrack::{run_cell, Budget, RunOptions, Scenario, SchedulerId::*, Variant};
use std::sync::atomic::AtomicUsize as Counter;

fn counter(variant: Variant) {
    let hits = Arc::new(AtomicUsize::new(0));
    let other = {
        let hits = Arc::clone(&hits);
        thread::spawn(move || {
            hits.fetch_add(1, Ordering::SeqCst);
        })
    };
    hits.fetch_add(1, Ordering::SeqCst);
    other.join().unwrap();
    if variant == Variant::Buggy {
        racetrack::safety!(hits.load(Ordering::SeqCst) != 2, "both counted");
    }
}

const COUNTER: Scenario = Scenario::new("counter", "two increments")
    .threads(&counter)
    .schedulers(&[(Loom, Budget::schedules(50)), (ShuttlePct, Budget::schedules(50))]);

static REPORTED: Counter = Counter::new(0);

#[test]
fn loom_outside_a_cell_reports_no_panic_after_cells_ran() {
    std::panic::set_hook(Box::new(|_| {
        REPORTED.fetch_add(1, Ordering::SeqCst);
    }));
    for scheduler in [Loom, ShuttlePct, Loom] {
        let r = run_cell(&COUNTER, scheduler, Variant::Fixed, &RunOptions::new(Some(1), None));
        assert!(r.ok, "{r:?}");
    }
    assert_eq!(REPORTED.load(Ordering::SeqCst), 0, "panics reported by the cells");
    loom::model(|| {
        let n = loom::sync::Arc::new(loom::sync::atomic::AtomicUsize::new(0));
        let m = n.clone();
        let t = loom::thread::spawn(move || m.fetch_add(1, Ordering::SeqCst));
        n.fetch_add(1, Ordering::SeqCst);
        t.join().unwrap();
    });
    assert_eq!(REPORTED.load(Ordering::SeqCst), 0, "loom's coroutine panics reached the process's hook");
    // A real panic outside a cell still does.
    let _ = std::panic::catch_unwind(|| panic!("a real one"));
    assert_eq!(REPORTED.load(Ordering::SeqCst), 1);
}
