//! Time and joining for the async workload: the gateway's [`Clock`] on the executor's (virtual)
//! time, absolute sleeps, and a join that fails as soon as any task's oracle does.

use models::session_gateway::{Clock, Gateway};
use racetrack::sync::task;
use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;

/// The gateway's [`Clock`] on the executor's time: virtual under tokio-paused.
#[derive(Debug)]
pub struct TaskClock {
    origin: task::Instant,
}

impl TaskClock {
    /// A clock whose origin is now.
    pub fn new() -> Self {
        TaskClock { origin: task::Instant::now() }
    }
}

impl Default for TaskClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for TaskClock {
    fn now(&self) -> Duration {
        self.origin.elapsed()
    }
}

/// The gateway's time now.
pub fn now(gateway: &Gateway) -> Duration {
    gateway.clock().now()
}

/// Sleeps until `at` on the gateway's clock (absolute, so periodic loops never drift).
pub async fn until(gateway: &Gateway, at: Duration) {
    task::sleep(at.saturating_sub(now(gateway))).await;
}

/// Awaits every task; the first that panics (an oracle failed in it) fails the body at once.
pub async fn join_all(mut handles: Vec<task::JoinHandle<()>>) {
    std::future::poll_fn(|cx| {
        handles.retain_mut(|handle| Pin::new(handle).poll(cx).is_pending());
        if handles.is_empty() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
}
