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

use crate::input::{Horizon, Order};
use std::path::PathBuf;

/// The id of the `item_idx`-th product of an imported instance: `P01`, `P02`, ...
pub fn item_id(item_idx: usize) -> String {
    format!("P{:02}", item_idx + 1)
}

/// One order per item and period with positive `demand_at(item, period)` (0-based), due on the
/// period's first day, named `P01-T03` and so on.
pub(crate) fn orders_from_demand(
    horizon: &Horizon,
    n_items: usize,
    demand_at: impl Fn(usize, usize) -> f64,
) -> Vec<Order> {
    let mut orders = Vec::new();
    for item in 0..n_items {
        for t in 0..horizon.periods {
            let quantity = demand_at(item, t);
            if let (true, Some(due_date)) = (quantity > 0.0, horizon.period_start(t)) {
                orders.push(Order {
                    id: format!("{}-T{:02}", item_id(item), t + 1),
                    item,
                    quantity,
                    due_date,
                    market: None,
                });
            }
        }
    }
    orders
}

/// `file: line N`, or just `file` for a problem with the file as a whole (line 0).
fn location(path: &std::path::Path, line: usize) -> String {
    match line {
        0 => path.display().to_string(),
        line => format!("{}: line {line}", path.display()),
    }
}

/// Why an instance file could not be imported or solved.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read (the reason is the [`std::error::Error::source`]).
    #[error("cannot read {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The file does not follow the expected format.
    #[error("{}: {message}", location(path, *line))]
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
