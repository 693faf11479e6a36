//! One execution of the race over the simulated kernel, on `racetrack::sync` threads: the worker
//! blocked in its request, a stranger thread aborting it, and a kanban dispatcher tick. A
//! [`CallPath`] says which of the agent's calls the worker makes and which stranger aborts it.

use models::api_client::{
    hex, late_record, new_database_image, Agent, ApiError, DbError, KanbanDb, HEADER_LEN, STREAM_DONE,
};
use models::kernel::{Kernel, SimKernel};
use racetrack::sync::{thread, Arc};
use racetrack::Variant;
use racetrack::{liveness, safety};
use std::path::Path as FilePath;

/// Where the worker's request goes.
pub const ENDPOINT: &str = "api.openai.com:443";
/// The dispatcher's database.
pub const DB: &str = "kanban.db";
/// What the worker sends before it blocks.
pub const REQUEST: &[u8] = b"POST /v1/responses";
/// The worker thread (the seed's `_call` thread).
pub const OWNER: &str = "Thread-1616";
/// The poll loop's thread (the interrupt check and the stale detectors): a stranger to the
/// worker's socket.
pub const STRANGER: &str = "asyncio_0";
/// The kanban dispatcher's thread.
pub const DISPATCHER: &str = "kanban-dispatcher";
/// What the upstream streams once the worker reconnects after a stale-stream kill.
pub const STREAMED: &[u8] = b"data: {\"choices\":[{\"delta\":{\"content\":\"ok\"}}]}\n\ndata: [DONE]\n\n";

/// Which of the agent's two calls the worker makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// [`Agent::interruptible_api_call`].
    NonStreaming,
    /// [`Agent::interruptible_streaming_api_call`], with its retry on a fresh connection.
    Streaming,
}

/// Which stranger aborts the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stranger {
    /// The interrupt-check loop: `/stop` ([`Agent::interrupt`]). It may run before the client is
    /// published, so the worker may see the flag and unwind by itself — its close can then land
    /// between any two steps of the stranger's.
    Interrupt,
    /// The stale detector of that call's poll loop ([`Agent::kill_stale_call`],
    /// [`Agent::kill_stale_stream`]): it fires on a call in flight.
    StaleDetector,
}

/// One entry × one stranger.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallPath {
    /// The call.
    pub entry: Entry,
    /// Who aborts it.
    pub stranger: Stranger,
}

impl CallPath {
    /// The seed's reported case: `/stop` during a non-streaming call.
    pub const INTERRUPT: CallPath = CallPath { entry: Entry::NonStreaming, stranger: Stranger::Interrupt };
    /// The stale-call detector kills a non-streaming call.
    pub const STALE_CALL: CallPath = CallPath { entry: Entry::NonStreaming, stranger: Stranger::StaleDetector };
    /// `/stop` during a streaming call.
    pub const STREAMING_INTERRUPT: CallPath = CallPath { entry: Entry::Streaming, stranger: Stranger::Interrupt };
    /// The stale-stream detector kills a stream; the worker closes it and reconnects (a new
    /// `open` of its own), and the fresh connection answers.
    pub const STREAMING_STALE: CallPath = CallPath { entry: Entry::Streaming, stranger: Stranger::StaleDetector };

    /// How the call must end when the abort works.
    pub fn expected(self) -> Result<Vec<u8>, ApiError> {
        match (self.entry, self.stranger) {
            (_, Stranger::Interrupt) => Err(ApiError::Interrupted),
            (Entry::NonStreaming, Stranger::StaleDetector) => Err(ApiError::StaleTimeout),
            (Entry::Streaming, Stranger::StaleDetector) => Ok(STREAMED.to_vec()),
        }
    }
}

/// What one execution left behind, for the oracles.
#[derive(Debug)]
pub struct Observed {
    path: CallPath,
    kernel: Arc<SimKernel>,
    outcome: Result<Vec<u8>, ApiError>,
    tick: Result<(), DbError>,
    next_tick: Result<(), DbError>,
    probe_refused: bool,
}

/// The registered scenario: [`CallPath::INTERRUPT`].
pub fn run(variant: Variant) {
    run_path(variant, CallPath::INTERRUPT);
}

/// One path: [`execute`], then the safety and the liveness oracles.
pub fn run_path(variant: Variant, path: CallPath) {
    let observed = execute(variant, path);
    check_no_corruption(&observed);
    check_fd_ownership(&observed);
    check_liveness(&observed);
}

/// Only the corruption oracles (header, foreign writes): what the suite uses to show that the
/// buggy variant really writes the TLS record into the database under each scheduler — the full
/// scenario catches the stranger's close earlier, before any byte has to land.
pub fn run_corruption_oracles_only(variant: Variant) {
    check_no_corruption(&execute(variant, CallPath::INTERRUPT));
}

/// The worker makes its call and blocks; the stranger aborts it; the dispatcher opens its
/// database once. Then the read timeout passes (so a request nobody broke ends instead of
/// hanging), the dispatcher ticks once more, and prong 3 is probed with a corrupted file.
pub fn execute(variant: Variant, path: CallPath) -> Observed {
    let kernel = Arc::new(SimKernel::new());
    kernel.create_file(DB, new_database_image());
    if path == CallPath::STREAMING_STALE {
        // The stalled upstream is fine again by the time the worker reconnects.
        kernel.respond(2, STREAMED);
    }
    debug_assert!(STREAMED.ends_with(STREAM_DONE));
    let dyn_kernel = || Arc::clone(&kernel) as Arc<dyn Kernel>;
    let agent = Arc::new(Agent::new(variant, dyn_kernel(), ENDPOINT));

    let owner = {
        let agent = Arc::clone(&agent);
        thread::Builder::new().name(OWNER).spawn(move || match path.entry {
            Entry::NonStreaming => agent.interruptible_api_call(REQUEST),
            Entry::Streaming => agent.interruptible_streaming_api_call(REQUEST),
        })
    };
    let stranger = {
        let agent = Arc::clone(&agent);
        thread::Builder::new().name(STRANGER).spawn(move || match path {
            CallPath { stranger: Stranger::Interrupt, .. } => agent.interrupt(),
            CallPath { entry, stranger: Stranger::StaleDetector } => {
                agent.wait_until_in_flight();
                match entry {
                    Entry::NonStreaming => agent.kill_stale_call(),
                    Entry::Streaming => agent.kill_stale_stream(),
                }
            }
        })
    };
    let dispatcher = {
        let kernel = dyn_kernel();
        thread::Builder::new().name(DISPATCHER).spawn(move || KanbanDb::tick(kernel, FilePath::new(DB)))
    };
    stranger.join().expect("the stranger panicked");
    // The stranger has returned: whatever it did not break now waits for the read timeout.
    kernel.elapse_read_timeout();
    let outcome = owner.join().expect("the worker panicked");
    let tick = dispatcher.join().expect("the dispatcher panicked");
    let next_tick = KanbanDb::tick(dyn_kernel(), FilePath::new(DB));
    let probe_refused = header_check_refuses_a_corrupted_file(&kernel);
    Observed { path, kernel, outcome, tick, next_tick, probe_refused }
}

/// Safety, the seed's failure: the header is intact, no write crossed into another thread's
/// object, and the dispatcher never refused an intact database.
pub fn check_no_corruption(o: &Observed) {
    let original = new_database_image();
    let image = o.kernel.file(DB).expect("kanban.db exists");
    safety!(
        image[..HEADER_LEN] == original[..HEADER_LEN],
        "kanban.db header overwritten: {} (was {})",
        hex(&image[..32]),
        hex(&original[..32])
    );
    let foreign = o.kernel.foreign_writes();
    safety!(foreign.is_empty(), "bytes landed in another thread's object: {}", foreign.join("; "));
    safety!(
        o.tick.is_ok() && o.next_tick.is_ok(),
        "the dispatcher refused an intact database: {:?} / {:?}",
        o.tick,
        o.next_tick
    );
}

/// Safety, the seed's root cause: an fd integer is released only by the thread that opened it
/// (the fix: "the FD release happens from exactly one thread that nobody else races"). A
/// stranger's close frees an integer the owner's TLS BIO still holds; the corruption is then one
/// `open` away. And a stranger's shutdown reaches the socket it was aimed at, never what its
/// integer names after the owner closed it and something else was opened: that is the same
/// stale integer, one `shutdown` instead of one `write`.
pub fn check_fd_ownership(o: &Observed) {
    let foreign = o.kernel.foreign_closes();
    safety!(foreign.is_empty(), "a stranger closed another thread's fd: {}", foreign.join("; "));
    let misdirected = o.kernel.misdirected_shutdowns();
    safety!(misdirected.is_empty(), "a shutdown went through a recycled fd: {}", misdirected.join("; "));
}

/// The fix did not switch the mechanism off: the abort broke the read (the call ends as the
/// path says, and no `recv` waited for the read timeout; an interrupted call does not reconnect),
/// every socket was closed (exactly once; by whom is [`check_fd_ownership`]'s business), nothing
/// leaked, and the header check still bites.
pub fn check_liveness(o: &Observed) {
    let expected = o.path.expected();
    liveness!(
        o.outcome == expected,
        "the aborted request did not end through the abort ({:?}): it ended as {:?}, expected {:?}",
        o.path,
        o.outcome,
        expected
    );
    let sockets: Vec<_> = o.kernel.descriptions().into_iter().filter(|d| d.is_socket).collect();
    let timed_out: Vec<&str> = sockets.iter().filter(|d| d.recv_timed_out).map(|d| d.name.as_str()).collect();
    liveness!(timed_out.is_empty(), "a request waited for the read timeout on {timed_out:?}: nothing broke its read");
    if o.path.stranger == Stranger::Interrupt {
        // A retry must not open a fresh connection once /stop has broken the first.
        liveness!(sockets.len() <= 1, "the call connected {} times although it was interrupted", sockets.len());
    }
    for socket in &sockets {
        liveness!(
            socket.closed_by.len() == 1,
            "socket '{}' must be closed exactly once; closed by {:?}",
            socket.name,
            socket.closed_by
        );
    }
    let fds = o.kernel.open_fds();
    liveness!(fds == [0, 1, 2], "fds still open after the worker unwound: {fds:?} (expected only stdio)");
    liveness!(o.probe_refused, "the header check accepted a file whose header is a TLS record");
}

/// Prong 3 still works: a database whose first bytes are a TLS record is refused.
fn header_check_refuses_a_corrupted_file(kernel: &Arc<SimKernel>) -> bool {
    let mut image = new_database_image();
    image[..late_record().len()].copy_from_slice(&late_record());
    kernel.create_file("probe.db", image);
    matches!(
        KanbanDb::tick(Arc::clone(kernel) as Arc<dyn Kernel>, FilePath::new("probe.db")),
        Err(DbError::NotADatabase { .. })
    )
}
