//! The race over turmoil's simulated TCP: a real hyper server in front of the channel on host
//! `server`, real HTTP clients on host `client`. Clients flood the webhook while the agent is
//! stalled; once a handler is blocked on the full buffer the server shuts the channel down; a
//! late webhook must get a clean 503; then the agent resumes and answers everyone.

use crate::workload::{agent, check_arrivals, BOUND, BUFFER};
use models::webhook_channel::{server, Config, WebhookChannel, WebhookResponse};
use racetrack::sync::task;
use racetrack::Variant;
use racetrack::{liveness, safety};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;
use tracing::info;

const PORT: u16 = 8080;
/// How long the agent stays busy after shutdown before it drains the buffer.
const AGENT_BUSY: Duration = Duration::from_secs(1);

/// What the server saw once the agent drained: arrivals, and pending responses left.
type Outcome = Arc<Mutex<Option<(Vec<u64>, usize)>>>;

/// The body the harness runs on a seeded `Sim`.
pub fn run(variant: Variant, sim: &mut turmoil::Sim<'_>) -> turmoil::Result {
    let outcome: Outcome = Arc::default();
    let seen = Arc::clone(&outcome);
    sim.host("server", move || serve(variant, Arc::clone(&seen)));
    let seen = Arc::clone(&outcome);
    sim.client("client", async move {
        clients(seen).await;
        Ok(())
    });
    sim.run()?;
    let (received, pending) = outcome.lock().unwrap().clone().expect("the client waited for the server's outcome");
    let filled: Vec<u64> = (1..=BUFFER).collect();
    check_arrivals(&received, &filled, &[BUFFER + 1], &[]);
    safety!(pending == 0, "{pending} pending_responses entries outlived their requests");
    Ok(())
}

async fn serve(variant: Variant, outcome: Outcome) -> turmoil::Result {
    let channel = WebhookChannel::new(variant, Config::with_buffer(BUFFER as usize));
    let rx = channel.start().await;
    let resume = Arc::new(Notify::new());
    let agent = task::spawn(agent(rx, channel.clone(), Arc::clone(&resume)));
    let listener = turmoil::net::TcpListener::bind(("0.0.0.0", PORT)).await?;
    drop(task::spawn(server::serve(listener, channel.clone())));

    // Bounded by the simulation's duration: a channel that never lets a send wait fails there.
    while channel.sends_in_flight() == 0 {
        task::sleep(Duration::from_millis(1)).await;
    }
    info!(actor = "main", "a handler waits on the full buffer: shutdown");
    let shutdown = task::timeout(BOUND, channel.shutdown()).await;
    safety!(shutdown.is_ok(), "shutdown() did not complete within {BOUND:?} of virtual time while a webhook handler waited on the full buffer");
    task::sleep(AGENT_BUSY).await;
    info!(actor = "main", "resume the agent");
    resume.notify_one();
    let received = agent.await;
    let pending = channel.pending_len().await;
    *outcome.lock().unwrap() = Some((received, pending));
    std::future::pending().await
}

async fn post(user: &'static str, content: &'static str) -> std::io::Result<WebhookResponse> {
    let stream = turmoil::net::TcpStream::connect(("server", PORT)).await?;
    server::post_webhook(stream, user, content, true).await
}

async fn clients(outcome: Outcome) {
    let flood: Vec<_> = (0..=BUFFER).map(|_| task::spawn(post("client", "flood"))).collect();
    task::sleep(Duration::from_secs(1)).await;
    let late = task::timeout(BOUND, post("late", "after shutdown")).await;
    liveness!(
        matches!(&late, Ok(Ok(r)) if r.status == 503 && r.response.as_deref() == Some("Channel not started")),
        "a webhook after shutdown must get a prompt 503 \"Channel not started\", got {late:?}"
    );
    for reply in flood {
        let reply = reply.await;
        liveness!(
            matches!(&reply, Ok(r) if r.status == 200 && r.response == Some(format!("echo {}", r.message_id))),
            "every webhook accepted before shutdown must be answered by the agent, got {reply:?}"
        );
    }
    // The server records its outcome once the agent has drained; wait for it (bounded by the
    // simulation's own duration).
    while outcome.lock().unwrap().is_none() {
        task::sleep(Duration::from_millis(10)).await;
    }
}
