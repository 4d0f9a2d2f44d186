//! Solving the model: a small backend trait, the HiGHS adapter, and the solve outcome.
//!
//! "Did the call work?" ([`crate::Error`]) is kept apart from "what did the model do?"
//! ([`SolveStatus`]): infeasible or stopped-by-limit are outcomes, not errors.

use crate::error::Error;
use crate::model::LotSizingModel;
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
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions { time_limit_s: None, mip_gap: 1e-4, threads: 0, node_limit: None, verbose: false }
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
pub struct BackendOutcome {
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
}

/// A MIP solver backend. The model is built without knowing which one runs it.
pub trait MipBackend {
    /// Name for reports, e.g. `HiGHS`.
    fn name(&self) -> &'static str;
    /// Version string for reports.
    fn version(&self) -> String;
    /// Solves `model` (consumed) and reports what happened.
    fn solve(&self, model: LotSizingModel, options: &SolveOptions) -> Result<BackendOutcome, Error>;
}

/// The HiGHS backend (through good_lp and the `highs` crate).
#[derive(Debug, Clone, Copy, Default)]
pub struct Highs;

impl MipBackend for Highs {
    fn name(&self) -> &'static str {
        "HiGHS"
    }

    fn version(&self) -> String {
        // SAFETY: Highs_version returns a pointer to a static NUL-terminated string.
        let raw = unsafe { std::ffi::CStr::from_ptr(highs_sys::Highs_version()) };
        raw.to_string_lossy().into_owned()
    }

    fn solve(&self, model: LotSizingModel, options: &SolveOptions) -> Result<BackendOutcome, Error> {
        let n_columns = model.problem.len();
        let mut problem = model.problem.minimise(model.objective).using(highs);
        for c in model.constraints {
            problem.add_constraint(c);
        }
        let mut raw = problem.try_into_inner().map_err(|e| Error::Solver(e.to_string()))?;
        set_options(&mut raw, options)?;
        let started = Instant::now();
        let solved = raw.try_solve().map_err(|e| Error::Solver(format!("HiGHS failed: {e:?}")))?;
        let seconds = started.elapsed().as_secs_f64();
        let model_status = solved.status();
        let has_solution = matches!(solved.primal_solution_status(), HighsSolutionStatus::Feasible);
        let gap = finite(solved.mip_gap());
        let best_bound = solved.double_info_value(c"mip_dual_bound").ok().and_then(finite);
        let nodes = node_count(&solved);
        let (status, stop_reason) = match model_status {
            HighsModelStatus::Optimal
            | HighsModelStatus::ObjectiveBound
            | HighsModelStatus::ObjectiveTarget => (SolveStatus::Optimal, StopReason::Completed),
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
            other => return Err(Error::Solver(format!("HiGHS ended with status {other:?}"))),
        };
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
        Ok(BackendOutcome { status, stop_reason, values, objective, best_bound, gap, nodes, seconds })
    }
}

fn limited(has_solution: bool) -> SolveStatus {
    if has_solution {
        SolveStatus::Feasible
    } else {
        SolveStatus::NoSolutionFound
    }
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

fn node_count(solved: &highs::SolvedModel) -> Option<u64> {
    let mut value: i64 = 0;
    // SAFETY: the pointer is a live Highs object owned by `solved`; the key is NUL-terminated;
    // `value` is a valid out-parameter for an int64 info value.
    let status = unsafe {
        highs_sys::Highs_getInt64InfoValue(solved.as_ptr() as *mut _, c"mip_node_count".as_ptr(), &mut value)
    };
    (status == 0 && value >= 0).then_some(value as u64)
}

/// HiGHS's primal and MIP feasibility tolerance.
pub const FEASIBILITY_TOLERANCE: f64 = 1e-9;

fn set_options(model: &mut highs::Model, options: &SolveOptions) -> Result<(), Error> {
    let fail = |name: &str| Error::Solver(format!("HiGHS rejected option {name}"));
    model.try_set_option("output_flag", options.verbose).map_err(|_| fail("output_flag"))?;
    model.try_set_option("log_to_console", options.verbose).map_err(|_| fail("log_to_console"))?;
    model.try_set_option("mip_rel_gap", options.mip_gap).map_err(|_| fail("mip_rel_gap"))?;
    // Plans are written to 1e-6: solver noise must stay well below that, or a balance of
    // the written plan is off by a few millionths (default tolerances are 1e-7 / 1e-6).
    for name in ["primal_feasibility_tolerance", "mip_feasibility_tolerance"] {
        model.try_set_option(name, FEASIBILITY_TOLERANCE).map_err(|_| fail(name))?;
    }
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
    Ok(())
}

impl LotSizingModel {
    /// The column of every variable, in the order the backend numbers them.
    pub fn column_index(&self) -> HashMap<Variable, usize> {
        self.problem.iter_variables_with_def().enumerate().map(|(col, (var, _))| (var, col)).collect()
    }
}
