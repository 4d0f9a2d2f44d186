//! Solving an MPS file (fixed or free format, optionally gzipped) with HiGHS, using exactly the
//! settings of the planner's backend ([`crate::plan::solve::SolveOptions`]).
//!
//! HiGHS parses the MPS file itself (`Highs_readModel`): there is no MPS parser in flexplan.
//! A `.gz` file is first decompressed into a temporary `.mps` file. HiGHS tries its free-format
//! reader first and falls back to the fixed-format reader, so both formats are accepted.

use crate::error::{Error, Result};
use crate::plan::solve::{
    classify, finite, node_count, presolve_rules_off, set_options, SolveOptions, SolveStatus, StopReason,
};
use highs::{HighsSolutionStatus, RowProblem, Sense};
use serde::Serialize;
use std::ffi::CString;
use std::io::Read;
use std::path::Path;
use std::time::Instant;

/// What one MPS solve achieved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MpsOutcome {
    /// Instance name (file name without `.mps` / `.gz`).
    pub name: String,
    /// Rows of the model.
    pub rows: usize,
    /// Columns of the model.
    pub columns: usize,
    /// Optimal, feasible (stopped by a limit), infeasible or no solution found.
    pub status: SolveStatus,
    /// Which limit, if any, ended the solve.
    pub stop_reason: StopReason,
    /// Objective of the incumbent.
    pub objective: Option<f64>,
    /// Best proven bound.
    pub best_bound: Option<f64>,
    /// HiGHS's relative gap.
    pub gap: Option<f64>,
    /// Branch-and-bound nodes.
    pub nodes: Option<u64>,
    /// Wall-clock seconds in the solver (reading excluded).
    pub seconds: f64,
}

impl MpsOutcome {
    /// One line for the terminal.
    pub fn to_text(&self) -> String {
        let num = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v}"));
        format!(
            "{}: {} rows, {} columns; status {} ({:?}); objective {}; bound {}; gap {}; {:.2} s; nodes {}",
            self.name,
            self.rows,
            self.columns,
            self.status.as_str(),
            self.stop_reason,
            num(self.objective),
            num(self.best_bound),
            self.gap.map_or("-".to_string(), |g| format!("{:.4}%", 100.0 * g)),
            self.seconds,
            self.nodes.map_or("-".to_string(), |n| n.to_string()),
        )
    }
}

/// The instance name of an MPS file: `pp08a.mps.gz` -> `pp08a`.
pub fn mps_name(path: &Path) -> String {
    let file = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let lower = file.to_ascii_lowercase();
    let mut end = file.len();
    for suffix in [".gz", ".mps"] {
        if lower.get(..end).is_some_and(|l| l.ends_with(suffix)) {
            end -= suffix.len();
        }
    }
    file.get(..end).unwrap_or(&file).to_string()
}

/// Reads `path` (gzipped when its name ends in `.gz`) and solves it with the planner's HiGHS
/// settings.
pub fn solve_mps(path: &Path, options: &SolveOptions) -> Result<MpsOutcome> {
    let io = |source| Error::Read { path: path.to_path_buf(), source };
    let is_gz = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    // HiGHS picks the reader by extension: keep `.mps` on the temporary copy.
    let temporary = if is_gz {
        let file = std::fs::File::open(path).map_err(io)?;
        let mut text = Vec::new();
        flate2::read::MultiGzDecoder::new(file).read_to_end(&mut text).map_err(io)?;
        let tmp = tempfile::Builder::new().suffix(".mps").tempfile().map_err(io)?;
        std::fs::write(tmp.path(), &text).map_err(io)?;
        Some(tmp)
    } else {
        None
    };
    let model_path = temporary.as_ref().map_or(path, |t| t.path());
    let c_path = CString::new(model_path.to_string_lossy().as_bytes()).map_err(|_| Error::Format {
        path: path.to_path_buf(),
        line: 0,
        message: "the path contains a NUL byte".to_string(),
    })?;
    let mut model = RowProblem::default()
        .try_optimise(Sense::Minimise)
        .map_err(|e| Error::solver("model", format!("cannot create a HiGHS model: {e:?}")))?;
    set_options(&mut model, options, presolve_rules_off(false))?;
    // SAFETY: `model` owns a live Highs object; `c_path` is a NUL-terminated string that
    // outlives the call.
    let read_status = unsafe { highs_sys::Highs_readModel(model.as_mut_ptr(), c_path.as_ptr()) };
    // kHighsStatusError = -1; a warning (1) still loads the model.
    if read_status < 0 {
        return Err(Error::Format {
            path: path.to_path_buf(),
            line: 0,
            message: "HiGHS could not read the MPS file".to_string(),
        });
    }
    let (rows, columns) = (model.num_rows(), model.num_cols());
    let started = Instant::now();
    let solved = model.try_solve().map_err(|e| Error::solver("Highs_run", format!("HiGHS failed: {e:?}")))?;
    let seconds = started.elapsed().as_secs_f64();
    let has_solution = matches!(solved.primal_solution_status(), HighsSolutionStatus::Feasible);
    let (status, stop_reason) = classify(solved.status(), has_solution, options)?;
    let status = match status {
        SolveStatus::Optimal | SolveStatus::Feasible if !has_solution => SolveStatus::NoSolutionFound,
        s => s,
    };
    let objective = has_solution.then(|| solved.objective_value()).and_then(finite);
    let best_bound = solved.double_info_value(c"mip_dual_bound").ok().and_then(finite).or_else(|| {
        // A pure LP has no MIP bound: its optimum is its own bound.
        (status == SolveStatus::Optimal).then_some(objective).flatten()
    });
    Ok(MpsOutcome {
        name: mps_name(path),
        rows,
        columns,
        status,
        stop_reason,
        objective,
        best_bound,
        gap: finite(solved.mip_gap()),
        nodes: node_count(&solved),
        seconds,
    })
}
