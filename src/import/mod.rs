//! Importers for public lot-sizing benchmark instances.
//!
//! * [`trigeiro`]: the Trigeiro, Thomas & McClain (1989) single-resource CLSP files (`.DAT`),
//!   turned into a [`crate::input::PlanInput`] and written as a plan directory.
//! * [`tempelmeier`]: multi-level, multi-resource instances in the style of Tempelmeier &
//!   Derstroff (1996), classes 1-6 (five files per instance), likewise into a plan directory.
//! * [`mps`]: (gzipped) MPS files such as the MIPLIB lot-sizing instances, solved directly by
//!   HiGHS with the same settings the planner uses.

pub mod mps;
pub mod tempelmeier;
pub mod trigeiro;

use std::path::PathBuf;

/// Why an instance file could not be imported or solved.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The file does not follow the expected format.
    #[error("{path}: line {line}: {message}")]
    Format {
        /// The file.
        path: PathBuf,
        /// 1-based line number (0 when the problem is the file as a whole).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// Writing the plan directory or solving failed.
    #[error(transparent)]
    Flexplan(#[from] crate::error::Error),
}
