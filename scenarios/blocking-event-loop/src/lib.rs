//! **blocking-event-loop** — seed `000_a27116583ca25b99.txt` (dcellison/kai#127, fixes #123).
//!
//! The chat bot checks a TOTP gate before handling a message; the TOTP functions run privileged
//! subprocesses synchronously (one `verify_code` can take 15 s). Called directly on the event
//! loop they freeze message handling for every user; the fix runs each on the blocking pool. The
//! seed's review adds: a failing call's error escapes the handler (fail-open or not depends on
//! the top-level handler); the fix fails closed, denying access and logging.
//!
//! - [`workload::run`]: alice's verification blocks until bob's message has been handled
//!   (bounded by a real-time limit, so a stall is a failure, not a hang); then failing TOTP
//!   calls, then wrong codes up to a lockout.
//! - [`stress::run`]: a real multi-thread runtime and real subprocesses (`sh`, `sleep`, `cat`
//!   standing in for the privileged `sudo cat` / `sudo tee`).
#![deny(missing_docs)]

pub mod stress;
pub mod workload;

use racetrack::{Budget, Scenario, SchedulerId::*};
use std::time::Duration;

/// The scenario, as the registry and the tests use it.
pub const SCENARIO: Scenario = Scenario::new(
    "blocking-event-loop",
    "chat bot: synchronous TOTP subprocess calls on the event loop freeze every other user",
)
.source("dcellison/kai#127")
.oracles(
    "while alice's verification is blocked, bob's message is handled; a failing TOTP call never grants access \
     and is answered with a denial by the handler itself (fail closed), never escaping it",
    "verification still runs: a right code verifies, a wrong code is rejected and counts, the third locks out; \
     the bot keeps serving after a failing call",
)
.tasks(&workload::run)
.schedulers(&[
    (TokioPaused, Budget::schedules(20).virtual_time(Duration::from_secs(60))),
    // ~27 blocking calls (a shuttle thread each) per execution: 150 keeps a cell well under 1 s.
    (ShuttlePct, Budget::schedules(150).depth(3)),
    (ShuttleRandom, Budget::schedules(150)),
])
.stress(stress::run);
