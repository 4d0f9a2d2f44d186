//! Solving the model: the HiGHS adapter, the run's clock, and the solve outcome.
//!
//! "Did the call work?" ([`crate::Error`]) is kept apart from "what did the model do?"
//! ([`SolveStatus`]): infeasible or stopped-by-limit are outcomes, not errors.

use crate::error::Error;
use crate::input::SolverConfig;
use crate::plan::model::LotSizingModel;
use good_lp::{solvers::highs::highs, SolverModel, Variable};
use highs::{HighsModelStatus, HighsSolutionStatus};
use serde::Serialize;
use std::collections::HashMap;
use std::time::Instant;

/// Settings for one solve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SolveOptions {
    /// Wall-clock limit in seconds (the one source of non-determinism).
    pub time_limit_s: Option<f64>,
    /// Relative MIP gap at which the solve stops.
    pub mip_gap: f64,
    /// Solver threads; 0 = solver default.
    pub threads: u32,
    /// Branch-and-bound node limit: a deterministic work limit.
    pub node_limit: Option<u64>,
    /// Print the solver log.
    pub verbose: bool,
    /// When the time limit's clock started: the binary sets it before reading the input, so
    /// that the limit bounds the whole run. `None`: when [`crate::plan::plan`] is called.
    #[serde(skip)]
    pub clock_started: Option<Instant>,
}

/// The relative MIP gap at which a solve stops when neither a flag nor `plan.toml` sets one.
pub const DEFAULT_MIP_GAP: f64 = 1e-4;

impl SolveOptions {
    /// The one precedence rule for solver settings: each setting of `flags` (a command line)
    /// where given, else of `plan_toml` (a plan directory's `[solver]`, i.e.
    /// [`crate::input::PlanInput::solver`]; `SolverConfig::default()` where there is none),
    /// else the default: no time limit, [`DEFAULT_MIP_GAP`], the solver's default threads.
    ///
    /// `flexplan plan` makes its options here from its flags and plan.toml; `solve-mps` and
    /// `bench` from their flags alone (an MPS file has no plan.toml, and imported benchmark
    /// instances have an empty `[solver]`). [`crate::plan::plan`] uses the options it is
    /// given as they are; a sweep's solves use the scenario file's `[sweep]` instead
    /// ([`crate::sweep::scenario::SweepSettings::solve_options`]).
    pub fn from_settings(flags: SolverConfig, plan_toml: SolverConfig) -> SolveOptions {
        SolveOptions {
            time_limit_s: flags.time_limit_s.or(plan_toml.time_limit_s),
            mip_gap: flags.mip_gap.or(plan_toml.mip_gap).unwrap_or(DEFAULT_MIP_GAP),
            threads: flags.threads.or(plan_toml.threads).unwrap_or(0),
            ..SolveOptions::default()
        }
    }
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            time_limit_s: None,
            mip_gap: DEFAULT_MIP_GAP,
            threads: 0,
            node_limit: None,
            verbose: false,
            clock_started: None,
        }
    }
}

/// Seconds of a time limit kept back from the solver for what follows the last solve
/// (reading the plan out of HiGHS, the rounding repair, the costs and writing the files):
/// [`RESERVE_SHARE`] of the limit, between [`RESERVE_MIN_S`] and [`RESERVE_MAX_S`].
pub(crate) fn time_reserve(limit_s: f64) -> f64 {
    (limit_s * RESERVE_SHARE).clamp(RESERVE_MIN_S, RESERVE_MAX_S)
}
/// Share of the time limit kept back for the work after the solve.
pub(crate) const RESERVE_SHARE: f64 = 0.02;
/// At least this many seconds are kept back (writing a plan takes tenths of a second).
pub(crate) const RESERVE_MIN_S: f64 = 0.2;
/// At most this many seconds are kept back.
pub(crate) const RESERVE_MAX_S: f64 = 3.0;
/// Share of the time left that the polish LP of a warm start may use.
pub(crate) const POLISH_SHARE: f64 = 0.5;
/// Share of the time left that the LP bound by interior point may use: on the 300-item
/// flexible plan it needs 31-42 s of the 43 s this gives it after the polish.
pub(crate) const LP_BOUND_SHARE: f64 = 0.8;
/// The shortest time limit handed to HiGHS: with less left, it is still called (it then
/// stops at once, reporting what it has), so that a run never ends without its outcome.
pub(crate) const MIN_SOLVE_S: f64 = 0.01;

/// The wall clock of one run against its time limit: every solve gets only what is left.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RunClock {
    started: Instant,
    limit_s: Option<f64>,
}

impl RunClock {
    /// The clock of a run with `options` (started at `options.clock_started`, or now).
    pub(crate) fn new(options: &SolveOptions) -> Self {
        RunClock { started: options.clock_started.unwrap_or_else(Instant::now), limit_s: options.time_limit_s }
    }

    /// Seconds since the run started.
    pub(crate) fn elapsed(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    /// Seconds a solve started now may use: the limit less the time passed and
    /// [`time_reserve`], at least [`MIN_SOLVE_S`]; `None` without a limit.
    pub(crate) fn solver_budget(&self) -> Option<f64> {
        self.limit_s.map(|limit| (limit - time_reserve(limit) - self.elapsed()).max(MIN_SOLVE_S))
    }

    /// When a warm-start heuristic started now must stop: after a quarter of what is left for
    /// the solves (`None` without a limit). HiGHS keeps the rest: its presolve and MIP set-up
    /// do not look at the clock and take 30-45 s of a minute on a 2,000-item flexible plan, so
    /// with half left to it such a run ended after 80 s (BENCHMARKS.md, time limit).
    pub(crate) fn heuristic_deadline(&self) -> Option<Instant> {
        self.solver_budget().map(|budget| Instant::now() + std::time::Duration::from_secs_f64(budget / 4.0))
    }

    /// Whether the time left (less the reserve) is used up.
    pub(crate) fn is_spent(&self) -> bool {
        self.limit_s.is_some_and(|limit| limit - time_reserve(limit) - self.elapsed() <= MIN_SOLVE_S)
    }

    /// `options` for the polish LP of a warm start (`crate::plan::polish`) started now: half
    /// the time a solve would get, so that the MIP solve keeps the other half.
    pub(crate) fn polish_options(&self, options: &SolveOptions) -> SolveOptions {
        SolveOptions { time_limit_s: self.solver_budget().map(|budget| budget * POLISH_SHARE), ..*options }
    }

    /// `options` for the LP bound by interior point (`crate::plan::bound`) started now:
    /// [`LP_BOUND_SHARE`] of the time a solve would get. `None` without a time limit: then the
    /// MIP solve runs until it proves its gap, and its own bound is the better one.
    pub(crate) fn lp_bound_options(&self, options: &SolveOptions) -> Option<SolveOptions> {
        let budget = self.solver_budget()?;
        Some(SolveOptions { time_limit_s: Some(budget * LP_BOUND_SHARE), ..*options })
    }

    /// `options` with the time limit of a solve started now.
    pub(crate) fn options_now(&self, options: &SolveOptions) -> SolveOptions {
        SolveOptions { time_limit_s: self.solver_budget(), ..*options }
    }
}

/// What the solve achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SolveStatus {
    /// Proven optimal within the requested gap.
    Optimal,
    /// A feasible plan, stopped by a limit before the gap was closed.
    Feasible,
    /// No plan meets every hard constraint.
    Infeasible,
    /// A limit was reached before any feasible plan was found.
    NoSolutionFound,
}

impl SolveStatus {
    /// The spelling used in `summary.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            SolveStatus::Optimal => "optimal",
            SolveStatus::Feasible => "feasible",
            SolveStatus::Infeasible => "infeasible",
            SolveStatus::NoSolutionFound => "no_solution_found",
        }
    }
}

/// Which limit ended a solve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// Solved to the gap (or proven infeasible).
    Completed,
    /// The wall-clock time limit.
    TimeLimit,
    /// The node (work) limit.
    NodeLimit,
    /// Another solver limit (iterations, memory, interrupt).
    OtherLimit,
}

/// The raw result of a backend.
#[derive(Debug, Clone)]
pub(crate) struct BackendOutcome {
    /// Outcome.
    pub status: SolveStatus,
    /// Why the solver stopped.
    pub stop_reason: StopReason,
    /// Column values, indexed like [`LotSizingModel::column_index`]; present when a
    /// feasible solution exists.
    pub values: Option<Vec<f64>>,
    /// The solver's objective value of the incumbent.
    pub objective: Option<f64>,
    /// Best proven lower bound.
    pub best_bound: Option<f64>,
    /// Relative gap reported by the solver.
    pub gap: Option<f64>,
    /// Branch-and-bound nodes explored.
    pub nodes: Option<u64>,
    /// Wall-clock seconds in the solver.
    pub seconds: f64,
    /// How the incumbent and the bound moved during the MIP solve (see [`ProgressPoint`]),
    /// ending with the final incumbent and bound when both exist.
    pub progress: Vec<ProgressPoint>,
}

/// One point of a MIP solve's progress: what was proven after `seconds`.
///
/// Recorded when the incumbent changes or the gap shrinks to 99 % of the last recorded
/// gap, so the time to reach any gap down to 1 % of itself can be read off. Times are
/// wall-clock, so the points are for benchmarks, never part of a plan's outputs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ProgressPoint {
    /// Seconds since the solve (heuristic included) began.
    pub seconds: f64,
    /// Objective of the best plan so far (`inf` before the first).
    pub incumbent: f64,
    /// Best proven lower bound so far (`-inf` before the first).
    pub bound: f64,
}

impl ProgressPoint {
    /// The relative gap of this point (`None` until both ends are finite).
    pub fn gap(&self) -> Option<f64> {
        (self.incumbent.is_finite() && self.bound.is_finite()).then(|| relative_gap(self.incumbent, self.bound))
    }

    /// Whether `self` says more than `last`: a new incumbent, a first finite gap, a gap at
    /// most 99 % of `last`'s, or (before any plan) a first finite bound or one higher by
    /// 0.1 % of its size, so a long search without a plan does not record every node.
    fn is_news_after(&self, last: &ProgressPoint) -> bool {
        if self.incumbent != last.incumbent {
            return true;
        }
        match (self.gap(), last.gap()) {
            (Some(now), Some(before)) => now <= 0.99 * before,
            (Some(_), None) => true,
            (None, _) if !last.bound.is_finite() => self.bound.is_finite(),
            (None, _) => self.bound - last.bound >= 1e-3 * last.bound.abs().max(1.0),
        }
    }
}

/// Collects [`ProgressPoint`]s from HiGHS's MIP callbacks; boxed and owned by [`run`]
/// for the whole solve.
struct ProgressRecorder {
    points: std::sync::Mutex<Vec<ProgressPoint>>,
}

/// HiGHS calls this from its MIP search (MIP interrupt and improving-solution callbacks).
/// It only reads: the search is unchanged, so solves stay deterministic.
unsafe extern "C" fn record_progress(
    _callback_type: std::os::raw::c_int,
    _message: *const std::os::raw::c_char,
    data_out: *const highs_sys::HighsCallbackDataOut,
    _data_in: *mut highs_sys::HighsCallbackDataIn,
    user_data: *mut std::os::raw::c_void,
) {
    if data_out.is_null() || user_data.is_null() {
        return;
    }
    // SAFETY: HiGHS passes a valid data_out for the duration of the call, and user_data is
    // the ProgressRecorder that `run` registered and keeps alive until the solve returns.
    let (data, recorder) = unsafe { (&*data_out, &*(user_data as *const ProgressRecorder)) };
    let point =
        ProgressPoint { seconds: data.running_time, incumbent: data.mip_primal_bound, bound: data.mip_dual_bound };
    if let Ok(mut points) = recorder.points.lock() {
        if points.last().is_none_or(|last| point.is_news_after(last)) {
            points.push(point);
        }
    }
}

/// The HiGHS backend (through good_lp and the `highs` crate).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Highs;

impl Highs {
    /// Name for reports: `HiGHS`.
    pub(crate) fn name(&self) -> &'static str {
        "HiGHS"
    }

    /// HiGHS's version string, for reports.
    pub(crate) fn version(&self) -> String {
        // SAFETY: Highs_version returns a pointer to a static NUL-terminated string.
        let raw = unsafe { std::ffi::CStr::from_ptr(highs_sys::Highs_version()) };
        raw.to_string_lossy().into_owned()
    }

    /// Solves `model` (consumed) and reports what happened.
    pub(crate) fn solve(&self, model: LotSizingModel, options: &SolveOptions) -> Result<BackendOutcome, Error> {
        let n_columns = model.problem.len();
        let is_mip = model.size.integer_variables > 0;
        let rules_off = model.presolve_rules_off();
        let mut raw = raw_model(model.problem, model.objective, model.constraints)?;
        set_options(&mut raw, options, rules_off)?;
        Ok(lp_bound(run(raw, options, n_columns)?, is_mip))
    }
}

/// Hands a good_lp model to HiGHS without solving it.
pub(crate) fn raw_model(
    problem: good_lp::ProblemVariables,
    objective: good_lp::Expression,
    constraints: Vec<good_lp::Constraint>,
) -> Result<highs::Model, Error> {
    let mut problem = problem.minimise(objective).using(highs);
    for c in constraints {
        problem.add_constraint(c);
    }
    problem.try_into_inner().map_err(|e| Error::solver("model", format!("HiGHS refused the model: {e}")))
}

/// `model` handed to HiGHS as its LP relaxation: every column continuous (the polish LP and
/// the LP bound).
pub(crate) fn relaxed_model(model: &LotSizingModel) -> Result<highs::Model, Error> {
    let mut raw = raw_model(model.problem.clone(), model.objective.clone(), model.constraints.clone())?;
    let n_columns = model.problem.len();
    let Some(last) = n_columns.checked_sub(1) else { return Ok(raw) };
    let last = i32::try_from(last).map_err(|_| Error::solver("model", "more columns than HiGHS can number"))?;
    let continuous = vec![0; n_columns];
    // SAFETY: `raw` owns a live Highs object with `n_columns` columns; `continuous` has one
    // entry per column.
    unsafe {
        highs_sys::Highs_changeColsIntegralityByRange(raw.as_mut_ptr(), 0, last, continuous.as_ptr());
    }
    Ok(raw)
}

/// The objective `objective` of a model at `values` (one per column, numbered as `columns`).
pub(crate) fn objective_at(objective: &good_lp::Expression, columns: &HashMap<Variable, usize>, values: &[f64]) -> f64 {
    let at: HashMap<Variable, f64> =
        columns.iter().filter_map(|(&var, &col)| values.get(col).map(|&v| (var, v))).collect();
    objective.eval_with(&at)
}

/// A model without integer variables is an LP: HiGHS runs no MIP search and leaves
/// `mip_dual_bound` at a meaningless value, but an optimal LP is its own bound.
fn lp_bound(mut outcome: BackendOutcome, is_mip: bool) -> BackendOutcome {
    if !is_mip && outcome.status == SolveStatus::Optimal {
        outcome.best_bound = outcome.objective;
        outcome.gap = outcome.objective.map(|_| 0.0);
    }
    outcome
}

/// Seconds past HiGHS's own time limit after which the planner stops waiting for it, plus
/// [`ABANDON_SHARE`] of the limit: HiGHS checks its clock between steps, and one step can
/// outlast the limit many times over (a round of root cut separation on a 360,000-column
/// storefront model ran 150 s and reads no clock: BENCHMARKS.md, configurable products).
const ABANDON_GRACE_S: f64 = 3.0;
/// See [`ABANDON_GRACE_S`].
const ABANDON_SHARE: f64 = 0.05;

/// A HiGHS model moved into the thread that solves it.
struct SolvingModel(highs::Model);

// SAFETY: the Highs object is used by one thread at a time: it moves whole into the solving
// thread, which alone touches it (and its callback's data, shared through an `Arc` behind a
// mutex) until the solve ends and the thread drops it. HiGHS solves run on any thread already
// (the sweep's rayon workers).
unsafe impl Send for SolvingModel {}

impl SolvingModel {
    /// The model (a method, so that a closure moves the whole `SolvingModel`, not its field).
    fn into_inner(self) -> highs::Model {
        self.0
    }
}

/// Solves a prepared HiGHS model and reads its outcome. With a time limit the solve runs on a
/// thread of its own, and when it outlives the limit by [`ABANDON_GRACE_S`] and
/// [`ABANDON_SHARE`] the run goes on without it: the outcome is "no solution found, time
/// limit" with the best bound HiGHS had reported, and the caller writes its warm start. The
/// abandoned thread ends at HiGHS's next check of its clock and frees the model (a process
/// that exits first ends it).
pub(crate) fn run(raw: highs::Model, options: &SolveOptions, n_columns: usize) -> Result<BackendOutcome, Error> {
    let recorder = std::sync::Arc::new(ProgressRecorder { points: std::sync::Mutex::new(Vec::new()) });
    let Some(limit) = options.time_limit_s.filter(|limit| limit.is_finite() && *limit >= 0.0) else {
        return run_here(raw, options, n_columns, &recorder);
    };
    let (sender, receiver) = std::sync::mpsc::channel();
    let model = SolvingModel(raw);
    let (thread_options, thread_recorder) = (*options, std::sync::Arc::clone(&recorder));
    let started = Instant::now();
    std::thread::Builder::new()
        .name("flexplan-highs".into())
        .stack_size(64 << 20)
        .spawn(move || {
            let raw = model.into_inner();
            // The receiver is gone when the run stopped waiting: nothing to tell.
            let _ = sender.send(run_here(raw, &thread_options, n_columns, &thread_recorder));
        })
        .map_err(|e| Error::solver("thread", format!("cannot start the solving thread: {e}")))?;
    let wait = std::time::Duration::from_secs_f64(limit * (1.0 + ABANDON_SHARE) + ABANDON_GRACE_S);
    match receiver.recv_timeout(wait) {
        Ok(outcome) => outcome,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            let progress = recorder.points.lock().map(|p| p.clone()).unwrap_or_default();
            let best_bound = progress.iter().map(|p| p.bound).filter(|b| b.is_finite()).reduce(f64::max);
            Ok(BackendOutcome {
                status: SolveStatus::NoSolutionFound,
                stop_reason: StopReason::TimeLimit,
                values: None,
                objective: None,
                best_bound,
                gap: None,
                nodes: None,
                seconds: started.elapsed().as_secs_f64(),
                progress,
            })
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            Err(Error::solver("Highs_run", "the solving thread ended without an outcome"))
        }
    }
}

/// [`run`] on this thread.
fn run_here(
    mut raw: highs::Model,
    options: &SolveOptions,
    n_columns: usize,
    recorder: &ProgressRecorder,
) -> Result<BackendOutcome, Error> {
    // SAFETY: `raw` owns a live Highs object. HiGHS calls the callback only while it solves
    // (inside try_solve below), and `recorder` outlives this function (the caller holds it).
    unsafe {
        let highs = raw.as_mut_ptr();
        let user_data = recorder as *const ProgressRecorder as *mut std::os::raw::c_void;
        highs_sys::Highs_setCallback(highs, Some(record_progress), user_data);
        highs_sys::Highs_startCallback(highs, highs_sys::kHighsCallbackMipInterrupt);
        highs_sys::Highs_startCallback(highs, highs_sys::kHighsCallbackMipImprovingSolution);
    }
    let started = Instant::now();
    let solved = raw.try_solve().map_err(|e| Error::solver("Highs_run", format!("HiGHS failed: {e:?}")))?;
    let seconds = started.elapsed().as_secs_f64();
    let mut progress = recorder.points.lock().map(|mut p| std::mem::take(&mut *p)).unwrap_or_default();
    let model_status = solved.status();
    let has_solution = matches!(solved.primal_solution_status(), HighsSolutionStatus::Feasible);
    let gap = finite(solved.mip_gap());
    let best_bound = solved.double_info_value(c"mip_dual_bound").ok().and_then(finite);
    let nodes = node_count(&solved);
    let (status, stop_reason) = classify(model_status, has_solution, options)?;
    let values = if has_solution && status != SolveStatus::Infeasible {
        let cols = solved.get_solution().columns().to_vec();
        (cols.len() == n_columns).then_some(cols)
    } else if model_status == HighsModelStatus::ModelEmpty {
        Some(Vec::new())
    } else {
        None
    };
    let status = match (status, &values) {
        (SolveStatus::Optimal | SolveStatus::Feasible, None) => SolveStatus::NoSolutionFound,
        (s, _) => s,
    };
    let objective = values.as_ref().map(|_| solved.objective_value());
    if let (Some(incumbent), Some(bound)) = (objective, best_bound) {
        progress.push(ProgressPoint { seconds, incumbent, bound });
    }
    Ok(BackendOutcome { status, stop_reason, values, objective, best_bound, gap, nodes, seconds, progress })
}

/// A primal heuristic run before the full MIP solve, whose plan HiGHS gets as a warm start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Heuristic {
    /// Solve the MIP directly.
    None,
    /// Relax-and-fix over time windows: setups of `RELAX_AND_FIX_WINDOW` periods are
    /// binary, later ones relaxed to `[0, 1]`, earlier ones fixed at the previous stage's
    /// values; the window moves by `RELAX_AND_FIX_STEP` periods. The last stage's plan
    /// (every setup integral) is the warm start. For short limits: its stages delay the
    /// full solve, so proving optimality takes longer (BENCHMARKS.md, time to the same gap).
    RelaxAndFix,
    /// The solver-free construction of `crate::plan::construct` (lot-for-lot with capacity
    /// levelling, or backward filling for single-level plans, improved by lot moves): a
    /// complete feasible plan, in milliseconds, as the warm start.
    /// It needs the plan's input, so [`crate::plan::plan_configured`] runs it and hands the
    /// values to `Highs::solve_with_start`; `Highs::solve_with_heuristic` alone solves
    /// without a start. The default: on generated plans from 40 items x 20 weeks up, plain
    /// HiGHS is still at a 87-98 % gap after 20 s, with this start at 1.6-6 % (BENCHMARKS.md).
    #[default]
    Construct,
}

impl Heuristic {
    /// The spelling used on the command line and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Heuristic::None => "none",
            Heuristic::RelaxAndFix => "relax-and-fix",
            Heuristic::Construct => "construct",
        }
    }
}

/// Periods whose setups are binary in one relax-and-fix stage.
pub(crate) const RELAX_AND_FIX_WINDOW: usize = 4;
/// Periods fixed after each relax-and-fix stage.
pub(crate) const RELAX_AND_FIX_STEP: usize = 2;
/// Share of the time limit the heuristic may use (without a limit: 10 s in all).
pub(crate) const HEURISTIC_TIME_SHARE: f64 = 0.2;

impl Highs {
    /// Runs `heuristic` and returns its plan (a value for every column), if it found one.
    /// The heuristic's stages share [`HEURISTIC_TIME_SHARE`] of the time left on `clock`.
    pub(crate) fn heuristic_start(
        &self,
        model: &LotSizingModel,
        options: &SolveOptions,
        heuristic: Heuristic,
        clock: &RunClock,
    ) -> Result<Option<Vec<f64>>, Error> {
        match heuristic {
            Heuristic::None | Heuristic::Construct => Ok(None),
            Heuristic::RelaxAndFix => relax_and_fix(model, &clock.options_now(options)),
        }
    }

    /// Solves the full model with `start` (a value for every column, numbered as
    /// [`LotSizingModel::column_index`]) as the warm start, within the time left on `clock`.
    /// A start HiGHS rejects only costs the warm start. The reported seconds and the progress
    /// points count from `since` (when the making of the start began).
    pub(crate) fn solve_with_start(
        &self,
        model: LotSizingModel,
        options: &SolveOptions,
        start: Option<&[f64]>,
        clock: &RunClock,
        since: Instant,
    ) -> Result<BackendOutcome, Error> {
        let n_columns = model.problem.len();
        let is_mip = model.size.integer_variables > 0;
        let rules_off = model.presolve_rules_off();
        let mut raw = raw_model(model.problem, model.objective, model.constraints)?;
        let final_options = clock.options_now(options);
        let started = since;
        set_options(&mut raw, &final_options, rules_off)?;
        if let Some(values) = start {
            // A rejected start only costs the warm start, never the solve.
            let _ = raw.try_set_solution(Some(values), None, None, None);
        }
        let offset = started.elapsed().as_secs_f64();
        let mut outcome = lp_bound(run(raw, &final_options, n_columns)?, is_mip);
        for point in &mut outcome.progress {
            point.seconds += offset;
        }
        outcome.seconds = started.elapsed().as_secs_f64();
        Ok(outcome)
    }
}

/// The relax-and-fix stages (see [`Heuristic::RelaxAndFix`]); `None` when a stage finds no
/// plan (then the full solve runs without a warm start).
fn relax_and_fix(model: &LotSizingModel, options: &SolveOptions) -> Result<Option<Vec<f64>>, Error> {
    let n_periods = model.vars.setup.periods();
    if n_periods == 0 {
        return Ok(None);
    }
    let columns = model.column_index();
    // (column, period) of every setup binary.
    let setups: Vec<(usize, usize)> = model
        .vars
        .setup
        .iter_rows()
        .flat_map(|row| row.iter().enumerate())
        .filter_map(|(t, v)| v.and_then(|v| columns.get(&v)).map(|&col| (col, t)))
        .collect();
    let n_stages = n_periods.saturating_sub(RELAX_AND_FIX_WINDOW).div_ceil(RELAX_AND_FIX_STEP) + 1;
    let budget = options.time_limit_s.map_or(10.0, |l| l * HEURISTIC_TIME_SHARE);
    let stage_options = SolveOptions {
        time_limit_s: Some((budget / n_stages as f64).max(MIN_SOLVE_S)),
        mip_gap: options.mip_gap.max(1e-3),
        node_limit: None,
        verbose: false,
        ..*options
    };
    let n_columns = model.problem.len();
    let mut fixed: Vec<Option<f64>> = vec![None; n_columns];
    let mut values = None;
    for stage in 0..n_stages {
        let first = stage * RELAX_AND_FIX_STEP;
        let window_end = if stage + 1 == n_stages { n_periods } else { first + RELAX_AND_FIX_WINDOW };
        let mut raw = raw_model(model.problem.clone(), model.objective.clone(), model.constraints.clone())?;
        set_options(&mut raw, &stage_options, model.presolve_rules_off())?;
        for &(col, t) in &setups {
            let Ok(col_int) = i32::try_from(col) else { return Ok(None) };
            // SAFETY: `raw` owns a live Highs object and `col` is one of its columns.
            unsafe {
                if let Some(v) = fixed.get(col).copied().flatten() {
                    highs_sys::Highs_changeColBounds(raw.as_mut_ptr(), col_int, v, v);
                } else if t >= window_end {
                    highs_sys::Highs_changeColIntegrality(raw.as_mut_ptr(), col_int, 0);
                }
            }
        }
        let outcome = run(raw, &stage_options, n_columns)?;
        let Some(stage_values) = outcome.values else { return Ok(None) };
        let fix_end = if stage + 1 == n_stages { n_periods } else { first + RELAX_AND_FIX_STEP };
        for &(col, t) in &setups {
            if (first..fix_end).contains(&t) {
                if let (Some(slot), Some(&v)) = (fixed.get_mut(col), stage_values.get(col)) {
                    *slot = Some(v.round());
                }
            }
        }
        values = Some(stage_values);
    }
    Ok(values)
}

/// Maps HiGHS's model status to the planner's status and stop reason (shared by the plan
/// backend and `solve-mps`).
pub(crate) fn classify(
    model_status: HighsModelStatus,
    has_solution: bool,
    options: &SolveOptions,
) -> Result<(SolveStatus, StopReason), Error> {
    Ok(match model_status {
        HighsModelStatus::Optimal | HighsModelStatus::ObjectiveBound | HighsModelStatus::ObjectiveTarget => {
            (SolveStatus::Optimal, StopReason::Completed)
        }
        HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => {
            (SolveStatus::Infeasible, StopReason::Completed)
        }
        HighsModelStatus::ReachedTimeLimit => (limited(has_solution), StopReason::TimeLimit),
        HighsModelStatus::ReachedSolutionLimit if options.node_limit.is_some() => {
            (limited(has_solution), StopReason::NodeLimit)
        }
        HighsModelStatus::ReachedSolutionLimit
        | HighsModelStatus::ReachedIterationLimit
        | HighsModelStatus::ReachedInterrupt
        | HighsModelStatus::ReachedMemoryLimit => (limited(has_solution), StopReason::OtherLimit),
        HighsModelStatus::ModelEmpty => (SolveStatus::Optimal, StopReason::Completed),
        other => {
            return Err(Error::solver(
                format!("model status {other:?}"),
                "HiGHS ended with a status flexplan does not expect",
            ))
        }
    })
}

fn limited(has_solution: bool) -> SolveStatus {
    if has_solution {
        SolveStatus::Feasible
    } else {
        SolveStatus::NoSolutionFound
    }
}

pub(crate) fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

pub(crate) fn node_count(solved: &highs::SolvedModel) -> Option<u64> {
    let mut value: i64 = 0;
    // SAFETY: the pointer is a live Highs object owned by `solved`; the key is NUL-terminated;
    // `value` is a valid out-parameter for an int64 info value.
    let status = unsafe {
        highs_sys::Highs_getInt64InfoValue(solved.as_ptr() as *mut _, c"mip_node_count".as_ptr(), &mut value)
    };
    (status == 0 && value >= 0).then_some(value as u64)
}

/// `(objective - bound) / max(|objective|, 1e-9)`, and 0 when the two agree to 1e-9.
pub(crate) fn relative_gap(objective: f64, bound: f64) -> f64 {
    let diff = (objective - bound).max(0.0);
    if diff <= 1e-9 * objective.abs().max(1.0) {
        0.0
    } else {
        diff / objective.abs().max(1e-9)
    }
}

/// Whether a plan costing `objective` is within the gap target of `bound`: the requested
/// relative gap, or 1e-6 relative (the precision at which two implementations of the spec
/// agree on an optimum; a solve to gap 0 ends with rounding above its bound).
pub(crate) fn within_gap_target(objective: f64, bound: f64, mip_gap: f64) -> bool {
    objective - bound <= mip_gap.max(0.0) * objective.abs() + 1e-6 * objective.abs().max(1.0)
}

/// HiGHS's primal and MIP feasibility tolerance.
pub(crate) const FEASIBILITY_TOLERANCE: f64 = 1e-9;

/// HiGHS presolve rule bit of the doubleton-equation rule (`kPresolveRuleDoubletonEquation`).
const DOUBLETON_EQUATION_RULE: i32 = 1 << 9;

/// The HiGHS presolve rules switched off (`presolve_rule_off` bits) for a model with or
/// without lot-multiple rows `x[i,t] = lot_multiple_i k[i,t]` (`k` integer).
///
/// Why: on adversarial plan 5259 of tests/it/differential.rs, HiGHS 1.16.0 proves a wrong
/// optimum (4178.77 where 4175.61 is feasible and optimal) once presolve has substituted a
/// lot by its integer multiple count through that doubleton equation, and the MIP then runs
/// with `mip_feasibility_tolerance` below its default: 10 of 30 HiGHS random seeds are wrong
/// at 1e-9, 5-6 of 30 at 1e-7 and 1e-8, none at 1e-6. The substitution is the trigger: doing
/// it in the model (the same MPS with `x` replaced by `lot_multiple k`) is wrong even with
/// this rule off, and keeping the rows (rule off) is right on all 30 seeds at every tolerance.
/// Models without lot multiples have no such doubleton; the rule stays on for them, as it is
/// worth 1.45x of solve time on the Trigeiro G set at 60 s (BENCHMARKS.md, issue 16). Both
/// branches run in the differential test. `solve-mps` models are read, not built: they get
/// HiGHS's defaults.
pub(crate) fn presolve_rules_off(has_lot_multiples: bool) -> i32 {
    if has_lot_multiples {
        DOUBLETON_EQUATION_RULE
    } else {
        0
    }
}

/// Applies the planner's HiGHS settings (also used by `solve-mps`).
pub(crate) fn set_options(model: &mut highs::Model, options: &SolveOptions, rules_off: i32) -> Result<(), Error> {
    let fail = |name: &str| Error::solver(format!("option {name}"), "HiGHS rejected it");
    model.try_set_option("output_flag", options.verbose).map_err(|_| fail("output_flag"))?;
    model.try_set_option("log_to_console", options.verbose).map_err(|_| fail("log_to_console"))?;
    model.try_set_option("mip_rel_gap", options.mip_gap).map_err(|_| fail("mip_rel_gap"))?;
    // Plans are written to 1e-6: solver noise must stay well below that, or a balance of
    // the written plan is off by a few millionths (default tolerances are 1e-7 / 1e-6).
    for name in ["primal_feasibility_tolerance", "mip_feasibility_tolerance"] {
        model.try_set_option(name, FEASIBILITY_TOLERANCE).map_err(|_| fail(name))?;
    }
    model.try_set_option("presolve_rule_off", rules_off).map_err(|_| fail("presolve_rule_off"))?;
    if let Some(limit) = options.time_limit_s {
        model.try_set_option("time_limit", limit).map_err(|_| fail("time_limit"))?;
    }
    if let Some(nodes) = options.node_limit {
        let nodes = i32::try_from(nodes).unwrap_or(i32::MAX);
        model.try_set_option("mip_max_nodes", nodes).map_err(|_| fail("mip_max_nodes"))?;
    }
    if options.threads > 0 {
        let threads = i32::try_from(options.threads).unwrap_or(i32::MAX);
        model.try_set_option("threads", threads).map_err(|_| fail("threads"))?;
    }
    // HiGHS 1.16 searches the MIP tree with one worker per thread unless `parallel` is
    // "off", and the workers' interleaving makes the plan depend on the thread count (seen on
    // the bundled example: 17,193.07 with one thread, 17,178.98 with two, each reproducible).
    // The search stays serial so a plan is the same whatever `threads` says; the threads
    // still serve HiGHS's parallel symmetry detection.
    model.try_set_option("parallel", "off").map_err(|_| fail("parallel"))?;
    Ok(())
}

impl LotSizingModel {
    /// The presolve rules HiGHS must not use on this model (see [`presolve_rules_off`]).
    pub(crate) fn presolve_rules_off(&self) -> i32 {
        presolve_rules_off(self.vars.multiple.cells().iter().any(Option::is_some))
    }

    /// The column of every variable, in the order the backend numbers them.
    pub fn column_index(&self) -> HashMap<Variable, usize> {
        self.problem.iter_variables_with_def().enumerate().map(|(col, (var, _))| (var, col)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solver_settings_come_from_the_flag_then_plan_toml_then_the_default() {
        let toml = SolverConfig { time_limit_s: Some(60.0), mip_gap: Some(0.01), threads: None };
        let flags = SolverConfig { time_limit_s: None, mip_gap: Some(0.05), threads: None };
        let options = SolveOptions::from_settings(flags, toml);
        assert_eq!((options.time_limit_s, options.mip_gap, options.threads), (Some(60.0), 0.05, 0));
        let options = SolveOptions::from_settings(SolverConfig::default(), SolverConfig::default());
        assert_eq!(options, SolveOptions::default());
        let flags = SolverConfig { time_limit_s: Some(5.0), mip_gap: None, threads: Some(2) };
        let options = SolveOptions::from_settings(flags, toml);
        assert_eq!((options.time_limit_s, options.mip_gap, options.threads), (Some(5.0), 0.01, 2));
    }

    fn point(seconds: f64, incumbent: f64, bound: f64) -> ProgressPoint {
        ProgressPoint { seconds, incumbent, bound }
    }

    #[test]
    fn only_news_is_recorded() {
        let last = point(1.0, 100.0, 90.0); // gap 10 %
        assert!(point(2.0, 99.0, 90.0).is_news_after(&last), "a new incumbent");
        assert!(point(2.0, 100.0, 90.2).is_news_after(&last), "gap 9.8 % <= 99 % of 10 %");
        assert!(!point(2.0, 100.0, 90.05).is_news_after(&last), "gap 9.95 %: not enough");
        let open = point(0.1, f64::INFINITY, 50.0);
        assert!(point(0.2, f64::INFINITY, 60.0).is_news_after(&open), "a better bound before any plan");
        assert!(!point(0.2, f64::INFINITY, 50.0).is_news_after(&open));
        let open = point(0.1, f64::INFINITY, 1000.0);
        assert!(point(0.2, f64::INFINITY, 1001.0).is_news_after(&open), "0.1 % higher");
        assert!(!point(0.2, f64::INFINITY, 1000.5).is_news_after(&open), "0.05 %: not enough");
        let nothing = point(0.0, f64::INFINITY, f64::NEG_INFINITY);
        assert!(point(0.1, f64::INFINITY, -5.0).is_news_after(&nothing), "a first bound");
        assert!(point(0.3, 70.0, 60.0).is_news_after(&open), "the first plan");
    }
}
