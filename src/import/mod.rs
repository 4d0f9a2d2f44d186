//! Importers for public lot-sizing benchmark instances.
//!
//! * [`trigeiro`]: the Trigeiro, Thomas & McClain (1989) single-resource CLSP files (`.DAT`),
//!   turned into a [`crate::input::PlanInput`] and written as a plan directory.
//! * [`tempelmeier`]: multi-level, multi-resource instances in the style of Tempelmeier &
//!   Derstroff (1996), classes 1-6 (five files per instance), likewise into a plan directory.
//! * [`mps`]: (gzipped) MPS files such as the MIPLIB lot-sizing instances, solved directly by
//!   HiGHS with the same settings the planner uses.
//!
//! A file that does not follow its format is a [`crate::Error::Format`] naming its line; one
//! that cannot be read is a [`crate::Error::Read`].

pub mod mps;
pub mod tempelmeier;
pub mod trigeiro;

use crate::input::{Horizon, Order};

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
                    options: None,
                });
            }
        }
    }
    orders
}
