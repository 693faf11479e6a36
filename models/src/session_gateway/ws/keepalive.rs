//! Server pings (the seed's uvicorn `ws_ping_interval` / `ws_ping_timeout`): the only way a
//! server learns that a peer vanished without a FIN. TCP stays quiet on a half-open connection:
//! reads just wait, writes succeed into the void.
//!
//! As uvicorn's websockets does it: wait `ping_interval`, send a ping, wait up to `ping_timeout`
//! for its pong; a pong restarts the cycle, a timeout ends the connection. A peer that vanishes
//! is therefore noticed within interval + timeout (~40 s with the seed's values).
//!
//! Buggy (before the fix): no pings at all; [`Keepalive::deadline`] is never due.

use racetrack_sync::task::Instant;
use racetrack_sync::Variant;
use std::time::Duration;

/// What the connection must do when the keepalive's deadline passes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Due {
    /// Send a ping whose payload is this number.
    Ping(u64),
    /// The last ping went unanswered for `ping_timeout`: the peer is gone.
    TimedOut(u64),
}

#[derive(Clone, Copy, Debug)]
enum State {
    Off,
    /// Idle since the instant; the next ping is due `interval` after it.
    Idle(Instant),
    /// Ping `n` was sent at the instant; its pong is due `timeout` after it.
    AwaitingPong(u64, Instant),
}

/// One connection's ping cycle.
#[derive(Debug)]
pub(super) struct Keepalive {
    interval: Duration,
    timeout: Duration,
    state: State,
    sent: u64,
}

impl Keepalive {
    /// A cycle starting now (fixed) or none at all (buggy).
    pub(super) fn new(variant: Variant, interval: Duration, timeout: Duration) -> Self {
        let state = match variant {
            Variant::Buggy => State::Off,
            Variant::Fixed => State::Idle(Instant::now()),
        };
        Keepalive { interval, timeout, state, sent: 0 }
    }

    /// How long a ping may go unanswered.
    pub(super) fn timeout(&self) -> Duration {
        self.timeout
    }

    /// How long until something is due; `None` when nothing ever will be.
    pub(super) fn deadline(&self) -> Option<Duration> {
        match self.state {
            State::Off => None,
            State::Idle(since) => Some(self.interval.saturating_sub(since.elapsed())),
            State::AwaitingPong(_, since) => Some(self.timeout.saturating_sub(since.elapsed())),
        }
    }

    /// The deadline passed: what to do now.
    pub(super) fn due(&mut self) -> Option<Due> {
        match self.state {
            State::Off => None,
            State::Idle(_) => {
                self.sent += 1;
                self.state = State::AwaitingPong(self.sent, Instant::now());
                Some(Due::Ping(self.sent))
            }
            State::AwaitingPong(n, _) => Some(Due::TimedOut(n)),
        }
    }

    /// A pong arrived: if it answers the outstanding ping, the cycle restarts; returns its number.
    pub(super) fn pong(&mut self, payload: &[u8]) -> Option<u64> {
        match self.state {
            State::AwaitingPong(n, _) if payload == n.to_string().as_bytes() => {
                self.state = State::Idle(Instant::now());
                Some(n)
            }
            _ => None,
        }
    }
}
