//! Exit codes, documented in the README, and the one place that chooses one for an error: by
//! its [`ErrorKind`] alone ([`code_for`]).

use flexplan::{Error, ErrorKind, InputError};
use std::fmt::Display;

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
pub fn for_status(status: flexplan::plan::SolveStatus) -> i32 {
    use flexplan::plan::SolveStatus;
    match status {
        SolveStatus::Optimal => OK,
        SolveStatus::Feasible => FEASIBLE,
        SolveStatus::Infeasible => INFEASIBLE,
        SolveStatus::NoSolutionFound => NO_SOLUTION,
    }
}

/// The exit code of a failure of `kind`.
pub fn code_for(kind: ErrorKind) -> i32 {
    match kind {
        ErrorKind::Input => INVALID_INPUT,
        ErrorKind::Usage => USAGE,
        ErrorKind::Output => OUTPUT,
        ErrorKind::Request | ErrorKind::Io | ErrorKind::Solver => ERROR,
    }
}

/// A command that failed: what to print after `error: ` (with its chain of causes) and the
/// kind of failure, which decides the exit code.
#[derive(Debug)]
pub struct Failure {
    kind: ErrorKind,
    error: anyhow::Error,
}

impl Failure {
    /// A failure the binary itself finds.
    pub fn new(kind: ErrorKind, message: impl Display) -> Self {
        Failure { kind, error: anyhow::anyhow!("{message}") }
    }

    /// Invalid input: `headline`, then every problem on a line of its own.
    pub fn invalid_input(headline: impl Display, problems: &InputError) -> Self {
        // The Display of InputError starts with its own headline; keep only the problem lines.
        let text = problems.to_string();
        let lines: String = text.lines().skip(1).map(|line| format!("\n{line}")).collect();
        Failure::new(ErrorKind::Input, format!("{headline}{lines}"))
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure { kind: error.kind(), error: error.into() }
    }
}

impl From<serde_json::Error> for Failure {
    /// A report that cannot be printed as JSON.
    fn from(error: serde_json::Error) -> Self {
        Failure { kind: ErrorKind::Io, error: error.into() }
    }
}

/// The exit code of a command's result; a failure is printed first, on stderr.
pub fn code_of(result: Result<i32, Failure>) -> i32 {
    match result {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("error: {:#}", failure.error);
            code_for(failure.kind)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's table: 3 invalid input, 2 a request naming what does not exist, 8 an
    /// output not written, 1 the rest.
    #[test]
    fn each_kind_has_its_documented_exit_code() {
        assert_eq!(code_for(ErrorKind::Input), 3);
        assert_eq!(code_for(ErrorKind::Usage), 2);
        assert_eq!(code_for(ErrorKind::Output), 8);
        for kind in [ErrorKind::Request, ErrorKind::Io, ErrorKind::Solver] {
            assert_eq!(code_for(kind), 1, "{kind:?}");
        }
    }

    #[test]
    fn invalid_input_prints_the_headline_then_each_problem_on_its_line() {
        let problems = InputError::single(flexplan::Diagnostic::file("items.csv", "bad"));
        let failure = Failure::invalid_input("invalid input in plan", &problems);
        assert_eq!(failure.kind, ErrorKind::Input);
        assert_eq!(format!("{:#}", failure.error), "invalid input in plan\n  items.csv: bad");
    }
}
