//! The child-process programs of the stress run, started as `racetrack __role
//! parent-death-watchdog <role> <variant> <poll_ms> <grace_ms> <drain_tick_ms> <owner>`
//! (`owner` is the stress run's pid: it only marks the processes as that run's).
//!
//! - [`gateway`]: the stand-in gateway. Spawns a worker that shares its stdin and stdout, then
//!   waits for it; the stress run SIGKILLs it.
//! - [`worker`]: a slash worker. Arms the real watchdog ([`OsProcesses`]) before it announces
//!   itself (`armed <pid> <parent pid> <parent start time>`), so no kill can precede arming; then
//!   serves `busy <ms>` commands from stdin (`begun`, then `done <ms>` when finished) until EOF.
//! - [`squatter`]: an unrelated process that the stress run puts on the dead gateway's pid. It
//!   reads stdin until EOF, so it ends with the stress run.

use crate::SCENARIO;
use models::watchdog::{Config, InFlight, OsProcesses, Watchdog};
use racetrack::sync::Arc;
use racetrack::Variant;
use std::io::{self, BufRead, Write};
use std::process::Command;
use std::time::Duration;

/// What every role gets on its command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RoleArgs {
    /// Which watchdog the worker runs.
    pub variant: Variant,
    /// The watchdog's timing.
    pub config: Config,
    /// The stress run that started it.
    pub owner: u32,
}

impl RoleArgs {
    /// The arguments after the role name.
    pub fn to_args(&self) -> Vec<String> {
        let ms = |d: Duration| d.as_millis().to_string();
        let c = &self.config;
        vec![self.variant.to_string(), ms(c.poll), ms(c.grace), ms(c.drain_tick), self.owner.to_string()]
    }

    /// Parses [`RoleArgs::to_args`].
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let [variant, poll, grace, tick, owner] = args else {
            return Err(format!("expected <variant> <poll_ms> <grace_ms> <drain_tick_ms> <owner>, got {args:?}"));
        };
        let ms = |s: &String| s.parse().map(Duration::from_millis).map_err(|_| format!("'{s}' is not milliseconds"));
        Ok(RoleArgs {
            variant: variant.parse()?,
            config: Config { poll: ms(poll)?, grace: ms(grace)?, drain_tick: ms(tick)? },
            owner: owner.parse().map_err(|_| format!("'{owner}' is not a pid"))?,
        })
    }
}

/// The command line that runs `role` with `args` from the binary `exe` (racetrack, or this
/// crate's test binary, which understands the same `__role` line).
pub fn command(exe: &std::path::Path, role: &str, args: &RoleArgs) -> Command {
    let mut command = Command::new(exe);
    command.args(["__role", SCENARIO.id, role]).args(args.to_args());
    command
}

/// The stand-in gateway: spawns a watchdog-armed worker on its own stdin and stdout, waits.
pub fn gateway(args: &[String]) -> i32 {
    let run = || -> Result<i32, String> {
        let args = RoleArgs::parse(args)?;
        let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
        let mut worker = command(&exe, "worker", &args).spawn().map_err(|e| format!("spawning the worker: {e}"))?;
        let status = worker.wait().map_err(|e| format!("waiting for the worker: {e}"))?;
        Ok(status.code().unwrap_or(1))
    };
    run().unwrap_or_else(|e| fail("gateway", &e))
}

/// A slash worker with the parent-death watchdog armed.
pub fn worker(args: &[String]) -> i32 {
    let args = match RoleArgs::parse(args) {
        Ok(args) => args,
        Err(e) => return fail("worker", &e),
    };
    let in_flight = Arc::new(InFlight::new());
    // Armed first, announced second: the stress run only kills the gateway after this line.
    let watchdog = Watchdog::arm(args.variant, OsProcesses, args.config, Arc::clone(&in_flight));
    let parent = watchdog.parent();
    drop(watchdog.start("watchdog"));
    let start = parent.start_time.map_or_else(|| "-".to_owned(), |t| t.to_string());
    say(&format!("armed {} {} {start}", std::process::id(), parent.pid));
    for line in io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        match line.split_once(' ') {
            Some(("busy", ms)) => {
                let Ok(ms) = ms.parse() else { return fail("worker", &format!("bad command '{line}'")) };
                let _busy = in_flight.begin();
                say("begun");
                std::thread::sleep(Duration::from_millis(ms));
                say(&format!("done {ms}"));
            }
            _ => return fail("worker", &format!("unknown command '{line}'")),
        }
    }
    0
}

/// An unrelated process: holds whatever pid it got until its stdin closes.
pub fn squatter(_args: &[String]) -> i32 {
    io::stdin().lock().lines().map_while(Result::ok).for_each(drop);
    0
}

fn say(line: &str) {
    let mut out = io::stdout().lock();
    // A closed stdout means the stress run is gone; nobody is left to tell.
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}

fn fail(role: &str, why: &str) -> i32 {
    eprintln!("parent-death-watchdog {role}: {why}");
    2
}
