//! shutdown-send-lock under every scheduler it supports — seed 003 (nearai/ironclaw#905, #869).

use models::webhook_channel::{Config, IncomingMessage, WebhookChannel};
use racetrack::stress::StressConfig;
use racetrack::testing::detected;
use racetrack::Variant;
use racetrack::{run_cell, RunOptions, SchedulerId};
use shutdown_send_lock::{stress, SCENARIO};

// The pinned failing traces (`snapshots::<scheduler>`, at the default seed):
//   The documented failing interleavings, pinned at the default seed: shutdown waits for the
//   write lock while a handler and a batch wait on the full buffer holding the read guard.
racetrack::scheduler_tests!(SCENARIO, tokio_paused, shuttle_random, shuttle_pct, turmoil; snapshots: tokio_paused, shuttle_pct, turmoil);

/// The 2 s bound is virtual: the stalled shutdown covers 2 s of virtual time. Wall time is
/// printed as a figure, never asserted (speed is measured, not a test's verdict).
#[test]
fn the_bound_is_virtual_time() {
    for scheduler in [SchedulerId::TokioPaused, SchedulerId::Turmoil] {
        let found = detected(&SCENARIO, scheduler, None);
        assert!(found.virtual_ms.unwrap() >= 2_000, "{scheduler}: {:?} ms virtual", found.virtual_ms);
        let fixed = run_cell(&SCENARIO, scheduler, Variant::Fixed, &RunOptions::default());
        assert!(fixed.ok, "{scheduler}: {}", racetrack::testing::describe(&fixed));
        println!(
            "{scheduler}: buggy detected at schedule {} after {} ms virtual / {} ms wall; fixed held over {} in {} ms virtual / {} ms wall",
            found.schedules, found.virtual_ms.unwrap(), found.elapsed_ms, fixed.schedules, fixed.virtual_ms.unwrap(), fixed.elapsed_ms
        );
    }
}

/// The review's second defect on its own: a webhook that waits for a response, refused because
/// the channel is not started, leaves its pending entry behind in the buggy variant only.
#[test]
fn pending_entry_leaks_only_in_buggy() {
    for variant in Variant::ALL {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap();
        let leaked = runtime.block_on(async {
            let channel = WebhookChannel::new(variant, Config::with_buffer(4));
            let reply = channel.process_message(IncomingMessage::new(1, "u", "before start"), true).await;
            assert_eq!((reply.status, reply.response.as_deref()), (503, Some("Channel not started")));
            assert_eq!(channel.is_pending(1).await, variant == Variant::Buggy, "{variant}");
            channel.pending_len().await
        });
        assert_eq!(leaked, usize::from(variant == Variant::Buggy), "{variant}");
    }
}

/// Stress on a real multi-thread runtime (buffer 256): the fixed variant never stalls or leaks.
#[test]
fn stress_fixed_never_shows_the_bug() {
    let report = (SCENARIO.stress.unwrap())(&StressConfig::new(Variant::Fixed, 5, 2), &|_| {});
    assert_eq!(report.failures, 0, "{report}");
    let buggy = stress::run(&StressConfig::new(Variant::Buggy, 5, 2), &|_| {});
    println!("stress buggy: {buggy}");
    assert!(buggy.liveness_problems.is_empty(), "{buggy}");
}
