//! `racetrack_sync::Barrier` releases its waiters together with one leader on every engine, and
//! loom and shuttle explore who leads.

mod engines;

use engines::{on_every_engine, outcomes_per_model_checker, panic_message};
use racetrack_sync::{thread, Arc, AtomicUsize, Barrier, Engine, Ordering};

#[test]
fn nobody_passes_before_everyone_arrives_and_each_release_has_one_leader_twice_over() {
    on_every_engine(|| {
        let (barrier, arrived) = (Arc::new(Barrier::new(3)), Arc::new(AtomicUsize::new(0)));
        let party = {
            let (barrier, arrived) = (Arc::clone(&barrier), Arc::clone(&arrived));
            move || {
                let mut leaders = 0;
                for round in 1..=2 {
                    arrived.fetch_add(1, Ordering::SeqCst);
                    let leader = barrier.wait().is_leader();
                    assert!(arrived.load(Ordering::SeqCst) >= 3 * round, "passed the barrier before everyone arrived");
                    leaders += usize::from(leader);
                }
                leaders
            }
        };
        let others = [thread::spawn(party.clone()), thread::spawn(party.clone())];
        let leaders = party() + others.into_iter().map(|t| t.join().unwrap()).sum::<usize>();
        assert_eq!(leaders, 2, "one leader per release");
    });
}

#[test]
fn a_barrier_of_one_never_blocks() {
    on_every_engine(|| assert!(Barrier::new(1).wait().is_leader()));
}

#[test]
fn both_model_checkers_explore_who_leads() {
    // The last to arrive leads. Arrivals need a step before them to be reordered: shuttle does
    // not switch threads at a spawn, nor before a wait that blocks.
    let leaders = outcomes_per_model_checker(|seen| {
        let (barrier, arrivals) = (Arc::new(Barrier::new(2)), Arc::new(AtomicUsize::new(0)));
        let arrive = {
            let (barrier, arrivals) = (Arc::clone(&barrier), Arc::clone(&arrivals));
            move || {
                arrivals.fetch_add(1, Ordering::SeqCst);
                barrier.wait().is_leader()
            }
        };
        let other = thread::spawn(arrive.clone());
        let main_leads = arrive();
        assert_ne!(main_leads, other.join().unwrap(), "one leader");
        seen.record(if main_leads { "main" } else { "other" });
    });
    assert_eq!(leaders, [["main", "other"], ["main", "other"]]);
}

#[test]
fn a_barrier_made_outside_a_run_is_refused_inside_one() {
    let barrier = Barrier::new(1);
    let refused = panic_message(|| assert!(Engine::Loom.enter(|| barrier.wait()).is_leader()));
    assert!(refused.unwrap().contains("racetrack_sync::Barrier::wait: built under Std but used under Loom"));
}
