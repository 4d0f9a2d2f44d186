//! (being written) Reads and validates a plan directory into a [`PlanInput`].
use crate::error::{Diagnostic, InputError};
use crate::input::PlanInput;
use std::path::Path;

/// Reads and validates the plan directory `dir` (placeholder).
pub fn read_plan_dir(dir: &Path) -> Result<PlanInput, InputError> {
    Err(InputError::single(Diagnostic::file(dir.display().to_string(), "reader not written yet")))
}
