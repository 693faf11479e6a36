//! Shrinking a detection before it is reported: the smallest schedule that still fails the same
//! oracle, fewest preemptions first, then fewest steps (a dejafu-style reduction, which none of
//! loom, shuttle or turmoil does).
//!
//! **The same oracle.** A candidate counts only if it is caught the same way ([`caught_by`]) and,
//! for an oracle, by the same check: the oracle's message up to its first `:` after the oracle's
//! marker, with every run of digits masked (`safety oracle violated: session #3 ended twice: …`
//! and `… #5 ended twice: …` are the same check; another `safety!` is not). Any deadlock the
//! engine reports is the same deadlock oracle.
//!
//! **shuttle.** A failing schedule is replayed by a *follower*, a scheduler that takes the task a
//! guide (a sequence of task ids) names at each decision and otherwise keeps the current task
//! running (no preemption); on its first run the guide is the failing schedule itself, which also
//! records, per decision, which tasks were runnable: a decision that switches away from a
//! runnable task that did not yield is a *preemption*. Candidates, for each preemption (the last
//! first): *defer* the preempting tasks until the preempted one next stops, or *continue* the
//! preempted one and finish without preemptions; then, for each task, *drop* it from the guide
//! (it runs only when nothing else can), which shortens the run to the failure. A candidate is
//! accepted if it fails the same oracle with (preemptions, steps) lexicographically smaller, and
//! the search starts again from it, up to a fixpoint or [`SHRINK_ATTEMPTS`] candidate executions.
//! What is reported is the replay of the result through shuttle's `ReplayScheduler`, exactly what
//! its token replays.
//!
//! **loom.** loom explores a deterministic order per preemption bound, so the shrunk detection is
//! the first failure under the smallest bound (0, 1, … below the cell's) that fails the same
//! oracle; its token names that bound. loom exposes no per-execution schedule, so there are no
//! steps to count.
//!
//! **tokio-paused, turmoil.** n/a: a seed picks the whole interleaving (jitter yields, or
//! turmoil's network randomness) and the runtime switches tasks only at awaits, so a detection has
//! no preemptions to remove and its seed is the whole of its schedule.

use super::shuttle::{self as engine, Body};
use super::{caught_by, Executions, Found, Job};
use crate::outcome::{CaughtBy, Shrunk};
use ::shuttle::MaxSteps;
use shuttle_engine::scheduler::data::{DataSource, RandomDataSource};
use shuttle_engine::scheduler::{Schedule, ScheduleStep, Scheduler, Task, TaskId};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

/// Candidate executions one shuttle detection may spend on shrinking.
pub(crate) const SHRINK_ATTEMPTS: u64 = 200;

/// The oracle a failure message shows (see the module docs), or `None` for a panic that is no
/// detection.
pub(crate) fn oracle_key(message: &str) -> Option<String> {
    let marker = match caught_by(message)? {
        CaughtBy::Deadlock => return Some("deadlock".to_owned()),
        CaughtBy::Safety => crate::oracle::SAFETY,
        CaughtBy::Liveness => crate::oracle::LIVENESS,
    };
    let after = &message[message.find(marker)? + marker.len()..];
    let check = after.strip_prefix(':').unwrap_or(after).split(':').next().unwrap_or("");
    let mut key = format!("{marker}:");
    for c in check.trim().chars() {
        match (c.is_ascii_digit(), key.ends_with('#')) {
            (true, true) => {}
            (true, false) => key.push('#'),
            (false, _) => key.push(c),
        }
    }
    Some(key)
}

/// Shrinks a shuttle detection; returns what to report (the replay of the shrunk schedule) and
/// how it shrank. A failure that is no detection is returned as it is.
pub(crate) fn shuttle(job: &Job<'_>, body: &Body, found: Found) -> (Found, Option<Shrunk>) {
    let Some(key) = oracle_key(&found.message) else { return (found, None) };
    let Ok(original) = engine::decode_schedule(&found.schedule) else { return (found, None) };
    let guide = original.steps.iter().filter_map(|s| if let ScheduleStep::Task(t) = s { Some(*t) } else { None });
    let mut search = Search::new(job, body, key, original.seed, original.steps.len());
    let Some(first) = search.attempt(guide.collect()) else {
        return (found, Some(Shrunk::not_applicable("the failing schedule did not fail again when followed")));
    };
    let before = (first.preemptions(), first.steps());
    let best = search.shrink(first);
    let report = |attempts| Shrunk {
        method: "schedule".to_owned(),
        preemptions: (Some(before.0), Some(best.preemptions())),
        steps: (Some(before.1), Some(best.steps())),
        attempts,
    };
    if best.schedule == found.schedule {
        return (found, Some(report(search.attempts)));
    }
    match engine::replay(job, body, &best.schedule) {
        Ok((_, Some(replayed))) if oracle_key(&replayed.message).as_ref() == Some(&search.key) => {
            (replayed, Some(report(search.attempts)))
        }
        _ => (found, Some(Shrunk::not_applicable("the shrunk schedule did not replay"))),
    }
}

/// loom: the first failure of the same oracle under the smallest preemption bound below
/// `original` (unbounded: below [`UNBOUNDED_TRIES`]). `explore_at(bound)` explores under that
/// bound and returns how many executions it ran and its first failure.
pub(crate) fn smallest_bound(
    original: Option<usize>,
    found: &Found,
    mut explore_at: impl FnMut(usize) -> (u64, Option<Found>),
) -> (Option<(usize, Found)>, Option<Shrunk>) {
    let Some(key) = oracle_key(&found.message) else { return (None, None) };
    let mut report = Shrunk {
        method: "preemption bound".to_owned(),
        preemptions: (original.map(|b| b as u64), original.map(|b| b as u64)),
        steps: (None, None),
        attempts: 0,
    };
    for bound in 0..original.unwrap_or(UNBOUNDED_TRIES) {
        let (executions, failure) = explore_at(bound);
        report.attempts += executions;
        if let Some(failure) = failure.filter(|f| oracle_key(&f.message).as_ref() == Some(&key)) {
            report.preemptions.1 = Some(bound as u64);
            return (Some((bound, failure)), Some(report));
        }
    }
    (None, Some(report))
}

/// Bounds tried below an unbounded loom detection: 0, 1, 2.
pub(crate) const UNBOUNDED_TRIES: usize = 3;

/// One scheduling decision of a followed execution.
#[derive(Clone, Debug)]
struct Decision {
    runnable: Vec<TaskId>,
    current: Option<TaskId>,
    yielding: bool,
    chosen: TaskId,
}

impl Decision {
    /// A switch away from a task that could have gone on and did not ask to yield.
    fn preempts(&self) -> bool {
        self.current.is_some_and(|c| c != self.chosen && !self.yielding && self.runnable.contains(&c))
    }
}

/// A followed execution that failed the oracle: its decisions and its recorded schedule.
struct Run {
    decisions: Vec<Decision>,
    schedule: String,
}

impl Run {
    fn preemptions(&self) -> u64 {
        self.decisions.iter().filter(|d| d.preempts()).count() as u64
    }

    fn steps(&self) -> u64 {
        self.decisions.len() as u64
    }

    fn size(&self) -> (u64, u64) {
        (self.preemptions(), self.steps())
    }

    fn chosen(&self) -> Vec<TaskId> {
        self.decisions.iter().map(|d| d.chosen).collect()
    }

    /// The guides to try next, in order (see the module docs).
    fn candidates(&self) -> Vec<Vec<TaskId>> {
        let seq = self.chosen();
        let mut out = Vec::new();
        for (i, d) in self.decisions.iter().enumerate().rev().filter(|(_, d)| d.preempts()) {
            let preempted = d.current.expect("a preemption has a current task");
            if let Some(j) = (i + 1..seq.len()).find(|&j| seq[j] == preempted) {
                let end = (j..seq.len()).find(|&k| seq[k] != preempted).unwrap_or(seq.len());
                out.push([&seq[..i], &seq[j..end], &seq[i..j], &seq[end..]].concat());
            }
            out.push([&seq[..i], &[preempted][..]].concat());
        }
        let mut tasks: Vec<TaskId> = Vec::new();
        for &t in seq.iter().skip(1) {
            if !tasks.contains(&t) && Some(&t) != seq.first() {
                tasks.push(t);
            }
        }
        out.extend(tasks.into_iter().map(|t| seq.iter().copied().filter(|&s| s != t).collect()));
        out
    }
}

/// A followed execution, failing or not.
struct Attempt {
    run: Run,
    failed: bool,
}

/// The state of one shuttle shrink.
struct Search<'a> {
    job: &'a Job<'a>,
    body: &'a Body,
    key: String,
    seed: u64,
    executions: Executions,
    max_steps: usize,
    tried: BTreeSet<Vec<usize>>,
    attempts: u64,
}

impl<'a> Search<'a> {
    fn new(job: &'a Job<'a>, body: &'a Body, key: String, seed: u64, original_len: usize) -> Self {
        Search {
            job,
            body,
            key,
            seed,
            executions: Executions::unrecorded(),
            // A candidate that spins where the original did not is abandoned, not run for long.
            max_steps: (8 * original_len).max(10_000),
            tried: BTreeSet::new(),
            attempts: 0,
        }
    }

    /// The whole search: the greedy descent from the failing run; then, if preemptions are left,
    /// the run with none (the follower alone) and every run with exactly one (the follower,
    /// switched once at one decision of that run), each descended from again if it fails.
    fn shrink(&mut self, first: Run) -> Run {
        let mut best = self.descend(first);
        if best.preemptions() == 0 {
            return best;
        }
        let Some(plain) = self.attempt_any(Vec::new()) else { return best };
        if plain.failed && plain.run.size() < best.size() {
            return self.descend(plain.run);
        }
        let seq = plain.run.chosen();
        for (i, d) in plain.run.decisions.iter().enumerate().rev() {
            for &other in d.runnable.iter().filter(|&&t| Some(t) != d.current) {
                if self.attempts >= SHRINK_ATTEMPTS || best.preemptions() <= 1 {
                    return best;
                }
                if let Some(run) = self.attempt([&seq[..i], &[other][..]].concat()).filter(|r| r.size() < best.size()) {
                    best = self.descend(run);
                }
            }
        }
        best
    }

    /// Candidates from `best` until none is smaller or the attempts run out.
    fn descend(&mut self, mut best: Run) -> Run {
        'pass: loop {
            for guide in best.candidates() {
                if self.attempts >= SHRINK_ATTEMPTS {
                    return best;
                }
                if let Some(run) = self.attempt(guide).filter(|run| run.size() < best.size()) {
                    best = run;
                    continue 'pass;
                }
            }
            return best;
        }
    }

    /// Runs the follower on `guide` (unless that guide ran already); the run if it failed the
    /// same oracle.
    fn attempt(&mut self, guide: Vec<TaskId>) -> Option<Run> {
        self.attempt_any(guide).filter(|a| a.failed).map(|a| a.run)
    }

    /// Runs the follower on `guide` (unless that guide ran already): the run, and whether it
    /// failed the same oracle.
    fn attempt_any(&mut self, guide: Vec<TaskId>) -> Option<Attempt> {
        if !self.tried.insert(guide.iter().map(|&t| usize::from(t)).collect()) {
            return None;
        }
        self.attempts += 1;
        let record = Arc::new(Mutex::new(Vec::new()));
        let follower = Follower {
            guide,
            data: RandomDataSource::initialize(self.seed),
            started: false,
            record: Arc::clone(&record),
        };
        let mut config = engine::config();
        config.max_steps = MaxSteps::FailAfter(self.max_steps);
        let (_, failure) = engine::run_under(&self.executions, self.body, self.job.variant, follower, config);
        let found = failure.filter(|f| oracle_key(&f.message).as_ref() == Some(&self.key));
        let decisions = std::mem::take(&mut *record.lock().unwrap_or_else(|e| e.into_inner()));
        let failed = found.is_some();
        Some(Attempt { run: Run { decisions, schedule: found.map(|f| f.schedule).unwrap_or_default() }, failed })
    }
}

/// Runs the task its guide names at each decision when it can; otherwise keeps the current task
/// running, and when that cannot go on (blocked, finished, yielding), the runnable task the guide
/// names soonest. Random values come from the failing schedule's seed, as in its replay.
struct Follower {
    guide: Vec<TaskId>,
    data: RandomDataSource,
    started: bool,
    record: Arc<Mutex<Vec<Decision>>>,
}

impl Scheduler for Follower {
    fn new_execution(&mut self) -> Option<Schedule> {
        if std::mem::replace(&mut self.started, true) {
            return None;
        }
        Some(Schedule::new(self.data.reinitialize()))
    }

    fn next_task(&mut self, runnable: &[&Task], current: Option<TaskId>, is_yielding: bool) -> Option<TaskId> {
        let mut record = self.record.lock().unwrap_or_else(|e| e.into_inner());
        let runnable: Vec<TaskId> = runnable.iter().map(|t| t.id()).collect();
        let can = |t: &TaskId| runnable.contains(t);
        let step = record.len();
        let chosen = match self.guide.get(step).filter(|t| can(t)) {
            Some(&t) => t,
            None => match current.filter(|c| can(c) && !is_yielding) {
                Some(c) => c,
                None => {
                    let others = |t: &&TaskId| can(t) && (Some(**t) != current || runnable.len() == 1);
                    let soonest = self.guide.iter().skip(step).find(others).copied();
                    soonest.or_else(|| runnable.iter().find(others).copied()).unwrap_or(runnable[0])
                }
            },
        };
        record.push(Decision { runnable, current, yielding: is_yielding, chosen });
        Some(chosen)
    }

    fn next_u64(&mut self) -> u64 {
        self.data.next_u64()
    }
}

#[cfg(test)]
mod tests {
    use super::oracle_key;

    #[test]
    fn the_same_oracle_is_the_same_check_whatever_its_values() {
        let a = oracle_key("safety oracle violated: session #3 ended twice: [3, 3]");
        let b = oracle_key("safety oracle violated: session #41 ended twice: [41]");
        assert_eq!(a.as_deref(), Some("safety oracle violated:session # ended twice"));
        assert_eq!(a, b);
        assert_ne!(a, oracle_key("safety oracle violated: a stranger closed another thread's fd: x"));
        assert_ne!(a, oracle_key("liveness oracle violated: session #3 ended twice: [3, 3]"));
        assert_eq!(oracle_key("deadlock! blocked tasks: [a, b]").as_deref(), Some("deadlock"));
        assert_eq!(oracle_key("called `Option::unwrap()` on a `None` value"), None);
    }
}
