//! The simulated world around the gateway: its clock, and its workers' processes.
//!
//! [`SimTime`] is the gateway's [`Clock`] on the simulation's virtual time (the gateway host's
//! paused tokio clock; the blocking pool shares it).
//!
//! [`LoopProbe`] wraps the simulated process table. A real worker takes a moment to exit after
//! its signal (it flushes, the PTY closes), and the seed's fix moved exactly that wait off the
//! event loop. Under turmoil virtual time stands still while a blocking call runs, so "B is
//! served meanwhile" cannot be measured in virtual time; instead each exit wait lasts until the
//! gateway's event loop has served another request in the meantime (a probe spawned onto it
//! that reads the session list, under the sessions lock, as every request does). Off the loop
//! and outside the sessions lock that takes microseconds; a wait on the loop, or one that holds
//! the sessions lock (which the loop's handlers need), never sees it, and after a real-time
//! safety net the wait records a stall.

use models::session_gateway::{Clock, Exit, Gateway, ProcessId, ProcessTable, Signal, SimProcessTable, SpawnSpec};
use racetrack::sync::task::Gate;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tracing::{info, Dispatch};

/// How long an exit wait gives the event loop before it calls the loop stalled (real time: a
/// free loop answers in microseconds, so this is only a safety net against a hang).
pub const STALL_LIMIT: Duration = Duration::from_secs(2);

/// The gateway's clock: time since [`SimTime::start`] on the runtime it was started on.
#[derive(Debug, Default)]
pub struct SimTime(OnceLock<tokio::time::Instant>);

impl SimTime {
    /// Starts the clock now, on the current runtime (the gateway host's).
    pub fn start(&self) {
        let _ = self.0.set(tokio::time::Instant::now());
    }
}

impl Clock for SimTime {
    fn now(&self) -> Duration {
        self.0.get().map_or(Duration::ZERO, |origin| origin.elapsed())
    }
}

/// The simulated process table, whose exit waits need a free event loop (see the module docs).
#[derive(Debug)]
pub struct LoopProbe {
    inner: Arc<SimProcessTable>,
    event_loop: Mutex<Option<(tokio::runtime::Handle, Gateway)>>,
    stalls: AtomicUsize,
}

impl LoopProbe {
    /// Wraps `inner`; exit waits probe nothing until [`LoopProbe::bind`].
    pub fn new(inner: Arc<SimProcessTable>) -> Self {
        LoopProbe { inner, event_loop: Mutex::new(None), stalls: AtomicUsize::new(0) }
    }

    /// The event loop to probe: the current runtime (call it on the gateway host), serving
    /// `gateway`.
    pub fn bind(&self, gateway: Gateway) {
        *self.event_loop.lock().unwrap() = Some((tokio::runtime::Handle::current(), gateway));
    }

    /// Forgets the event loop and the gateway (which holds this probe: the cycle ends here).
    pub fn unbind(&self) {
        self.event_loop.lock().unwrap().take();
    }

    /// How many exit waits found the event loop stalled.
    pub fn stalls(&self) -> usize {
        self.stalls.load(Ordering::SeqCst)
    }

    fn probe(&self, process: &ProcessId) {
        let Some((event_loop, gateway)) = self.event_loop.lock().unwrap().clone() else { return };
        let gate = Arc::new(Gate::new());
        let opened = Arc::clone(&gate);
        drop(event_loop.spawn(async move {
            // Another connection's request, untraced: it is the probe, not a client.
            tracing::dispatcher::with_default(&Dispatch::none(), || drop(gateway.active_list()));
            opened.open()
        }));
        if !gate.wait_blocking(STALL_LIMIT) {
            self.stalls.fetch_add(1, Ordering::SeqCst);
            info!(actor = "worker", "#{} exit wait: the event loop ran nothing for {STALL_LIMIT:?}", process.serial);
        }
    }
}

impl ProcessTable for LoopProbe {
    fn spawn(&self, spec: &SpawnSpec) -> io::Result<ProcessId> {
        self.inner.spawn(spec)
    }

    fn signal(&self, process: &ProcessId, signal: Signal) -> io::Result<()> {
        self.inner.signal(process, signal)
    }

    fn signal_group(&self, pgid: u32, signal: Signal, process: &ProcessId) -> io::Result<()> {
        self.inner.signal_group(pgid, signal, process)
    }

    fn try_reap(&self, process: &ProcessId) -> io::Result<Option<Exit>> {
        self.inner.try_reap(process)
    }

    fn wait_exit(&self, process: &ProcessId, grace: Duration) -> io::Result<Option<Exit>> {
        self.probe(process);
        self.inner.wait_exit(process, grace)
    }

    fn own_pgid(&self) -> u32 {
        self.inner.own_pgid()
    }
}
