//! What can stop a sweep, and one problem in a scenario file.

use crate::error::InputError;
use serde::Serialize;
use std::path::PathBuf;

/// Everything that can stop a sweep (a failing scenario does not: it is a row).
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// The scenario file is invalid: every problem, each naming its scenario and key.
    #[error("{}", invalid_text(file, problems))]
    InvalidScenarios {
        /// The scenario file.
        file: String,
        /// The problems, in file order.
        problems: Vec<ScenarioProblem>,
    },
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The journal cannot be used (another sweep's, already present, damaged).
    #[error("journal {path}: {message}")]
    Journal {
        /// The journal file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The fixed plan for evaluate mode is invalid.
    #[error("the fixed plan in {path} is invalid: {source}")]
    Lots {
        /// The plan folder.
        path: PathBuf,
        /// Every problem found.
        #[source]
        source: InputError,
    },
    /// `--shard` is not `K/N` with `1 <= K <= N`.
    #[error("bad shard \"{0}\": expected K/N with 1 <= K <= N, e.g. 2/8")]
    Shard(String),
    /// Shard folders that do not form one whole sweep.
    #[error("cannot merge: {0}")]
    Merge(String),
    /// The base plan could not be planned (evaluate mode without `--lots`).
    #[error(transparent)]
    Plan(#[from] crate::Error),
    /// Anything else.
    #[error("{0}")]
    Other(String),
}

fn invalid_text(file: &str, problems: &[ScenarioProblem]) -> String {
    let n = problems.len();
    let mut text = format!("invalid scenario file {file}: {n} problem{} found", if n == 1 { "" } else { "s" });
    for p in problems {
        text.push_str(&format!("\n  {p}"));
    }
    text
}

/// One problem in a scenario file.
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

impl std::fmt::Display for ScenarioProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}, key \"{}\": {}", self.scenario, self.key, self.message)
    }
}
