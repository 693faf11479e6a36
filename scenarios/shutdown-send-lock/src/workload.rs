//! One execution of the race as async tasks (tokio-paused, shuttle futures).
//!
//! The agent is stalled; the buffer is filled; a webhook handler and a WASM batch block on the
//! full buffer; then the channel is shut down, sends are tried after shutdown, and the agent
//! resumes and drains.

use models::webhook_channel::{ChannelError, Config, EmittedMessage, IncomingMessage, WebhookChannel};
use racetrack::sync::{task, Arc};
use racetrack::Variant;
use racetrack::{liveness, safety};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;
use tokio::sync::{mpsc, Notify};
use tracing::info;

/// The buffer in the scenario (production: 256; the race only needs it full).
pub const BUFFER: u64 = 4;
/// The seed's regression test: shutdown must complete within 2 s.
pub const BOUND: Duration = Duration::from_secs(2);

/// The body the harness runs.
pub fn run(variant: Variant) -> Pin<Box<dyn Future<Output = ()>>> {
    Box::pin(workload(variant))
}

fn emitted(id: u64) -> EmittedMessage {
    EmittedMessage { id, user: "wasm".into(), content: format!("emitted {id}") }
}

/// The agent loop: stalled (a long LLM call) until `resume`, then drains the buffer, answering
/// every message, until the channel's last sender is gone. Returns the ids in arrival order.
pub async fn agent(mut rx: mpsc::Receiver<IncomingMessage>, channel: WebhookChannel, resume: Arc<Notify>) -> Vec<u64> {
    resume.notified().await;
    info!(actor = "agent", "resumed");
    let mut received = Vec::new();
    while let Some(msg) = rx.recv().await {
        info!(actor = "agent", "got msg {}", msg.id);
        channel.respond(msg.id, format!("echo {}", msg.id)).await;
        received.push(msg.id);
    }
    received
}

/// Checks the agent's arrivals: the pre-filled messages first and in order, then exactly the
/// blocked handler's message and the batch's, the batch's in its own order.
pub fn check_arrivals(received: &[u64], filled: &[u64], blocked: u64, batch: &[u64]) {
    let n = filled.len().min(received.len());
    liveness!(&received[..n] == filled, "the agent got {received:?}: the pre-filled {filled:?} first, in order");
    let mut rest: Vec<u64> = received[n..].to_vec();
    let in_batch: Vec<u64> = rest.iter().copied().filter(|id| batch.contains(id)).collect();
    liveness!(in_batch == batch, "the agent got {received:?}: the batch {batch:?} in its order");
    rest.sort_unstable();
    let mut expected: Vec<u64> = batch.iter().copied().chain([blocked]).collect();
    expected.sort_unstable();
    liveness!(rest == expected, "the agent got {received:?}: every accepted message exactly once, nothing else");
}

async fn workload(variant: Variant) {
    let channel = WebhookChannel::new(variant, Config::with_buffer(BUFFER as usize));
    let rx = channel.start().await;
    let resume = Arc::new(Notify::new());
    let agent = task::spawn(agent(rx, channel.clone(), Arc::clone(&resume)));

    let filled: Vec<u64> = (1..=BUFFER).collect();
    for &id in &filled {
        let reply = channel.process_message(IncomingMessage::new(id, "client", format!("m{id}")), false).await;
        liveness!(reply.status == 200, "filling the buffer: msg {id} got {reply:?}");
    }
    let blocked = BUFFER + 1;
    let handler = task::spawn({
        let channel = channel.clone();
        async move { channel.process_message(IncomingMessage::new(blocked, "handler", "blocked"), true).await }
    });
    let batch_ids = [BUFFER + 2, BUFFER + 3];
    let batch = task::spawn({
        let channel = channel.clone();
        async move { channel.process_emitted_messages(batch_ids.iter().map(|&id| emitted(id)).collect()).await }
    });
    // Bounded: a channel that never lets a send wait on a full buffer must fail, not spin.
    for _ in 0..1_000 {
        if channel.sends_in_flight() >= 2 {
            break;
        }
        task::yield_now().await;
    }
    liveness!(channel.sends_in_flight() == 2, "the handler and the batch should both be waiting on the full buffer");

    info!(actor = "main", "buffer full, 2 sends waiting: shutdown");
    let shutdown = task::timeout(BOUND, channel.shutdown()).await;
    safety!(shutdown.is_ok(), "shutdown() did not complete within {BOUND:?} of virtual time: a send waiting on the full buffer holds the sender's read guard");
    let remaining = task::timeout(BOUND, channel.rate_limit_remaining()).await;
    safety!(remaining.is_ok(), "the rate limiter stayed locked for {BOUND:?} while a batch waited on the full buffer");

    let late = BUFFER + 4;
    let reply = task::timeout(BOUND, channel.process_message(IncomingMessage::new(late, "late", "after"), true)).await;
    liveness!(
        reply.as_ref().is_ok_and(|r| r.status == 503 && r.response.as_deref() == Some("Channel not started")),
        "a webhook after shutdown must get a prompt 503 \"Channel not started\", got {reply:?}"
    );
    safety!(!channel.is_pending(late).await, "msg {late}'s pending_responses entry outlived its request");
    let late_batch = task::timeout(BOUND, channel.process_emitted_messages(vec![emitted(late + 1)])).await;
    liveness!(late_batch == Ok(Err(ChannelError::NotStarted)), "a batch after shutdown got {late_batch:?}");

    info!(actor = "main", "resume the agent");
    resume.notify_one();
    let answered = handler.await;
    liveness!(
        answered.status == 200 && answered.response == Some(format!("echo {blocked}")),
        "the handler blocked at shutdown must still be answered, got {answered:?}"
    );
    let sent = batch.await;
    liveness!(sent == Ok(2), "the batch blocked at shutdown must still be delivered, got {sent:?}");
    let received = agent.await;
    check_arrivals(&received, &filled, blocked, &batch_ids);
    let pending = channel.pending_len().await;
    safety!(pending == 0, "{pending} pending_responses entries outlived their requests");
}
