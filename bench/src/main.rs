//! `racetrack-bench`: runs the benchmark and prints the report (`--markdown`: the README's tables).

use clap::Parser;
use racetrack::Verdict;
use racetrack_bench::measure::{self, Cell, FIXED_BUDGET};
use racetrack_bench::table::Table;
use racetrack_bench::{overhead, races, Program, BUDGET, COLUMNS};
use std::collections::BTreeMap;
use std::process::ExitCode;

/// Appends formatted text to a report.
macro_rules! out {
    ($out:expr, $($arg:tt)*) => { $out.push_str(&format!($($arg)*)) };
}

/// Appends a formatted line to a report.
macro_rules! outln {
    ($out:expr, $($arg:tt)*) => {{ out!($out, $($arg)*); $out.push('\n'); }};
}

/// Measures racetrack's schedulers and its default exploration on the benchmark programs, its
/// cost against the raw engines, and the default over the registered races.
#[derive(Parser, Debug)]
#[command(name = "racetrack-bench")]
struct Args {
    /// Print Markdown (the README's tables) instead of aligned text.
    #[arg(long)]
    markdown: bool,
    /// Seeds per program and scheduler (1..=N).
    #[arg(long, default_value_t = 20)]
    seeds: u64,
    /// Only these programs (default: all).
    #[arg(long = "program", value_name = "ID")]
    programs: Vec<String>,
    /// Parts to run.
    #[arg(long, value_delimiter = ',', default_value = "programs,overhead,races")]
    parts: Vec<String>,
    /// Timed pairs per body in the overhead part.
    #[arg(long, default_value_t = 7)]
    repeats: usize,
    /// Schedules per seed in every cell, instead of each cell's own budget.
    #[arg(long, value_name = "N")]
    budget: Option<u64>,
    /// Only these cells of each program (default: every cell that fits).
    #[arg(long = "cell", value_name = "CELL")]
    cells: Vec<String>,
    /// Also write every seed's schedules to first detection (`null`: missed) as JSON here, by
    /// program and cell: what the default's composition is computed from.
    #[arg(long, value_name = "FILE")]
    json: Option<std::path::PathBuf>,
    /// Write the report (as Markdown) into this file between the lines `<!-- bench:begin -->` and
    /// `<!-- bench:end -->`, replacing what was there: how the README's tables are regenerated.
    #[arg(long, value_name = "FILE")]
    readme: Option<std::path::PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let progress = |what: &str| eprintln!("… {what}");
    let programs: Vec<Program> = if args.programs.is_empty() {
        racetrack_bench::programs()
    } else {
        match args.programs.iter().map(|id| racetrack_bench::find(id)).collect() {
            Ok(p) => p,
            Err(e) => {
                eprintln!("racetrack-bench: {e}");
                return ExitCode::from(2);
            }
        }
    };
    let mut ok = true;
    let md = args.markdown || args.readme.is_some();
    let mut out = String::new();
    if args.parts.iter().any(|p| p == "programs") {
        let mut measured = Vec::new();
        for program in &programs {
            match measure::program(program, args.seeds, args.budget, &args.cells, &progress) {
                Ok(cells) => measured.push((*program, cells)),
                Err(e) => {
                    eprintln!("racetrack-bench: {e}");
                    return ExitCode::from(2);
                }
            }
        }
        if let Some(path) = &args.json {
            let doc: serde_json::Map<String, serde_json::Value> = measured
                .iter()
                .map(|(p, cells)| {
                    let by_cell = cells.iter().map(|c| {
                        let counts: Vec<Option<u64>> = c.seeds.iter().map(|s| s.found).collect();
                        (c.name.clone(), serde_json::json!(counts))
                    });
                    (p.scenario.id.to_owned(), serde_json::Value::Object(by_cell.collect()))
                })
                .collect();
            let text = serde_json::to_string_pretty(&doc).expect("counts serialize");
            if let Err(e) = std::fs::write(path, text) {
                eprintln!("racetrack-bench: cannot write {}: {e}", path.display());
                return ExitCode::from(2);
            }
        }
        ok &= report_programs(&mut out, &measured, args.seeds, md);
    }
    if args.parts.iter().any(|p| p == "overhead") {
        ok &= report_overhead(&mut out, &programs, args.repeats, md, &progress);
    }
    if args.parts.iter().any(|p| p == "races") {
        ok &= report_races(&mut out, &races::run(&progress), md);
    }
    print!("{out}");
    if let Some(path) = &args.readme {
        if let Err(e) = splice(path, &out) {
            eprintln!("racetrack-bench: {e}");
            return ExitCode::from(2);
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// The markers between which `--readme` writes the report.
const BEGIN: &str = "<!-- bench:begin -->";
const END: &str = "<!-- bench:end -->";

/// Replaces what lies between [`BEGIN`] and [`END`] in the file at `path` with `report`.
fn splice(path: &std::path::Path, report: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let (Some(begin), Some(end)) = (text.find(BEGIN), text.find(END)) else {
        return Err(format!("{} has no {BEGIN} … {END} lines to write the report between", path.display()));
    };
    if end < begin {
        return Err(format!("{}: {END} comes before {BEGIN}", path.display()));
    }
    let spliced = format!("{}{BEGIN}\n\n{}\n{}", &text[..begin], report.trim(), &text[end..]);
    std::fs::write(path, spliced).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// `12.4 / 9 (20/20)`; `≥` before a mean and median that count misses as the budget.
fn detection(cell: &Cell) -> String {
    let (seeds, found) = (cell.seeds.len(), cell.found());
    let at_least = if found < seeds { "≥" } else { "" };
    let median = cell.median();
    format!("{at_least}{:.1} / {at_least}{median} ({found}/{seeds})", cell.mean())
}

/// The shuttle strategies the default composes (the best single strategy is the best of these).
fn is_strategy(cell: &str) -> bool {
    matches!(cell, "shuttle-urw" | "shuttle-random") || cell.starts_with("shuttle-pct")
}

fn report_programs(out: &mut String, measured: &[(Program, Vec<Cell>)], seeds: u64, md: bool) -> bool {
    let mut ok = true;
    let mut headers = vec!["program", "threads", "depth"];
    headers.extend(COLUMNS);
    let mut first = Table::new(&headers);
    let mut speed = Table::new(&headers);
    let mut goal = Table::new(&["program", "default", "best single strategy", "ratio", "default 20/20", "found by"]);
    let mut problems = Vec::new();
    for (program, cells) in measured {
        let by_name: BTreeMap<&str, &Cell> = cells.iter().map(|c| (c.name.as_str(), c)).collect();
        let lead = vec![program.scenario.id.to_owned(), program.threads.to_string(), program.depth.to_string()];
        let column = |f: &dyn Fn(&Cell) -> String| -> Vec<String> {
            COLUMNS.iter().map(|c| by_name.get(c).map_or("—".to_owned(), |cell| f(cell))).collect()
        };
        first.row([lead.clone(), column(&detection)].concat());
        speed.row(
            [
                lead,
                column(&|c| {
                    let mark = if c.fixed_held() { "" } else { " ✗" };
                    format!("{:.0}{mark}", c.fixed_per_sec)
                }),
            ]
            .concat(),
        );
        for cell in cells {
            problems.extend(
                cell.seeds
                    .iter()
                    .filter_map(|s| s.problem.clone())
                    .map(|p| format!("{} · {}: {p}", program.scenario.id, cell.name)),
            );
            if !cell.fixed_held() {
                problems.push(format!(
                    "{} · {}: the fixed variant did not hold: {}",
                    program.scenario.id, cell.name, cell.fixed.verdict
                ));
            }
        }
        if let Some(default) = by_name.get("default") {
            let best = cells.iter().filter(|c| is_strategy(&c.name)).min_by(|a, b| a.mean().total_cmp(&b.mean()));
            let (best_text, ratio) = match best {
                Some(b) => (format!("{} {}", b.name, detection(b)), default.mean() / b.mean()),
                None => ("—".to_owned(), f64::NAN),
            };
            let mut strategies: BTreeMap<String, usize> = BTreeMap::new();
            for s in default.seeds.iter().filter_map(|s| s.strategy.clone()) {
                *strategies.entry(s).or_default() += 1;
            }
            let found_by: Vec<String> = strategies.iter().map(|(s, n)| format!("{s} {n}")).collect();
            let within = ratio <= 1.5;
            ok &= default.always() && within;
            goal.row(vec![
                program.scenario.id.to_owned(),
                detection(default),
                best_text,
                format!("{ratio:.2}{}", if within { "" } else { " ✗" }),
                if default.always() {
                    "✓".to_owned()
                } else {
                    format!("✗ {}/{}", default.found(), default.seeds.len())
                },
                found_by.join(", "),
            ]);
        }
    }
    ok &= problems.is_empty();
    outln!(out, "### Schedules to first detection\n");
    outln!(
        out,
        "Mean / median schedules to the first detection of each buggy program over seeds 1..={seeds} (and how many \
         seeds found it within {BUDGET} schedules, the default exploration's default budget, for every cell; `≥`: \
         misses counted as {BUDGET}). loom and shuttle-dfs ignore the seed: one run stands for all. `—`: the \
         scheduler does not fit (loom models at most 5 threads).\n"
    );
    out!(out, "{}", first.render(md));
    outln!(out, "\n### The default against the best single strategy\n");
    outln!(
        out,
        "The best single strategy is the lowest mean among shuttle-urw, shuttle-random and shuttle-pct at depths 1, 3 \
         and 10; the goal is the default within 1.5× of it, in every seed.\n"
    );
    out!(out, "{}", goal.render(md));
    outln!(out, "\n### Schedules per second\n");
    outln!(out, "The fixed variant of each program over {FIXED_BUDGET} schedules at seed 1, through `run_named_cell` (✗: it did not hold).\n");
    out!(out, "{}", speed.render(md));
    if !problems.is_empty() {
        outln!(out, "\nProblems:\n");
        for p in &problems {
            outln!(out, "- {p}");
        }
    }
    ok
}

fn report_overhead(out: &mut String, programs: &[Program], repeats: usize, md: bool, progress: &dyn Fn(&str)) -> bool {
    let mut table = Table::new(&[
        "body",
        "engine",
        "schedules",
        "run_cell /s",
        "raw /s",
        "ratio (median)",
        "ratio (lowest–highest)",
    ]);
    let mut ok = true;
    let bodies = programs.iter().map(|p| (p.scenario, p.fits_loom())).chain(
        racetrack_cli::SCENARIOS
            .iter()
            .filter(|s| s.threads.is_some())
            .map(|s| (*s, s.budget(racetrack::SchedulerId::Loom).is_some())),
    );
    for (scenario, loom) in bodies {
        progress(&format!("overhead · {}", scenario.id));
        match overhead::compare(&scenario, loom, repeats) {
            Ok(rows) => {
                for c in rows {
                    ok &= c.ratio.0 >= 0.9;
                    table.row(vec![
                        c.body,
                        c.engine.to_owned(),
                        c.schedules.to_string(),
                        format!("{:.0}", c.racetrack_per_sec),
                        format!("{:.0}", c.raw_per_sec),
                        format!("{:.2}{}", c.ratio.0, if c.ratio.0 >= 0.9 { "" } else { " ✗" }),
                        format!("{:.2}–{:.2}", c.ratio.1, c.ratio.2),
                    ]);
                }
            }
            Err(e) => {
                ok = false;
                eprintln!("racetrack-bench: {e}");
            }
        }
    }
    outln!(out, "\n### What racetrack costs over the raw engines\n");
    outln!(out,
        "Schedules per second of `run_cell` (tracing on) over the raw engine on the same fixed-variant body: {repeats} \
         back-to-back pairs in alternating order; the ratio is racetrack's throughput over the raw engine's (1.00: no \
         cost; the goal is at least 0.90).\n"
    );
    out!(out, "{}", table.render(md));
    ok
}

fn report_races(out: &mut String, races: &[races::Race], md: bool) -> bool {
    let mut table = Table::new(&["race", "buggy", "found by", "preemptions", "steps", "fixed"]);
    let mut ok = true;
    for race in races {
        let Some((buggy, fixed)) = &race.cells else {
            table.row(vec![
                race.id.to_owned(),
                "— (network only: turmoil)".into(),
                "".into(),
                "".into(),
                "".into(),
                "".into(),
            ]);
            continue;
        };
        ok &= buggy.ok && fixed.ok;
        let shown = |r: &racetrack::CellResult| match r.verdict {
            Verdict::Detected => format!("{} detected at schedule {}", if r.ok { "✓" } else { "✗" }, r.schedules),
            Verdict::Held => format!("{} held over {}", if r.ok { "✓" } else { "✗" }, r.schedules),
            other => format!("✗ {other}: {}", r.failure.clone().unwrap_or_default()),
        };
        let shrink = buggy.shrink.as_ref();
        table.row(vec![
            race.id.to_owned(),
            shown(buggy),
            buggy.strategy.clone().unwrap_or_default(),
            shrink.map_or("-".into(), |s| s.preemptions_text()),
            shrink.map_or("-".into(), |s| s.steps_text()),
            shown(fixed),
        ]);
    }
    outln!(out, "\n### The default on the registered races\n");
    outln!(
        out,
        "Each registered race's thread or async body under `default` alone, at its default budget of {} schedules, \
         seed 1.\n",
        racetrack::DEFAULT_SCHEDULES
    );
    out!(out, "{}", table.render(md));
    ok
}
