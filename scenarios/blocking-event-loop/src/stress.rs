//! The race on a real multi-thread runtime with real subprocesses: `sh -c 'sleep …; cat'` and
//! `sh -c 'sleep …; cat > file'` stand in for the privileged `sudo cat` / `sudo tee`. alice sends
//! a wrong code (a verification: two reads and a slow write) and bob, already verified, asks
//! something right after; the bug shows when bob is answered only after alice.

use models::chat_bot::{ChatBot, ProcessFiles, Reply, ReplySink, Totp, Update, SECRET};
use racetrack::oracle::Violation;
use racetrack::stress::{StressConfig, StressReport};
use racetrack::sync::Arc;
use racetrack::Variant;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// How long the stand-in for `sudo tee` takes.
pub const SLOW_WRITE: Duration = Duration::from_millis(150);

struct Sink(mpsc::UnboundedSender<(String, Reply, Instant)>);

impl ReplySink for Sink {
    fn send(&self, user: &str, reply: &Reply) {
        let _ = self.0.send((user.to_owned(), reply.clone(), Instant::now()));
    }
}

fn files(dir: &Path) -> ProcessFiles {
    let sh = |script: String| vec!["sh".to_owned(), "-c".to_owned(), script];
    ProcessFiles {
        dir: dir.to_owned(),
        read_cmd: sh("cat \"$0\"".to_owned()),
        write_cmd: sh(format!("sleep {}; cat > \"$0\"", SLOW_WRITE.as_secs_f64())),
        timeout: Duration::from_secs(5),
    }
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn scratch(trial: u64) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("racetrack-totp-{}-{trial}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("creating a scratch directory");
    std::fs::write(dir.join(SECRET), "s3cret").expect("writing the secret");
    dir
}

/// Runs `config.iterations` trials on a runtime with `config.threads` workers.
pub fn run(config: &StressConfig, progress: &dyn Fn(u64)) -> StressReport {
    let runtime = config.runtime();
    let mut report = StressReport::new("messages from bob");
    let mut bob_wait = Duration::ZERO;
    for trial in 0..config.iterations {
        let dir = scratch(trial);
        let bot = ChatBot::new(config.variant, Totp::new(Arc::new(files(&dir)), now));
        let (bob_after_alice, waited) = runtime.block_on(one_trial(bot));
        let _ = std::fs::remove_dir_all(&dir);
        bob_wait += waited;
        report.record(bob_after_alice.then(|| {
            Violation::Safety(format!("trial {trial}: bob was answered only after alice's verification ({waited:?})"))
        }));
        progress(report.trials);
    }
    if report.trials > 0 {
        report.notes.push(format!(
            "bob waited {:?} on average (a write takes {SLOW_WRITE:?})",
            bob_wait / report.trials as u32
        ));
    }
    report.record_check(fails_closed(&runtime, config.variant));
    report
}

async fn one_trial(bot: ChatBot) -> (bool, Duration) {
    bot.mark_verified("bob");
    let (tx, mut replies) = mpsc::unbounded_channel();
    let (inbox, updates) = mpsc::channel(4);
    let event_loop = tokio::spawn({
        let bot = bot.clone();
        async move { bot.run(updates, Arc::new(Sink(tx))).await }
    });
    let _ = inbox.send(Update::new("alice", "000000")).await;
    tokio::time::sleep(Duration::from_millis(10)).await;
    let asked = Instant::now();
    let _ = inbox.send(Update::new("bob", "ping")).await;
    let mut first = None;
    let mut bob_at = asked;
    for _ in 0..2 {
        if let Some((user, _, at)) = replies.recv().await {
            first.get_or_insert(user.clone());
            if user == "bob" {
                bob_at = at;
            }
        }
    }
    drop(inbox);
    let _ = event_loop.await;
    (first.as_deref() != Some("bob"), bob_at.saturating_duration_since(asked))
}

/// With the privileged helper missing, a user must be denied (the fix) and the bot must go on.
fn fails_closed(runtime: &tokio::runtime::Runtime, variant: Variant) -> Option<Violation> {
    let dir = scratch(u64::MAX);
    let mut broken = files(&dir);
    broken.read_cmd = vec!["/nonexistent/totp-helper".to_owned()];
    let bot = ChatBot::new(variant, Totp::new(Arc::new(broken), now));
    let reply = runtime.block_on(bot.handle(Update::new("carol", "123456")));
    let _ = std::fs::remove_dir_all(&dir);
    match reply {
        Ok(Reply::Denied) => None,
        // Buggy: the review's second defect, the error escapes to the top-level handler.
        other => {
            Some(Violation::Liveness(format!("a missing TOTP helper must deny access; the handler returned {other:?}")))
        }
    }
}
