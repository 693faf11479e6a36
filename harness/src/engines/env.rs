//! What a cell's environment may not change.
//!
//! loom's settings are all pinned in `loom.rs`, so `LOOM_*` changes nothing. shuttle reads a few
//! variables where no setting can override them: its schedulers take `SHUTTLE_RANDOM_SEED` over
//! the seed they are given, `SHUTTLE_ALWAYS_PERSIST_SEED` writes a file, and
//! `SHUTTLE_CAPTURE_BACKTRACE` puts backtraces into deadlock messages. An in-process shuttle cell
//! under one of those is an error naming it; `racetrack run` removes them from every cell's
//! process. And a detection never pays for a backtrace nobody reads: inside a cell the panic hook
//! prints nothing (the message is in the result) unless `RACETRACK_BACKTRACE` is set.

use crate::scheduler::SchedulerId;
use std::cell::Cell;
use std::panic::PanicHookInfo;
use std::sync::OnceLock;

/// The variables that would change what a shuttle cell explores or reports.
pub(crate) const SHUTTLE_VARIABLES: [&str; 3] =
    ["SHUTTLE_RANDOM_SEED", "SHUTTLE_ALWAYS_PERSIST_SEED", "SHUTTLE_CAPTURE_BACKTRACE"];

/// Set (to anything) to keep the usual panic output, backtraces included, inside cells.
pub(crate) const KEEP_BACKTRACES: &str = "RACETRACK_BACKTRACE";

/// Why `scheduler` cannot give its usual verdict in this environment, if it cannot.
pub(crate) fn problem(scheduler: SchedulerId) -> Option<String> {
    let shuttle = scheduler.is_shuttle();
    let set = SHUTTLE_VARIABLES.iter().find(|v| shuttle && std::env::var_os(v).is_some())?;
    Some(format!(
        "environment variable {set} is set: shuttle would explore or report something other than this cell's \
         seed and token say; unset it (`racetrack run` removes it from every cell)"
    ))
}

std::thread_local! {
    static IN_CELL: Cell<bool> = const { Cell::new(false) };
}

type Hook = Box<dyn Fn(&PanicHookInfo<'_>) + Send + Sync>;

/// The panic hook the process had before racetrack's: every panic outside a cell goes to it.
static ORIGINAL_HOOK: OnceLock<Hook> = OnceLock::new();

/// Makes racetrack's hook the process's panic hook: quiet inside a cell, the original hook
/// outside. Called before every cell and after every shuttle run, because shuttle replaces the
/// hook on its first run (with one that labels every later panic as a shuttle task's).
///
/// Replacing the hook also drops the filter loom's coroutine crate (`generator`) installs once per
/// process to silence the panics it ends and cancels coroutines with, so this hook silences them
/// itself: otherwise every loom execution after a second cell, in a cell or not (a plain
/// `loom::model` test in the same binary), would go through the original hook, printing a panic
/// and a backtrace per finished thread.
pub(crate) fn install_quiet_hook() {
    ORIGINAL_HOOK.get_or_init(std::panic::take_hook);
    std::panic::set_hook(Box::new(|info| {
        if is_coroutine_control(info) {
            return;
        }
        if !IN_CELL.with(Cell::get) || std::env::var_os(KEEP_BACKTRACES).is_some() {
            if let Some(original) = ORIGINAL_HOOK.get() {
                original(info);
            }
        }
    }));
}

/// Whether a panic is how `generator` finishes or cancels a coroutine: control flow, not an error.
fn is_coroutine_control(info: &PanicHookInfo<'_>) -> bool {
    matches!(info.payload().downcast_ref::<generator::Error>(), Some(generator::Error::Done | generator::Error::Cancel))
}

/// Runs `f` as part of a cell: panics on this thread are quiet (see the module docs).
pub(crate) fn in_cell<R>(f: impl FnOnce() -> R) -> R {
    install_quiet_hook();
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            IN_CELL.with(|c| c.set(self.0));
        }
    }
    let _restore = Restore(IN_CELL.with(|c| c.replace(true)));
    f()
}

/// Marks the calling thread as a cell's for the rest of its life: for threads an engine starts
/// itself (tokio's blocking pool), which [`in_cell`] cannot reach.
pub(crate) fn mark_thread_in_cell() {
    IN_CELL.with(|c| c.set(true));
}
