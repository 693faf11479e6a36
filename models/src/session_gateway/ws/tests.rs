//! The websocket front on real tokio TCP and a real clock.

use super::*;
use crate::session_gateway::{GatewayConfig, MonotonicClock, SimProcessTable, Transport};
use racetrack_sync::Arc;
use racetrack_sync::Variant;

async fn wait_until(what: &str, cond: impl Fn() -> bool) {
    for _ in 0..2_000 {
        if cond() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    panic!("timed out waiting until {what}");
}

/// Fixed: a clean close reaps the `close_on_disconnect` session at once and parks the other,
/// which the grace reap ends. Buggy: both stay mapped with live workers.
#[test]
fn clean_close_reaps_then_grace_reaps_on_real_tcp() {
    for variant in Variant::ALL {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let procs = Arc::new(SimProcessTable::new());
            let gateway =
                Gateway::new(variant, GatewayConfig::default(), procs.clone(), Arc::new(MonotonicClock::new()));
            let config = WsConfig { orphan_grace: Duration::from_millis(20), ..WsConfig::default() };
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            tokio::spawn(serve(listener, gateway.clone(), config));
            let mut client = WsClient::connect(tokio::net::TcpStream::connect(addr).await.unwrap(), "c").await.unwrap();
            assert_eq!(client.call(Request::create("c1", true)).await.unwrap(), Ok("c1#1".to_owned()));
            assert_eq!(client.call(Request::create("c2", false)).await.unwrap(), Ok("c2#2".to_owned()));
            assert_eq!(client.call(Request::prompt("c2", "hi")).await.unwrap(), Ok("echo hi".to_owned()));
            assert!(client.call(Request::prompt("zz", "hi")).await.unwrap().is_err());
            client.close().await.unwrap();
            match variant {
                Variant::Fixed => {
                    wait_until("c1 is reaped", || gateway.session("c1").is_none()).await;
                    wait_until("c2 is grace-reaped", || gateway.session("c2").is_none()).await;
                    assert!(procs.running().is_empty(), "{:?}", procs.running());
                }
                Variant::Buggy => {
                    wait_until("both are re-pointed", || {
                        gateway.mapped().iter().all(|s| s.state().transport == Transport::Detached)
                    })
                    .await;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    assert_eq!(gateway.mapped().len(), 2);
                    assert_eq!(procs.running().len(), 2);
                }
            }
        });
    }
}

/// The keepalive on a paused clock: a peer that stops reading (the in-memory stream stays
/// open, like a half-open socket) is dropped and its session reaped within interval + timeout
/// in the fixed variant, never in the buggy one; a peer that keeps reading is never dropped.
#[test]
fn silent_peer_is_dropped_within_forty_seconds_only_when_fixed() {
    for variant in Variant::ALL {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap();
        rt.block_on(async {
            let procs = Arc::new(SimProcessTable::new());
            let clock = Arc::new(crate::session_gateway::SimClock::new());
            let gateway = Gateway::new(variant, GatewayConfig::default(), procs.clone(), clock);
            let config = WsConfig::default();
            let (silent_io, server_io) = tokio::io::duplex(1 << 16);
            let (chatty_io, server_io2) = tokio::io::duplex(1 << 16);
            tokio::spawn(connection::run(server_io, 1, gateway.clone(), config));
            tokio::spawn(connection::run(server_io2, 2, gateway.clone(), config));
            let mut silent = WsClient::connect(silent_io, "silent").await.unwrap();
            silent.call(Request::create("s", true)).await.unwrap().unwrap();
            let mut chatty = WsClient::connect(chatty_io, "chatty").await.unwrap();
            chatty.call(Request::create("c", true)).await.unwrap().unwrap();
            let started = tokio::time::Instant::now();
            // `silent` is never read again; `chatty` reads all along.
            let mut dropped_after = None;
            while started.elapsed() < Duration::from_secs(100) {
                chatty.idle(Duration::from_secs(1)).await.unwrap();
                if dropped_after.is_none() && gateway.session("s").is_none() {
                    dropped_after = Some(started.elapsed());
                }
            }
            match variant {
                Variant::Fixed => {
                    let after = dropped_after.expect("the silent peer's session was never reaped");
                    let window = PING_INTERVAL + PING_TIMEOUT;
                    let soonest = window - Duration::from_secs(1);
                    assert!(after >= soonest && after <= window + Duration::from_secs(1), "reaped after {after:?}");
                }
                Variant::Buggy => assert_eq!(dropped_after, None),
            }
            assert!(gateway.session("c").is_some_and(|s| !s.is_finalized()), "the reading peer kept its session");
            drop(silent);
        });
    }
}

/// A pong answers only the outstanding ping: a late pong of an earlier ping, or one with another
/// payload, does not restart the cycle (the peer may have vanished since), and every ping has
/// its own number.
#[test]
fn only_the_outstanding_pings_pong_restarts_the_cycle() {
    use super::keepalive::{Due, Keepalive};
    let mut keepalive = Keepalive::new(Variant::Fixed, Duration::ZERO, Duration::from_secs(20));
    assert_eq!(keepalive.due(), Some(Due::Ping(1)));
    assert_eq!(keepalive.pong(b"1"), Some(1));
    assert_eq!(keepalive.due(), Some(Due::Ping(2)));
    assert_eq!(keepalive.pong(b"1"), None, "the late pong of ping 1");
    assert_eq!(keepalive.pong(b"garbage"), None);
    assert_eq!(keepalive.due(), Some(Due::TimedOut(2)), "ping 2 is still unanswered");
}
