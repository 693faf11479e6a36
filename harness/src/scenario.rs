use crate::scheduler::{Budget, SchedulerId};
use crate::stress::StressFn;
use models::Variant;

/// One execution of a race on threads from `models::sync`. It checks its oracles with
/// [`safety!`](crate::safety) and [`liveness!`](crate::liveness), which panic on a violation.
pub type ThreadsBody = fn(Variant);

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
/// use racetrack::models::Variant;
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
        Scenario { id, seed, title, safety: "", liveness: "", threads: None, schedulers: &[], stress: None, roles: &[] }
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
