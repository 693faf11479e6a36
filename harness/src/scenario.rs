use crate::scheduler::{Budget, SchedulerId};
use crate::stress::StressFn;
use racetrack_sync::Variant;
use std::future::Future;
use std::pin::Pin;

/// One execution of a race on threads from `racetrack_sync`. It checks its oracles with
/// [`safety!`](crate::safety) and [`liveness!`](crate::liveness), which panic on a violation.
pub type ThreadsBody = fn(Variant);

/// One execution of a race as async tasks (`racetrack_sync::task`): the tokio-paused backend runs it
/// on a current-thread runtime with paused virtual time; shuttle-* on shuttle's futures executor
/// (`shuttle::future::block_on`). Oracles panic, as in a [`ThreadsBody`]. Under tokio-paused a
/// body that does not finish within the budget's virtual time is a detected stall.
///
/// ```
/// use racetrack::sync::task;
/// use racetrack::Variant;
/// use racetrack::{run_cell, Budget, RunOptions, Scenario, SchedulerId::TokioPaused, Verdict};
/// use std::time::Duration;
///
/// // A reply that the buggy variant forgets to send: the waiter times out in virtual time.
/// fn lost_reply(variant: Variant) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>> {
///     Box::pin(async move {
///         let (tx, rx) = tokio::sync::oneshot::channel::<u32>();
///         let worker = task::spawn(async move {
///             task::sleep(Duration::from_secs(3)).await;
///             match variant {
///                 Variant::Buggy => std::mem::forget(tx), // the sender never completes
///                 Variant::Fixed => drop(tx.send(7)),
///             }
///         });
///         let reply = task::timeout(Duration::from_secs(5), rx).await;
///         racetrack::safety!(reply.is_ok(), "no reply within 5 s of virtual time");
///         worker.await;
///     })
/// }
///
/// const LOST: Scenario = Scenario::new("lost-reply", "none", "a reply never sent")
///     .tasks(lost_reply)
///     .schedulers(&[(TokioPaused, Budget::schedules(5))]);
///
/// let buggy = run_cell(&LOST, TokioPaused, Variant::Buggy, &RunOptions::default());
/// assert_eq!((buggy.verdict, buggy.replay.as_deref()), (Verdict::Detected, Some("rt1:lost-reply:tokio-paused:buggy:1:s1")));
/// assert_eq!(buggy.virtual_ms, Some(5_000)); // five virtual seconds, no real ones
/// let fixed = run_cell(&LOST, TokioPaused, Variant::Fixed, &RunOptions::default());
/// assert_eq!((fixed.verdict, fixed.schedules), (Verdict::Held, 5));
/// ```
pub type TasksBody = fn(Variant) -> Pin<Box<dyn Future<Output = ()>>>;

/// One execution of a race over turmoil's simulated network: registers hosts and clients on a
/// `Sim` the turmoil backend built (seeded, with the budget's virtual time as its duration), runs
/// it, and checks what it can only check afterwards. An `Err` (a host or client failed, or the
/// simulation ran out of virtual time) or a panic is a detected failure.
pub type NetworkBody = fn(Variant, &mut turmoil::Sim<'_>) -> turmoil::Result;

/// A program a scenario runs as a real child process in its stress run: `racetrack __role
/// <scenario> <name> [args…]` calls it with the args and exits with what it returns. (A stress
/// run finds the `racetrack` binary as `std::env::current_exe()`.)
pub type RoleFn = fn(&[String]) -> i32;

/// A documented race: the model's workload, its oracles, and the schedulers it runs under.
///
/// Built in a `const` with the builder methods, so that adding a scenario is one declaration:
///
/// ```
/// use racetrack::{Budget, Scenario, SchedulerId::*};
/// use racetrack::Variant;
///
/// fn body(variant: Variant) {
///     racetrack::safety!(variant == Variant::Fixed || true, "nothing to see");
/// }
///
/// pub const SCENARIO: Scenario = Scenario::new("example", "000_seed.txt", "An example race")
///     .oracles("the bug never happens", "the mechanism still works")
///     .threads(body)
///     .schedulers(&[(Loom, Budget::schedules(1000)), (ShuttlePct, Budget::schedules(100))]);
/// assert_eq!(SCENARIO.budget(Loom).unwrap().schedules, 1000);
/// ```
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Scenario {
    /// Stable kebab-case id: test names, replay tokens and reports use it.
    pub id: &'static str,
    /// The seed file (in `shared/seeds/`) the race comes from.
    pub seed: &'static str,
    /// One line: the component and the bug.
    pub title: &'static str,
    /// What the safety oracle checks.
    pub safety: &'static str,
    /// What the liveness / anti-cheat oracle checks.
    pub liveness: &'static str,
    /// The workload on threads (loom, shuttle-*, and the stress scheduler's real threads).
    pub threads: Option<ThreadsBody>,
    /// The workload as async tasks (tokio-paused, and shuttle-* when there is no thread workload).
    pub tasks: Option<TasksBody>,
    /// The workload over a simulated network (turmoil).
    pub network: Option<NetworkBody>,
    /// The schedulers it runs under, with their budgets, in report order.
    pub schedulers: &'static [(SchedulerId, Budget)],
    /// The real-OS stress run behind `racetrack stress`.
    pub stress: Option<StressFn>,
    /// Child-process programs its stress run starts, by name.
    pub roles: &'static [(&'static str, RoleFn)],
}

impl Scenario {
    /// A scenario with no workload and no schedulers yet.
    pub const fn new(id: &'static str, seed: &'static str, title: &'static str) -> Self {
        Scenario {
            id,
            seed,
            title,
            safety: "",
            liveness: "",
            threads: None,
            tasks: None,
            network: None,
            schedulers: &[],
            stress: None,
            roles: &[],
        }
    }

    /// Describes the two oracles (for `racetrack list` and reports).
    pub const fn oracles(mut self, safety: &'static str, liveness: &'static str) -> Self {
        self.safety = safety;
        self.liveness = liveness;
        self
    }

    /// Sets the thread workload.
    pub const fn threads(mut self, body: ThreadsBody) -> Self {
        self.threads = Some(body);
        self
    }

    /// Sets the async workload.
    pub const fn tasks(mut self, body: TasksBody) -> Self {
        self.tasks = Some(body);
        self
    }

    /// Sets the simulated-network workload.
    pub const fn network(mut self, body: NetworkBody) -> Self {
        self.network = Some(body);
        self
    }

    /// Sets the schedulers and their budgets.
    pub const fn schedulers(mut self, schedulers: &'static [(SchedulerId, Budget)]) -> Self {
        self.schedulers = schedulers;
        self
    }

    /// Sets the real-OS stress run.
    pub const fn stress(mut self, run: StressFn) -> Self {
        self.stress = Some(run);
        self
    }

    /// Sets the child-process programs of the stress run.
    pub const fn roles(mut self, roles: &'static [(&'static str, RoleFn)]) -> Self {
        self.roles = roles;
        self
    }

    /// The budget for `scheduler`, if the scenario supports it.
    pub fn budget(&self, scheduler: SchedulerId) -> Option<Budget> {
        self.schedulers.iter().find(|(s, _)| *s == scheduler).map(|(_, b)| *b)
    }

    /// The gate schedulers it supports, in declaration order (stress excluded).
    pub fn gate_schedulers(&self) -> impl Iterator<Item = SchedulerId> + '_ {
        self.schedulers.iter().map(|(s, _)| *s).filter(|s| s.is_gate())
    }

    /// Whether `racetrack stress` can run it.
    pub fn supports_stress(&self) -> bool {
        self.stress.is_some()
    }
}

/// Looks a scenario up by id; the error lists the known ids.
pub fn find<'a>(registry: &'a [Scenario], id: &str) -> Result<&'a Scenario, String> {
    registry.iter().find(|s| s.id == id).ok_or_else(|| {
        let known = registry.iter().map(|s| s.id).collect::<Vec<_>>().join(", ");
        format!("unknown scenario '{id}': known scenarios are {known}")
    })
}
