//! `racetrack_sync::Once` runs its initialiser exactly once on every engine, and loom and shuttle
//! explore which caller runs it.

mod engines;

use engines::{on_every_engine, outcomes_per_model_checker, panic_message};
use racetrack_sync::{thread, Arc, AtomicUsize, Engine, Once, Ordering};

#[test]
fn exactly_one_caller_runs_it_and_every_caller_sees_it_done() {
    on_every_engine(|| {
        let (once, runs) = (Arc::new(Once::new()), Arc::new(AtomicUsize::new(0)));
        let init = {
            let (once, runs) = (Arc::clone(&once), Arc::clone(&runs));
            move || {
                once.call_once(|| {
                    runs.fetch_add(1, Ordering::SeqCst);
                });
                assert_eq!(runs.load(Ordering::SeqCst), 1, "returned before the initialiser finished");
                assert!(once.is_completed());
            }
        };
        let others = [thread::spawn(init.clone()), thread::spawn(init.clone())];
        init();
        others.into_iter().for_each(|t| t.join().unwrap());
    });
}

#[test]
fn both_model_checkers_explore_who_runs_it() {
    let runners = outcomes_per_model_checker(|seen| {
        let once = Arc::new(Once::new());
        let other = {
            let (once, seen) = (Arc::clone(&once), seen.clone());
            thread::spawn(move || once.call_once(|| seen.record("other")))
        };
        once.call_once(|| seen.record("main"));
        other.join().unwrap();
    });
    assert_eq!(runners, [["main", "other"], ["main", "other"]]);
}

#[test]
fn a_panicking_initialiser_poisons_it() {
    // Real threads and loom: shuttle fails the whole test on any panic, even a caught one.
    let body = || {
        let once = Once::new();
        assert!(panic_message(|| once.call_once(|| panic!("init failed"))).is_some());
        assert!(!once.is_completed());
        assert_eq!(
            panic_message(|| once.call_once(|| {})).as_deref(),
            Some("Once instance has previously been poisoned")
        );
    };
    Engine::Std.enter(body);
    engines::under_loom(body);
}

#[test]
fn a_once_made_outside_a_run_is_refused_inside_one() {
    let once = Once::new();
    let refused = panic_message(|| Engine::Shuttle.enter(|| once.call_once(|| {})));
    assert!(refused.unwrap().contains("racetrack_sync::Once::call_once: built under Std but used under Shuttle"));
}
