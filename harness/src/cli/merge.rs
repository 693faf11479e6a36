//! `racetrack merge RESULT.json…`: the shards of `run --shard k/n` as one report and verdict.
//!
//! Per cell, the shards must be exactly 1..=n of one n, over one budget (a shard missing or given
//! twice is a usage error naming the cell): then they own disjoint, adjacent slices of the cell's
//! order and together explored `n·B` schedules, none twice. A detection in any shard makes the
//! merged cell detected, with the earliest detection's failure, replay token and trace (its
//! token replays through `racetrack replay` like any other); an error or timeout in any shard
//! makes it not ok. A held cell's schedules are the sum of the shards'.

use super::args::MergeArgs;
use super::output::{self, OutFile};
use super::{report, worktree, UsageError};
use crate::outcome::{CaughtBy, CellResult, ShardRun, Verdict};
use std::process::ExitCode;
use std::time::Duration;

pub(crate) fn merge(args: &MergeArgs) -> Result<ExitCode, UsageError> {
    let out = args.out.as_deref().map(OutFile::create).transpose()?;
    let mut all = Vec::new();
    for file in &args.results {
        let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let results = worktree::parse_results(&text)
            .map_err(|e| format!("{} is not a racetrack result document (`run --format json`): {e}", file.display()))?;
        all.extend(results);
    }
    let merged = merge_results(all)?;
    let wall = Duration::from_millis(merged.iter().map(|r| r.elapsed_ms).max().unwrap_or(0));
    output::emit(&report::render(&merged, wall, args.format), out)?;
    Ok(if merged.iter().all(|r| r.ok) { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Groups results by cell (in the order first seen) and merges each group.
pub(crate) fn merge_results(results: Vec<CellResult>) -> Result<Vec<CellResult>, String> {
    let mut groups: Vec<Vec<CellResult>> = Vec::new();
    for r in results {
        let same = |g: &&mut Vec<CellResult>| {
            (&g[0].scenario, &g[0].scheduler, &g[0].variant) == (&r.scenario, &r.scheduler, &r.variant)
        };
        match groups.iter_mut().find(|g| same(g)) {
            Some(group) => group.push(r),
            None => groups.push(vec![r]),
        }
    }
    groups.into_iter().map(merge_cell).collect()
}

/// One cell's shards as one result.
fn merge_cell(mut shards: Vec<CellResult>) -> Result<CellResult, String> {
    let name = format!("{} · {} · {}", shards[0].scenario, shards[0].scheduler, shards[0].variant);
    let slice = |r: &CellResult| {
        r.shard.unwrap_or(ShardRun { index: 1, count: 1, first: 1, last: r.schedules, walked: 0, detected_at: None })
    };
    let count = slice(&shards[0]).count;
    shards.sort_by_key(|r| slice(r).index);
    let indices: Vec<u64> = shards.iter().map(|r| slice(r).index).collect();
    if shards.iter().any(|r| slice(r).count != count || slice(r).index == 0)
        || indices != (1..=count).collect::<Vec<_>>()
    {
        let got: Vec<String> = shards.iter().map(|r| format!("{}/{}", slice(r).index, slice(r).count)).collect();
        return Err(format!("{name}: the shards must be 1..={count} of {count}, each once; got [{}]", got.join(", ")));
    }
    let width = slice(&shards[0]).last + 1 - slice(&shards[0]).first;
    let seed = shards[0].seed;
    if shards.iter().any(|r| r.seed != seed || slice(r).last + 1 - slice(r).first != width) {
        return Err(format!("{name}: the shards ran with different seeds or budgets, so their slices do not tile"));
    }
    let first_detection = shards
        .iter()
        .filter(|r| r.verdict == Verdict::Detected)
        .min_by_key(|r| slice(r).detected_at.unwrap_or(u64::MAX))
        .cloned();
    let broken = shards.iter().find(|r| matches!(r.verdict, Verdict::Error | Verdict::Timeout)).cloned();
    let mut merged = first_detection.clone().or(broken.clone()).unwrap_or_else(|| shards[0].clone());
    let bounds: Vec<&Option<String>> = shards.iter().map(|r| &r.bound).collect();
    merged.bound = if bounds.iter().all(|b| *b == bounds[0]) { bounds[0].clone() } else { None };
    merged.exhaustive = merged.verdict == Verdict::Held && shards.iter().any(|r| r.exhaustive);
    merged.elapsed_ms = shards.iter().map(|r| r.elapsed_ms).max().unwrap_or(0);
    merged.virtual_ms = shards.iter().map(|r| r.virtual_ms).sum();
    let detected_at = first_detection.as_ref().and_then(|r| slice(r).detected_at);
    merged.schedules = match (&first_detection, detected_at) {
        (Some(_), Some(at)) => at,
        _ => shards.iter().map(|r| r.schedules).sum(),
    };
    if let Some(b) = merged.budget.as_mut() {
        b.schedules = width * count;
    }
    merged.shard = Some(ShardRun {
        index: 0,
        count,
        first: 1,
        last: width * count,
        walked: shards.iter().map(|r| slice(r).walked).sum(),
        detected_at,
    });
    let caught_by_oracle = !(merged.variant == "buggy" && merged.caught_by == Some(CaughtBy::Liveness));
    merged.ok = merged.verdict == merged.expected && broken.is_none() && caught_by_oracle;
    if let (Some(b), Some(_)) = (&broken, &first_detection) {
        let note = format!("shard {}/{count} gave {}", slice(b).index, b.verdict);
        merged.failure = Some(format!("{} ({note})", merged.failure.unwrap_or_default()));
    }
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::merge_results;
    use crate::outcome::{CaughtBy, CellResult, ShardRun, Verdict};

    fn shard(index: u64, verdict: Verdict, schedules: u64, detected_at: Option<u64>) -> CellResult {
        CellResult {
            scenario: "s".into(),
            scheduler: "loom".into(),
            variant: "fixed".into(),
            expected: Verdict::Held,
            verdict,
            ok: verdict == Verdict::Held,
            schedules,
            exhaustive: false,
            elapsed_ms: index,
            failure: detected_at.map(|at| format!("safety oracle violated at {at}")),
            caught_by: detected_at.map(|_| CaughtBy::Safety),
            replay: detected_at.map(|at| format!("rt1:s:loom:fixed:1:pb2-i{at}")),
            seed: 1,
            bound: Some("preemption bound 2".into()),
            virtual_ms: None,
            trace: None,
            steps: None,
            budget: None,
            shard: Some(ShardRun {
                index,
                count: 4,
                first: (index - 1) * 10 + 1,
                last: index * 10,
                walked: (index - 1) * 10,
                detected_at,
            }),
            strategy: None,
            shrink: None,
        }
    }

    #[test]
    fn four_held_shards_explore_four_times_one_none_twice() {
        let merged = merge_results((1..=4).map(|k| shard(k, Verdict::Held, 10, None)).collect()).unwrap();
        assert_eq!(merged.len(), 1);
        let m = &merged[0];
        assert_eq!((m.verdict, m.ok, m.schedules), (Verdict::Held, true, 40));
        assert_eq!(m.shard, Some(ShardRun { index: 0, count: 4, first: 1, last: 40, walked: 60, detected_at: None }));
    }

    #[test]
    fn a_detection_in_one_shard_fails_the_merged_cell_with_its_token() {
        let mut shards: Vec<CellResult> = (1..=4).map(|k| shard(k, Verdict::Held, 10, None)).collect();
        shards[2] = shard(3, Verdict::Detected, 5, Some(25));
        shards[3] = shard(4, Verdict::Detected, 0, Some(25));
        let m = &merge_results(shards).unwrap()[0];
        assert_eq!((m.verdict, m.ok, m.schedules), (Verdict::Detected, false, 25));
        assert_eq!(m.replay.as_deref(), Some("rt1:s:loom:fixed:1:pb2-i25"));
    }

    #[test]
    fn a_missing_or_repeated_shard_is_refused_naming_the_cell() {
        let three: Vec<CellResult> = [1, 2, 4].iter().map(|&k| shard(k, Verdict::Held, 10, None)).collect();
        let error = merge_results(three).unwrap_err();
        assert_eq!(error, "s · loom · fixed: the shards must be 1..=4 of 4, each once; got [1/4, 2/4, 4/4]");
        let twice: Vec<CellResult> = [1, 2, 2, 3, 4].iter().map(|&k| shard(k, Verdict::Held, 10, None)).collect();
        assert!(merge_results(twice).is_err());
    }
}
