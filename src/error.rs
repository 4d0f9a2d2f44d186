//! The library's one error type. An error is a bad input, a request that cannot be served or
//! a broken call; a solve outcome such as "infeasible" is not an error (see
//! [`crate::plan::solve::SolveStatus`]).
//!
//! Every public function returns [`Error`]. Each variant carries what locates it (file, row,
//! column and value; scenario and key; the path; the HiGHS call or option), and
//! [`Error::kind`] sorts it into the few [`ErrorKind`]s a caller acts on: the binary chooses
//! its exit code from the kind alone.

use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// One problem found in the input, located as precisely as possible.
///
/// Rows are counted as a spreadsheet shows them: the header is row 1, the first data row is
/// row 2 (for Parquet too, so a converted file keeps its row numbers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// File name relative to the plan directory (e.g. `items.csv`), or `<orders frame>` for an
    /// in-memory table.
    pub file: String,
    /// Spreadsheet row (header = 1), when the problem is in one row.
    pub row: Option<usize>,
    /// Column name, when the problem is in one column.
    pub column: Option<String>,
    /// The offending value as written, when there is one.
    pub value: Option<String>,
    /// What is wrong and what was expected, as a sentence fragment.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic about a whole file.
    pub fn file(file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic { file: file.into(), row: None, column: None, value: None, message: message.into() }
    }

    /// A diagnostic about one cell.
    pub fn cell(
        file: impl Into<String>,
        row: usize,
        column: impl Into<String>,
        value: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            file: file.into(),
            row: Some(row),
            column: Some(column.into()),
            value: Some(value.into()),
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(row) = self.row {
            write!(f, ", row {row}")?;
        }
        if let Some(col) = &self.column {
            write!(f, ", column {col}")?;
        }
        if let Some(v) = &self.value {
            write!(f, ", value {v:?}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// At most this many diagnostics are kept; the rest are counted.
pub const MAX_DIAGNOSTICS: usize = 100;

/// A collector of diagnostics with a cap.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    kept: Vec<Diagnostic>,
    dropped: usize,
}

impl Diagnostics {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one diagnostic (or counts it once the cap is reached).
    pub fn push(&mut self, d: Diagnostic) {
        if self.kept.len() < MAX_DIAGNOSTICS {
            self.kept.push(d);
        } else {
            self.dropped += 1;
        }
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    /// Number recorded (kept and dropped).
    pub fn len(&self) -> usize {
        self.kept.len() + self.dropped
    }

    /// `Ok(value)` when empty, else the collected problems as [`Error::Input`].
    pub fn finish<T>(self, value: T) -> Result<T> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(Error::Input(self.into_problems()))
        }
    }

    /// The collected diagnostics (even if empty).
    pub fn into_problems(self) -> InputError {
        InputError { diagnostics: self.kept, more: self.dropped }
    }
}

/// Every problem found in an input, up to [`MAX_DIAGNOSTICS`]: what [`Error::Input`] and
/// [`Error::Plan`] carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputError {
    /// The problems, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// How many more were found but not kept.
    pub more: usize,
}

impl InputError {
    /// The problems of a single diagnostic.
    pub fn single(d: Diagnostic) -> Self {
        InputError { diagnostics: vec![d], more: 0 }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.diagnostics.len() + self.more;
        writeln!(f, "invalid input: {n} problem{} found", if n == 1 { "" } else { "s" })?;
        for d in &self.diagnostics {
            writeln!(f, "  {d}")?;
        }
        if self.more > 0 {
            writeln!(f, "  ... and {} more", self.more)?;
        }
        Ok(())
    }
}

/// One problem in a sweep's scenario file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScenarioProblem {
    /// The scenario (`scenario "name"`, `grid "name"`, `monte_carlo "name"`, `[sweep]`, or a
    /// position when the name is missing).
    pub scenario: String,
    /// The key, as a dotted path (`capacity_scale.SEWING`).
    pub key: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ScenarioProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, key \"{}\": {}", self.scenario, self.key, self.message)
    }
}

/// What kind of failure an [`Error`] is, which is what a caller acts on (the binary's exit
/// code depends on the kind alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The input is invalid: a plan directory, an order history, a benchmark or a scenario
    /// file. Every problem is located; the files must be fixed.
    Input,
    /// The request names what does not exist: an unknown benchmark suite, instance names
    /// that match none.
    Usage,
    /// The request cannot be served as asked: a shard that is not `K/N`, a generated plan
    /// out of range, shard folders that are not one whole sweep, evaluate mode without a plan,
    /// more worker threads than the system gives.
    Request,
    /// A file or folder cannot be read, or what flexplan wrote earlier cannot be used: a plan
    /// folder with a file missing or malformed, a sweep journal that is another sweep's,
    /// damaged or cannot be written.
    Io,
    /// An output could not be written; nothing was left half-written and an earlier output
    /// is untouched.
    Output,
    /// The solver failed in a way that is not a solve outcome (a broken call).
    Solver,
}

/// Every error the library returns.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input is invalid: a plan directory or a table in it, an order history, the plan
    /// directory a forecast is written into. Every problem, located by file, row, column and
    /// value.
    #[error("{0}")]
    Input(InputError),
    /// A benchmark file (Trigeiro `.DAT`, Tempelmeier, MPS) does not follow its format.
    #[error("{}", format_text(path, *line, message))]
    Format {
        /// The file.
        path: PathBuf,
        /// 1-based line number (0 when the problem is the file as a whole).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A sweep's scenario file is invalid: every problem, each naming its scenario and key.
    #[error("{}", scenarios_text(file, problems))]
    Scenarios {
        /// The scenario file.
        file: String,
        /// The problems, in file order.
        problems: Vec<ScenarioProblem>,
    },
    /// A file or folder cannot be read (the reason is the [`std::error::Error::source`]).
    #[error("cannot read {path}")]
    Read {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A plan folder as `flexplan plan` writes it cannot be used (the plan `validate` checks,
    /// the fixed lots of an evaluate sweep): a file is missing or malformed. Every problem,
    /// located.
    #[error("{}", plan_text(dir, problems))]
    Plan {
        /// The plan folder.
        dir: PathBuf,
        /// What is missing or malformed.
        problems: InputError,
    },
    /// A sweep's journal cannot be used (another sweep's, already there without `--resume`,
    /// damaged) or written, or the results of its rows cannot be written. The rows journaled
    /// so far are kept: `--resume` finishes the sweep.
    #[error("journal {path}: {message}")]
    Journal {
        /// The journal file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// An output could not be written; nothing was left half-written.
    #[error("cannot write {path}: {source}")]
    Output {
        /// The file or folder being written.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// HiGHS failed in a way that is not a solve outcome (a broken call).
    #[error("solver error: {what}: {message}")]
    Solver {
        /// The call, option or status: `Highs_run`, `option mip_rel_gap`, `model status ...`.
        what: String,
        /// What went wrong.
        message: String,
    },
    /// The request cannot be served as asked (see [`ErrorKind::Request`]).
    #[error("cannot {what}: {message}")]
    Request {
        /// What was asked, as a verb phrase: `merge`, `generate`, `use shard "0/2"`.
        what: String,
        /// Why it cannot be done.
        message: String,
    },
    /// The request names what does not exist (see [`ErrorKind::Usage`]); the message names it.
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Input(_) | Error::Format { .. } | Error::Scenarios { .. } => ErrorKind::Input,
            Error::Usage(_) => ErrorKind::Usage,
            Error::Request { .. } => ErrorKind::Request,
            Error::Read { .. } | Error::Plan { .. } | Error::Journal { .. } => ErrorKind::Io,
            Error::Output { .. } => ErrorKind::Output,
            Error::Solver { .. } => ErrorKind::Solver,
        }
    }

    /// The located problems of an [`Error::Input`] or an [`Error::Plan`].
    pub fn problems(&self) -> Option<&InputError> {
        match self {
            Error::Input(problems) | Error::Plan { problems, .. } => Some(problems),
            _ => None,
        }
    }

    /// A [`Error::Solver`].
    pub fn solver(what: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Solver { what: what.into(), message: message.into() }
    }

    /// A [`Error::Request`].
    pub fn request(what: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Request { what: what.into(), message: message.into() }
    }
}

impl From<InputError> for Error {
    fn from(problems: InputError) -> Self {
        Error::Input(problems)
    }
}

/// `file: line N: message`, or `file: message` for a problem with the file as a whole (line 0).
fn format_text(path: &Path, line: usize, message: &str) -> String {
    match line {
        0 => format!("{}: {message}", path.display()),
        line => format!("{}: line {line}: {message}", path.display()),
    }
}

fn scenarios_text(file: &str, problems: &[ScenarioProblem]) -> String {
    let n = problems.len();
    let mut text = format!("invalid scenario file {file}: {n} problem{} found", if n == 1 { "" } else { "s" });
    for p in problems {
        text.push_str(&format!("\n  {p}"));
    }
    text
}

/// `the plan in DIR cannot be used: PROBLEM`, or one problem per line when there are several.
fn plan_text(dir: &Path, problems: &InputError) -> String {
    let mut text = format!("the plan in {} cannot be used:", dir.display());
    match problems.diagnostics.as_slice() {
        [only] if problems.more == 0 => text.push_str(&format!(" {only}")),
        all => {
            for d in all {
                text.push_str(&format!("\n  {d}"));
            }
            if problems.more > 0 {
                text.push_str(&format!("\n  ... and {} more", problems.more));
            }
        }
    }
    text
}

/// Shorthand for library results.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    fn io() -> std::io::Error {
        std::io::Error::other("denied")
    }

    #[test]
    fn every_variant_has_its_kind() {
        let input = InputError::single(Diagnostic::file("items.csv", "bad"));
        let cases = [
            (Error::Input(input.clone()), ErrorKind::Input),
            (Error::Format { path: "G30.DAT".into(), line: 3, message: "bad".into() }, ErrorKind::Input),
            (Error::Scenarios { file: "s.toml".into(), problems: vec![] }, ErrorKind::Input),
            (Error::Usage("unknown suite x".into()), ErrorKind::Usage),
            (Error::request("merge", "shards missing: 2/2"), ErrorKind::Request),
            (Error::Read { path: "a.csv".into(), source: io() }, ErrorKind::Io),
            (Error::Plan { dir: "out".into(), problems: input }, ErrorKind::Io),
            (Error::Journal { path: "out/journal.jsonl".into(), message: "damaged".into() }, ErrorKind::Io),
            (Error::Output { path: "out".into(), source: io() }, ErrorKind::Output),
            (Error::solver("Highs_run", "HiGHS failed"), ErrorKind::Solver),
        ];
        for (error, kind) in cases {
            assert_eq!(error.kind(), kind, "{error:?}");
        }
    }

    #[test]
    fn messages_name_what_failed() {
        let format = |line| Error::Format { path: "G30.DAT".into(), line, message: "the capacity must be >= 0".into() };
        assert_eq!(format(3).to_string(), "G30.DAT: line 3: the capacity must be >= 0");
        assert_eq!(format(0).to_string(), "G30.DAT: the capacity must be >= 0");
        assert_eq!(Error::request("merge", "shards missing: 2/2").to_string(), "cannot merge: shards missing: 2/2");
        assert_eq!(
            Error::solver("option threads", "HiGHS rejected it").to_string(),
            "solver error: option threads: HiGHS rejected it"
        );
        assert_eq!(Error::Read { path: "a.csv".into(), source: io() }.to_string(), "cannot read a.csv");
        let scenarios = Error::Scenarios {
            file: "s.toml".into(),
            problems: vec![ScenarioProblem {
                scenario: "scenario \"a\"".into(),
                key: "moq.X".into(),
                message: "bad".into(),
            }],
        };
        assert_eq!(
            scenarios.to_string(),
            "invalid scenario file s.toml: 1 problem found\n  scenario \"a\", key \"moq.X\": bad"
        );
    }

    #[test]
    fn a_plan_folder_error_lists_one_problem_inline_and_several_on_lines() {
        let one = InputError::single(Diagnostic::cell("lots.csv", 2, "quantity", "x", "expected a number"));
        let error = Error::Plan { dir: "out".into(), problems: one };
        assert_eq!(
            error.to_string(),
            "the plan in out cannot be used: lots.csv, row 2, column quantity, value \"x\": expected a number"
        );
        let mut diags = Diagnostics::new();
        diags.push(Diagnostic::file("lots.csv", "a"));
        diags.push(Diagnostic::file("summary.json", "b"));
        let error = Error::Plan { dir: "out".into(), problems: diags.into_problems() };
        assert_eq!(error.to_string(), "the plan in out cannot be used:\n  lots.csv: a\n  summary.json: b");
        assert_eq!(error.problems().map(|p| p.diagnostics.len()), Some(2));
    }
}
