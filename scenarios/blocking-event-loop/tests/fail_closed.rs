//! Fail closed, and logged: every fault the privileged helper can produce, at each of the seed's
//! six call sites (and verify_code's write), ends in an explicit denial by the handler itself and
//! in one log line naming the call and what went wrong. (The gate cells check the denial under
//! every scheduler; this checks the log, which they cannot see.)

use blocking_event_loop::workload::{Message, SITES, VERIFY_WRITE};
use models::chat_bot::{ChatBot, Fault, Reply, SimFiles, Totp, SECRET};
use racetrack::sync::Arc;
use racetrack::trace::{capture, Recorder};
use racetrack::Variant;

/// What the log line says for each fault.
fn says(fault: Fault) -> &'static str {
    match fault {
        Fault::Missing => "sudo not found",
        Fault::PermissionDenied => "permission denied: sudo: a password is required",
        Fault::Timeout => "timed out after 5s",
        Fault::Garbled => "unreadable output",
        Fault::Panic => "the helper panicked: the privileged helper panicked",
    }
}

#[test]
fn every_fault_at_every_site_is_denied_and_logged() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let verify_write = ("verify_code", Message::RightCode, VERIFY_WRITE);
    let calls = SITES.iter().map(|s| (s.name.split('(').next().unwrap(), s.message, s.call)).chain([verify_write]);
    for (function, message, call) in calls {
        // A write's output is not read: a garbled one is no error (the garbage lands in the file).
        for fault in Fault::ALL.into_iter().filter(|&f| !(call == VERIFY_WRITE && f == Fault::Garbled)) {
            let files = SimFiles::new([(SECRET, "s3cret")]);
            let bot = ChatBot::new(Variant::Fixed, Totp::new(Arc::new(files.clone()), || 0));
            files.fail_call(call, fault);
            let recorder = Recorder::new(vec!["models".into()]);
            let reply = capture(&recorder, || runtime.block_on(bot.handle(message.update("carol"))));
            let case = format!("{fault:?} in call #{call} ({function}) of a {message:?}");
            assert_eq!(reply, Ok(Reply::Denied), "{case}");
            assert_eq!(files.armed(), 0, "{case}: the call was never made");
            let denials: Vec<String> = recorder
                .trace()
                .steps
                .into_iter()
                .filter(|step| step.actor == "carol" && step.text.contains("access denied"))
                .map(|step| step.text)
                .collect();
            let expected = format!("{function} failed, access denied: ");
            assert!(
                denials.len() == 1 && denials[0].starts_with(&expected) && denials[0].contains(says(fault)),
                "{case}: expected one log line \"{expected}…{}…\", got {denials:?}",
                says(fault)
            );
        }
    }
}
