//! flexplan: a capacitated multi-level lot-sizing and replenishment planner for small-batch,
//! high-frequency (C2B) production.
//!
//! The pipeline: a plan directory ([`read`]) -> validated [`input::PlanInput`] -> bucketed
//! demand ([`demand`]) -> BOM graph ([`bom`]) -> mixed-integer model ([`model`]) solved by
//! HiGHS ([`solve`], orchestrated by [`plan`]) -> plan, checked by an independent checker
//! ([`check`]) -> reports ([`report`]). Infeasible plans are explained by [`diagnose`].
//!
//! # Example
//!
//! A printed tee made from a bought blank (two weeks' lead time), on one press with setups:
//! the planner chooses lot sizes and purchase orders that meet the orders at least cost.
//!
//! ```
//! use flexplan::bom::BomGraph;
//! use flexplan::input::*;
//! use flexplan::plan::plan;
//! use flexplan::solve::{SolveOptions, SolveStatus};
//! use chrono::NaiveDate;
//!
//! let start = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
//! let mut tee = Item::new("TEE-PRINTED", ItemKind::Make);
//! tee.holding_cost = 0.2;
//! tee.backlog_cost = Some(5.0);
//! let mut blank = Item::new("TEE-BLANK", ItemKind::Buy);
//! blank.lead_time = 2;
//! blank.order_cost = 40.0;
//! blank.min_lot = 50.0; // the supplier's MOQ
//! blank.holding_cost = 0.05;
//! blank.initial_inventory = 30.0;
//! let order = |id: &str, qty: f64, week: u64| Order {
//!     id: id.into(),
//!     item: 0,
//!     quantity: qty,
//!     due_date: start + chrono::Days::new(7 * week),
//!     market: Some("DE".into()),
//! };
//! let input = PlanInput {
//!     horizon: Horizon { start, bucket: Bucket::Week, periods: 6 },
//!     solver: SolverConfig::default(),
//!     items: vec![tee, blank],
//!     bom: vec![BomEdge { parent: 0, component: 1, quantity: 1.0 }],
//!     resources: vec![Resource { id: "PRESS".into(), capacity: vec![40.0; 6], overtime_max: 0.0, overtime_cost: 0.0 }],
//!     routings: vec![Routing { item: 0, resource: 0, unit_time: 1.0, setup_time: 2.0, setup_cost: 15.0 }],
//!     receipts: vec![],
//!     orders: vec![order("A-1", 12.0, 0), order("A-2", 20.0, 1), order("A-3", 35.0, 3), order("A-4", 8.0, 5)],
//!     forecast: vec![],
//! };
//! let bom = BomGraph::new(&input)?;
//! let outcome = plan(&input, &bom, &SolveOptions::default())?;
//! assert_eq!(outcome.status, SolveStatus::Optimal);
//! let solution = outcome.solution.unwrap();
//! // 75 tees are ordered in all and every one is shipped within the horizon.
//! assert_eq!(solution.shipped.iter().take(6).sum::<f64>(), 75.0);
//! println!("cost {:.2}, gap {:?}", outcome.costs.unwrap().total(), outcome.gap);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod bom;
pub mod check;
pub mod construct;
pub mod demand;
pub mod diagnose;
pub mod error;
pub mod forecast;
pub mod generate;
pub mod import;
pub mod input;
pub mod inspect;
pub mod model;
pub mod plan;
pub mod read;
pub mod report;
pub mod solve;
pub mod suite;
pub mod sweep;
pub mod table;
pub mod write;

pub use error::{Diagnostic, Error, InputError, Result};
pub use input::PlanInput;
