//! Command-line parsing, dispatch and exit codes. The only place that uses `anyhow`.

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use flexplan::error::Error;
use flexplan::input::bom::BomGraph;
use flexplan::input::{Bucket, PlanInput, SolverConfig};
use flexplan::output::TableFormat;
use flexplan::plan::solve::SolveOptions;
use std::path::{Path, PathBuf};

/// Exit codes, documented in the README.
pub mod exit {
    /// Success: input valid (`check`), plan optimal (`plan`), plan passes (`validate`).
    pub const OK: i32 = 0;
    /// An unexpected error: unreadable file, solver failure, a bug.
    pub const ERROR: i32 = 1;
    /// The command line is wrong (clap's own code).
    pub const USAGE: i32 = 2;
    /// The input is invalid; every problem found is listed. Nothing written.
    pub const INVALID_INPUT: i32 = 3;
    /// A feasible plan was written, but a limit stopped the solve before the gap target.
    pub const FEASIBLE: i32 = 4;
    /// No plan satisfies every hard constraint; a diagnosis is printed. Nothing written.
    pub const INFEASIBLE: i32 = 5;
    /// A limit stopped the solve before any plan was found. Nothing written.
    pub const NO_SOLUTION: i32 = 6;
    /// `validate` found violations in the plan.
    pub const VIOLATIONS: i32 = 7;
    /// The output could not be written; an earlier plan in OUT_DIR is untouched.
    pub const OUTPUT: i32 = 8;

    /// The exit code of a solve that ended with `status` (`plan`, `solve-mps`).
    pub fn for_status(status: flexplan::plan::solve::SolveStatus) -> i32 {
        use flexplan::plan::solve::SolveStatus;
        match status {
            SolveStatus::Optimal => OK,
            SolveStatus::Feasible => FEASIBLE,
            SolveStatus::Infeasible => INFEASIBLE,
            SolveStatus::NoSolutionFound => NO_SOLUTION,
        }
    }
}

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
    Check {
        /// The plan directory (plan.toml, items.csv, orders.csv, ...).
        plan_dir: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
    /// Solve the lot-sizing MIP and write the plan to OUT_DIR.
    Plan {
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
    },
    /// Convert a public benchmark instance into a plan directory.
    Import {
        #[command(subcommand)]
        format: ImportFormat,
    },
    /// Solve an MPS file (optionally .gz) with the planner's HiGHS settings.
    SolveMps {
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
    },
    /// Plan every instance of a benchmark suite, check each plan and compare with best-known values.
    Bench {
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
    },
    /// Check a written plan against its inputs with the independent checker.
    Validate {
        /// The plan directory the plan was made from.
        plan_dir: PathBuf,
        /// The plan folder written by `flexplan plan`.
        out_dir: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
    /// Forecast demand from an order history (or a `unique_id, ds, y` table) and backtest it.
    Forecast {
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
    },
    /// Write a seeded synthetic plan directory (for tests and benchmarks).
    Generate {
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
        /// A small adversarial plan for differential testing instead (3-8 items, 3-6 weekly
        /// periods drawn from the seed; holding costs that fall along the BOM, tight capacity,
        /// interacting lot rules): only --seed applies.
        #[arg(long)]
        adversarial: bool,
        /// Output folder.
        out_dir: PathBuf,
    },
    /// Run what-if scenarios (reoptimize or evaluate) in parallel; `sweep merge` joins shards.
    Sweep(SweepArgs),
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

fn relative_gap(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if (0.0..1.0).contains(&v) => Ok(v),
        _ => Err(format!("expected a relative gap >= 0 and < 1 (e.g. 0.01 for 1 %), found `{text}`")),
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
            FormulationArg::BigM => flexplan::plan::model::Formulation::BigM,
            FormulationArg::FacilityLocation => flexplan::plan::model::Formulation::FacilityLocation,
            FormulationArg::LsInequalities => flexplan::plan::model::Formulation::LsInequalities,
        },
        heuristic: match heuristic {
            HeuristicArg::None => flexplan::plan::solve::Heuristic::None,
            HeuristicArg::RelaxAndFix => flexplan::plan::solve::Heuristic::RelaxAndFix,
            HeuristicArg::Construct => flexplan::plan::solve::Heuristic::Construct,
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
    match dispatch(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            use flexplan::import::ImportError;
            let error = e.downcast_ref::<Error>().or_else(|| match e.downcast_ref::<ImportError>() {
                Some(ImportError::Flexplan(inner)) => Some(inner),
                _ => None,
            });
            if e.downcast_ref::<UsageError>().is_some() {
                return exit::USAGE;
            }
            match (error, e.downcast_ref::<ImportError>()) {
                (Some(Error::Input(_)), _) | (_, Some(ImportError::Format { .. })) => exit::INVALID_INPUT,
                (Some(Error::Output { .. }), _) => exit::OUTPUT,
                _ => exit::ERROR,
            }
        }
    }
}

/// A command line clap accepts but flexplan cannot act on (an unknown suite, instance names
/// that match nothing): exit code 2, like clap's own errors.
#[derive(Debug)]
struct UsageError(String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

fn dispatch(command: Command) -> anyhow::Result<i32> {
    match command {
        Command::Check { plan_dir, format } => check(&plan_dir, format),
        Command::Plan {
            plan_dir,
            out,
            time_limit,
            gap,
            threads,
            node_limit,
            format,
            verbose,
            formulation,
            heuristic,
        } => {
            // The time limit bounds the whole run, reading the input included.
            let clock_started = std::time::Instant::now();
            let (input, bom) = match load(&plan_dir) {
                Ok(loaded) => loaded,
                Err(code) => return Ok(code),
            };
            let read_seconds = clock_started.elapsed().as_secs_f64();
            let flags = SolverConfig { time_limit_s: time_limit, mip_gap: gap, threads };
            let options = SolveOptions {
                node_limit,
                verbose,
                clock_started: Some(clock_started),
                ..SolveOptions::from_config(&input.solver.overridden_by(flags))
            };
            let format = match format {
                OutFormat::Csv => TableFormat::Csv,
                OutFormat::Parquet => TableFormat::Parquet,
            };
            plan(&input, &bom, &options, &plan_config(formulation, heuristic), &out, format, read_seconds)
        }
        Command::Import { format: ImportFormat::Trigeiro { file, out_dir, unit_time } } => {
            let mut instance = flexplan::import::trigeiro::read_trigeiro(&file)?;
            if let Some(unit_time) = unit_time {
                instance = instance.with_unit_times(unit_time);
            }
            let input = instance.to_plan_input();
            flexplan::input::write::write_plan_dir(&input, &out_dir)?;
            println!(
                "wrote {} items, {} periods, capacity {}, {} orders to {}",
                instance.n_items(),
                instance.n_periods,
                instance.capacity,
                input.orders.len(),
                out_dir.display()
            );
            Ok(exit::OK)
        }
        Command::Import { format: ImportFormat::Tempelmeier { cap_file, out_dir, setup_costs } } => {
            let files = flexplan::import::tempelmeier::TempelmeierFiles::for_capacity_file(&cap_file, setup_costs)?;
            let instance = flexplan::import::tempelmeier::read_tempelmeier(&files)?;
            let input = instance.to_plan_input();
            flexplan::input::write::write_plan_dir(&input, &out_dir)?;
            println!(
                "wrote {} ({} items, {} BOM arcs, {} resources, {} periods, {} orders) to {}",
                instance.name,
                input.items.len(),
                input.bom.len(),
                input.resources.len(),
                instance.n_periods,
                input.orders.len(),
                out_dir.display()
            );
            Ok(exit::OK)
        }
        Command::SolveMps { file, time_limit, gap, threads, verbose } => {
            let flags = SolverConfig { time_limit_s: time_limit, mip_gap: gap, threads: Some(threads) };
            let options = SolveOptions { verbose, ..SolveOptions::from_config(&flags) };
            let outcome = flexplan::import::mps::solve_mps(&file, &options)?;
            println!("{}", outcome.to_text());
            Ok(exit::for_status(outcome.status))
        }
        Command::Bench {
            suite,
            time_limit,
            jobs,
            gap,
            formulation,
            heuristic,
            threads,
            instances,
            x_sample,
            data,
            out,
        } => {
            let suites: Vec<flexplan::suite::Suite> = if suite == "all" {
                flexplan::suite::Suite::ALL.to_vec()
            } else {
                vec![flexplan::suite::Suite::from_name(&suite).ok_or_else(|| {
                    UsageError(format!(
                        "unknown suite {suite}: use lotsizelib, trigeiro-g, trigeiro-f, trigeiro-x, miplib, tempelmeier or all"
                    ))
                })?]
            };
            let options = flexplan::suite::SuiteOptions {
                data_dir: data.unwrap_or_else(flexplan::suite::default_data_dir),
                solve: SolveOptions::from_config(&SolverConfig {
                    time_limit_s: Some(time_limit),
                    mip_gap: gap,
                    threads: Some(threads),
                }),
                config: plan_config(formulation, heuristic),
                jobs,
                x_sample,
                instances,
            };
            let progress = |row: &flexplan::suite::BenchRow| {
                eprintln!(
                    "{} {}: {} {} ({:.1} s){}",
                    row.suite,
                    row.instance,
                    row.status,
                    row.objective.map_or("-".to_string(), |v| format!("{v:.2}")),
                    row.seconds,
                    if row.note.is_empty() { String::new() } else { format!(" {}", row.note) }
                );
            };
            let mut rows = Vec::new();
            for suite in suites {
                rows.extend(flexplan::suite::run_suite(suite, &options, &progress)?);
            }
            if rows.is_empty() && !options.instances.is_empty() {
                return Err(UsageError(format!("no instance of {suite} matched --instances")).into());
            }
            let markdown = flexplan::suite::to_markdown(&rows);
            print!("{markdown}");
            if let Some(out) = out {
                let csv = flexplan::suite::to_csv(&rows);
                write_atomically(&out, csv.as_bytes())?;
                write_atomically(&out.with_extension("md"), markdown.as_bytes())?;
            }
            let all_checked = rows.iter().all(|r| r.checked != Some(false) && r.status != "error");
            Ok(if all_checked { exit::OK } else { exit::VIOLATIONS })
        }
        Command::Validate { plan_dir, out_dir, format } => validate(&plan_dir, &out_dir, format),
        Command::Forecast {
            history,
            bucket,
            horizon,
            out,
            by,
            folds,
            service_level,
            plan_dir,
            all_methods,
            season_length,
        } => {
            let key = match by.replace(' ', "").as_str() {
                "item" => flexplan::forecast::series::SeriesKey::Item,
                "item,market" => flexplan::forecast::series::SeriesKey::ItemMarket,
                other => anyhow::bail!("--by takes `item` or `item,market`, not `{other}`"),
            };
            let options = flexplan::forecast::ForecastOptions {
                bucket: bucket.into(),
                horizon,
                key,
                folds,
                service_level,
                params: flexplan::forecast::methods::MethodParams { season_length, ..Default::default() },
                all_methods,
            };
            forecast(&history, &options, &out, plan_dir.as_deref())
        }
        Command::Generate { seed, items, orders, periods, bucket, start, adversarial, out_dir } => {
            let input = if adversarial {
                let spec = flexplan::generate::AdversarialSpec::for_seed(seed);
                flexplan::generate::generate_adversarial(&spec).context("cannot generate")?
            } else {
                let spec =
                    flexplan::generate::GenerateSpec { seed, items, orders, periods, bucket: bucket.into(), start };
                flexplan::generate::generate(&spec).context("cannot generate")?
            };
            flexplan::input::write::write_plan_dir(&input, &out_dir)?;
            println!(
                "wrote {} items, {} BOM edges, {} resources, {} orders over {} {}s to {}",
                input.items.len(),
                input.bom.len(),
                input.resources.len(),
                input.orders.len(),
                input.horizon.periods,
                input.horizon.bucket.as_str(),
                out_dir.display()
            );
            Ok(exit::OK)
        }
        Command::Sweep(args) => sweep(args),
    }
}

fn sweep(args: SweepArgs) -> anyhow::Result<i32> {
    use flexplan::sweep::{scenario::Mode, SweepError};
    let outcome = match args.action {
        Some(SweepAction::Merge { shard_dirs, out }) => {
            flexplan::sweep::merge_shards(&shard_dirs, &out).map(|r| (r, out))
        }
        None => {
            let (Some(plan_dir), Some(scenarios), Some(out)) = (args.plan_dir, args.scenarios, args.out) else {
                anyhow::bail!("sweep needs PLAN_DIR, --scenarios and --out");
            };
            let (input, bom) = match load(&plan_dir) {
                Ok(loaded) => loaded,
                Err(code) => return Ok(code),
            };
            let run = || -> Result<_, SweepError> {
                let mut file = flexplan::sweep::load_scenario_file(&scenarios, &input)?;
                let s = &mut file.settings;
                if let Some(mode) = args.mode {
                    s.mode = match mode {
                        SweepModeArg::Reoptimize => Mode::Reoptimize,
                        SweepModeArg::Evaluate => Mode::Evaluate,
                    };
                }
                s.node_limit = args.node_limit.map(|n| (n > 0).then_some(n)).unwrap_or(s.node_limit);
                s.mip_gap = args.gap.unwrap_or(s.mip_gap);
                s.time_limit_s = args.time_limit.or(s.time_limit_s);
                if let Some(seed) = args.seed {
                    file.reseed(seed);
                }
                let options = flexplan::sweep::SweepOptions {
                    jobs: args.jobs.max(1),
                    shard: args.shard.as_deref().map(flexplan::sweep::Shard::parse).transpose()?,
                    resume: args.resume,
                    lots: args.lots.clone(),
                    progress: !args.quiet,
                };
                flexplan::sweep::run_sweep(&input, &bom, &file, &options, &out)
            };
            run().map(|r| (r, out))
        }
    };
    match outcome {
        Ok((report, out)) => {
            print!("{}", flexplan::sweep::results::summary_text(&report.summary));
            println!(
                "{} scenarios computed, {} taken from the journal, in {:.2} s; results in {}",
                report.computed,
                report.resumed,
                report.seconds,
                out.display()
            );
            Ok(exit::OK)
        }
        Err(SweepError::InvalidScenarios { file, problems }) => {
            eprintln!("error: {}", SweepError::InvalidScenarios { file, problems });
            Ok(exit::INVALID_INPUT)
        }
        Err(e) => Err(e.into()),
    }
}

/// Reads and validates a plan directory, BOM included; prints every problem on failure.
fn load(plan_dir: &Path) -> Result<(PlanInput, BomGraph), i32> {
    let loaded = flexplan::input::read::read_plan_dir(plan_dir).and_then(|input| {
        let bom = BomGraph::new(&input)?;
        Ok((input, bom))
    });
    loaded.map_err(|e| {
        eprint!("error: invalid input in {}\n{}", plan_dir.display(), indent_problems(&e));
        exit::INVALID_INPUT
    })
}

fn indent_problems(e: &flexplan::InputError) -> String {
    // The Display of InputError starts with its own headline; keep only the problem lines.
    let text = e.to_string();
    text.lines().skip(1).map(|l| format!("{l}\n")).collect()
}

fn check(plan_dir: &Path, format: ReportFormat) -> anyhow::Result<i32> {
    let (input, bom) = match load(plan_dir) {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let demand = flexplan::plan::demand::bucket_demand(&input);
    let report = flexplan::check::inspect(&input, &demand, &bom);
    match format {
        ReportFormat::Text => print!("{}", report.to_text()),
        ReportFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
    }
    Ok(exit::OK)
}

fn plan(
    input: &PlanInput,
    bom: &BomGraph,
    options: &SolveOptions,
    config: &flexplan::plan::PlanConfig,
    out: &Path,
    format: TableFormat,
    read_seconds: f64,
) -> anyhow::Result<i32> {
    for order in flexplan::check::unusual_orders(input) {
        eprintln!("{}", order.warning());
    }
    let mut outcome = flexplan::plan::plan_configured(input, bom, options, config)?;
    outcome.timings.read = read_seconds;
    let write_started = std::time::Instant::now();
    let (summary, written) = flexplan::output::write_outcome(input, &outcome, options, out, format)?;
    let write_seconds = write_started.elapsed().as_secs_f64();
    println!("{}", flexplan::output::headline(&summary, options));
    if let Some(diagnosis) = &outcome.diagnosis {
        for f in &diagnosis.findings {
            println!("  - {}", f.message);
        }
        if let Some(note) = &diagnosis.incomplete {
            println!("  (diagnosis incomplete: {note})");
        }
    }
    if written {
        println!("plan written to {}", out.display());
    } else {
        println!("nothing written; {} left as it was", out.display());
    }
    let t = &outcome.timings;
    println!(
        "time: {:.2} s in all (read {:.2}, build {:.2}, warm start {:.2}, solve {:.2}, re-solve {:.2}, repair {:.2}, diagnose {:.2}, write {:.2})",
        options.clock_started.map_or(0.0, |s| s.elapsed().as_secs_f64()),
        t.read,
        t.build,
        t.construct,
        t.solve,
        t.resolve,
        t.repair,
        t.diagnose,
        write_seconds
    );
    Ok(exit::for_status(outcome.status))
}

fn validate(plan_dir: &Path, out_dir: &Path, format: ReportFormat) -> anyhow::Result<i32> {
    let (input, _bom) = match load(plan_dir) {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let report = flexplan::validate::check_plan(&input, out_dir)
        .with_context(|| format!("cannot check the plan in {}", out_dir.display()))?;
    match format {
        ReportFormat::Text => print!("{}", report.to_text()),
        ReportFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
    }
    Ok(if report.is_ok() { exit::OK } else { exit::VIOLATIONS })
}

fn forecast(
    history: &Path,
    options: &flexplan::forecast::ForecastOptions,
    out: &Path,
    plan_dir: Option<&Path>,
) -> anyhow::Result<i32> {
    let started = std::time::Instant::now();
    // With a plan directory, forecast buckets are the plan's periods.
    let align_to = match plan_dir {
        Some(dir) => match flexplan::input::read::read_plan_toml(&dir.join("plan.toml")) {
            Ok((horizon, _)) if horizon.bucket != options.bucket => {
                eprintln!(
                    "error: the plan in {} has `{}` periods; forecast it with --bucket {}",
                    dir.display(),
                    horizon.bucket.as_str(),
                    horizon.bucket.as_str()
                );
                return Ok(exit::INVALID_INPUT);
            }
            Ok((horizon, _)) => Some(horizon.start),
            Err(e) => {
                eprint!("error: invalid input in {}\n{}", dir.display(), indent_problems(&e));
                return Ok(exit::INVALID_INPUT);
            }
        },
        None => None,
    };
    let loaded = flexplan::forecast::read_history_series(history, options.bucket, options.key, align_to)
        .and_then(|series| Ok((flexplan::forecast::forecast_history(&series, options)?, series)));
    let (results, series) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => {
            eprint!("error: invalid input in {}\n{}", history.display(), indent_problems(&e));
            return Ok(exit::INVALID_INPUT);
        }
    };
    let tables = flexplan::forecast::tables(&results, options)?;
    flexplan::forecast::write_tables(&tables, out)?;
    println!(
        "forecast {} series ({} buckets of history from {}) {} {}s ahead in {:.2} s; written to {}",
        results.len(),
        series.series.iter().map(|s| s.values.len()).max().unwrap_or(0),
        series.anchor,
        options.horizon,
        options.bucket.as_str(),
        started.elapsed().as_secs_f64(),
        out.display()
    );
    print!("{}", flexplan::forecast::accuracy_text(&results));
    if let Some(plan_dir) = plan_dir {
        match flexplan::forecast::write_plan_forecast(&results, options.bucket, plan_dir) {
            Ok(written) => {
                println!("wrote {} rows to {}", written.rows, written.path.display());
                if !written.unknown_items.is_empty() {
                    println!(
                        "  left out {} item(s) not in the plan's items table: {}",
                        written.unknown_items.len(),
                        written.unknown_items.join(", ")
                    );
                }
                if written.outside_horizon > 0 {
                    println!("  left out {} forecast bucket(s) outside the plan horizon", written.outside_horizon);
                }
            }
            Err(Error::Input(e)) => {
                eprint!("error: cannot write the forecast into {}\n{}", plan_dir.display(), indent_problems(&e));
                return Ok(exit::INVALID_INPUT);
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(exit::OK)
}

/// Writes one output file through a temporary file and a rename (nothing half-written).
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let name =
        path.file_name().and_then(|n| n.to_str()).with_context(|| format!("{} is not a file name", path.display()))?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    flexplan::files::write_file_atomically(dir, name, |out| out.write_all(bytes))?;
    Ok(())
}
