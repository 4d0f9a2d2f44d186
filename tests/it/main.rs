//! flexplan's integration tests, one test binary (`cargo test --test it`): each file of this
//! folder is a module, so the crate and its dependencies are linked once, not once per file.
//! Run one module with a name filter, e.g. `cargo test --test it differential`, or one
//! ignored test with `cargo test --test it differential_long -- --ignored`.
//!
//! Proptest keeps the seeds of past failures in `tests/proptest-regressions/<module>.txt`
//! (its default `FileFailurePersistence::SourceParallel`: a `proptest-regressions` folder beside
//! the folder holding `main.rs`, one `.txt` per source file) and replays them first.

mod common;

mod check_plans;
mod cli;
mod configurable;
mod construct;
mod differential;
mod fixtures;
mod flexible_brute_force;
mod flexible_properties;
mod forecast;
mod generate_flexible;
mod import;
mod peers;
mod plan_cases;
mod planner_cases;
mod planner_optimality;
mod planner_properties;
mod replan;
mod report;
mod roundtrip;
mod suite;
mod sweep;
mod validate_config;
mod validate_replan;
