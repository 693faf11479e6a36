//! The API client's own checks — seed 001 (hermes-agent#29544). The races themselves are the
//! `stranger-fd-close` scenario's; here: the stranger's side of prong 1 against the owner's close
//! and a new open under every loom interleaving ("shutdown(SHUT_RDWR) from any thread is FD-safe"
//! only because it goes through the socket object, which the owner's close swaps to -1 under the
//! same lock; the scenarios reach that window only three preemptions deep), and the calls' own
//! behaviour when nobody interrupts them: an answer, a stream read to its end, bounded retries.

use super::{
    force_close_tcp_sockets, new_database_image, Agent, ApiError, HttpError, OpenAiClient, STREAM_DONE, STREAM_RETRIES,
};
use crate::kernel::{Kernel, SimKernel};
use racetrack_sync::{thread, Arc, Engine, Variant};
use std::path::Path;

/// A stranger's `force_close_tcp_sockets` (Fixed: shutdown only) races the owner closing its
/// client and the dispatcher's `open` of `kanban.db` taking the freed integer: the shutdown
/// reaches the socket, or finds the object closed; it never lands on the file.
#[test]
fn loom_a_strangers_shutdown_never_reaches_what_the_recycled_fd_names() {
    loom::model(|| {
        Engine::Loom.enter(|| {
            let kernel = Arc::new(SimKernel::new());
            kernel.create_file("kanban.db", new_database_image());
            let client = Arc::new(OpenAiClient::connect(Arc::clone(&kernel) as Arc<dyn Kernel>, "api:443").unwrap());
            let stranger = thread::Builder::new().name("asyncio_0").spawn({
                let client = Arc::clone(&client);
                move || force_close_tcp_sockets(Variant::Fixed, &client)
            });
            assert_eq!(client.close(), 1);
            let db = kernel.open(Path::new("kanban.db")).unwrap();
            assert_eq!(stranger.join().unwrap(), 1);
            assert_eq!(kernel.misdirected_shutdowns(), Vec::<String>::new());
            assert_eq!(kernel.foreign_closes(), Vec::<String>::new());
            kernel.close(db).unwrap();
        })
    });
}

/// The agent over a simulated kernel whose upstream is "api:443".
fn agent(kernel: &Arc<SimKernel>) -> Agent {
    Agent::new(Variant::Fixed, Arc::clone(kernel) as Arc<dyn Kernel>, "api:443")
}

/// The sockets the calls made, and who closed each.
fn socket_closers(kernel: &SimKernel) -> Vec<Vec<String>> {
    kernel.descriptions().into_iter().filter(|d| d.is_socket).map(|d| d.closed_by).collect()
}

/// An answered non-streaming call returns the upstream's response, and its `finally` closes the
/// client once, from the calling thread.
#[test]
fn an_answered_call_returns_the_response() {
    let kernel = Arc::new(SimKernel::new());
    kernel.respond(1, br#"{"id":"resp_1"}"#);
    assert_eq!(agent(&kernel).interruptible_api_call(b"POST /v1/responses"), Ok(br#"{"id":"resp_1"}"#.to_vec()));
    assert_eq!(socket_closers(&kernel), [vec![thread::current_name()]]);
    assert_eq!(kernel.open_fds(), [0, 1, 2]);
}

/// A streamed response is read chunk by chunk up to its `data: [DONE]` line, however the bytes
/// arrive (here: more than one `recv` buffer).
#[test]
fn a_stream_is_read_to_its_done_line_across_chunks() {
    let kernel = Arc::new(SimKernel::new());
    let mut body = format!("data: {{\"delta\":\"{}\"}}\n\n", "x".repeat(5000)).into_bytes();
    body.extend_from_slice(STREAM_DONE);
    kernel.respond(1, &body);
    assert_eq!(agent(&kernel).interruptible_streaming_api_call(b"POST /v1/chat/completions"), Ok(body));
    assert_eq!(kernel.open_fds(), [0, 1, 2]);
}

/// Nobody answers and nobody breaks the read: the non-streaming call ends at the read timeout,
/// and the streaming one retries on a fresh connection [`STREAM_RETRIES`] times, then gives up.
/// Every connection is closed once, by the calling thread.
#[test]
fn an_unanswered_call_times_out_and_a_stream_retries_a_bounded_number_of_times() {
    let kernel = Arc::new(SimKernel::new());
    kernel.elapse_read_timeout();
    assert_eq!(agent(&kernel).interruptible_api_call(b"POST"), Err(ApiError::ReadTimeout));
    assert_eq!(socket_closers(&kernel).len(), 1);

    let kernel = Arc::new(SimKernel::new());
    kernel.elapse_read_timeout();
    assert_eq!(agent(&kernel).interruptible_streaming_api_call(b"POST"), Err(ApiError::ReadTimeout));
    let me = vec![thread::current_name()];
    assert_eq!(socket_closers(&kernel), vec![me; 1 + STREAM_RETRIES]);
    assert_eq!(kernel.open_fds(), [0, 1, 2]);
}

/// A connection the upstream resets is an HTTP error of its own, not a read timeout (the caller's
/// retry and its stale bookkeeping tell the two apart).
#[test]
fn a_reset_connection_is_an_http_error_not_a_read_timeout() {
    let kernel = Arc::new(SimKernel::new());
    let agent = Arc::new(agent(&kernel));
    let owner = thread::spawn({
        let agent = Arc::clone(&agent);
        move || agent.interruptible_api_call(b"POST")
    });
    agent.wait_until_in_flight();
    kernel.reset(1);
    let outcome = owner.join().unwrap();
    assert!(matches!(outcome, Err(ApiError::Http(HttpError::Io(_)))), "{outcome:?}");
    assert_eq!(kernel.open_fds(), [0, 1, 2]);
}

/// A process that closed its stdin hands fd 0 to its first socket: a stranger's shutdown still
/// reaches it, and the owner's close still releases it.
#[test]
fn a_socket_on_fd_0_is_shut_down_and_closed_like_any_other() {
    let kernel = Arc::new(SimKernel::new());
    kernel.close(0).unwrap();
    let client = OpenAiClient::connect(Arc::clone(&kernel) as Arc<dyn Kernel>, "api:443").unwrap();
    assert_eq!(client.pool_sockets()[0].fileno(), 0);
    assert_eq!(force_close_tcp_sockets(Variant::Fixed, &client), 1);
    let socket = kernel.descriptions().into_iter().find(|d| d.is_socket).unwrap();
    assert_eq!(socket.shutdown_by, [thread::current_name()]);
    assert_eq!(client.close(), 1);
    assert_eq!(kernel.open_fds(), [1, 2]);
}
