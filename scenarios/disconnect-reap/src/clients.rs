//! The three dashboard clients, each on its own simulated host, each a real websocket client.
//!
//! - A attaches (a `close_on_disconnect` session with its worker, one prompt), then vanishes:
//!   its host is partitioned from the gateway, so nothing it sent and nothing sent to it ever
//!   arrives, and no FIN or RST either. Its socket stays open, silent: a half-open connection.
//! - B stays connected and chats: a prompt every [`CHAT_PERIOD`], each answered within
//!   [`ANSWER_WITHIN`], reading (and so answering pings) in between.
//! - C creates a `close_on_disconnect` session and two parked ones, then closes cleanly; it comes
//!   back within the parked sessions' grace window and resumes one of them, `c3`, which the
//!   grace reap must then keep; later it ends `c3` with the `session.close` RPC.
//!
//! A is a host of its own (a partition cuts hosts apart); B and C share one. Starts are
//! staggered by a second so that no two clients' worker spawns share a tick.

use crate::network::{Marks, PORT};
use models::session_gateway::ws::{Request, WsClient};
use racetrack::safety;
use racetrack::sync::task;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing::info;
use turmoil::net::TcpStream;

/// When B starts; A starts at 0.
pub const B_START: Duration = Duration::from_secs(1);
/// When C starts.
pub const C_START: Duration = Duration::from_secs(2);
/// B's rhythm.
pub const CHAT_PERIOD: Duration = Duration::from_secs(5);
/// Each of B's prompts must be answered within this (virtual time; latency is at most 100 ms).
pub const ANSWER_WITHIN: Duration = Duration::from_secs(2);
/// When C sends its Close frame.
pub const C_CLOSES_AT: Duration = Duration::from_secs(10);
/// When C reconnects and resumes `c3`: inside the grace window that C's close opened.
pub const C_RESUMES_AT: Duration = Duration::from_secs(14);
/// When C ends `c3` with the close RPC: after the grace reap has come and gone.
pub const C_CLOSES_C3_AT: Duration = Duration::from_secs(25);
/// When B is done: past A's 45 s deadline.
pub const END: Duration = Duration::from_secs(47);

/// Virtual time since the simulation started.
pub fn now() -> Duration {
    turmoil::sim_elapsed().unwrap_or_default()
}

async fn sleep_until(at: Duration) {
    task::sleep(at.saturating_sub(now())).await;
}

async fn connect(name: &str) -> std::io::Result<WsClient<TcpStream>> {
    WsClient::connect(TcpStream::connect(("gateway", PORT)).await?, name).await
}

fn refused(what: &str, e: String) -> Box<dyn std::error::Error> {
    format!("{what} refused: {e}").into()
}

/// Client A: attach, then vanish without a FIN.
pub async fn a(marks: Arc<Mutex<Marks>>) -> turmoil::Result {
    let mut a = connect("a").await?;
    a.call(Request::create("a", true)).await?.map_err(|e| refused("create a", e))?;
    a.call(Request::prompt("a", "hello")).await?.map_err(|e| refused("prompt a", e))?;
    turmoil::partition("client-a", "gateway");
    info!(actor = "a", "vanishes: tunnel dropped, no FIN");
    let mut marks = marks.lock().unwrap();
    marks.vanished_at = Some(now());
    // The socket stays open, never used again; the body drops it outside the simulation, where
    // a drop sends nothing. A's host has nothing left to run.
    marks.half_open = Some(a.into_inner());
    Ok(())
}

/// Clients B and C, on one host.
pub async fn b_and_c(marks: Arc<Mutex<Marks>>) -> turmoil::Result {
    let (b, c) = tokio::join!(b(Arc::clone(&marks)), c(marks));
    b.and(c)
}

/// Client B: chat all along.
pub async fn b(marks: Arc<Mutex<Marks>>) -> turmoil::Result {
    sleep_until(B_START).await;
    let mut b = connect("b").await?;
    b.call(Request::create("b", true)).await?.map_err(|e| refused("create b", e))?;
    marks.lock().unwrap().b_connected = true;
    let mut n = 0;
    while now() + CHAT_PERIOD < END {
        n += 1;
        let (text, sent) = (format!("msg {n}"), now());
        let reply = task::timeout(ANSWER_WITHIN, b.call(Request::prompt("b", &text))).await;
        let expected = format!("echo {text}");
        safety!(
            matches!(&reply, Ok(Ok(Ok(answer))) if *answer == expected),
            "B's {text:?} sent at {sent:?} did not get its answer within {ANSWER_WITHIN:?}: {reply:?}"
        );
        let idle = b.idle(CHAT_PERIOD).await;
        safety!(idle.is_ok(), "B's connection was dropped at {:?} while B was connected: {idle:?}", now());
    }
    sleep_until(END).await;
    Ok(())
}

/// Client C: three sessions, then a clean close; back within the grace window to resume `c3`;
/// later `c3` is ended with the close RPC, and C closes cleanly again.
pub async fn c(marks: Arc<Mutex<Marks>>) -> turmoil::Result {
    sleep_until(C_START).await;
    let mut c = connect("c").await?;
    c.call(Request::create("c1", true)).await?.map_err(|e| refused("create c1", e))?;
    c.call(Request::create("c2", false)).await?.map_err(|e| refused("create c2", e))?;
    c.call(Request::create("c3", false)).await?.map_err(|e| refused("create c3", e))?;
    c.idle(C_CLOSES_AT.saturating_sub(now())).await?;
    marks.lock().unwrap().c_closed_at = Some(now());
    c.close().await?;

    sleep_until(C_RESUMES_AT).await;
    let mut again = connect("c").await?;
    let resumed = again.call(Request::resume("c3")).await?.map_err(|e| refused("resume c3", e))?;
    marks.lock().unwrap().c3_resumed = Some((now(), resumed));
    again.call(Request::prompt("c3", "still here")).await?.map_err(|e| refused("prompt c3", e))?;
    again.idle(C_CLOSES_C3_AT.saturating_sub(now())).await?;
    marks.lock().unwrap().c3_closed_at = Some(now());
    let closed = again.call(Request::close("c3")).await?;
    safety!(closed.as_deref() == Ok("closed"), "C's session.close c3 at {:?} answered {closed:?}", now());
    again.close().await?;
    Ok(())
}
