use crate::scheduler::{Budget, CellName, SchedulerId};
use crate::stress::StressFn;
use racetrack_sync::Variant;
use std::future::Future;
use std::pin::Pin;

/// One execution of a race on threads from [`racetrack::sync`](crate::sync). It checks its
/// oracles with [`safety!`](crate::safety) and [`liveness!`](crate::liveness), which panic on a
/// violation. A plain `fn` or a closure: `.threads(&workload::run)`, `.threads(&|v| run(v, 20))`.
pub type ThreadsBody = &'static (dyn Fn(Variant) + Send + Sync);

/// One execution of a race as async tasks ([`racetrack::sync::task`](crate::sync::task)): the
/// tokio-paused backend runs it on a current-thread runtime with paused virtual time; shuttle-* on
/// shuttle's futures executor (`shuttle::future::block_on`). Oracles panic, as in a
/// [`ThreadsBody`]. Under tokio-paused a body that does not finish within the budget's virtual
/// time is a detected stall.
///
/// ```
/// use racetrack::sync::task;
/// use racetrack::{run_cell, Budget, RunOptions, Scenario, SchedulerId::TokioPaused, Variant, Verdict};
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
/// const LOST: Scenario = Scenario::new("lost-reply", "a reply never sent")
///     .tasks(&lost_reply)
///     .schedulers(&[(TokioPaused, Budget::schedules(5))]);
///
/// let buggy = run_cell(&LOST, TokioPaused, Variant::Buggy, &RunOptions::default());
/// assert_eq!((buggy.verdict, buggy.replay.as_deref()), (Verdict::Detected, Some("rt1:lost-reply:tokio-paused:buggy:1:s1")));
/// assert_eq!(buggy.virtual_ms, Some(5_000)); // five virtual seconds, no real ones
/// let fixed = run_cell(&LOST, TokioPaused, Variant::Fixed, &RunOptions::default());
/// assert_eq!((fixed.verdict, fixed.schedules), (Verdict::Held, 5));
/// ```
pub type TasksBody = &'static (dyn Fn(Variant) -> Pin<Box<dyn Future<Output = ()>>> + Send + Sync);

/// One execution of a race over turmoil's simulated network: registers hosts and clients on a
/// `Sim` the turmoil backend built (seeded, with the budget's virtual time as its duration), runs
/// it, and checks what it can only check afterwards. An `Err` (a host or client failed, or the
/// simulation ran out of virtual time) or a panic is a detected failure.
pub type NetworkBody = &'static (dyn Fn(Variant, &mut turmoil::Sim<'_>) -> turmoil::Result + Send + Sync);

/// A program a scenario runs as a real child process in its stress run: `racetrack __role
/// <scenario> <name> [args…]` calls it with the args and exits with what it returns. (A stress
/// run finds the `racetrack` binary as `std::env::current_exe()`.)
pub type RoleFn = fn(&[String]) -> i32;

/// A documented race (or a guard on a fix): the workload, its oracles, and the schedulers it runs
/// under.
///
/// Built in a `const` with the builder methods, so that adding a scenario is one declaration.
/// Everything but the id and the title may be left out:
///
/// ```
/// use racetrack::{Budget, Scenario, SchedulerId::*, Variant};
///
/// fn body(variant: Variant, threads: usize) {
///     racetrack::safety!(variant == Variant::Fixed || threads > 0, "nothing to see");
/// }
///
/// pub const SCENARIO: Scenario = Scenario::new("example", "An example race")
///     .source("example-org/service#42")
///     .oracles("the bug never happens", "the mechanism still works")
///     .threads(&|v| body(v, 4))
///     .schedulers(&[
///         (Loom, Budget::schedules(1000)),
///         (ShuttlePct, Budget::schedules(100)),
///         (ShuttlePct, Budget::schedules(100).depth(10).named("deep")),
///     ]);
/// assert_eq!(SCENARIO.budget(Loom).unwrap().schedules, 1000);
/// let cells: Vec<String> = SCENARIO.cells().map(|(name, _)| name.to_string()).collect();
/// assert_eq!(cells, ["loom", "shuttle-pct", "shuttle-pct-deep"]);
/// assert_eq!(SCENARIO.check(), Ok(()));
/// ```
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct Scenario {
    /// Stable kebab-case id: test names, replay tokens and reports use it.
    pub id: &'static str,
    /// One line: the component and the bug.
    pub title: &'static str,
    /// Where the race is documented: a public pull request as `owner/repo#number` (or any short
    /// reference a reader can follow).
    pub source: Option<&'static str>,
    /// What the safety oracle checks (empty: not described).
    pub safety: &'static str,
    /// What the liveness / anti-cheat oracle checks (empty: not described).
    pub liveness: &'static str,
    /// A guard has no buggy variant: the code has only its current behaviour, and every cell must
    /// hold. A pair (the default) has both, and the buggy variant must be detected.
    pub guard: bool,
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
    /// The crates (`tracing` targets) whose events make the trace; empty: the scenario's own
    /// crate (its id with `_` for `-`) and `models`.
    pub traces: &'static [&'static str],
}

impl std::fmt::Debug for Scenario {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scenario").field("id", &self.id).field("schedulers", &self.schedulers).finish_non_exhaustive()
    }
}

impl Scenario {
    /// A scenario with no workload and no schedulers yet.
    pub const fn new(id: &'static str, title: &'static str) -> Self {
        Scenario {
            id,
            title,
            source: None,
            safety: "",
            liveness: "",
            guard: false,
            threads: None,
            tasks: None,
            network: None,
            schedulers: crate::scheduler::DEFAULT_EXPLORATION,
            stress: None,
            roles: &[],
            traces: &[],
        }
    }

    /// Where the race is documented (`owner/repo#number`).
    pub const fn source(mut self, source: &'static str) -> Self {
        self.source = Some(source);
        self
    }

    /// Describes the two oracles (for `racetrack list` and reports).
    pub const fn oracles(mut self, safety: &'static str, liveness: &'static str) -> Self {
        self.safety = safety;
        self.liveness = liveness;
        self
    }

    /// Makes it a guard: no buggy variant; every cell runs [`Variant::Fixed`] and must hold.
    pub const fn guard(mut self) -> Self {
        self.guard = true;
        self
    }

    /// Sets the thread workload: `&function` or `&|variant| closure`.
    pub const fn threads<F: Fn(Variant) + Send + Sync + 'static>(mut self, body: &'static F) -> Self {
        self.threads = Some(body);
        self
    }

    /// Sets the async workload.
    pub const fn tasks<F>(mut self, body: &'static F) -> Self
    where
        F: Fn(Variant) -> Pin<Box<dyn Future<Output = ()>>> + Send + Sync + 'static,
    {
        self.tasks = Some(body);
        self
    }

    /// Sets the simulated-network workload.
    pub const fn network<F>(mut self, body: &'static F) -> Self
    where
        F: Fn(Variant, &mut turmoil::Sim<'_>) -> turmoil::Result + Send + Sync + 'static,
    {
        self.network = Some(body);
        self
    }

    /// Sets the schedulers and their budgets. One scheduler may appear more than once when each
    /// such budget but one carries a [label](Budget::named).
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

    /// Sets the crates whose `tracing` events the trace records (by target prefix).
    pub const fn traces(mut self, crates: &'static [&'static str]) -> Self {
        self.traces = crates;
        self
    }

    /// The budget for `scheduler`'s unlabelled cell (or its first, if every one is labelled).
    pub fn budget(&self, scheduler: SchedulerId) -> Option<Budget> {
        let mine = || self.schedulers.iter().filter(move |(s, _)| *s == scheduler).map(|(_, b)| *b);
        mine().find(|b| b.label.is_none()).or_else(|| mine().next())
    }

    /// The gate cells' scheduler columns with their budgets, in declaration order (stress
    /// excluded).
    pub fn cells(&self) -> impl Iterator<Item = (CellName, Budget)> + '_ {
        self.schedulers
            .iter()
            .filter(|(s, _)| s.is_gate())
            .map(|(scheduler, budget)| (CellName { scheduler: *scheduler, label: budget.label }, *budget))
    }

    /// The cell called `name` (`shuttle-pct`, `shuttle-pct-deep`; underscores work too).
    pub fn cell(&self, name: &str) -> Result<(CellName, Budget), String> {
        let (scheduler, label) = CellName::split(name)?;
        self.cells().find(|(cell, _)| cell.scheduler == scheduler && cell.label == label.as_deref()).ok_or_else(|| {
            let known: Vec<String> = self.cells().map(|(c, _)| c.to_string()).collect();
            format!("scenario {} has no cell '{name}': its cells are [{}]", self.id, known.join(", "))
        })
    }

    /// The gate schedulers it supports, in declaration order (stress excluded; a scheduler with
    /// several budgets appears once per budget).
    pub fn gate_schedulers(&self) -> impl Iterator<Item = SchedulerId> + '_ {
        self.cells().map(|(cell, _)| cell.scheduler)
    }

    /// The variants its cells run: both for a pair, only [`Variant::Fixed`] for a guard.
    pub fn variants(&self) -> &'static [Variant] {
        if self.guard {
            &[Variant::Fixed]
        } else {
            &Variant::ALL
        }
    }

    /// Whether `racetrack stress` can run it.
    pub fn supports_stress(&self) -> bool {
        self.stress.is_some()
    }

    /// The `tracing` targets its trace records.
    pub fn trace_targets(&self) -> Vec<String> {
        if self.traces.is_empty() {
            vec![self.id.replace('-', "_"), "models".to_owned()]
        } else {
            self.traces.iter().map(|t| t.to_string()).collect()
        }
    }

    /// Whether the declaration is usable: a kebab-case id and labels, no cell twice, and a
    /// workload of the kind each scheduler runs. The error names the scenario and the problem.
    pub fn check(&self) -> Result<(), String> {
        let kebab = |s: &str| {
            !s.is_empty()
                && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !s.starts_with('-')
                && !s.ends_with('-')
        };
        let id = self.id;
        if !kebab(id) {
            return Err(format!("scenario id '{id}' must be kebab-case (a-z, 0-9, '-')"));
        }
        let mut seen: Vec<CellName> = Vec::new();
        for (cell, _) in self.cells() {
            if let Some(label) = cell.label.filter(|l| !kebab(l)) {
                return Err(format!("scenario {id}: budget label '{label}' must be kebab-case (a-z, 0-9, '-')"));
            }
            if seen.contains(&cell) {
                return Err(format!(
                    "scenario {id} lists {cell} twice: give each extra budget for it a label (Budget::named)"
                ));
            }
            seen.push(cell);
            let has_body = match cell.scheduler {
                SchedulerId::Loom => self.threads.is_some(),
                SchedulerId::TokioPaused => self.tasks.is_some(),
                SchedulerId::Turmoil => self.network.is_some(),
                SchedulerId::Stress => true,
                _ => self.threads.is_some() || self.tasks.is_some(),
            };
            if !has_body {
                let kind = match cell.scheduler {
                    SchedulerId::Loom => ".threads(…)",
                    SchedulerId::TokioPaused => ".tasks(…)",
                    SchedulerId::Turmoil => ".network(…)",
                    _ => ".threads(…) or .tasks(…)",
                };
                return Err(format!("scenario {id} runs under {cell} but has no {kind} workload"));
            }
        }
        Ok(())
    }
}

/// Looks a scenario up by id; the error lists the known ids.
pub fn find<'a>(registry: &'a [Scenario], id: &str) -> Result<&'a Scenario, String> {
    registry.iter().find(|s| s.id == id).ok_or_else(|| {
        let known = registry.iter().map(|s| s.id).collect::<Vec<_>>().join(", ");
        format!("unknown scenario '{id}': known scenarios are {known}")
    })
}
