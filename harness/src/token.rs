//! Replay tokens: one copy-pasteable string naming scenario, scheduler, variant, seed and the
//! schedule, e.g. `rt1:janitor-toctou:shuttle-pct:buggy:1:91c3...` or
//! `rt1:janitor-toctou:loom:buggy:1:pb2-i17`.

use crate::scheduler::{CellName, SchedulerId};
use racetrack_sync::Variant;
use std::fmt;

const VERSION: &str = "rt1";

/// What a token looks like, for error messages.
pub const SHAPE: &str =
    "rt1:<scenario>:<scheduler>:<buggy|fixed>:<seed>:<schedule>, exactly as `racetrack run` printed it";

/// A parsed replay token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayToken {
    /// Scenario id.
    pub scenario: String,
    /// The cell it was found in: its scheduler, and its budget's label if it has one.
    pub cell: String,
    /// Variant it was found in.
    pub variant: Variant,
    /// Seed of the run.
    pub seed: u64,
    /// The scheduler's own schedule encoding (never contains `:` or whitespace).
    pub schedule: String,
}

impl ReplayToken {
    /// The scheduler of the token's cell.
    pub fn scheduler(&self) -> SchedulerId {
        CellName::split(&self.cell).expect("a parsed token names a known scheduler").0
    }
}

impl fmt::Display for ReplayToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{VERSION}:{}:{}:{}:{}:{}", self.scenario, self.cell, self.variant, self.seed, self.schedule)
    }
}

impl std::str::FromStr for ReplayToken {
    type Err = String;

    fn from_str(token: &str) -> Result<Self, String> {
        let bad = |why: &str| format!("malformed replay token '{token}': {why}; a token looks like {SHAPE}");
        let parts: Vec<&str> = token.trim().split(':').collect();
        let [version, scenario, scheduler, variant, seed, schedule] = parts[..] else {
            return Err(bad(&format!("expected 6 ':'-separated fields, found {}", parts.len())));
        };
        if version != VERSION {
            return Err(bad(&format!("unknown version '{version}' (this racetrack reads {VERSION})")));
        }
        let ok_schedule = !schedule.is_empty() && schedule.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !ok_schedule {
            return Err(bad("the schedule field is empty or has characters other than letters, digits and '-'"));
        }
        CellName::split(scheduler).map_err(|e| bad(&e))?;
        Ok(ReplayToken {
            scenario: scenario.to_owned(),
            cell: scheduler.to_owned(),
            variant: variant.parse().map_err(|e: String| bad(&e))?,
            seed: seed.parse().map_err(|_| bad(&format!("seed '{seed}' is not a number")))?,
            schedule: schedule.to_owned(),
        })
    }
}
