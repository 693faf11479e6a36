//! Command-line arguments.

use clap::builder::RangedU64ValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Deterministic concurrency simulation and regression gate: reproduces documented races under
/// controlled schedulers and proves each documented fix holds.
#[derive(Parser, Debug)]
#[command(
    name = "racetrack",
    version,
    after_help = "Examples:\n  racetrack run\n  racetrack run janitor-toctou --scheduler loom --format json\n  racetrack replay rt1:janitor-toctou:shuttle-pct:buggy:1:…\n  racetrack stress janitor-toctou --variant buggy"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// List the scenarios, their sources (public pull requests), oracles and schedulers.
    List(ListArgs),
    /// Run scenarios under their schedulers (default: everything, both variants) and check that
    /// every buggy variant is detected and every fixed variant holds.
    Run(RunArgs),
    /// Reproduce a detected failure from its replay token and print its trace.
    Replay(ReplayArgs),
    /// Run a scenario's reproduction on the real machine (real threads, sockets, files,
    /// processes) and report how often the bug shows. Never a gate.
    Stress(StressArgs),
    /// Run every cell at the pinned seed and write the gate's baseline
    /// (ci/racetrack-baseline.json); prints how the file changed.
    Baseline(BaselineArgs),
    /// Run the matrix and compare it with the committed baseline (and with a base commit, and
    /// the history of a fix): exit 1, naming each cell and reason, when anything got weaker.
    Gate(GateArgs),
    /// Combine the JSON results of `run --shard k/n` runs into one report and verdict.
    Merge(MergeArgs),
    /// (internal) Run one cell in this process and print its result as JSON.
    #[command(name = "__cell", hide = true)]
    Cell(CellArgs),
    /// (internal) Run a scenario's child-process program.
    #[command(name = "__role", hide = true)]
    Role(RoleArgs),
}

/// The parser of a count or a duration that must be at least 1 (`--budget`, `--timeout`,
/// `--jobs`…): 0 is refused by clap, with its usual message naming the flag, before anything runs.
fn at_least_one<T: TryFrom<u64> + Clone + Send + Sync + 'static>() -> RangedU64ValueParser<T> {
    RangedU64ValueParser::new().range(1..)
}

/// Output formats of `run`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// An aligned matrix for a terminal.
    Table,
    /// One JSON object: `{"ok": bool, "results": [...]}`.
    Json,
    /// A Markdown report (for a CI job summary).
    Markdown,
}

/// Output formats of `list`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ListFormat {
    /// Aligned text.
    Table,
    /// JSON array.
    Json,
}

/// Which variants to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum VariantChoice {
    /// The documented bug: must be detected.
    Buggy,
    /// The documented fix: must hold.
    Fixed,
    /// Both.
    Both,
}

#[derive(Args, Debug)]
pub(crate) struct ListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Args, Debug)]
pub(crate) struct RunArgs {
    /// Scenario ids (default: all).
    pub scenarios: Vec<String>,
    /// A scheduler id, or `all`.
    #[arg(long, default_value = "all", value_name = "ID")]
    pub scheduler: String,
    /// Which variants to run.
    #[arg(long, value_enum, default_value_t = VariantChoice::Both)]
    pub variant: VariantChoice,
    /// Seed for seeded schedulers (default 1).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Schedules to explore per cell, instead of each scenario's budget.
    #[arg(long, value_name = "N", value_parser = at_least_one::<u64>())]
    pub budget: Option<u64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also write the report to this file.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Wall-clock seconds one cell may take before it is stopped and reported as `timeout`.
    #[arg(long, value_name = "SECS", default_value_t = 600, value_parser = at_least_one::<u64>())]
    pub timeout: u64,
    /// Cells to run at once (default: the number of CPUs).
    #[arg(long, value_name = "N", value_parser = at_least_one::<usize>())]
    pub jobs: Option<usize>,
    /// Run only slice K of N of every cell's exploration (N runners together explore N× the
    /// budget, none twice); `racetrack merge` combines their JSON results.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<crate::Shard>,
    /// Multiply every cell's schedule budget by N (the soak job's deeper exploration).
    #[arg(long, value_name = "N", conflicts_with = "budget", value_parser = clap::value_parser!(u64).range(1..))]
    pub scale: Option<u64>,
}

#[derive(Args, Debug)]
pub(crate) struct BaselineArgs {
    /// Only these scenarios (their entries are replaced; the others' are kept).
    pub scenarios: Vec<String>,
    /// The baseline file (default: ci/racetrack-baseline.json at the repository's top).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// The repository whose snapshots are hashed (default: the one the current directory is in).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// How many times later than the baseline a detection may come (default: the file's, or 10).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub factor: Option<u64>,
    /// The pinned seed (default 1).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Cells to run at once (default: the number of CPUs).
    #[arg(long, value_name = "N", value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub jobs: Option<usize>,
    /// Wall-clock seconds one cell may take.
    #[arg(long, value_name = "SECS", default_value_t = 600)]
    pub timeout: u64,
}

#[derive(Args, Debug)]
pub(crate) struct GateArgs {
    /// Only these scenarios (default: all; with --teeth, the ones that guard the fix).
    pub scenarios: Vec<String>,
    /// The baseline file (default: ci/racetrack-baseline.json at the repository's top).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// The repository (default: the one the current directory is in).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Also build this commit in a temporary worktree, run its matrix and print the delta.
    #[arg(long, value_name = "REF", conflicts_with = "base_result")]
    pub base: Option<String>,
    /// The base's results (`racetrack run --format json`), instead of building --base.
    #[arg(long, value_name = "FILE")]
    pub base_result: Option<PathBuf>,
    /// Prove the guarding scenarios' teeth on this fix commit: detected against the model code
    /// of its parent, held at head.
    #[arg(long, value_name = "COMMIT")]
    pub teeth: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also write the report to this file.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Cells to run at once (default: the number of CPUs).
    #[arg(long, value_name = "N", value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub jobs: Option<usize>,
    /// Wall-clock seconds one cell may take.
    #[arg(long, value_name = "SECS", default_value_t = 600)]
    pub timeout: u64,
    #[command(flatten)]
    pub build: BuildArgs,
}

/// How `gate` builds another commit (--base, --teeth) in its temporary worktree.
#[derive(Args, Debug, Clone)]
pub(crate) struct BuildArgs {
    /// The cargo target directory worktree builds share, so that each is an incremental build
    /// (default: racetrack-gate inside $CARGO_TARGET_DIR, or inside target/).
    #[arg(long, value_name = "DIR")]
    pub target_dir: Option<PathBuf>,
    /// The cargo profile to build with (default: the one this binary was built with).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// The binary to build and run there (default: this binary's name).
    #[arg(long, value_name = "NAME")]
    pub bin: Option<String>,
}

#[derive(Args, Debug)]
pub(crate) struct MergeArgs {
    /// The results of every shard (`racetrack run --shard k/n --format json --out FILE`).
    #[arg(required = true, value_name = "RESULT.json")]
    pub results: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also write the report to this file.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub(crate) struct ReplayArgs {
    /// The token a detection printed (`rt1:<scenario>:<scheduler>:<variant>:<seed>:<schedule>`).
    pub token: String,
    /// Wall-clock seconds the replay may take.
    #[arg(long, value_name = "SECS", default_value_t = 600, value_parser = at_least_one::<u64>())]
    pub timeout: u64,
}

#[derive(Args, Debug)]
pub(crate) struct StressArgs {
    /// The scenario id.
    pub scenario: String,
    /// Which variant to run.
    #[arg(long, value_enum, default_value_t = StressVariant::Buggy)]
    pub variant: StressVariant,
    /// Rounds of the scenario's stress shape.
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = at_least_one::<u64>())]
    pub iterations: u64,
    /// Concurrency of one round (threads, submitters, clients).
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = at_least_one::<usize>())]
    pub threads: usize,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Perturb the real threads' scheduling at every facade operation (random yields, short
    /// sleeps, low-priority threads; see `racetrack_sync::chaos`), to make the bug show more often.
    #[arg(long)]
    pub chaos: bool,
    /// The chaos mode's seed (reported with the rate).
    #[arg(long, value_name = "N", default_value_t = 1, requires = "chaos")]
    pub chaos_seed: u64,
    /// The perturbations chaos mode makes.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "yields,sleeps,low-priority", requires = "chaos")]
    pub chaos_parts: Vec<ChaosPart>,
}

/// One perturbation of `stress --chaos`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ChaosPart {
    /// Random yields at facade operations.
    Yields,
    /// Random short sleeps at facade operations.
    Sleeps,
    /// One spawned thread in four perturbed far more often.
    LowPriority,
}

/// The variant of a stress run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum StressVariant {
    /// The documented bug.
    Buggy,
    /// The documented fix.
    Fixed,
}

#[derive(Args, Debug)]
pub(crate) struct CellArgs {
    pub scenario: String,
    pub scheduler: String,
    pub variant: String,
    #[arg(long)]
    pub seed: Option<u64>,
    #[arg(long)]
    pub budget: Option<u64>,
    #[arg(long)]
    pub replay: Option<String>,
    #[arg(long)]
    pub shard: Option<crate::Shard>,
}

#[derive(Args, Debug)]
pub(crate) struct RoleArgs {
    pub scenario: String,
    pub role: String,
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
}
