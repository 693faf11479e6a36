//! `racetrack_sync::mpsc` behaves as std's channel on every engine, and loom and shuttle explore
//! its interleavings.

mod engines;

use engines::{on_every_engine, outcomes_per_model_checker, panic_message};
use racetrack_sync::mpsc::{self, RecvError, SendError, TryRecvError};
use racetrack_sync::{thread, Engine};

#[test]
fn every_value_arrives_in_each_senders_order_and_iteration_ends_when_the_senders_go() {
    on_every_engine(|| {
        let (tx, rx) = mpsc::channel();
        let other = tx.clone();
        let a = thread::spawn(move || (0..2).for_each(|n| tx.send(("a", n)).unwrap()));
        let b = thread::spawn(move || other.send(("b", 0)).unwrap());
        let got: Vec<_> = rx.iter().collect();
        a.join().unwrap();
        b.join().unwrap();
        assert_eq!(got.len(), 3, "{got:?}");
        let from_a: Vec<_> = got.iter().filter(|(s, _)| *s == "a").map(|(_, n)| *n).collect();
        assert_eq!(from_a, [0, 1], "one sender's values arrive in its order");
    });
}

#[test]
fn recv_after_the_last_sender_is_dropped_elsewhere_is_an_error_not_a_deadlock() {
    // loom's own mpsc blocks here for ever (a false deadlock); std returns RecvError.
    on_every_engine(|| {
        let (tx, rx) = mpsc::channel::<u32>();
        let dropper = thread::spawn(move || drop(tx));
        assert_eq!(rx.recv(), Err(RecvError));
        dropper.join().unwrap();
    });
}

#[test]
fn try_recv_tells_empty_from_disconnected_and_send_to_a_dropped_receiver_gives_the_value_back() {
    on_every_engine(|| {
        let (tx, rx) = mpsc::channel();
        assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
        tx.send(7).unwrap();
        assert_eq!(rx.try_recv(), Ok(7));
        drop(tx);
        assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));

        let (tx, rx) = mpsc::channel();
        drop(rx);
        assert_eq!(tx.send(8), Err(SendError(8)));
    });
}

#[test]
fn both_model_checkers_explore_both_arrival_orders() {
    let orders = outcomes_per_model_checker(|seen| {
        let (tx, rx) = mpsc::channel();
        let other = tx.clone();
        let a = thread::spawn(move || tx.send('a').unwrap());
        let b = thread::spawn(move || other.send('b').unwrap());
        seen.record(rx.into_iter().collect::<String>());
        a.join().unwrap();
        b.join().unwrap();
    });
    assert_eq!(orders, [["ab", "ba"], ["ab", "ba"]]);
}

#[test]
fn a_panic_while_the_owner_joins_its_consumer_on_drop_is_reported_as_that_panic() {
    // The shape of a service that stops its worker in Drop: the sender goes, then the join.
    struct Owner(Option<mpsc::Sender<u8>>, Option<thread::JoinHandle<()>>);
    impl Drop for Owner {
        fn drop(&mut self) {
            drop(self.0.take());
            self.1.take().map(|worker| worker.join());
        }
    }
    let body = || {
        let (tx, rx) = mpsc::channel::<u8>();
        let worker = thread::spawn(move || rx.into_iter().for_each(drop));
        let _owner = Owner(Some(tx), Some(worker));
        panic!("the oracle failed");
    };
    assert_eq!(panic_message(|| engines::under_loom(body)).as_deref(), Some("the oracle failed"));
    assert_eq!(panic_message(|| engines::under_shuttle(body)).as_deref(), Some("the oracle failed"));
}

#[test]
fn a_channel_made_outside_a_run_is_refused_inside_one_naming_the_operation() {
    let (tx, rx) = mpsc::channel::<u8>();
    let refused = panic_message(|| Engine::Loom.enter(|| tx.send(1).unwrap()));
    assert!(refused.unwrap().contains("racetrack_sync::mpsc::Sender::send: built under Std but used under Loom"));
    let refused = panic_message(|| Engine::Shuttle.enter(|| assert!(rx.try_recv().is_err())));
    assert!(refused
        .unwrap()
        .contains("racetrack_sync::mpsc::Receiver::try_recv: built under Std but used under Shuttle"));
}
