//! flexplan: a capacitated multi-level lot-sizing and replenishment planner for small-batch,
//! high-frequency (C2B) production.
//!
//! The pipeline: a plan directory ([`read`]) -> validated [`input::PlanInput`] -> bucketed
//! demand ([`demand`]) -> BOM graph ([`bom`]) -> mixed-integer model ([`model`]) solved by
//! HiGHS ([`solve`]) -> plan, checked by an independent checker ([`check`]) -> reports
//! ([`report`]).
#![deny(missing_docs)]

pub mod bom;
pub mod check;
pub mod demand;
pub mod diagnose;
pub mod error;
pub mod generate;
pub mod input;
pub mod inspect;
pub mod model;
pub mod plan;
pub mod read;
pub mod report;
pub mod solve;
pub mod table;
pub mod write;

pub use error::{Diagnostic, Error, InputError, Result};
pub use input::PlanInput;
