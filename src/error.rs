//! Typed errors. An error is a bad input or a broken call; a solve outcome such as
//! "infeasible" is not an error (see [`crate::plan::solve::SolveStatus`]).

use serde::Serialize;
use std::fmt;
use std::path::PathBuf;

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

    /// `Ok(value)` when empty, else the collected error.
    pub fn finish<T>(self, value: T) -> Result<T, InputError> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(InputError { diagnostics: self.kept, more: self.dropped })
        }
    }

    /// Turns the collected diagnostics into an error (even if empty).
    pub fn into_error(self) -> InputError {
        InputError { diagnostics: self.kept, more: self.dropped }
    }
}

/// The input is invalid: every problem found, up to [`MAX_DIAGNOSTICS`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct InputError {
    /// The problems, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// How many more were found but not kept.
    pub more: usize,
}

impl InputError {
    /// An error with a single diagnostic.
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

/// Every error the library returns.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The plan directory or a table in it is invalid.
    #[error(transparent)]
    Input(#[from] InputError),
    /// Writing an output failed; nothing was left half-written.
    #[error("cannot write {path}: {source}")]
    Output {
        /// The file or folder being written.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The solver failed in a way that is not a solve outcome (a broken call).
    #[error("solver error: {0}")]
    Solver(String),
}

/// Shorthand for library results.
pub type Result<T, E = Error> = std::result::Result<T, E>;
