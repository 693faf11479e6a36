//! One execution of the race as async tasks (tokio-paused: current thread, so the stall is
//! total; shuttle: the bot's one event-loop task plus a thread per blocking call).

use models::chat_bot::{code_at, ChatBot, Reply, ReplySink, SimFiles, Totp, TotpError, Update, SECRET, STATE};
use racetrack::sync::task::{self, Gate};
use racetrack::sync::Arc;
use racetrack::Variant;
use racetrack::{liveness, safety};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;
use tokio::sync::mpsc;

/// Real time a blocked TOTP write waits for its gate before it gives up (a subprocess timeout).
/// Only a stalled event loop ever reaches it; the fixed variant needs well under a millisecond
/// of it, so the margin absorbs a loaded CI machine.
pub const STALL_LIMIT: Duration = Duration::from_millis(500);
/// Virtual time the workload waits for a reply.
const REPLY_WAIT: Duration = Duration::from_secs(10);
const SECRET_TEXT: &str = "s3cret";

/// The body the harness runs.
pub fn run(variant: Variant) -> Pin<Box<dyn Future<Output = ()>>> {
    Box::pin(workload(variant))
}

/// The chat API: forwards replies to the workload, and opens `gate` once `opener` is answered.
struct Sink {
    replies: mpsc::UnboundedSender<(String, Reply)>,
    gate: Arc<Gate>,
    opener: &'static str,
}

impl ReplySink for Sink {
    fn send(&self, user: &str, reply: &Reply) {
        tracing::info!(actor = user, "reply {reply:?}");
        if user == self.opener {
            self.gate.open();
        }
        let _ = self.replies.send((user.to_owned(), reply.clone()));
    }
}

struct Chat {
    inbox: mpsc::Sender<Update>,
    replies: mpsc::UnboundedReceiver<(String, Reply)>,
}

impl Chat {
    async fn send(&self, user: &str, text: &str) {
        tracing::info!(actor = user, "sends {text:?}");
        self.inbox.send(Update::new(user, text)).await.expect("the bot's event loop is gone");
    }

    /// The next reply, or `None` if none comes within [`REPLY_WAIT`] of virtual time.
    async fn reply(&mut self) -> Option<(String, Reply)> {
        task::timeout(REPLY_WAIT, self.replies.recv()).await.ok().flatten()
    }

    async fn ask(&mut self, user: &str, text: &str) -> Option<Reply> {
        self.send(user, text).await;
        self.reply().await.map(|(who, reply)| {
            assert_eq!(who, user, "one conversation at a time here");
            reply
        })
    }
}

async fn workload(variant: Variant) {
    let files = SimFiles::new([(SECRET, SECRET_TEXT)]);
    let gate = Arc::new(Gate::new());
    // alice's verification writes the TOTP state: that write waits until bob has been answered.
    files.stall_writes_until(Arc::clone(&gate), STALL_LIMIT);
    let bot = ChatBot::new(variant, Totp::new(Arc::new(files.clone()), || 0));
    bot.mark_verified("bob");
    bot.mark_verified("dave");
    let (replies_tx, replies) = mpsc::unbounded_channel();
    let sink = Arc::new(Sink { replies: replies_tx, gate: Arc::clone(&gate), opener: "bob" });
    let (inbox, updates) = mpsc::channel(16);
    let event_loop = task::spawn({
        let bot = bot.clone();
        async move { bot.run(updates, sink).await }
    });
    let mut chat = Chat { inbox, replies };

    // 1. alice verifies while bob asks something.
    chat.send("alice", &code_at(SECRET_TEXT, 0)).await;
    chat.send("bob", "what's on today?").await;
    let mut order = Vec::new();
    while order.len() < 2 {
        match chat.reply().await {
            Some(r) => order.push(r),
            None => break,
        }
    }
    let gave_up = files.writes_gave_up();
    safety!(
        gave_up == 0,
        "the event loop was blocked: alice's verify_code waited {STALL_LIMIT:?} of real time for bob, who could not be served meanwhile"
    );
    let who: Vec<&str> = order.iter().map(|(u, _)| u.as_str()).collect();
    safety!(who == ["bob", "alice"], "bob must be served while alice verifies; replies came as {order:?}");
    liveness!(order[1].1 == Reply::Verified, "alice's right code must verify, got {:?}", order[1].1);

    // 2. The privileged helper fails: deny, and keep serving.
    files.fail_with(Some(TotpError::Failed("sudo: a password is required".into())));
    let reply = chat.ask("carol", "hello").await;
    safety!(reply == Some(Reply::Denied), "a failing is_totp_configured() must deny carol, got {reply:?}");
    files.fail_with(Some(TotpError::Missing("sudo".into())));
    let reply = chat.ask("carol", &code_at(SECRET_TEXT, 0)).await;
    safety!(reply == Some(Reply::Denied), "a failing TOTP call must deny carol's code, got {reply:?}");
    files.fail_with(None);
    files.fail_writes_with(Some(TotpError::Failed("tee: permission denied".into())));
    let reply = chat.ask("carol", &code_at(SECRET_TEXT, 0)).await;
    safety!(reply == Some(Reply::Denied), "a verify_code that cannot record its result must deny carol, got {reply:?}");
    files.fail_writes_with(None);
    let reply = chat.ask("dave", "ping").await;
    liveness!(
        reply == Some(Reply::Answered("echo ping".into())),
        "the bot must keep serving after a failing call, got {reply:?}"
    );

    // 3. Verification still counts wrong codes and locks out.
    let wrong = if code_at(SECRET_TEXT, 0) == "000000" { "111111" } else { "000000" };
    for failures in 1..=2 {
        let reply = chat.ask("erin", wrong).await;
        liveness!(
            reply == Some(Reply::WrongCode { failures }),
            "wrong code #{failures} must be rejected and counted, got {reply:?}"
        );
    }
    let reply = chat.ask("erin", wrong).await;
    liveness!(
        reply == Some(Reply::LockedOut { remaining: 15 * 60 }),
        "the third wrong code must lock out, got {reply:?}"
    );
    let reply = chat.ask("erin", &code_at(SECRET_TEXT, 0)).await;
    liveness!(
        matches!(reply, Some(Reply::LockedOut { .. })),
        "a right code during a lockout must not verify, got {reply:?}"
    );
    let state = files.contents(STATE).unwrap_or_default();
    liveness!(state.contains("failures=3"), "the TOTP state must count the failures: {state:?}");

    drop(chat);
    event_loop.await;
}
