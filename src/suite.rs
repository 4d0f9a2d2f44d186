//! The benchmark runner (`flexplan bench SUITE`): plans every instance of a public suite,
//! checks each plan with the independent checker, and compares the objective with the best
//! known value.
//!
//! Suites (instances from the shared benchmark folder, see [`default_data_dir`]):
//!
//! | suite | instances | best-known values |
//! |---|---|---|
//! | `lotsizelib` | the six LOTSIZELIB `tr*` instances (Trigeiro G30 with unit times 1, G62, G53, G69, G57, G72) | published optima |
//! | `trigeiro-g` | G1..G75 | published where the instance is a `tr*` one, else the values computed with HiGHS in `computed_highs.csv` |
//! | `trigeiro-f` | F1..F70 | computed |
//! | `trigeiro-x` | a deterministic sample of the 540 X files (every `540 / n`-th by name) | computed |
//! | `miplib` | the MIPLIB 3 lot-sizing MPS files, solved by [`crate::import::mps::solve_mps`] | MIPLIB optima |
//! | `tempelmeier` | multi-level Tempelmeier-Derstroff style files: every class (1-6), product structure and resource assignment, demand series 1, utilisation profiles 1-5, setup times 1, setup costs 1 (120 instances) | none published |
//!
//! A computed value is marked `computed-opt` when HiGHS proved it optimal and
//! `computed-inc` when it is only an incumbent (a time-limited solve): a negative gap to the
//! latter means flexplan found a better plan.

use crate::error::{Error, Result};
use crate::import::mps::solve_mps;
use crate::import::tempelmeier::{read_tempelmeier, TempelmeierFiles};
use crate::import::trigeiro::{list_dat_files, read_trigeiro};
use crate::input::bom::BomGraph;
use crate::input::table::{Need, NumberRule};
use crate::output::TableFormat;
use crate::plan::solve::relative_gap;
use crate::plan::solve::{ProgressPoint, SolveOptions, SolveStatus};
use crate::plan::{plan_configured, PlanConfig};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The benchmark folder: `$FLEXPLAN_BENCH_DATA`, else `../shared/benchmarks` from the working
/// directory (the repository root).
pub fn default_data_dir() -> PathBuf {
    match std::env::var_os("FLEXPLAN_BENCH_DATA") {
        Some(dir) => PathBuf::from(dir),
        // Relative to the working directory (the repository root for `cargo test` and for a
        // user following the README), not a path baked in at compile time: a binary built in
        // one checkout and run from another would look in the wrong place.
        None => PathBuf::from("../shared/benchmarks"),
    }
}

/// A benchmark suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Suite {
    /// The six LOTSIZELIB `tr*` instances.
    Lotsizelib,
    /// Trigeiro G1..G75.
    TrigeiroG,
    /// Trigeiro F1..F70.
    TrigeiroF,
    /// A sample of the Trigeiro X files.
    TrigeiroX,
    /// MIPLIB 3 lot-sizing MPS files.
    Miplib,
    /// A sample of the multi-level Tempelmeier-Derstroff style files.
    Tempelmeier,
}

impl Suite {
    /// Every suite, in report order.
    pub const ALL: [Suite; 6] =
        [Suite::Lotsizelib, Suite::TrigeiroG, Suite::TrigeiroF, Suite::TrigeiroX, Suite::Miplib, Suite::Tempelmeier];

    /// The command-line name.
    pub fn as_str(self) -> &'static str {
        match self {
            Suite::Lotsizelib => "lotsizelib",
            Suite::TrigeiroG => "trigeiro-g",
            Suite::TrigeiroF => "trigeiro-f",
            Suite::TrigeiroX => "trigeiro-x",
            Suite::Miplib => "miplib",
            Suite::Tempelmeier => "tempelmeier",
        }
    }

    /// The suite with this command-line name.
    pub fn from_name(name: &str) -> Option<Suite> {
        Suite::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The suites a command line names: one by its name, or `all`. An unknown name is an
    /// [`Error::Usage`] that lists the names.
    pub fn named(name: &str) -> Result<Vec<Suite>> {
        if name == "all" {
            return Ok(Suite::ALL.to_vec());
        }
        let names: Vec<&str> = Suite::ALL.iter().map(|s| s.as_str()).collect();
        Suite::from_name(name)
            .map(|suite| vec![suite])
            .ok_or_else(|| Error::Usage(format!("unknown suite {name}: use {} or all", names.join(", "))))
    }
}

/// The LOTSIZELIB instances: name, Trigeiro file, unit-time override, published optimum
/// (Belvaux & Wolsey 2000; tr12-30 also MIPLIB 2017).
pub const LOTSIZELIB: [(&str, &str, Option<f64>, f64); 6] = [
    ("tr6-15", "G30", Some(1.0), 37721.0),
    ("tr6-30", "G62", None, 61746.0),
    ("tr12-15", "G53", None, 74634.0),
    ("tr12-30", "G69", None, 130596.0),
    ("tr24-15", "G57", None, 136509.0),
    ("tr24-30", "G72", None, 287929.0),
];

/// Where a best-known value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BestKnownSource {
    /// A published optimum.
    Published,
    /// Proven optimal by a HiGHS run recorded in `computed_highs.csv` (not published).
    ComputedOptimal,
    /// An incumbent of a time-limited HiGHS run (not published, not proven).
    ComputedIncumbent,
}

impl BestKnownSource {
    /// Short label for tables.
    pub fn as_str(self) -> &'static str {
        match self {
            BestKnownSource::Published => "published",
            BestKnownSource::ComputedOptimal => "computed-opt",
            BestKnownSource::ComputedIncumbent => "computed-inc",
        }
    }
}

/// One instance to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    /// Name in the table.
    pub name: String,
    /// The file.
    pub path: PathBuf,
    /// Unit time that replaces every `b_i` (LOTSIZELIB tr6-15), for Trigeiro files.
    pub unit_time_override: Option<f64>,
    /// How the file is read.
    pub format: InstanceFormat,
    /// Best-known objective and its source.
    pub best_known: Option<(f64, BestKnownSource)>,
}

/// The format of an instance file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceFormat {
    /// A Trigeiro `.DAT` file, imported and planned.
    Trigeiro,
    /// An MPS file, solved directly.
    Mps,
    /// A Tempelmeier-Derstroff style `.cap` file (with the four files beside it, setup-cost
    /// variant 1), imported and planned.
    Tempelmeier,
}

/// How to run a suite.
#[derive(Debug, Clone, PartialEq)]
pub struct SuiteOptions {
    /// The benchmark folder.
    pub data_dir: PathBuf,
    /// Solver settings per instance (time limit, gap, threads).
    pub solve: SolveOptions,
    /// Formulation and heuristic.
    pub config: PlanConfig,
    /// Instances solved at once (each with one solver thread when above 1).
    pub jobs: usize,
    /// Sample size for `trigeiro-x`.
    pub x_sample: usize,
    /// Only the instances with these names (all when empty).
    pub instances: Vec<String>,
}

/// One line of the result table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchRow {
    /// Suite name.
    pub suite: String,
    /// Instance name.
    pub instance: String,
    /// `items x periods` (Trigeiro) or `rows x columns` (MPS).
    pub size: String,
    /// Solve status (`error` when the run failed; see `note`).
    pub status: String,
    /// Objective of the plan, as recomputed by the checker (MPS: HiGHS's objective).
    pub objective: Option<f64>,
    /// Best-known value.
    pub best_known: Option<f64>,
    /// Where the best-known value comes from.
    pub best_known_source: Option<BestKnownSource>,
    /// `(objective - best_known) / best_known`.
    pub gap_to_best: Option<f64>,
    /// Proven relative gap `(objective - bound) / objective`.
    pub proven_gap: Option<f64>,
    /// Wall-clock seconds (build, solve and check).
    pub seconds: f64,
    /// Whether the checker accepted the plan (`None` for MPS files or without a plan).
    pub checked: Option<bool>,
    /// Errors or checker findings.
    pub note: String,
    /// The solver's incumbent and bound over time, from the start of the solve (plans only;
    /// the `trajectory` column), for comparing times to a gap with other solvers.
    pub progress: Vec<ProgressPoint>,
}

/// Per-suite summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuiteSummary {
    /// Suite name.
    pub suite: String,
    /// Instances run.
    pub instances: usize,
    /// Proven optimal.
    pub optimal: usize,
    /// With a plan (optimal or feasible).
    pub with_plan: usize,
    /// Plans the checker rejected.
    pub check_failures: usize,
    /// Mean gap to best-known over instances with a plan and a best-known value.
    pub mean_gap_to_best: Option<f64>,
    /// Largest gap to best-known.
    pub max_gap_to_best: Option<f64>,
    /// Mean proven gap over instances with a plan.
    pub mean_proven_gap: Option<f64>,
    /// Mean seconds per instance.
    pub mean_seconds: f64,
}

/// The instances of `suite` found in `data_dir`, sorted by name.
pub fn list_instances(suite: Suite, data_dir: &Path, x_sample: usize) -> Result<Vec<Instance>> {
    let trigeiro = data_dir.join("trigeiro1989");
    let computed = read_computed_values(&trigeiro.join("computed_highs.csv"));
    let trigeiro_instance = |path: PathBuf| {
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let published =
            LOTSIZELIB.iter().find(|l| l.1 == name && l.2.is_none()).map(|l| (l.3, BestKnownSource::Published));
        let best_known = published.or_else(|| computed.get(&name).copied());
        Instance { name, path, unit_time_override: None, format: InstanceFormat::Trigeiro, best_known }
    };
    let mut instances: Vec<Instance> = match suite {
        Suite::Lotsizelib => LOTSIZELIB
            .iter()
            .map(|&(name, file, unit_time, optimum)| Instance {
                name: format!("{name} ({file}{})", if unit_time.is_some() { " b=1" } else { "" }),
                path: trigeiro.join("G").join(format!("{file}.DAT")),
                unit_time_override: unit_time,
                format: InstanceFormat::Trigeiro,
                best_known: Some((optimum, BestKnownSource::Published)),
            })
            .collect(),
        Suite::TrigeiroG => list_dat_files(&trigeiro.join("G"))?.into_iter().map(trigeiro_instance).collect(),
        Suite::TrigeiroF => list_dat_files(&trigeiro.join("F"))?.into_iter().map(trigeiro_instance).collect(),
        Suite::TrigeiroX => {
            let files = list_dat_files(&trigeiro.join("X"))?;
            let step = (files.len() / x_sample.max(1)).max(1);
            files.into_iter().step_by(step).take(x_sample).map(trigeiro_instance).collect()
        }
        Suite::Miplib => miplib_instances(&data_dir.join("miplib_lotsizing"))?,
        Suite::Tempelmeier => tempelmeier_instances(&data_dir.join("tempelmeier_class1_6"))?,
    };
    if suite != Suite::Lotsizelib {
        instances.sort_by_key(|instance| natural_key(&instance.name));
    }
    Ok(instances)
}

/// Sort key that puts `G2` before `G10`.
fn natural_key(name: &str) -> (String, u64, String) {
    let prefix: String = name.chars().take_while(|c| !c.is_ascii_digit()).collect();
    let rest = name.get(prefix.len()..).unwrap_or("");
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    let number = digits.parse().unwrap_or(0);
    (prefix, number, rest.get(digits.len()..).unwrap_or("").to_string())
}

/// The columns `name_column` and `value_column` of a small CSV file beside the benchmark data
/// (parsed by the plan directories' CSV reader), with the rest of each row's cells by column
/// name in `extra`: rows whose name is empty or whose value is not a finite number from 0 to
/// 1e12 are left out. A missing or malformed file gives no rows.
fn read_values(path: &Path, name_column: &str, value_column: &str, extra: &str) -> Vec<(String, f64, String)> {
    let Ok(bytes) = std::fs::read(path) else { return Vec::new() };
    let file_name = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let Ok(table) = crate::input::table::parse_csv(&file_name, &bytes) else { return Vec::new() };
    let mut ignored = crate::error::Diagnostics::new();
    let names = table.ids(name_column, Need::Optional, &mut ignored);
    let values = table.numbers(value_column, NumberRule::NonNegative, Need::Optional, &mut ignored);
    let extras = table.ids(extra, Need::Optional, &mut ignored);
    names
        .into_iter()
        .zip(values)
        .zip(extras)
        .filter_map(|((name, value), extra)| {
            Some((name.value()?.to_string(), value.value()?, extra.value().unwrap_or("").to_string()))
        })
        .collect()
}

/// `computed_highs.csv`: instance -> (objective, source). Missing or malformed: empty.
fn read_computed_values(path: &Path) -> BTreeMap<String, (f64, BestKnownSource)> {
    read_values(path, "instance", "objective", "status")
        .into_iter()
        .map(|(name, objective, status)| {
            let source = if status == "kOptimal" {
                BestKnownSource::ComputedOptimal
            } else {
                BestKnownSource::ComputedIncumbent
            };
            (name, (objective, source))
        })
        .collect()
}

/// The `.mps.gz` files of the MIPLIB folder with the optima of its `known_values.csv`.
fn miplib_instances(dir: &Path) -> Result<Vec<Instance>> {
    let io = |source| Error::Read { path: dir.to_path_buf(), source };
    let known: BTreeMap<String, f64> = read_values(&dir.join("known_values.csv"), "instance", "optimal_value", "")
        .into_iter()
        .map(|(name, value, _)| (name, value))
        .collect();
    let mut instances = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let file = path.file_name().map(|f| f.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
        if file.ends_with(".mps") || file.ends_with(".mps.gz") {
            let name = crate::import::mps::mps_name(&path);
            let best_known = known.get(&name).map(|&v| (v, BestKnownSource::Published));
            instances.push(Instance { name, path, unit_time_override: None, format: InstanceFormat::Mps, best_known });
        }
    }
    Ok(instances)
}

/// The `tempelmeier` sample: in `class1/` .. `class6/`, the capacity files of demand series 1,
/// setup-time profile 1 and any utilisation profile (`<c><S><R>1_<u>1.cap`).
fn tempelmeier_instances(dir: &Path) -> Result<Vec<Instance>> {
    let mut instances = Vec::new();
    for class in 1..=6 {
        let class_dir = dir.join(format!("class{class}"));
        let io = |source| Error::Read { path: class_dir.clone(), source };
        for entry in std::fs::read_dir(&class_dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
            let chars: Vec<char> = stem.chars().collect();
            let sampled = path.extension().is_some_and(|e| e == "cap")
                && chars.len() == 7
                && chars.get(3) == Some(&'1')
                && chars.get(6) == Some(&'1');
            if sampled {
                instances.push(Instance {
                    name: stem,
                    path,
                    unit_time_override: None,
                    format: InstanceFormat::Tempelmeier,
                    best_known: None,
                });
            }
        }
    }
    Ok(instances)
}

/// Runs the suites `name` names ([`Suite::named`]: one, or `all`) one after the other, as
/// [`run_suite`]. Instance names ([`SuiteOptions::instances`]) that match no instance of them
/// are an [`Error::Usage`], not an empty table.
pub fn run_named(name: &str, options: &SuiteOptions, progress: &(dyn Fn(&BenchRow) + Sync)) -> Result<Vec<BenchRow>> {
    let mut rows = Vec::new();
    for suite in Suite::named(name)? {
        rows.extend(run_suite(suite, options, progress)?);
    }
    if rows.is_empty() && !options.instances.is_empty() {
        return Err(Error::Usage(format!("no instance of {name} matched --instances")));
    }
    Ok(rows)
}

/// Runs every instance of `suite`; rows come back in instance order. Progress goes to
/// `progress` (called once per finished instance, from worker threads).
pub fn run_suite(suite: Suite, options: &SuiteOptions, progress: &(dyn Fn(&BenchRow) + Sync)) -> Result<Vec<BenchRow>> {
    let mut instances = list_instances(suite, &options.data_dir, options.x_sample)?;
    if !options.instances.is_empty() {
        instances.retain(|i| options.instances.contains(&i.name));
    }
    let mut solve = options.solve;
    if options.jobs > 1 && solve.threads == 0 {
        solve.threads = 1;
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs.max(1))
        .build()
        .map_err(|e| Error::request(format!("start {} worker threads", options.jobs), e.to_string()))?;
    let rows = pool.install(|| {
        instances
            .par_iter()
            .map(|instance| {
                let row = run_instance(suite, instance, &solve, &options.config);
                progress(&row);
                row
            })
            .collect()
    });
    Ok(rows)
}

/// Plans (or, for MPS, solves) one instance and checks the plan. Failures become a row with
/// status `error`.
pub fn run_instance(suite: Suite, instance: &Instance, solve: &SolveOptions, config: &PlanConfig) -> BenchRow {
    let started = Instant::now();
    let mut row = BenchRow {
        suite: suite.as_str().to_string(),
        instance: instance.name.clone(),
        size: String::new(),
        status: "error".to_string(),
        objective: None,
        best_known: instance.best_known.map(|b| b.0),
        best_known_source: instance.best_known.map(|b| b.1),
        gap_to_best: None,
        proven_gap: None,
        seconds: 0.0,
        checked: None,
        note: String::new(),
        progress: Vec::new(),
    };
    let result = match instance.format {
        InstanceFormat::Mps => run_mps(instance, solve, &mut row),
        InstanceFormat::Trigeiro => run_trigeiro(instance, solve, config, &mut row),
        InstanceFormat::Tempelmeier => run_tempelmeier(instance, solve, config, &mut row),
    };
    if let Err(message) = result {
        row.note = message;
    }
    if let (Some(objective), Some(best)) = (row.objective, row.best_known) {
        row.gap_to_best = Some((objective - best) / best.abs().max(1e-9));
    }
    row.seconds = started.elapsed().as_secs_f64();
    row
}

fn run_mps(instance: &Instance, solve: &SolveOptions, row: &mut BenchRow) -> Result<(), String> {
    let outcome = solve_mps(&instance.path, solve).map_err(|e| e.to_string())?;
    row.size = format!("{}x{}", outcome.rows, outcome.columns);
    row.status = outcome.status.as_str().to_string();
    row.objective = outcome.objective;
    row.proven_gap = match (outcome.objective, outcome.best_bound) {
        (Some(objective), Some(bound)) => Some(relative_gap(objective, bound)),
        _ => None,
    };
    Ok(())
}

fn run_trigeiro(
    instance: &Instance,
    solve: &SolveOptions,
    config: &PlanConfig,
    row: &mut BenchRow,
) -> Result<(), String> {
    let mut parsed = read_trigeiro(&instance.path).map_err(|e| e.to_string())?;
    if let Some(unit_time) = instance.unit_time_override {
        parsed = parsed.with_unit_times(unit_time);
    }
    row.size = format!("{}x{}", parsed.n_items(), parsed.n_periods);
    plan_and_check(&parsed.to_plan_input(), solve, config, row)
}

fn run_tempelmeier(
    instance: &Instance,
    solve: &SolveOptions,
    config: &PlanConfig,
    row: &mut BenchRow,
) -> Result<(), String> {
    let files = TempelmeierFiles::for_capacity_file(&instance.path, 1).map_err(|e| e.to_string())?;
    let parsed = read_tempelmeier(&files).map_err(|e| e.to_string())?;
    row.size = format!("{}x{}", parsed.items.len(), parsed.n_periods);
    plan_and_check(&parsed.to_plan_input(), solve, config, row)
}

/// Plans `input`, writes the plan to a temporary folder and checks it with the checker; the
/// row gets the status, the proven gap and the checker's objective.
fn plan_and_check(
    input: &crate::input::PlanInput,
    solve: &SolveOptions,
    config: &PlanConfig,
    row: &mut BenchRow,
) -> Result<(), String> {
    let bom = BomGraph::new(input).map_err(|e| e.to_string())?;
    let outcome = plan_configured(input, &bom, solve, config).map_err(|e| e.to_string())?;
    row.status = outcome.status.as_str().to_string();
    row.proven_gap = outcome.gap;
    row.objective = outcome.costs.map(|c| c.total());
    row.progress = outcome.progress.clone();
    if outcome.solution.is_none() {
        return Ok(());
    }
    let tmp = tempfile::tempdir().map_err(|e| format!("no temporary folder: {e}"))?;
    let out = tmp.path().join("plan");
    crate::output::write_outcome(input, &outcome, solve, &out, TableFormat::Csv).map_err(|e| e.to_string())?;
    let report = crate::validate::validate_plan(input, &out).map_err(|e| format!("checker: {e}"))?;
    row.checked = Some(report.is_ok());
    if !report.is_ok() {
        row.note = format!("checker: {} violation(s)", report.violations.len());
    }
    // The objective in the table is the checker's, recomputed from the written plan.
    if let Some(claimed) = row.objective {
        if (claimed - report.objective).abs() > 1e-6 * claimed.abs().max(1.0) {
            row.note = format!("planner objective {claimed} differs from the checker's {}", report.objective);
        }
    }
    row.objective = Some(report.objective);
    Ok(())
}

/// Per-suite summaries of `rows`, in suite-name order.
pub fn summarize(rows: &[BenchRow]) -> Vec<SuiteSummary> {
    let mut by_suite: BTreeMap<&str, Vec<&BenchRow>> = BTreeMap::new();
    for row in rows {
        by_suite.entry(row.suite.as_str()).or_default().push(row);
    }
    by_suite
        .into_iter()
        .map(|(suite, rows)| {
            let gaps: Vec<f64> = rows.iter().filter_map(|r| r.gap_to_best).collect();
            let proven: Vec<f64> = rows.iter().filter_map(|r| r.proven_gap).collect();
            SuiteSummary {
                suite: suite.to_string(),
                instances: rows.len(),
                optimal: rows.iter().filter(|r| r.status == SolveStatus::Optimal.as_str()).count(),
                with_plan: rows.iter().filter(|r| r.objective.is_some()).count(),
                check_failures: rows.iter().filter(|r| r.checked == Some(false)).count(),
                mean_gap_to_best: mean(&gaps),
                max_gap_to_best: gaps.iter().copied().reduce(f64::max),
                mean_proven_gap: mean(&proven),
                mean_seconds: mean(&rows.iter().map(|r| r.seconds).collect::<Vec<_>>()).unwrap_or(0.0),
            }
        })
        .collect()
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

fn num(v: Option<f64>) -> String {
    v.map_or("-".to_string(), |v| format!("{v:.2}"))
}

fn percent(v: Option<f64>) -> String {
    v.map_or("-".to_string(), |v| format!("{:.3}%", 100.0 * v))
}

/// The result table and the summaries as Markdown.
pub fn to_markdown(rows: &[BenchRow]) -> String {
    let mut text = String::from(
        "| suite | instance | size | status | objective | best known | source | gap to best | proven gap | s | check |\n\
         |---|---|---|---|---:|---:|---|---:|---:|---:|---|\n",
    );
    for r in rows {
        let check = match r.checked {
            Some(true) => "ok".to_string(),
            Some(false) => format!("FAILED {}", r.note),
            None if !r.note.is_empty() => r.note.clone(),
            None => "-".to_string(),
        };
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.1} | {} |",
            r.suite,
            r.instance,
            r.size,
            r.status,
            num(r.objective),
            num(r.best_known),
            r.best_known_source.map_or("-", |s| s.as_str()),
            percent(r.gap_to_best),
            percent(r.proven_gap),
            r.seconds,
            check
        );
    }
    text.push('\n');
    text.push_str(&summary_markdown(&summarize(rows)));
    text
}

/// The summaries as a Markdown table.
pub fn summary_markdown(summaries: &[SuiteSummary]) -> String {
    let mut text = String::from(
        "| suite | instances | optimal | with plan | check failures | mean gap to best | max gap to best | mean proven gap | mean s |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for s in summaries {
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {:.1} |",
            s.suite,
            s.instances,
            s.optimal,
            s.with_plan,
            s.check_failures,
            percent(s.mean_gap_to_best),
            percent(s.max_gap_to_best),
            percent(s.mean_proven_gap),
            s.mean_seconds
        );
    }
    text
}

/// `seconds:incumbent:bound` points joined by `;` (what `scripts/peers/peer_clst.py` reads).
fn trajectory(progress: &[ProgressPoint]) -> String {
    let points: Vec<String> =
        progress.iter().map(|p| format!("{:.3}:{}:{}", p.seconds, p.incumbent, p.bound)).collect();
    points.join(";")
}

/// The rows as CSV (header + one line per row).
pub fn to_csv(rows: &[BenchRow]) -> String {
    let mut text = String::from(
        "suite,instance,size,status,objective,best_known,best_known_source,gap_to_best,proven_gap,seconds,checked,note,trajectory\n",
    );
    let opt = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v}"));
    for r in rows {
        let _ = writeln!(
            text,
            "{},{},{},{},{},{},{},{},{},{:.3},{},{},{}",
            crate::format::csv_field(&r.suite),
            crate::format::csv_field(&r.instance),
            r.size,
            r.status,
            opt(r.objective),
            opt(r.best_known),
            r.best_known_source.map_or("", |s| s.as_str()),
            opt(r.gap_to_best),
            opt(r.proven_gap),
            r.seconds,
            r.checked.map_or(String::new(), |c| c.to_string()),
            crate::format::csv_field(&r.note),
            trajectory(&r.progress)
        );
    }
    text
}
