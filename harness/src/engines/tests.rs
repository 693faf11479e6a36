//! What counts as a detection, and what `run_cell` guarantees whatever the body does.

use crate::{run_cell, Budget, CaughtBy, RunOptions, Scenario, SchedulerId::*, Verdict};
use racetrack_sync::{thread, AtomicBool, Engine, Mutex, Ordering, Variant};

fn six_threads(_: Variant) {
    let handles: Vec<_> = (0..5).map(|i| thread::Builder::new().name(format!("t{i}")).spawn(|| ())).collect();
    handles.into_iter().for_each(|h| h.join().unwrap());
}

fn unwraps(variant: Variant) {
    let parsed: Result<u32, _> = if variant == Variant::Buggy { "x".parse() } else { Ok(1) };
    parsed.unwrap();
}

fn spins(_: Variant) {
    let flag = AtomicBool::new(false);
    while !flag.load(Ordering::SeqCst) {
        thread::yield_now();
    }
}

fn liveness_only(variant: Variant) {
    crate::liveness!(variant == Variant::Fixed, "the mechanism is off");
}

fn deadlocks(variant: Variant) {
    let lock = racetrack_sync::Arc::new(Mutex::new(()));
    let other = {
        let lock = racetrack_sync::Arc::clone(&lock);
        thread::spawn(move || drop(lock.lock()))
    };
    let held = lock.lock();
    if variant == Variant::Fixed {
        drop(held); // the buggy variant joins while holding what the other thread may wait for
        drop(other.join());
    } else {
        drop(other.join());
        drop(held);
    }
}

const SIX_THREADS: Scenario = Scenario::new("six-threads", "more threads than loom models")
    .threads(&six_threads)
    .schedulers(&[(Loom, Budget::schedules(10))]);
const UNWRAPS: Scenario = Scenario::new("unwraps", "an unwrap, not an oracle")
    .threads(&unwraps)
    .schedulers(&[(ShuttleRandom, Budget::schedules(5))]);
const SPINS: Scenario = Scenario::new("spins", "a spin loop past loom's branch limit")
    .threads(&spins)
    .schedulers(&[(Loom, Budget::schedules(5))]);
const LIVENESS_ONLY: Scenario = Scenario::new("liveness-only", "the mechanism switched off")
    .threads(&liveness_only)
    .schedulers(&[(ShuttleRandom, Budget::schedules(5))]);
const DEADLOCKS: Scenario = Scenario::new("deadlocks", "a lock-order deadlock")
    .threads(&deadlocks)
    .schedulers(&[(Loom, Budget::schedules(50)), (ShuttlePct, Budget::schedules(50))]);

#[test]
fn loom_thread_limit_is_an_error_naming_the_limit_and_the_count() {
    let r = run_cell(&SIX_THREADS, Loom, Variant::Buggy, &RunOptions::default());
    assert_eq!((r.verdict, r.ok, r.caught_by), (Verdict::Error, false, None), "{r:?}");
    let failure = r.failure.unwrap();
    assert!(failure.contains("loom models at most 5 threads") && failure.contains("thread number 6"), "{failure}");
}

#[test]
fn an_unwrap_is_an_error_not_a_detection() {
    let r = run_cell(&UNWRAPS, ShuttleRandom, Variant::Buggy, &RunOptions::default());
    assert_eq!((r.verdict, r.ok), (Verdict::Error, false), "{r:?}");
    assert!(r.failure.unwrap().starts_with("not a detection: a panic outside every oracle: called `Result::unwrap()`"));
    assert!(r.replay.is_some(), "the schedule that broke still has a token");
}

#[test]
fn an_engine_limit_is_an_error_not_a_detection() {
    let r = run_cell(&SPINS, Loom, Variant::Fixed, &RunOptions::default());
    assert_eq!(r.verdict, Verdict::Error, "{r:?}");
    assert!(r.failure.unwrap().contains("maximum number of branches"));
}

#[test]
fn a_buggy_cell_caught_only_by_liveness_is_not_ok() {
    let r = run_cell(&LIVENESS_ONLY, ShuttleRandom, Variant::Buggy, &RunOptions::default());
    assert_eq!((r.verdict, r.caught_by, r.ok), (Verdict::Detected, Some(CaughtBy::Liveness), false));
    let fixed = run_cell(&LIVENESS_ONLY, ShuttleRandom, Variant::Fixed, &RunOptions::default());
    assert!(fixed.ok);
}

#[test]
fn an_engine_reported_deadlock_is_a_detection() {
    for scheduler in [Loom, ShuttlePct] {
        let r = run_cell(&DEADLOCKS, scheduler, Variant::Buggy, &RunOptions::default());
        assert_eq!((r.verdict, r.caught_by, r.ok), (Verdict::Detected, Some(CaughtBy::Deadlock), true), "{r:?}");
        assert!(run_cell(&DEADLOCKS, scheduler, Variant::Fixed, &RunOptions::default()).ok);
    }
}

#[test]
fn the_calling_thread_is_left_on_std_after_a_detection() {
    let r = run_cell(&DEADLOCKS, Loom, Variant::Buggy, &RunOptions::default());
    assert_eq!(r.verdict, Verdict::Detected);
    assert_eq!(Engine::current(), Engine::Std);
    *Mutex::new(1).lock() += 1; // a facade primitive still works here
}

#[test]
fn run_cell_from_a_panicking_thread_returns_a_result() {
    struct RunsOnUnwind(std::sync::mpsc::Sender<Verdict>);
    impl Drop for RunsOnUnwind {
        fn drop(&mut self) {
            assert!(std::thread::panicking());
            let r = run_cell(&DEADLOCKS, ShuttlePct, Variant::Buggy, &RunOptions::default());
            self.0.send(r.verdict).unwrap();
        }
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let unwound = std::thread::spawn(move || {
        let _guard = RunsOnUnwind(tx);
        panic!("the caller is unwinding");
    })
    .join();
    assert!(unwound.is_err());
    assert_eq!(rx.recv().unwrap(), Verdict::Detected);
}

#[test]
fn a_facade_primitive_built_outside_a_run_is_refused_inside_it() {
    static OUTSIDE: std::sync::OnceLock<std::sync::Mutex<Option<Mutex<u8>>>> = std::sync::OnceLock::new();
    fn uses_outside(_: Variant) {
        let slot = OUTSIDE.get().unwrap().lock().unwrap();
        let _ = *slot.as_ref().unwrap().lock();
    }
    const USES_OUTSIDE: Scenario = Scenario::new("uses-outside", "a Mutex built before the run")
        .threads(&uses_outside)
        .schedulers(&[(ShuttleRandom, Budget::schedules(1))]);
    OUTSIDE.get_or_init(|| std::sync::Mutex::new(Some(Mutex::new(0))));
    let r = run_cell(&USES_OUTSIDE, ShuttleRandom, Variant::Fixed, &RunOptions::default());
    assert_eq!(r.verdict, Verdict::Error);
    let failure = r.failure.unwrap();
    assert!(failure.contains("racetrack_sync::Mutex::lock: built under Std but used under Shuttle"), "{failure}");
}

/// A load-then-store counter bumped by two threads while two others make noise: a random
/// schedule preempts a lot, the race needs one preemption.
fn noisy_lost_update(variant: Variant) {
    use racetrack_sync::{Arc, AtomicUsize};
    let hits = Arc::new(AtomicUsize::new(0));
    let noise = Arc::new(AtomicUsize::new(0));
    let bump = {
        let hits = Arc::clone(&hits);
        move || match variant {
            Variant::Buggy => hits.store(hits.load(Ordering::SeqCst) + 1, Ordering::SeqCst),
            Variant::Fixed => drop(hits.fetch_add(1, Ordering::SeqCst)),
        }
    };
    let mut threads = vec![thread::Builder::new().name("bump").spawn(bump.clone())];
    for name in ["noise-a", "noise-b"] {
        let noise = Arc::clone(&noise);
        threads.push(thread::Builder::new().name(name).spawn(move || {
            for _ in 0..5 {
                noise.fetch_add(1, Ordering::SeqCst);
            }
        }));
    }
    bump();
    threads.into_iter().for_each(|t| t.join().unwrap());
    crate::safety!(hits.load(Ordering::SeqCst) == 2, "an update was lost: {} hits", hits.load(Ordering::SeqCst));
}

const NOISY: Scenario = Scenario::new("noisy-lost-update", "a lost update among noise")
    .threads(&noisy_lost_update)
    .schedulers(&[(ShuttleRandom, Budget::schedules(200)), (Loom, Budget::schedules(20_000).preemptions(3))]);

/// What a replay of `r`'s token reports, next to what `r` reported.
fn replayed(scenario: &Scenario, r: &crate::CellResult) -> crate::CellResult {
    crate::replay_cell(&[*scenario], &r.replay.as_deref().unwrap().parse().unwrap()).unwrap()
}

#[test]
fn a_shuttle_detection_is_shrunk_and_its_token_replays_the_shrunk_trace() {
    for seed in 1..=5 {
        let r = run_cell(&NOISY, ShuttleRandom, Variant::Buggy, &RunOptions::new(Some(seed), None));
        assert_eq!((r.verdict, r.ok), (Verdict::Detected, true), "{r:?}");
        let shrunk = r.shrink.clone().expect("a detection reports its shrink");
        let (before, after) = shrunk.preemptions;
        assert!(after <= before, "{shrunk:?}");
        assert_eq!(after, Some(1), "the race needs exactly one preemption: {shrunk:?}");
        assert!(shrunk.steps.1 <= shrunk.steps.0 || after < before, "{shrunk:?}");
        let again = replayed(&NOISY, &r);
        assert_eq!((&again.failure, &again.trace), (&r.failure, &r.trace), "seed {seed}");
        // Shrinking is as deterministic as the search.
        assert_eq!(
            run_cell(&NOISY, ShuttleRandom, Variant::Buggy, &RunOptions::new(Some(seed), None)).without_timing(),
            r.without_timing()
        );
    }
}

#[test]
fn a_loom_detection_reports_the_smallest_bound_that_finds_it() {
    let r = run_cell(&NOISY, Loom, Variant::Buggy, &RunOptions::default());
    assert_eq!((r.verdict, r.ok), (Verdict::Detected, true), "{r:?}");
    let shrunk = r.shrink.clone().unwrap();
    let (before, after) = shrunk.preemptions;
    assert_eq!((shrunk.method.as_str(), before), ("preemption bound", Some(3)), "{shrunk:?}");
    assert!(after < before, "{shrunk:?}");
    assert!(r.replay.as_deref().unwrap().contains(&format!(":pb{}-i", after.unwrap())), "{r:?}");
    let again = replayed(&NOISY, &r);
    assert_eq!((&again.failure, &again.trace), (&r.failure, &r.trace));
}

const BY_DEFAULT: Scenario = Scenario::new("by-default", "no scheduler named").threads(&noisy_lost_update);

#[test]
fn a_scenario_that_names_no_scheduler_runs_the_default_exploration() {
    let cells: Vec<String> = BY_DEFAULT.cells().map(|(c, b)| format!("{c} {}", b.schedules)).collect();
    assert_eq!(cells, [format!("default {}", crate::DEFAULT_SCHEDULES)]);
    let r = run_cell(&BY_DEFAULT, Default, Variant::Buggy, &RunOptions::default());
    assert_eq!((r.verdict, r.ok), (Verdict::Detected, true), "{r:?}");
    assert!(r.strategy.is_some() && r.bound.as_deref().unwrap().starts_with("portfolio: "), "{r:?}");
    assert!(r.replay.as_deref().unwrap().starts_with("rt1:by-default:default:buggy:1:"));
    let again = replayed(&BY_DEFAULT, &r);
    assert_eq!((&again.failure, &again.trace), (&r.failure, &r.trace));
    let fixed = run_cell(&BY_DEFAULT, Default, Variant::Fixed, &RunOptions::new(None, Some(100)));
    assert_eq!((fixed.verdict, fixed.schedules, fixed.strategy), (Verdict::Held, 100, None));
}
