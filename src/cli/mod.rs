//! The command line: clap's types and the dispatch to one file per command, each with the
//! printing for its command. Exit codes are in [`exit`]. The binary is the only user of
//! `anyhow` (for printing an error with its causes).

/// `print!` to stdout that ignores a closed pipe (`flexplan plan ... | head -1`): `print!`
/// would panic, and `plan` would lose the plan it was about to write. Output lost to a closed
/// pipe was not wanted; the run goes on and its exit code stays its own.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}

/// `println!` that ignores a closed pipe, as [`say!`].
macro_rules! sayln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod bench;
mod check;
pub mod exit;
mod forecast;
mod generate;
mod import;
mod plan;
mod report;
mod sweep;
mod validate;

use clap::{Parser, Subcommand, ValueEnum};
use exit::Failure;
use flexplan::input::Bucket;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "flexplan",
    version,
    about = "Lot-sizing and replenishment planner for small-batch, high-frequency production"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a plan directory and show what will be planned (counts, demand, rough-cut capacity).
    Check(CheckArgs),
    /// Solve the lot-sizing MIP and write the plan to OUT_DIR.
    Plan(PlanArgs),
    /// Convert a public benchmark instance into a plan directory.
    Import {
        #[command(subcommand)]
        format: ImportFormat,
    },
    /// Solve an MPS file (optionally .gz) with the planner's HiGHS settings.
    SolveMps(SolveMpsArgs),
    /// Plan every instance of a benchmark suite, check each plan and compare with best-known values.
    Bench(BenchArgs),
    /// Check a written plan against its inputs with the independent checker.
    Validate(ValidateArgs),
    /// Forecast demand from an order history (or a `unique_id, ds, y` table) and backtest it.
    Forecast(ForecastArgs),
    /// Write a seeded synthetic plan directory (for tests and benchmarks).
    Generate(GenerateArgs),
    /// Run what-if scenarios (reoptimize or evaluate) in parallel; `sweep merge` joins shards.
    Sweep(SweepArgs),
    /// Write report.html, a self-contained HTML report of a plan (PLAN_DIR OUT_DIR) or a sweep (SWEEP_DIR OUT_DIR).
    Report(ReportArgs),
}

// The argument structs carry no doc comment of their own: the variant's is the command's help.

#[derive(clap::Args)]
struct CheckArgs {
    /// The plan directory (plan.toml, items.csv, orders.csv, ...).
    plan_dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    #[command(flatten)]
    replan: ReplanArgs,
}

/// Replanning against a previous plan (spec section 1.6); each flag overrides plan.toml's
/// `[replan]`.
#[derive(clap::Args, Debug, Clone, Default)]
pub(crate) struct ReplanArgs {
    /// Replan against this previous plan folder (written by an earlier `flexplan plan`).
    #[arg(long, value_name = "PLAN_FOLDER")]
    previous: Option<PathBuf>,
    /// Frozen periods: the first N periods keep the previous plan's lots exactly.
    #[arg(long, value_name = "N")]
    frozen: Option<usize>,
    /// Cost per unit of lot quantity changed after the frozen periods, >= 0.
    #[arg(long, value_parser = cost, value_name = "COST")]
    change_cost: Option<f64>,
    /// Cost per lot after the frozen periods where the previous plan had none, >= 0.
    #[arg(long, value_parser = cost, value_name = "COST")]
    new_lot_cost: Option<f64>,
}

impl ReplanArgs {
    /// The flags as the reader takes them.
    pub(crate) fn settings(&self) -> flexplan::input::ReplanSettings {
        flexplan::input::ReplanSettings {
            previous: self.previous.clone(),
            frozen_periods: self.frozen,
            change_cost: self.change_cost,
            new_lot_cost: self.new_lot_cost,
        }
    }
}

#[derive(clap::Args)]
struct PlanArgs {
    /// The plan directory.
    plan_dir: PathBuf,
    /// Output folder (created or replaced as a whole; never left half-written).
    #[arg(long)]
    out: PathBuf,
    /// Wall-clock limit in seconds, > 0 (overrides plan.toml; makes results timing-dependent).
    #[arg(long, value_parser = positive_seconds)]
    time_limit: Option<f64>,
    /// Relative gap at which to stop, in [0, 1) (overrides plan.toml; default 1e-4).
    #[arg(long, value_parser = relative_gap)]
    gap: Option<f64>,
    /// Solver threads, 0 = solver default, at most 256 (overrides plan.toml).
    #[arg(long, value_parser = clap::value_parser!(u32).range(0..=256))]
    threads: Option<u32>,
    /// Branch-and-bound node limit: a deterministic work limit.
    #[arg(long)]
    node_limit: Option<u64>,
    /// Table format of the plan files.
    #[arg(long, value_enum, default_value_t = OutFormat::Csv)]
    format: OutFormat,
    /// Print the solver log.
    #[arg(long)]
    verbose: bool,
    /// Setup linking: the spec's big-M model, or big-M plus the facility-location reformulation.
    #[arg(long, value_enum, default_value_t = FormulationArg::BigM)]
    formulation: FormulationArg,
    /// Primal heuristic whose plan warm-starts the solve.
    #[arg(long, value_enum, default_value_t = HeuristicArg::Construct)]
    heuristic: HeuristicArg,
    /// Also write report.html, the plan's HTML report, into the plan folder.
    #[arg(long)]
    html: bool,
    #[command(flatten)]
    replan: ReplanArgs,
}

#[derive(clap::Args)]
struct SolveMpsArgs {
    /// The .mps or .mps.gz file.
    file: PathBuf,
    /// Wall-clock limit in seconds.
    #[arg(long)]
    time_limit: Option<f64>,
    /// Relative gap at which to stop (default 1e-4).
    #[arg(long)]
    gap: Option<f64>,
    /// Solver threads, 0 = solver default.
    #[arg(long, default_value_t = 0)]
    threads: u32,
    /// Print the solver log.
    #[arg(long)]
    verbose: bool,
}

#[derive(clap::Args)]
struct BenchArgs {
    /// lotsizelib, trigeiro-g, trigeiro-f, trigeiro-x, miplib, tempelmeier.
    suite: String,
    /// Wall-clock limit per instance, seconds.
    #[arg(long)]
    time_limit: f64,
    /// Instances solved at once (each with one solver thread when above 1).
    #[arg(long, default_value_t = 1)]
    jobs: usize,
    /// Relative gap at which to stop (default 1e-4).
    #[arg(long)]
    gap: Option<f64>,
    /// Setup linking.
    #[arg(long, value_enum, default_value_t = FormulationArg::BigM)]
    formulation: FormulationArg,
    /// Primal heuristic (default none: the plain model the peers solve too).
    #[arg(long, value_enum, default_value_t = HeuristicArg::None)]
    heuristic: HeuristicArg,
    /// Solver threads per instance (0: HiGHS's default, or 1 when --jobs is above 1).
    #[arg(long, default_value_t = 0)]
    threads: u32,
    /// Only these instances of the suite (comma-separated names, e.g. G1,G53).
    #[arg(long, value_delimiter = ',')]
    instances: Vec<String>,
    /// Number of X instances sampled by trigeiro-x.
    #[arg(long, default_value_t = 30)]
    x_sample: usize,
    /// Benchmark folder (default: $FLEXPLAN_BENCH_DATA or ../shared/benchmarks).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Also write the table as CSV (and Markdown next to it, .md).
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(clap::Args)]
struct ReportArgs {
    /// The plan directory the plan was made from, or a sweep's output folder.
    dir: PathBuf,
    /// The plan folder written by `flexplan plan` (report.html is written into it), or, after a
    /// sweep folder, the folder to write report.html into (created when missing).
    out_dir: PathBuf,
}

#[derive(clap::Args)]
struct ValidateArgs {
    /// The plan directory the plan was made from.
    plan_dir: PathBuf,
    /// The plan folder written by `flexplan plan`.
    out_dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    /// The replanning the plan was made with (the same flags as `plan`).
    #[command(flatten)]
    replan: ReplanArgs,
}

#[derive(clap::Args)]
struct ForecastArgs {
    /// The history: an orders table (`order_id, item, quantity, due_date[, market]`) or a
    /// series table (`unique_id, ds, y`), as .csv or .parquet.
    history: PathBuf,
    /// Bucket length of the series.
    #[arg(long, value_enum, default_value_t = BucketArg::Week)]
    bucket: BucketArg,
    /// Buckets to forecast (also the backtest's test window).
    #[arg(long)]
    horizon: usize,
    /// Output folder for forecasts, accuracy, accuracy_summary and safety_stock (.csv and .parquet).
    #[arg(long)]
    out: PathBuf,
    /// Series per `item` or per `item,market` (orders tables only).
    #[arg(long, default_value = "item")]
    by: String,
    /// Rolling-origin backtest folds.
    #[arg(long, default_value_t = 4)]
    folds: usize,
    /// Service level of the suggested safety stock.
    #[arg(long, default_value_t = 0.95)]
    service_level: f64,
    /// Also write the forecast as this plan directory's forecast.csv.
    #[arg(long)]
    plan_dir: Option<PathBuf>,
    /// Write every method's forecast, not only each series' best.
    #[arg(long)]
    all_methods: bool,
    /// Season length for seasonal naive, in buckets.
    #[arg(long, default_value_t = 52)]
    season_length: usize,
}

#[derive(clap::Args)]
struct GenerateArgs {
    /// Random seed: the same seed gives the same files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Number of items (>= 1).
    #[arg(long, default_value_t = 30, value_parser = at_least_one)]
    items: usize,
    /// Number of orders.
    #[arg(long, default_value_t = 500)]
    orders: usize,
    /// Number of periods (>= 1).
    #[arg(long, default_value_t = 12, value_parser = at_least_one)]
    periods: usize,
    /// Period length.
    #[arg(long, value_enum, default_value_t = BucketArg::Week)]
    bucket: BucketArg,
    /// First day of period 1 (ISO date).
    #[arg(long, default_value = "2026-01-05")]
    start: chrono::NaiveDate,
    /// Version 2: routes per made item, K >= 2 (R1 is the version-1 way; the others copy its
    /// routing rows onto other resources with other run times, unit costs and lead times).
    #[arg(long, value_name = "K", default_value_t = 0)]
    routes: usize,
    /// Version 2: share of made items (0-1) a partner factory can also make: route SUB on a
    /// PARTNER resource, dearer and 1-2 periods slower.
    #[arg(long, value_name = "SHARE", default_value_t = 0.0, value_parser = share)]
    subcontract: f64,
    /// Version 2: sources per bought item, K >= 1, from K suppliers (local, regional, overseas)
    /// with other unit costs, lead times, minimum lots and per-period limits.
    #[arg(long, value_name = "K", default_value_t = 0)]
    suppliers: usize,
    /// Version 2: every supplier's joint order cost (suppliers.csv), paid once per period with
    /// an order from it; needs --suppliers.
    #[arg(long, value_name = "COST", default_value_t = 0.0, value_parser = non_negative)]
    joint_order_cost: f64,
    /// Version 2: setup families per resource (families.csv): items of a family share a major
    /// setup per period.
    #[arg(long, value_name = "N", default_value_t = 0)]
    families: usize,
    /// Version 2: end items get an unmet_cost of FACTOR times their rolled-up unit cost
    /// (`--unmet-cost` alone: 2).
    #[arg(long, value_name = "FACTOR", num_args = 0..=1, require_equals = true,
          default_missing_value = "2", value_parser = non_negative)]
    unmet_cost: Option<f64>,
    /// A small adversarial plan for differential testing instead (3-8 items, 3-6 weekly
    /// periods drawn from the seed; holding costs that fall along the BOM, tight capacity,
    /// interacting lot rules): only --seed applies.
    #[arg(long, conflicts_with_all = ["routes", "subcontract", "suppliers", "joint_order_cost", "families", "unmet_cost"])]
    adversarial: bool,
    /// With --adversarial: a version-2 plan instead (routes with their own lead times and
    /// costs, a partner factory, make-or-buy, several suppliers with minimum and per-period
    /// quantities and joint order costs, setup families, unmet demand costs).
    #[arg(long, requires = "adversarial")]
    flexible: bool,
    /// With --adversarial: a small plan with configurable products instead (1-2 products with
    /// colour, size and design, blanks per colour and size, a `when` line, families with
    /// placeholders, a partner route, forecasts with a mix, receipts naming a class; 2-4 weeks).
    #[arg(long, requires = "adversarial", conflicts_with = "flexible")]
    configurable: bool,
    /// A print-on-demand storefront with configurable products instead (spec 1.5): tees,
    /// hoodies and totes in --colours x --sizes with --designs designs, blanks from mills and a
    /// wholesaler, a printer and a partner route; --orders, --periods (weeks), --start and
    /// --seed apply.
    #[arg(long, conflicts_with_all = ["adversarial", "items", "bucket", "routes", "subcontract", "suppliers",
          "joint_order_cost", "families", "unmet_cost"])]
    storefront: bool,
    /// With --storefront: configurable products (>= 1), half tees, a quarter hoodies, a quarter totes.
    #[arg(long, requires = "storefront", default_value_t = 50, value_parser = at_least_one)]
    products: usize,
    /// With --storefront: colours offered (1-16), the most popular first.
    #[arg(long, requires = "storefront", default_value_t = 8, value_parser = at_least_one)]
    colours: usize,
    /// With --storefront: sizes of tees and hoodies (1-8), the most popular.
    #[arg(long, requires = "storefront", default_value_t = 6, value_parser = at_least_one)]
    sizes: usize,
    /// With --storefront: distinct designs (>= 1).
    #[arg(long, requires = "storefront", default_value_t = 10_000, value_parser = at_least_one)]
    designs: usize,
    /// Output folder.
    out_dir: PathBuf,
}

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
struct SweepArgs {
    #[command(subcommand)]
    action: Option<SweepAction>,
    /// The plan directory.
    #[arg(required = true)]
    plan_dir: Option<PathBuf>,
    /// The scenario file (TOML; see the README's "Scenario sweep").
    #[arg(long, required = true)]
    scenarios: Option<PathBuf>,
    /// Output folder: journal.jsonl, results.csv, results.parquet, summary.json.
    #[arg(long, required = true)]
    out: Option<PathBuf>,
    /// Scenarios computed at once, one solver thread each (default: 1).
    #[arg(long, default_value_t = 1)]
    jobs: usize,
    /// Override the file's mode.
    #[arg(long, value_enum)]
    mode: Option<SweepModeArg>,
    /// Evaluate mode: the plan folder whose lots stay fixed (default: solve the base once).
    #[arg(long)]
    lots: Option<PathBuf>,
    /// Run only scenarios i with i % N == K - 1.
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// Finish the sweep journaled in OUT_DIR (after a crash or kill).
    #[arg(long)]
    resume: bool,
    /// Reoptimize mode: keep each scenario's inputs and plan in OUT_DIR/plans/NNNN/{input,plan}
    /// (the sweep's report links to them).
    #[arg(long)]
    keep_plans: bool,
    /// Override the file's seed.
    #[arg(long)]
    seed: Option<u64>,
    /// Override the file's node limit per solve (0 = none).
    #[arg(long)]
    node_limit: Option<u64>,
    /// Override the file's relative gap per solve.
    #[arg(long)]
    gap: Option<f64>,
    /// Wall-clock limit per solve in seconds (makes truncated solves timing-dependent).
    #[arg(long)]
    time_limit: Option<f64>,
    /// No progress output.
    #[arg(long)]
    quiet: bool,
}

#[derive(Subcommand)]
enum SweepAction {
    /// Join shard folders into the files a single run writes.
    Merge {
        /// The shard output folders.
        #[arg(required = true)]
        shard_dirs: Vec<PathBuf>,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum SweepModeArg {
    Reoptimize,
    Evaluate,
}

fn positive_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("expected a number of seconds > 0, found `{text}`")),
    }
}

fn cost(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("expected a cost >= 0 (e.g. 0.5), found `{text}`")),
    }
}

fn relative_gap(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if (0.0..1.0).contains(&v) => Ok(v),
        _ => Err(format!("expected a relative gap >= 0 and < 1 (e.g. 0.01 for 1 %), found `{text}`")),
    }
}

fn share(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("expected a share between 0 and 1 (e.g. 0.3 for 30 %), found `{text}`")),
    }
}

fn non_negative(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("expected a number >= 0, found `{text}`")),
    }
}

fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(v) if v >= 1 => Ok(v),
        _ => Err(format!("expected a whole number >= 1, found `{text}`")),
    }
}

#[derive(Subcommand)]
enum ImportFormat {
    /// A Trigeiro et al. (1989) .DAT file (production cost excluded, as in the published values).
    Trigeiro {
        /// The .DAT file.
        file: PathBuf,
        /// The plan directory to write.
        out_dir: PathBuf,
        /// Replace every unit time by this value (LOTSIZELIB tr6-15 is G30 with 1).
        #[arg(long)]
        unit_time: Option<f64>,
    },
    /// A Tempelmeier-Derstroff style multi-level instance, named by its capacity file
    /// (`<class><A|G><resources><demand>_<utilisation><setup times>.cap`); the other four files
    /// are found beside it. No published objective values exist for these files.
    Tempelmeier {
        /// The .cap file, e.g. class1/1AA1_11.cap.
        cap_file: PathBuf,
        /// The plan directory to write.
        out_dir: PathBuf,
        /// Setup-cost variant: the j of `<class><A|G>_<demand><j>.sco`.
        #[arg(long, default_value_t = 1)]
        setup_costs: u32,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum FormulationArg {
    BigM,
    FacilityLocation,
    LsInequalities,
}

#[derive(Clone, Copy, ValueEnum)]
enum HeuristicArg {
    None,
    RelaxAndFix,
    Construct,
}

fn plan_config(formulation: FormulationArg, heuristic: HeuristicArg) -> flexplan::plan::PlanConfig {
    flexplan::plan::PlanConfig {
        formulation: match formulation {
            FormulationArg::BigM => flexplan::plan::Formulation::BigM,
            FormulationArg::FacilityLocation => flexplan::plan::Formulation::FacilityLocation,
            FormulationArg::LsInequalities => flexplan::plan::Formulation::LsInequalities,
        },
        heuristic: match heuristic {
            HeuristicArg::None => flexplan::plan::Heuristic::None,
            HeuristicArg::RelaxAndFix => flexplan::plan::Heuristic::RelaxAndFix,
            HeuristicArg::Construct => flexplan::plan::Heuristic::Construct,
        },
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum OutFormat {
    Csv,
    Parquet,
}

#[derive(Clone, Copy, ValueEnum)]
enum BucketArg {
    Day,
    Week,
    Month,
}

impl From<BucketArg> for Bucket {
    fn from(bucket: BucketArg) -> Bucket {
        match bucket {
            BucketArg::Day => Bucket::Day,
            BucketArg::Week => Bucket::Week,
            BucketArg::Month => Bucket::Month,
        }
    }
}

/// Parses the command line, runs it, and returns the exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { exit::USAGE } else { exit::OK };
        }
    };
    exit::code_of(dispatch(cli.command))
}

fn dispatch(command: Command) -> Result<i32, Failure> {
    match command {
        Command::Check(args) => check::run(args),
        Command::Plan(args) => plan::run(args),
        Command::Import { format } => import::run(format),
        Command::SolveMps(args) => bench::solve_mps(args),
        Command::Bench(args) => bench::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Forecast(args) => forecast::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Sweep(args) => sweep::run(args),
        Command::Report(args) => report::run(args),
    }
}
