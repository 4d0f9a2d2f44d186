//! The scenario sweep: many what-if runs of one plan, in parallel, reproducible, resumable
//! and shardable (`flexplan sweep`).
//!
//! - [`scenario`]: the TOML scenario file, validated and expanded into numbered scenarios.
//! - [`apply`]: scenario -> modified [`PlanInput`] (pure).
//! - [`evaluate`]: fixed lots -> cost and service of a scenario (no solver).
//! - `journal`: `journal.jsonl`, one fsynced row per finished scenario (`--resume`).
//! - [`results`]: result rows, the per-KPI summary, atomic `results.csv/.parquet`, `summary.json`.
//!
//! **Threads.** Scenarios run on a local rayon pool of `jobs` threads; each reoptimize solve
//! gets exactly one HiGHS thread ([`scenario::SweepSettings::solve_options`]), so `--jobs N`
//! keeps N cores busy and never oversubscribes. Separate HiGHS instances on separate threads
//! are safe (the test `jobs_1_and_2_give_identical_rows` runs them concurrently and compares).
//!
//! **Determinism.** Results are keyed and sorted by scenario index; every random draw comes
//! from a ChaCha8 generator seeded from (sweep seed, scenario index); solves stop by gap or
//! node limit (a time limit is allowed, and each row says which limit ended its solve). Only
//! the `seconds` column differs between runs.
//!
//! This module and [`crate::output`] are the only writers of files: the sweep writes its own
//! OUT_DIR (journal, results), never a plan folder.

pub mod apply;
pub mod evaluate;
pub(crate) mod journal;
pub mod results;
pub mod scenario;

pub use crate::error::ScenarioProblem;

use crate::error::{Error, Result};
use crate::grid::Grid;
use crate::input::bom::BomGraph;
use crate::input::PlanInput;
use crate::sweep::evaluate::{solution_kpis, EvalBuffers, Evaluator};
use crate::sweep::journal::{read_journal, Journal, JournalHeader, JOURNAL_FILE};
use crate::sweep::results::{summarize, write_results, ResultRow, SweepSummary};
use crate::sweep::scenario::{describe_changes, Mode, Scenario, ScenarioFile, SweepSettings};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A deterministic slice of the scenarios: scenario `i` belongs to shard `K/N` iff
/// `i % N == K - 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based shard number `K`.
    pub k: usize,
    /// Number of shards `N`.
    pub n: usize,
}

impl Shard {
    /// Parses `K/N`.
    pub fn parse(text: &str) -> Result<Shard> {
        let bad = || Error::request(format!("use shard \"{text}\""), "expected K/N with 1 <= K <= N, e.g. 2/8");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let k: usize = k.trim().parse().map_err(|_| bad())?;
        let n: usize = n.trim().parse().map_err(|_| bad())?;
        if k == 0 || n == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }

    /// Whether scenario `index` is in this shard.
    pub fn contains(&self, index: usize) -> bool {
        index % self.n == self.k - 1
    }
}

/// How to run a sweep (the scenario file's `[sweep]` holds the rest).
#[derive(Clone)]
pub struct SweepOptions<'a> {
    /// Scenarios computed at once (rayon threads; one HiGHS thread each).
    pub jobs: usize,
    /// Run only this slice.
    pub shard: Option<Shard>,
    /// Continue the journal in OUT_DIR instead of refusing it.
    pub resume: bool,
    /// Evaluate mode: the plan folder whose lots stay fixed (default: solve the base once).
    pub lots: Option<PathBuf>,
    /// Where progress goes (the binary: a bar on a terminal, plain lines otherwise); `None`,
    /// the default, is silent.
    pub progress: Option<&'a dyn Progress>,
    /// Reoptimize mode: keep each scenario's inputs and plan under `OUT_DIR/plans/NNNN/`
    /// ([`kept_plan_dir`]), for `validate` and the sweep's report.
    pub keep_plans: bool,
}

/// The folder of a sweep's OUT_DIR that `--keep-plans` fills.
pub const PLANS_DIR: &str = "plans";

impl Default for SweepOptions<'_> {
    fn default() -> Self {
        SweepOptions { jobs: 1, shard: None, resume: false, lots: None, progress: None, keep_plans: false }
    }
}

impl std::fmt::Debug for SweepOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SweepOptions")
            .field("jobs", &self.jobs)
            .field("shard", &self.shard)
            .field("resume", &self.resume)
            .field("lots", &self.lots)
            .field("progress", &self.progress.map(|_| "..."))
            .field("keep_plans", &self.keep_plans)
            .finish()
    }
}

/// What a sweep tells about its progress, as its scenarios finish. The library never prints:
/// the caller decides what to show (a sink, as in ripgrep's searcher). The calls come from the
/// sweep's worker threads, one at a time.
pub trait Progress: Sync {
    /// Before the first scenario is computed: `total` rows in this run's slice, `resumed` of
    /// them taken from the journal.
    fn start(&self, total: usize, resumed: usize);
    /// A scenario finished: `done` rows of `total` (the resumed ones included), `computed` of
    /// them in this run.
    fn scenario_done(&self, done: usize, total: usize, computed: usize);
    /// Every scenario of the slice is finished (the results are written next).
    fn finish(&self);
}

/// What a sweep produced.
#[derive(Debug, Clone)]
pub struct SweepReport {
    /// Every row of this run's slice, sorted by scenario index.
    pub rows: Vec<ResultRow>,
    /// The summary written to `summary.json`.
    pub summary: SweepSummary,
    /// Rows taken from the journal (`--resume`).
    pub resumed: usize,
    /// Rows computed in this run.
    pub computed: usize,
    /// Wall-clock seconds of this run.
    pub seconds: f64,
}

/// FNV-1a, 64 bits: a stable fingerprint (std's hasher may change between Rust versions).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3))
}

/// Hex fingerprint of everything that determines the rows.
pub fn fingerprint(input: &PlanInput, file: &ScenarioFile, lots: Option<&Grid<f64>>) -> String {
    let text = serde_json::to_string(&(input, &file.scenarios, &file.settings, lots)).unwrap_or_default();
    format!("{:016x}", fnv1a(text.as_bytes()))
}

/// Reads, validates and expands a scenario file against `input`.
pub fn load_scenario_file(path: &Path, input: &PlanInput) -> Result<ScenarioFile> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read { path: path.to_path_buf(), source })?;
    scenario::parse_scenarios(&text, &path.display().to_string(), input)
}

fn stop_reason_name(r: crate::plan::solve::StopReason) -> String {
    serde_json::to_value(r).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// The result row of `scenario` with its identity and `status` only.
fn scenario_row(scenario: &Scenario, status: &str) -> ResultRow {
    ResultRow::new(scenario.index, &scenario.name, scenario.kind.as_str(), describe_changes(&scenario.changes), status)
}

/// Reoptimizes one scenario: apply, plan with one HiGHS thread, KPIs. Never fails: an error
/// (or a panic) is a row with status `error`.
pub fn reoptimize_one(input: &PlanInput, bom: &BomGraph, scenario: &Scenario, settings: &SweepSettings) -> ResultRow {
    reoptimize(input, bom, scenario, settings, None)
}

/// The folder `--keep-plans` writes scenario `index`'s plan into, under the sweep's `plans/`:
/// `input/` (the plan directory after the scenario's changes) and `plan/` (its plan folder).
pub fn kept_plan_dir(plans_dir: &Path, index: usize) -> PathBuf {
    plans_dir.join(format!("{index:04}"))
}

/// Writes scenario `index`'s inputs and plan into [`kept_plan_dir`], so that `flexplan
/// validate` and `flexplan report` work on them (a scenario without a plan keeps its inputs).
fn keep_plan(
    plans_dir: &Path,
    index: usize,
    modified: &PlanInput,
    outcome: &crate::plan::PlanOutcome,
    settings: &SweepSettings,
) -> Result<()> {
    let dir = kept_plan_dir(plans_dir, index);
    crate::input::write::write_plan_dir(modified, &dir.join("input"))?;
    let format = crate::output::TableFormat::Csv;
    crate::output::write_outcome(modified, outcome, &settings.solve_options(), &dir.join("plan"), format)?;
    Ok(())
}

/// Re-plans one scenario; with `keep`, also writes its inputs and plan under that `plans/`
/// folder (a failure to write is noted in the row's message; the row is kept).
fn reoptimize(
    input: &PlanInput,
    bom: &BomGraph,
    scenario: &Scenario,
    settings: &SweepSettings,
    keep: Option<&Path>,
) -> ResultRow {
    let started = Instant::now();
    let mut row = scenario_row(scenario, "error");
    let computed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let modified = apply::apply(input, &scenario.changes);
        let outcome = crate::plan::plan(&modified, bom, &settings.solve_options());
        (modified, outcome)
    }));
    match computed {
        Ok((modified, Ok(outcome))) => {
            row.status = outcome.status.as_str().to_string();
            row.stop_reason = Some(stop_reason_name(outcome.stop_reason));
            if let (Some(solution), Some(costs)) = (&outcome.solution, outcome.costs) {
                row.set_kpis(&solution_kpis(&modified, solution, costs));
            }
            row.gap = outcome.gap;
            row.nodes = outcome.nodes;
            if let Some(d) = &outcome.diagnosis {
                let findings: Vec<&str> = d.findings.iter().map(|f| f.message.as_str()).collect();
                let mut message = if findings.is_empty() { "infeasible".to_string() } else { findings.join("; ") };
                message.push_str(&removed_ways_note(&scenario.changes, input.n_periods()));
                row.message = Some(message);
            }
            if let Some(plans_dir) = keep {
                if let Err(e) = keep_plan(plans_dir, scenario.index, &modified, &outcome, settings) {
                    let note = format!("plan not kept: {e}");
                    row.message = Some(row.message.take().map_or(note.clone(), |m| format!("{m}; {note}")));
                }
            }
        }
        Ok((_, Err(e))) => row.message = Some(e.to_string()),
        Err(_) => row.message = Some("internal error (panic) while planning this scenario".into()),
    }
    row.seconds = started.elapsed().as_secs_f64();
    row.snapped()
}

/// What a diagnosis of a scenario that removes routes or suppliers should add: the diagnosis
/// sees a removed way as one whose lead time is the horizon ([`apply::removed_lead_time`]).
fn removed_ways_note(changes: &scenario::ScenarioChanges, n_periods: usize) -> String {
    let mut removed: Vec<String> = changes.no_route.iter().map(|r| format!("route {r}")).collect();
    removed.extend(changes.no_supplier.iter().map(|v| format!("supplier {v}")));
    if removed.is_empty() {
        return String::new();
    }
    format!(" (the scenario removes {}: each has the horizon, {n_periods} periods, as lead time)", removed.join(", "))
}

/// Evaluates one scenario on fixed lots.
pub fn evaluate_one(evaluator: &Evaluator<'_>, scenario: &Scenario, buffers: &mut EvalBuffers) -> ResultRow {
    let started = Instant::now();
    let mut row = scenario_row(scenario, "evaluated");
    let kpis = evaluator.evaluate(&scenario.changes, buffers);
    row.set_kpis(&kpis);
    row.seconds = started.elapsed().as_secs_f64();
    row.snapped()
}

/// The fixed lots of evaluate mode: from `lots` (a plan folder) or by solving the base once.
pub fn fixed_lots(
    input: &PlanInput,
    bom: &BomGraph,
    settings: &SweepSettings,
    lots: Option<&Path>,
) -> Result<Grid<f64>> {
    if let Some(folder) = lots {
        return evaluate::load_lots(folder, input);
    }
    let outcome = crate::plan::plan(input, bom, &settings.solve_options())?;
    outcome.solution.map(|s| s.lots).ok_or_else(|| {
        Error::request(
            "evaluate",
            format!("the base plan has no solution ({}); pass --lots PLAN_FOLDER", outcome.status.as_str()),
        )
    })
}

/// Computes `scenarios` on a local pool of `jobs` threads without any file I/O; `sink` gets
/// each row as it finishes (from worker threads). Returns the rows sorted by index.
pub fn run_scenarios(
    input: &PlanInput,
    bom: &BomGraph,
    settings: &SweepSettings,
    lots: Option<&Grid<f64>>,
    scenarios: &[&Scenario],
    jobs: usize,
    sink: &(dyn Fn(&ResultRow) + Sync),
) -> Result<Vec<ResultRow>> {
    let work = Work { lots, keep_plans: None };
    run_pool(input, bom, settings, work, scenarios, jobs, sink)
}

/// What the scenarios of a sweep run on besides the plan: evaluate mode's fixed lots, and the
/// `plans/` folder of `--keep-plans` (reoptimize mode).
#[derive(Clone, Copy)]
struct Work<'a> {
    lots: Option<&'a Grid<f64>>,
    keep_plans: Option<&'a Path>,
}

/// [`run_scenarios`], writing each scenario's plan into `work.keep_plans` when set.
fn run_pool(
    input: &PlanInput,
    bom: &BomGraph,
    settings: &SweepSettings,
    work: Work<'_>,
    scenarios: &[&Scenario],
    jobs: usize,
    sink: &(dyn Fn(&ResultRow) + Sync),
) -> Result<Vec<ResultRow>> {
    let lots = work.lots;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .thread_name(|i| format!("flexplan-sweep-{i}"))
        .build()
        .map_err(|e| Error::request(format!("start {jobs} worker threads"), e.to_string()))?;
    let mut rows: Vec<ResultRow> = match settings.mode {
        Mode::Reoptimize => pool.install(|| {
            scenarios
                .par_iter()
                .with_max_len(1)
                .map(|s| {
                    let row = reoptimize(input, bom, s, settings, work.keep_plans);
                    sink(&row);
                    row
                })
                .collect()
        }),
        Mode::Evaluate => {
            let lots = lots.ok_or_else(|| Error::request("evaluate", "evaluate mode needs fixed lots"))?;
            let evaluator = Evaluator::new(input, lots.clone())?;
            pool.install(|| {
                scenarios
                    .par_iter()
                    .map_init(EvalBuffers::default, |buffers, s| {
                        let row = evaluate_one(&evaluator, s, buffers);
                        sink(&row);
                        row
                    })
                    .collect()
            })
        }
    };
    rows.sort_by_key(|r| r.index);
    Ok(rows)
}

/// Journal + progress, shared by the workers: rows are group-committed (one fsync per row
/// in reoptimize mode; at most every 50 ms in evaluate mode, where thousands finish per second).
struct Sink<'a> {
    journal: Journal,
    pending: Vec<ResultRow>,
    last_sync: Instant,
    every_row: bool,
    error: Option<Error>,
    progress: Option<&'a dyn Progress>,
    total: usize,
    resumed: usize,
    computed: usize,
}

impl Sink<'_> {
    fn push(&mut self, row: &ResultRow) {
        self.pending.push(row.clone());
        self.computed += 1;
        if let Some(progress) = self.progress {
            progress.scenario_done(self.resumed + self.computed, self.total, self.computed);
        }
        if self.every_row || self.last_sync.elapsed() >= Duration::from_millis(50) {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.pending.is_empty() || self.error.is_some() {
            return;
        }
        if let Err(e) = self.journal.append(&self.pending) {
            self.error = Some(e);
        }
        self.pending.clear();
        self.last_sync = Instant::now();
    }
}

/// Runs the sweep of `file` on `input` into `out_dir`: journal as rows finish, then
/// `results.csv`, `results.parquet`, `summary.json` (each written atomically).
pub fn run_sweep(
    input: &PlanInput,
    bom: &BomGraph,
    file: &ScenarioFile,
    options: &SweepOptions<'_>,
    out_dir: &Path,
) -> Result<SweepReport> {
    let started = Instant::now();
    let settings = &file.settings;
    let plans_dir = out_dir.join(PLANS_DIR);
    let keep_plans = match (options.keep_plans, settings.mode) {
        (false, _) => None,
        (true, Mode::Reoptimize) => Some(plans_dir.as_path()),
        (true, Mode::Evaluate) => {
            return Err(Error::request(
                "keep plans",
                "evaluate mode keeps the lots fixed: there is no plan per scenario",
            ))
        }
    };
    let lots = match settings.mode {
        Mode::Evaluate => Some(fixed_lots(input, bom, settings, options.lots.as_deref())?),
        Mode::Reoptimize => None,
    };
    let shard = options.shard.unwrap_or(Shard { k: 1, n: 1 });
    let header = JournalHeader {
        journal: "flexplan-sweep-journal".into(),
        fingerprint: fingerprint(input, file, lots.as_ref()),
        n_scenarios: file.scenarios.len(),
        mode: settings.mode.as_str().into(),
        shard: (shard.k, shard.n),
    };
    let (journal, done) = Journal::open(out_dir, &header, options.resume)?;
    let mut finished = vec![false; file.scenarios.len()];
    let mut rows: Vec<ResultRow> = Vec::new();
    for row in done {
        if let Some(slot) = finished.get_mut(row.index) {
            if !*slot && shard.contains(row.index) {
                *slot = true;
                rows.push(row);
            }
        }
    }
    let resumed = rows.len();
    let todo: Vec<&Scenario> =
        file.scenarios.iter().filter(|s| shard.contains(s.index) && !finished[s.index]).collect();
    let total = resumed + todo.len();
    if let Some(progress) = options.progress {
        progress.start(total, resumed);
    }
    let sink = Mutex::new(Sink {
        journal,
        pending: Vec::new(),
        last_sync: Instant::now(),
        every_row: settings.mode == Mode::Reoptimize,
        error: None,
        progress: options.progress,
        total,
        resumed,
        computed: 0,
    });
    let push = |row: &ResultRow| {
        if let Ok(mut s) = sink.lock() {
            s.push(row);
        }
    };
    let work = Work { lots: lots.as_ref(), keep_plans };
    let computed = run_pool(input, bom, settings, work, &todo, options.jobs, &push)?;
    let mut sink = sink.into_inner().map_err(|_| Error::Journal {
        path: out_dir.join(JOURNAL_FILE),
        message: "a worker thread panicked while journaling a row".into(),
    })?;
    sink.flush();
    if let Some(progress) = sink.progress {
        progress.finish();
    }
    if let Some(e) = sink.error {
        return Err(e);
    }
    let n_computed = computed.len();
    rows.extend(computed);
    rows.sort_by_key(|r| r.index);
    let summary = summarize(&rows);
    write_results(out_dir, &rows, &summary, settings.mode.as_str()).map_err(|e| results_not_written(out_dir, e))?;
    Ok(SweepReport { rows, summary, resumed, computed: n_computed, seconds: started.elapsed().as_secs_f64() })
}

/// A result file that cannot be written is a problem of the sweep's OUT_DIR, not of an
/// atomic output: the rows are in the journal ([`Error::Journal`]).
fn results_not_written(out_dir: &Path, error: Error) -> Error {
    match error {
        Error::Output { path, source } => Error::Journal {
            path: out_dir.join(JOURNAL_FILE),
            message: format!("the rows are journaled, but {} cannot be written: {source}", path.display()),
        },
        other => other,
    }
}

/// Joins shard folders (each written by `run_sweep` with a `--shard`) into `out_dir`: the
/// same `results.csv`, `results.parquet`, `summary.json` a single run writes, and a journal
/// with every row.
pub fn merge_shards(shard_dirs: &[PathBuf], out_dir: &Path) -> Result<SweepReport> {
    let started = Instant::now();
    let mut header: Option<JournalHeader> = None;
    let mut seen_shards = std::collections::BTreeSet::new();
    let mut rows: Vec<ResultRow> = Vec::new();
    for dir in shard_dirs {
        let (h, shard_rows, _) = read_journal(&dir.join(JOURNAL_FILE))?;
        let shard = Shard { k: h.shard.0, n: h.shard.1 };
        if let Some(first) = &header {
            if first.fingerprint != h.fingerprint || first.n_scenarios != h.n_scenarios || first.shard.1 != h.shard.1 {
                return Err(Error::request("merge", format!(
                    "{} is from another sweep (fingerprint {}, {} shards) than the first folder (fingerprint {}, {} shards)",
                    dir.display(), h.fingerprint, h.shard.1, first.fingerprint, first.shard.1
                )));
            }
        }
        if !seen_shards.insert(shard.k) {
            return Err(Error::request(
                "merge",
                format!("shard {}/{} is given twice ({})", shard.k, shard.n, dir.display()),
            ));
        }
        let expected = (0..h.n_scenarios).filter(|&i| shard.contains(i)).count();
        let mut indices: Vec<usize> = shard_rows.iter().filter(|r| shard.contains(r.index)).map(|r| r.index).collect();
        indices.sort_unstable();
        indices.dedup();
        if indices.len() != expected {
            return Err(Error::request(
                "merge",
                format!(
                    "shard {}/{} in {} has {} of its {} scenarios finished; finish it with --resume first",
                    shard.k,
                    shard.n,
                    dir.display(),
                    indices.len(),
                    expected
                ),
            ));
        }
        let mut taken = std::collections::BTreeSet::new();
        rows.extend(shard_rows.into_iter().filter(|r| shard.contains(r.index) && taken.insert(r.index)));
        header.get_or_insert(h);
    }
    let header = header.ok_or_else(|| Error::request("merge", "no shard folders given"))?;
    let missing: Vec<String> =
        (1..=header.shard.1).filter(|k| !seen_shards.contains(k)).map(|k| format!("{k}/{}", header.shard.1)).collect();
    if !missing.is_empty() {
        return Err(Error::request("merge", format!("shards missing: {}", missing.join(", "))));
    }
    rows.sort_by_key(|r| r.index);
    let merged = JournalHeader { shard: (1, 1), ..header.clone() };
    let (mut journal, _) = Journal::open(out_dir, &merged, false)?;
    journal.append(&rows)?;
    let summary = summarize(&rows);
    write_results(out_dir, &rows, &summary, &header.mode).map_err(|e| results_not_written(out_dir, e))?;
    let n = rows.len();
    Ok(SweepReport { rows, summary, resumed: n, computed: 0, seconds: started.elapsed().as_secs_f64() })
}
