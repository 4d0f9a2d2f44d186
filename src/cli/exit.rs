//! Exit codes, documented in the README, and the one place that turns an error into one.

use flexplan::error::Error;

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

/// The exit code of a command's result; an error is printed first.
pub fn code_of(result: anyhow::Result<i32>) -> i32 {
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            use flexplan::import::ImportError;
            let error = e.downcast_ref::<Error>().or_else(|| match e.downcast_ref::<ImportError>() {
                Some(ImportError::Flexplan(inner)) => Some(inner),
                _ => None,
            });
            if e.downcast_ref::<UsageError>().is_some() {
                return USAGE;
            }
            match (error, e.downcast_ref::<ImportError>()) {
                (Some(Error::Input(_)), _) | (_, Some(ImportError::Format { .. })) => INVALID_INPUT,
                (Some(Error::Output { .. }), _) => OUTPUT,
                _ => ERROR,
            }
        }
    }
}

/// A command line clap accepts but flexplan cannot act on (an unknown suite, instance names
/// that match nothing): exit code 2, like clap's own errors.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}
