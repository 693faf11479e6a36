//! One execution of the race as async tasks (tokio-paused: current thread, so the stall is
//! total; shuttle: the bot's one event-loop task plus a thread per blocking call).
//!
//! 1. Each of the six call sites in turn is slow: its privileged call blocks until bob, who
//!    writes right after, has been answered (bounded by [`STALL_LIMIT`] of real time).
//! 2. Each site in turn fails with each [`Fault`]: the user must be denied, explicitly.
//! 3. Along the way, verification keeps working: right codes verify, wrong ones count, the third
//!    locks out, a lockout holds against a right code.

use models::chat_bot::{code_at, ChatBot, Fault, Reply, ReplySink, SimFiles, Totp, Update, SECRET, STATE};
use racetrack::sync::task::{self, Gate};
use racetrack::sync::Arc;
use racetrack::Variant;
use racetrack::{liveness, safety};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;
use tokio::sync::mpsc;

/// Real time a blocked TOTP call waits for its gate before it gives up (a subprocess timeout).
/// Only a stalled event loop ever reaches it; the fixed variant needs well under a millisecond
/// of it, so the margin absorbs a loaded CI machine.
pub const STALL_LIMIT: Duration = Duration::from_millis(500);
/// Virtual time the workload waits for a reply.
const REPLY_WAIT: Duration = Duration::from_secs(10);
const SECRET_TEXT: &str = "s3cret";

/// What a user without a session sends to reach a call site.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Message {
    /// A photo: the media handler, gated by `_check_totp`.
    Photo,
    /// A text that is not a code (six letters: only six ASCII digits are one): `handle_message`,
    /// which sends the challenge.
    Hello,
    /// The right code.
    RightCode,
    /// A wrong code.
    WrongCode,
}

impl Message {
    /// The update `user` sends.
    pub fn update(self, user: &str) -> Update {
        let right = code_at(SECRET_TEXT, 0);
        match self {
            Message::Photo => Update::media(user, "photo"),
            Message::Hello => Update::new(user, "thanks"),
            Message::RightCode => Update::new(user, right),
            Message::WrongCode => Update::new(user, if right == "000000" { "111111" } else { "000000" }),
        }
    }
}

/// One of the seed's six TOTP call sites, and how a user without a session reaches it.
#[derive(Clone, Copy, Debug)]
pub struct Site {
    /// The seed's name for it.
    pub name: &'static str,
    /// A message that reaches it.
    pub message: Message,
    /// Which privileged call of that message's handling is the site's (0: the first). A text
    /// makes them in this order: `is_totp_configured` (#0), `get_lockout_remaining` (#1),
    /// `verify_code` (#2 secret, #3 state, #4 its write), `get_lockout_remaining` (#5),
    /// `get_failure_count` (#6); a photo's `_check_totp` makes #0 only.
    pub call: usize,
}

/// The six call sites of the seed's table, in its order.
pub const SITES: [Site; 6] = [
    Site { name: "is_totp_configured() in _check_totp", message: Message::Photo, call: 0 },
    Site { name: "is_totp_configured() in handle_message", message: Message::Hello, call: 0 },
    Site { name: "get_lockout_remaining() before verifying", message: Message::RightCode, call: 1 },
    Site { name: "verify_code()", message: Message::RightCode, call: 3 },
    Site { name: "get_lockout_remaining() after a failure", message: Message::WrongCode, call: 5 },
    Site { name: "get_failure_count()", message: Message::WrongCode, call: 6 },
];

/// verify_code's write of the new state (`sudo tee`), a call of its own.
pub const VERIFY_WRITE: usize = 4;

/// The body the harness runs.
pub fn run(variant: Variant) -> Pin<Box<dyn Future<Output = ()>>> {
    Box::pin(workload(variant))
}

/// What the workload sees of the bot.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Event {
    /// The bot answered `user`.
    Reply(String, Reply),
    /// An error (or panic) escaped `user`'s handler to the top-level error handler.
    Escaped(String, String),
}

/// The chat API and the top-level error handler: both forward to the workload.
struct Sink(mpsc::UnboundedSender<Event>);

impl ReplySink for Sink {
    fn send(&self, user: &str, reply: &Reply) {
        tracing::info!(actor = user, "reply {reply:?}");
        let _ = self.0.send(Event::Reply(user.to_owned(), reply.clone()));
    }

    fn unhandled(&self, user: &str, error: &str) {
        let _ = self.0.send(Event::Escaped(user.to_owned(), error.to_owned()));
    }
}

struct Chat {
    inbox: mpsc::Sender<Update>,
    events: mpsc::UnboundedReceiver<Event>,
    files: SimFiles,
}

impl Chat {
    async fn send(&self, update: Update) {
        tracing::info!(actor = %update.user, "sends {}", update.content);
        self.inbox.send(update).await.expect("the bot's event loop is gone");
    }

    /// The next event, or `None` if none comes within [`REPLY_WAIT`] of virtual time.
    async fn next(&mut self) -> Option<Event> {
        task::timeout(REPLY_WAIT, self.events.recv()).await.ok().flatten()
    }

    async fn ask(&mut self, update: Update) -> Option<Event> {
        self.send(update).await;
        self.next().await
    }

    /// `user` sends `message` while the site's call is slow: it blocks until bob, who writes
    /// once it has started, has been answered. `expect` is `user`'s reply after that.
    async fn while_slow(&mut self, site: &Site, user: &str, message: Message, expect: Reply) {
        let gate = Arc::new(Gate::new());
        self.files.stall_call(site.call, Arc::clone(&gate), STALL_LIMIT);
        self.send(message.update(user)).await;
        let files = self.files.clone();
        tokio::select! {
            biased;
            () = files.stall_reached() => {}
            early = self.next() => liveness!(
                false,
                "{user}'s {message:?} got {early:?} before call #{} ({}) started: the site table is stale",
                site.call, site.name
            ),
        }
        self.send(Update::new("bob", "what's on today?")).await;
        let mut before_bob = Vec::new();
        loop {
            match self.next().await {
                Some(Event::Reply(who, _)) if who == "bob" => break,
                Some(other) => before_bob.push(other),
                None => break,
            }
        }
        let gave_up = self.files.stalls_gave_up();
        safety!(
            gave_up == 0,
            "the event loop was blocked: {} for {user} waited {STALL_LIMIT:?} of real time for bob, who could not be served meanwhile",
            site.name
        );
        safety!(
            before_bob.is_empty(),
            "bob must be served while {user}'s {} blocks; before him came {before_bob:?}",
            site.name
        );
        gate.open();
        let reply = self.next().await;
        safety!(!matches!(reply, Some(Event::Escaped(..))), "{user}'s handler let an error escape: {reply:?}");
        liveness!(
            reply == Some(Event::Reply(user.into(), expect.clone())),
            "{user}'s {message:?} must get {expect:?}, got {reply:?}"
        );
    }

    /// carol reaches the site and its call fails with `fault`: she must be denied, by the
    /// handler itself (not a reply of any other kind, not an error escaping it, not silence).
    async fn fails_closed(&mut self, site: &Site, call: usize, fault: Fault) {
        self.files.fail_call(call, fault);
        let event = self.ask(site.message.update("carol")).await;
        safety!(
            event == Some(Event::Reply("carol".into(), Reply::Denied)),
            "{fault:?} in call #{call} ({}) must deny carol explicitly; got {event:?} (None: no answer at all)",
            site.name
        );
        liveness!(self.files.armed() == 0, "call #{call} ({}) was never made: the site table is stale", site.name);
    }
}

async fn workload(variant: Variant) {
    let files = SimFiles::new([(SECRET, SECRET_TEXT)]);
    let totp = Totp::new(Arc::new(files.clone()), || 0);
    let bot = ChatBot::new(variant, totp.clone());
    bot.mark_verified("bob");
    bot.mark_verified("dave");
    let (events_tx, events) = mpsc::unbounded_channel();
    let (inbox, updates) = mpsc::channel(16);
    let event_loop = task::spawn({
        let bot = bot.clone();
        async move { bot.run(updates, Arc::new(Sink(events_tx))).await }
    });
    let mut chat = Chat { inbox, events, files: files.clone() };

    // 1. Each call site slow in turn, while bob asks something. verify_code first: the seed's
    //    15-second case. grace's wrong codes count up to the lockout on the way.
    let [configured_check, configured_message, lockout_before, verify, lockout_after, failure_count] = &SITES;
    chat.while_slow(verify, "alice", Message::RightCode, Reply::Verified).await;
    chat.while_slow(configured_check, "frank", Message::Photo, Reply::CodeRequired).await;
    chat.while_slow(configured_message, "grace", Message::Hello, Reply::CodeRequired).await;
    chat.while_slow(lockout_before, "grace", Message::WrongCode, Reply::WrongCode { failures: 1 }).await;
    chat.while_slow(failure_count, "grace", Message::WrongCode, Reply::WrongCode { failures: 2 }).await;
    let locked = Reply::LockedOut { remaining: 15 * 60 };
    chat.while_slow(lockout_after, "grace", Message::WrongCode, locked.clone()).await;
    let calls = files.calls();
    let reply = chat.ask(Message::RightCode.update("grace")).await;
    liveness!(
        reply == Some(Event::Reply("grace".into(), locked)),
        "a right code during a lockout must not verify, got {reply:?}"
    );
    // The seed checks the lockout before verify_code: a locked-out attempt costs it no sudo call.
    let made = files.calls() - calls;
    liveness!(made == 2, "a code during a lockout must stop before verify_code (2 privileged calls), it made {made}");
    let state = files.contents(STATE).unwrap_or_default();
    liveness!(state.contains("failures=3"), "the TOTP state must count the failures: {state:?}");
    let reply = chat.ask(Message::Photo.update("alice")).await;
    liveness!(
        reply == Some(Event::Reply("alice".into(), Reply::Answered("got your photo".into()))),
        "alice's verified session must let her photo through, got {reply:?}"
    );

    // 2. Every fault at every site, carol never verified. The admin's `totp reset` clears the
    //    lockout first, and the two failures each pass records.
    for fault in Fault::ALL {
        liveness!(totp.reset().is_ok(), "totp reset failed");
        for site in &SITES {
            chat.fails_closed(site, site.call, fault).await;
        }
    }
    liveness!(totp.reset().is_ok(), "totp reset failed");
    chat.fails_closed(verify, VERIFY_WRITE, Fault::PermissionDenied).await;
    let reply = chat.ask(Message::Hello.update("carol")).await;
    safety!(
        reply == Some(Event::Reply("carol".into(), Reply::CodeRequired)),
        "no failing TOTP call may give carol a session: her next text must get the challenge, got {reply:?}"
    );
    let reply = chat.ask(Update::new("dave", "ping")).await;
    liveness!(
        reply == Some(Event::Reply("dave".into(), Reply::Answered("echo ping".into()))),
        "the bot must keep serving after failing calls, got {reply:?}"
    );

    drop(chat);
    event_loop.await;
}
