//! One execution of the race over the simulated kernel, on `racetrack::sync` threads: the worker
//! blocked in its request, an interrupt from a stranger thread, and a kanban dispatcher tick.

use models::api_client::{hex, late_record, new_database_image, Agent, ApiError, DbError, KanbanDb, HEADER_LEN};
use models::kernel::{Kernel, SimKernel};
use racetrack::sync::{thread, Arc};
use racetrack::Variant;
use racetrack::{liveness, safety};
use std::path::Path;

/// Where the worker's request goes.
pub const ENDPOINT: &str = "api.openai.com:443";
/// The dispatcher's database.
pub const DB: &str = "kanban.db";
/// What the worker sends before it blocks.
pub const REQUEST: &[u8] = b"POST /v1/responses";
/// The worker thread (the seed's `_call` thread).
pub const OWNER: &str = "Thread-1616";
/// The interrupt-check loop's thread: a stranger to the worker's socket.
pub const STRANGER: &str = "asyncio_0";
/// The kanban dispatcher's thread.
pub const DISPATCHER: &str = "kanban-dispatcher";

/// What one execution left behind, for the oracles.
#[derive(Debug)]
pub struct Observed {
    kernel: Arc<SimKernel>,
    outcome: Result<Vec<u8>, ApiError>,
    tick: Result<(), DbError>,
    next_tick: Result<(), DbError>,
    probe_refused: bool,
}

/// The whole scenario: [`execute`], then the safety and the liveness oracles.
pub fn run(variant: Variant) {
    let observed = execute(variant);
    check_no_corruption(&observed);
    check_fd_ownership(&observed);
    check_liveness(&observed);
}

/// Only the corruption oracles (header, foreign writes): what the suite uses to show that the
/// buggy variant really writes the TLS record into the database under each scheduler — the full
/// scenario catches the stranger's close earlier, before any byte has to land.
pub fn run_corruption_oracles_only(variant: Variant) {
    check_no_corruption(&execute(variant));
}

/// The worker calls the API and blocks; the stranger interrupts; the dispatcher opens its
/// database once. Then the read timeout passes (so a request nobody broke ends instead of
/// hanging), the dispatcher ticks once more, and prong 3 is probed with a corrupted file.
pub fn execute(variant: Variant) -> Observed {
    let kernel = Arc::new(SimKernel::new());
    kernel.create_file(DB, new_database_image());
    let dyn_kernel = || Arc::clone(&kernel) as Arc<dyn Kernel>;
    let agent = Arc::new(Agent::new(variant, dyn_kernel(), ENDPOINT));

    let owner = {
        let agent = Arc::clone(&agent);
        thread::Builder::new().name(OWNER).spawn(move || agent.interruptible_api_call(REQUEST))
    };
    let stranger = {
        let agent = Arc::clone(&agent);
        thread::Builder::new().name(STRANGER).spawn(move || agent.interrupt())
    };
    let dispatcher = {
        let kernel = dyn_kernel();
        thread::Builder::new().name(DISPATCHER).spawn(move || KanbanDb::tick(kernel, Path::new(DB)))
    };
    stranger.join().expect("the interrupt panicked");
    // The interrupt has returned: whatever it did not break now waits for the read timeout.
    kernel.elapse_read_timeout();
    let outcome = owner.join().expect("the worker panicked");
    let tick = dispatcher.join().expect("the dispatcher panicked");
    let next_tick = KanbanDb::tick(dyn_kernel(), Path::new(DB));
    let probe_refused = header_check_refuses_a_corrupted_file(&kernel);
    Observed { kernel, outcome, tick, next_tick, probe_refused }
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
/// `open` away.
pub fn check_fd_ownership(o: &Observed) {
    let foreign = o.kernel.foreign_closes();
    safety!(foreign.is_empty(), "a stranger closed another thread's fd: {}", foreign.join("; "));
}

/// The fix did not switch the mechanism off: the interrupt broke the read, the socket was closed
/// (exactly once; by whom is [`check_fd_ownership`]'s business), nothing leaked, and the header
/// check still bites.
pub fn check_liveness(o: &Observed) {
    liveness!(
        o.outcome == Err(ApiError::Interrupted),
        "the interrupted request did not unblock through the interrupt: it ended as {:?}",
        o.outcome
    );
    for socket in o.kernel.descriptions().iter().filter(|d| d.is_socket) {
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
        KanbanDb::tick(Arc::clone(kernel) as Arc<dyn Kernel>, Path::new("probe.db")),
        Err(DbError::NotADatabase { .. })
    )
}
