//! The race on a real multi-thread tokio runtime with the production buffer of 256, as the
//! seed's own regression test does it: fill the buffer, start a handler that will block on the
//! 257th send, and shut down right away (no waiting for the handler to block: real timing
//! decides). A shutdown that takes longer than the bound is the bug.

use crate::workload::agent;
use models::webhook_channel::{Config, IncomingMessage, WebhookChannel, DEFAULT_BUFFER};
use racetrack::oracle::Violation;
use racetrack::stress::{StressConfig, StressReport};
use racetrack::sync::{task, Arc};
use std::time::Duration;
use tokio::sync::Notify;

/// Real-time bound on shutdown per trial (the seed uses 2 s; a stalled shutdown never finishes,
/// so a shorter bound only saves time).
pub const REAL_BOUND: Duration = Duration::from_millis(200);

/// Runs `config.iterations` trials on a runtime with `config.threads` workers.
pub fn run(config: &StressConfig, progress: &dyn Fn(u64)) -> StressReport {
    let runtime = config.runtime();
    let mut report = StressReport::new("shutdowns");
    let (mut stalls, mut leaks) = (0, 0);
    for trial in 0..config.iterations {
        let (stalled, leaked) = runtime.block_on(one_trial(config.variant));
        stalls += u64::from(stalled);
        leaks += leaked as u64;
        report.record((stalled || leaked > 0).then(|| {
            Violation::Safety(format!("trial {trial}: shutdown stalled: {stalled}; pending entries leaked: {leaked}"))
        }));
        progress(report.trials);
    }
    report
        .notes
        .push(format!("shutdown stalled past {REAL_BOUND:?} in {stalls} trials; pending entries leaked: {leaks}"));
    report.notes.push(format!("buffer {DEFAULT_BUFFER}, {} worker threads", runtime.metrics().num_workers()));
    report
}

async fn one_trial(variant: racetrack::Variant) -> (bool, usize) {
    let channel = WebhookChannel::new(variant, Config::default());
    let rx = channel.start().await;
    let resume = Arc::new(Notify::new());
    let agent = tokio::spawn(agent(rx, channel.clone(), Arc::clone(&resume)));
    for id in 1..=DEFAULT_BUFFER as u64 {
        channel.process_message(IncomingMessage::new(id, "client", "fill"), false).await;
    }
    let blocked = DEFAULT_BUFFER as u64 + 1;
    let handler = tokio::spawn({
        let channel = channel.clone();
        async move { channel.process_message(IncomingMessage::new(blocked, "handler", "blocked"), false).await }
    });
    tokio::task::yield_now().await;
    let stalled = tokio::time::timeout(REAL_BOUND, channel.shutdown()).await.is_err();
    // A webhook after shutdown that waits for a response: its entry must not outlive it.
    let late = blocked + 1;
    let _ = task::timeout(REAL_BOUND, channel.process_message(IncomingMessage::new(late, "late", "after"), true)).await;
    let leaked = usize::from(channel.is_pending(late).await);
    resume.notify_one();
    let _ = handler.await;
    // A stalled shutdown gave up; with the buffer draining it goes through now, and the agent
    // sees the end of the stream.
    channel.shutdown().await;
    let _ = agent.await;
    (stalled, leaked)
}
