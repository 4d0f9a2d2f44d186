//! (being written) Writes a [`crate::PlanInput`] as a plan directory.
