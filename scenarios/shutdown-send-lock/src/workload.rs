//! One execution of the race as async tasks (tokio-paused, shuttle futures).
//!
//! 1. **Full buffer.** The agent is stalled and the buffer full; every send site (webhook, web
//!    chat send, web approval, websocket, WASM batch) blocks on it; the channel is shut down,
//!    every site is tried after shutdown, then the agent resumes and drains.
//! 2. **The last free slot.** The channel is started again with one slot free, and all five
//!    sites race for it at once: one wins, four block (a site that checked for room while
//!    holding the guard and then lost the slot blocks with the guard); shut down again.
//! 3. **The other exits.** The agent's receiver is gone: every site gets a clean "Channel
//!    closed". An agent that never answers: the waiting webhook times out (tokio only: shuttle
//!    has no clock). The WASM rate limiter lets exactly its quota through, and a new minute
//!    (tokio only) another.
//!
//! After every webhook exit (refused before start, refused closed, timed out, answered) its
//! `pending_responses` entry must be gone.

use models::webhook_channel::{ClientMessage, Config, EmittedMessage, IncomingMessage, WebhookChannel};
use racetrack::sync::{task, Arc, AtomicUsize, Engine, Ordering};
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
/// Emitted messages the WASM wrapper lets through per minute, here.
const LIMIT: u32 = 5;
/// How long a webhook waits for the agent's answer, here (production: 60 s).
const RESPONSE_WAIT: Duration = Duration::from_secs(3);
/// The rate limiter's window.
const MINUTE: Duration = Duration::from_secs(60);

/// The body the harness runs.
pub fn run(variant: Variant) -> Pin<Box<dyn Future<Output = ()>>> {
    Box::pin(workload(variant))
}

/// The places the seed's fix touches that hand a message to the agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Site {
    /// `process_message` (http.rs), waiting for the agent's answer (not in a race: see [`Sending`]).
    Webhook,
    /// `chat_send_handler` (web/server.rs).
    ChatSend,
    /// `chat_approval_handler` (web/server.rs).
    ChatApproval,
    /// `handle_client_message` (web/ws.rs).
    Websocket,
    /// `process_emitted_messages` (wasm/wrapper.rs), a batch of two (one in a race).
    WasmBatch,
}

/// How the sites send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sending {
    /// Each site its usual way: the webhook waits for the agent's answer, the batch is two.
    Usual,
    /// Racing for the last free slot: one message from each site, and the webhook does not wait
    /// (so the workload can count the sends that have returned). A fast path that checks for
    /// room, even for the whole batch, and keeps the guard is in the race then.
    Race,
}

/// Every send site.
pub const SITES: [Site; 5] = [Site::Webhook, Site::ChatSend, Site::ChatApproval, Site::Websocket, Site::WasmBatch];

/// What a site answered, in one shape for all of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Handed to the agent (a webhook: and answered by it).
    Accepted,
    /// Refused, and why ("Channel not started", "Channel closed", "Response timeout", …).
    Refused(String),
}

impl Site {
    /// Who sends from it (the trace's column).
    fn user(self) -> &'static str {
        match self {
            Site::Webhook => "handler",
            Site::ChatSend => "web",
            Site::ChatApproval => "approval",
            Site::Websocket => "ws",
            Site::WasmBatch => "wasm",
        }
    }

    /// The message ids it sends, from `base`.
    fn ids(self, base: u64, how: Sending) -> Vec<u64> {
        match (self, how) {
            (Site::WasmBatch, Sending::Usual) => vec![base, base + 1],
            _ => vec![base],
        }
    }

    /// Sends from this site, as message(s) `base`…, and answers in one shape.
    ///
    /// Boxed: the site futures nest deep, and a shuttle task's stack is small.
    fn send(
        self,
        channel: &WebhookChannel,
        base: u64,
        how: Sending,
    ) -> Pin<Box<dyn Future<Output = Answer> + Send + '_>> {
        Box::pin(self.send_unboxed(channel, base, how))
    }

    async fn send_unboxed(self, channel: &WebhookChannel, base: u64, how: Sending) -> Answer {
        let user = self.user();
        let refused = |why: &str| Answer::Refused(why.to_owned());
        match self {
            Site::Webhook => {
                let wait = how == Sending::Usual;
                let reply = channel.process_message(IncomingMessage::new(base, user, "webhook"), wait).await;
                let answered = if wait { reply.response == Some(echo(base)) } else { reply.outcome == "accepted" };
                match reply.response {
                    _ if reply.status == 200 && answered => Answer::Accepted,
                    other => refused(&other.unwrap_or_else(|| format!("status {}", reply.status))),
                }
            }
            Site::ChatSend => match channel.chat_send(IncomingMessage::new(base, user, "hello")).await {
                Ok(id) if id == base => Answer::Accepted,
                Ok(id) => refused(&format!("202 for msg {id}")),
                Err((_, why)) => refused(&why),
            },
            Site::ChatApproval => match channel.chat_approval(base, user, "req-1", "approve").await {
                Ok(id) if id == base => Answer::Accepted,
                Ok(id) => refused(&format!("202 for msg {id}")),
                Err((_, why)) => refused(&why),
            },
            Site::Websocket => {
                let frame = ClientMessage::Message { content: "hi".into() };
                channel.handle_client_message(base, user, frame).await.map_or(Answer::Accepted, |why| refused(&why))
            }
            Site::WasmBatch => {
                let batch: Vec<_> = self.ids(base, how).into_iter().map(|id| emitted(id, "emitted")).collect();
                let len = batch.len();
                match channel.process_emitted_messages(batch).await {
                    Ok(n) if n == len => Answer::Accepted,
                    Ok(n) => refused(&format!("{n} of {len} sent")),
                    Err(e) => refused(&e.to_string()),
                }
            }
        }
    }
}

fn emitted(id: u64, content: &str) -> EmittedMessage {
    EmittedMessage { id, user: "wasm".into(), content: content.into() }
}

fn echo(id: u64) -> String {
    format!("echo {id}")
}

/// The agent loop: stalled (a long LLM call) until `resume`, then drains the buffer, answering
/// every message, until the channel's last sender is gone. Returns the ids in arrival order.
pub async fn agent(mut rx: mpsc::Receiver<IncomingMessage>, channel: WebhookChannel, resume: Arc<Notify>) -> Vec<u64> {
    resume.notified().await;
    info!(actor = "agent", "resumed");
    let mut received = Vec::new();
    while let Some(msg) = rx.recv().await {
        info!(actor = "agent", "got msg {}", msg.id);
        channel.respond(msg.id, echo(msg.id)).await;
        received.push(msg.id);
    }
    received
}

/// Checks the agent's arrivals: the pre-filled messages first and in order, then exactly the
/// `singles` (in any order: they raced) and the `batch`, the batch in its own order.
pub fn check_arrivals(received: &[u64], filled: &[u64], singles: &[u64], batch: &[u64]) {
    let n = filled.len().min(received.len());
    liveness!(&received[..n] == filled, "the agent got {received:?}: the pre-filled {filled:?} first, in order");
    let mut rest: Vec<u64> = received[n..].to_vec();
    let in_batch: Vec<u64> = rest.iter().copied().filter(|id| batch.contains(id)).collect();
    liveness!(in_batch == batch, "the agent got {received:?}: the batch {batch:?} in its order");
    rest.sort_unstable();
    let mut expected: Vec<u64> = singles.iter().chain(batch).copied().collect();
    expected.sort_unstable();
    liveness!(rest == expected, "the agent got {received:?}: every accepted message exactly once, nothing else");
}

/// Polls (bounded: a channel that never lets a send wait must fail, not spin) until `done`.
async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..1_000 {
        if done() {
            return;
        }
        task::yield_now().await;
    }
    liveness!(done(), "gave up waiting until {what}");
}

/// Shuts down while sends wait on the full buffer: it must complete within [`BOUND`].
async fn shut_down(channel: &WebhookChannel, what: &str) {
    info!(actor = "main", "{what}: shutdown");
    let shutdown = task::timeout(BOUND, channel.shutdown()).await;
    safety!(
        shutdown.is_ok(),
        "shutdown() did not complete within {BOUND:?} of virtual time ({what}): a send waiting on the full buffer holds the sender's read guard"
    );
}

/// One round with the agent stalled: fills the buffer but for `free` slots, starts every site
/// at once (ids from `base + 10`; racing for the slot if there is one), waits until all of them
/// have sent or are waiting, and shuts down. `late` (ids from `base + 20`) tries every site after
/// shutdown. Then the agent drains.
async fn round(channel: &WebhookChannel, base: u64, free: u64, late: bool) {
    let how = if free == 0 { Sending::Usual } else { Sending::Race };
    let rx = channel.start().await;
    let resume = Arc::new(Notify::new());
    let agent = task::spawn(agent(rx, channel.clone(), Arc::clone(&resume)));
    let filled: Vec<u64> = (base..base + BUFFER - free).collect();
    for &id in &filled {
        let reply = channel.process_message(IncomingMessage::new(id, "client", format!("m{id}")), false).await;
        liveness!(reply.status == 200, "filling the buffer: msg {id} got {reply:?}");
    }
    let done = Arc::new(AtomicUsize::new(0));
    let senders: Vec<_> = SITES
        .iter()
        .enumerate()
        .map(|(i, &site)| {
            let (channel, done) = (channel.clone(), Arc::clone(&done));
            let id = base + 10 + 2 * i as u64;
            task::spawn(async move {
                let answer = site.send(&channel, id, how).await;
                done.fetch_add(1, Ordering::SeqCst);
                (site, answer)
            })
        })
        .collect();
    let all = SITES.len();
    until("every site has sent or waits on the full buffer", || {
        channel.sends_in_flight() + done.load(Ordering::SeqCst) == all && channel.sends_in_flight() >= all - 1
    })
    .await;
    let state = format!("{} sends waiting on the full buffer", channel.sends_in_flight());
    shut_down(channel, &state).await;
    let limiter = task::timeout(BOUND, channel.rate_limit_remaining()).await;
    safety!(limiter.is_ok(), "the rate limiter stayed locked for {BOUND:?} while a batch waited on the full buffer");

    if late {
        for (i, &site) in SITES.iter().enumerate() {
            let id = base + 20 + 2 * i as u64;
            let answer = task::timeout(BOUND, site.send(channel, id, Sending::Usual)).await;
            liveness!(
                answer == Ok(Answer::Refused("Channel not started".into())),
                "{site:?} after shutdown must get a prompt clean \"Channel not started\", got {answer:?}"
            );
            safety!(!channel.is_pending(id).await, "msg {id}'s pending_responses entry outlived its refusal");
        }
    }

    info!(actor = "main", "resume the agent");
    resume.notify_one();
    let mut singles = Vec::new();
    let mut batch = Vec::new();
    for (i, sender) in senders.into_iter().enumerate() {
        let (site, answer) = sender.await;
        liveness!(answer == Answer::Accepted, "{site:?}, waiting at shutdown, must still be delivered, got {answer:?}");
        let ids = site.ids(base + 10 + 2 * i as u64, how);
        match site {
            Site::WasmBatch => batch = ids,
            _ => singles.extend(ids),
        }
    }
    let received = agent.await;
    check_arrivals(&received, &filled, &singles, &batch);
    let pending = channel.pending_len().await;
    safety!(pending == 0, "{pending} pending_responses entries outlived their requests");
}

async fn workload(variant: Variant) {
    let config = Config::with_buffer(BUFFER as usize).emitted_per_minute(LIMIT).response_timeout(RESPONSE_WAIT);
    let channel = WebhookChannel::new(variant, config);
    let clock = Engine::current() != Engine::Shuttle;

    // 1 and 2.
    Box::pin(round(&channel, 1, 0, true)).await;
    Box::pin(round(&channel, 101, 1, false)).await;

    // 3. The agent is gone: every site refuses cleanly, and no entry is left.
    drop(channel.start().await);
    for (i, &site) in SITES.iter().enumerate() {
        let id = 201 + 2 * i as u64;
        let answer = task::timeout(BOUND, site.send(&channel, id, Sending::Usual)).await;
        liveness!(
            answer == Ok(Answer::Refused("Channel closed".into())),
            "{site:?} with the agent gone must get a prompt clean \"Channel closed\", got {answer:?}"
        );
        safety!(!channel.is_pending(id).await, "msg {id}'s pending_responses entry outlived its failed send");
    }
    // An agent that takes messages and never answers.
    let (ids_tx, mut ids) = mpsc::unbounded_channel();
    let mut rx = channel.start().await;
    let silent = task::spawn(async move {
        while let Some(msg) = rx.recv().await {
            let _ = ids_tx.send(msg.id);
        }
    });
    if clock {
        let reply = channel.process_message(IncomingMessage::new(301, "handler", "no answer"), true).await;
        liveness!(reply.status == 504, "a webhook the agent never answers must time out, got {reply:?}");
        safety!(!channel.is_pending(301).await, "msg 301's pending_responses entry outlived its timeout");
    }
    // The limiter: the rounds' batches took 3 of 5, the refused one a fourth.
    let remaining = channel.rate_limit_remaining().await;
    liveness!(remaining == LIMIT - 4, "the rate limiter must have {} left, has {remaining}", LIMIT - 4);
    let batch = (311..314).map(|id| emitted(id, "over the limit")).collect();
    let sent = channel.process_emitted_messages(batch).await;
    liveness!(sent == Ok(1), "a batch of 3 with 1 left in the minute must send 1, sent {sent:?}");
    liveness!(channel.rate_limit_remaining().await == 0, "the minute's quota must be used up");
    if clock {
        task::sleep(MINUTE).await;
        let sent = channel.process_emitted_messages(vec![emitted(321, "next minute")]).await;
        liveness!(sent == Ok(1), "a new minute must let the batch through, sent {sent:?}");
        liveness!(channel.rate_limit_remaining().await == LIMIT - 1, "a new minute must start a new count");
        // That minute began with 321: use it up, and a minute later, to the tick, there is room.
        let rest = (322..321 + u64::from(LIMIT)).map(|id| emitted(id, "rest of the minute")).collect();
        liveness!(channel.process_emitted_messages(rest).await == Ok(LIMIT as usize - 1), "the rest of the quota");
        task::sleep(MINUTE).await;
        let sent = channel.process_emitted_messages(vec![emitted(331, "a minute on")]).await;
        liveness!(
            sent == Ok(1),
            "a minute after the window began, a new one must let the batch through, sent {sent:?}"
        );
    }
    channel.shutdown().await;
    silent.await;
    let mut got = Vec::new();
    while let Ok(id) = ids.try_recv() {
        got.push(id);
    }
    let expected: Vec<u64> = if clock { vec![301, 311, 321, 322, 323, 324, 325, 331] } else { vec![311] };
    liveness!(got == expected, "the silent agent must get exactly {expected:?}, got {got:?}");
    let pending = channel.pending_len().await;
    safety!(pending == 0, "{pending} pending_responses entries outlived their requests");
}
