//! **blocking-event-loop** — seed `000_a27116583ca25b99.txt` (dcellison/kai#127, fixes #123).
//!
//! The chat bot checks a TOTP gate before handling a message; the TOTP functions run privileged
//! subprocesses synchronously (one `verify_code` can take 15 s). Called directly on the event
//! loop they freeze message handling for every user; the fix runs each on the blocking pool. The
//! seed's review adds: a failing call's error escapes the handler (fail-open or not depends on
//! the top-level handler); the fix fails closed, denying access and logging.
//!
//! - [`workload::run`]: each call site in turn blocks until bob, who writes meanwhile, has been
//!   answered (bounded by a real-time limit, so a stall is a failure, not a hang); then each
//!   site fails with each fault; wrong codes count up to a lockout along the way.
//! - [`stress::run`]: a real multi-thread runtime and real subprocesses (`sh`, `sleep`, `cat`
//!   standing in for the privileged `sudo cat` / `sudo tee`).
//!
//! ## What the fix touches, and what fails if the old code comes back there
//!
//! The seed wraps six call sites (`models::chat_bot`'s `handler.rs`, each through
//! `ChatBot::totp_call`). Run one of them on the event loop again and the gate cell of every
//! scheduler fails: tokio-paused by the safety oracle ("the event loop was blocked: `<site>` …
//! waited 500ms of real time for bob"), shuttle-pct and shuttle-random by the deadlock they report
//! (`tokio_paused::fixed_holds`, `shuttle_pct::fixed_holds`, `shuttle_random::fixed_holds`).
//! [`workload::SITES`] names, for each, the message that reaches it and the privileged call made
//! slow or failing:
//!
//! | # | call site | reached by | slow in the workload |
//! |---|---|---|---|
//! | 1 | `is_totp_configured()` in `_check_totp` | frank's photo | call #0 |
//! | 2 | `is_totp_configured()` in `handle_message` | grace's "thanks" | call #0 |
//! | 3 | `get_lockout_remaining()` before verifying | grace's wrong code | call #1 |
//! | 4 | `verify_code()` | alice's right code | call #3 (its read of the state) |
//! | 5 | `get_lockout_remaining()` after a failure | grace's third wrong code | call #5 |
//! | 6 | `get_failure_count()` | grace's second wrong code | call #6 |
//!
//! The error paths (the review's fail-closed): at each of the six sites, and at `verify_code`'s
//! write (`sudo tee` denied), the helper fails with each `Fault` — missing binary, permission
//! denied, timeout, garbled output, a panic — and carol must get `Reply::Denied` from the handler
//! itself. An error that escapes to the top-level error handler, no answer, and any other answer
//! (a reply that lets her in, or a wrong-code reply that swallows the error) fail the same three
//! gate cells by the safety oracle; afterwards carol must still have no session (safety).
//! Under shuttle, a helper panic that nothing catches fails the cell as an engine error (shuttle
//! stops at a panicking thread). That each denial is logged, naming the call and the fault, is
//! checked by `tests/fail_closed.rs` (`every_fault_at_every_site_is_denied_and_logged`).
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
    "while any one of the six TOTP call sites blocks for a user, bob's message is handled; every fault of the \
     helper (missing, permission denied, timeout, garbled, panic) at every site is answered with a denial by the \
     handler itself (fail closed): never a grant, never an escaping error, never silence",
    "verification still runs: a right code verifies, a wrong code is rejected and counts, the third locks out; \
     the bot keeps serving after a failing call",
)
.tasks(&workload::run)
.schedulers(&[
    (TokioPaused, Budget::schedules(20).virtual_time(Duration::from_secs(60))),
    // ~160 blocking calls (a shuttle thread each) per execution: 150 keeps a cell under 1 s.
    (ShuttlePct, Budget::schedules(150).depth(3)),
    (ShuttleRandom, Budget::schedules(150)),
])
.stress(stress::run);
