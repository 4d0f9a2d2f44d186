//! What the checker recomputes from the input alone: demand `D[i,t]` and the orders' due
//! periods, scheduled receipts, capacities, the BOM's consumers, the routings by resource and
//! the earliest-due-first allocation of shipments to orders (the items' ways and their values
//! are `ways.rs`).

use super::feasibility_tol;
use crate::input::PlanInput;
use std::collections::BTreeMap;

/// Demand `D[i][t]` (0-based t) and each order's 0-based due period (`None` beyond the horizon).
pub(super) fn recompute_demand(input: &PlanInput) -> (Vec<Vec<f64>>, Vec<Option<usize>>) {
    let n_periods = input.n_periods();
    let mut firm = vec![vec![0.0; n_periods]; input.items.len()];
    let mut due_periods = Vec::with_capacity(input.orders.len());
    for order in &input.orders {
        let due = input.horizon.planned_period(order.due_date).filter(|t| *t < n_periods);
        if let Some(cell) = due.and_then(|t| firm.get_mut(order.item).and_then(|row| row.get_mut(t))) {
            *cell += order.quantity;
        }
        due_periods.push(due);
    }
    for entry in &input.forecast {
        if let Some(cell) = firm.get_mut(entry.item).and_then(|row| row.get_mut(entry.period)) {
            *cell = cell.max(entry.quantity);
        }
    }
    (firm, due_periods)
}

/// Scheduled receipts `R[i][t]`.
pub(super) fn receipts_by_period(input: &PlanInput) -> Vec<Vec<f64>> {
    let mut receipts = vec![vec![0.0; input.n_periods()]; input.items.len()];
    for receipt in &input.receipts {
        if let Some(cell) = receipts.get_mut(receipt.item).and_then(|row| row.get_mut(receipt.period)) {
            *cell += receipt.quantity;
        }
    }
    receipts
}

/// `C[r,t]`, 0 where the input has no value.
pub(super) fn capacity_of(input: &PlanInput, resource_idx: usize, t: usize) -> f64 {
    input.resources.get(resource_idx).and_then(|resource| resource.capacity.get(t)).copied().unwrap_or(0.0)
}

/// For each item as a component, the `(parent, quantity)` of the BOM edges consuming it.
pub(super) fn consumers_by_component(input: &PlanInput) -> Vec<Vec<(usize, f64)>> {
    let mut consumers = vec![Vec::new(); input.items.len()];
    for edge in &input.bom {
        if let Some(list) = consumers.get_mut(edge.component) {
            list.push((edge.parent, edge.quantity));
        }
    }
    consumers
}

/// For each resource, the routing rows (indices into `input.routings`) that load it, in file order.
pub(super) fn routings_by_resource(input: &PlanInput) -> Vec<Vec<usize>> {
    let mut by_resource = vec![Vec::new(); input.resources.len()];
    for (row, routing) in input.routings.iter().enumerate() {
        if let Some(list) = by_resource.get_mut(routing.resource) {
            list.push(row);
        }
    }
    by_resource
}

/// The 0-based period in which each order's last unit is served, `None` when it is not fully
/// served within the horizon or not planned.
///
/// Each item's shipments `shipped[i][t]` go to its planned firm orders earliest due first
/// (ties by order id, byte order): in period `t` only orders already due (`due <= t`) are
/// served; whatever is left serves forecast-only demand and is not carried over.
pub(super) fn allocate_promises(
    input: &PlanInput,
    due_periods: &[Option<usize>],
    shipped: &[Vec<f64>],
) -> Vec<Option<usize>> {
    let mut promised = vec![None; input.orders.len()];
    let mut queues: BTreeMap<usize, Vec<(usize, &str, usize)>> = BTreeMap::new();
    for (order_idx, order) in input.orders.iter().enumerate() {
        if let Some(due) = due_periods.get(order_idx).copied().flatten() {
            queues.entry(order.item).or_default().push((due, order.id.as_str(), order_idx));
        }
    }
    for (item_idx, mut queue) in queues {
        queue.sort_by(|a, b| (a.0, a.1.as_bytes()).cmp(&(b.0, b.1.as_bytes())));
        let mut remaining: Vec<f64> =
            queue.iter().map(|(_, _, order_idx)| input.orders.get(*order_idx).map_or(0.0, |o| o.quantity)).collect();
        let mut next = 0;
        let item_shipped = shipped.get(item_idx).map_or(&[][..], Vec::as_slice);
        for (t, shipped_now) in item_shipped.iter().enumerate() {
            let mut available = *shipped_now;
            while let (Some(&(due, _, order_idx)), Some(left)) = (queue.get(next), remaining.get_mut(next)) {
                if due > t {
                    break;
                }
                let quantity = input.orders.get(order_idx).map_or(0.0, |o| o.quantity);
                if *left > feasibility_tol(quantity) && available > 0.0 {
                    let take = left.min(available);
                    *left -= take;
                    available -= take;
                }
                if *left > feasibility_tol(quantity) {
                    break;
                }
                if let Some(slot) = promised.get_mut(order_idx) {
                    *slot = Some(t);
                }
                next += 1;
            }
        }
    }
    promised
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Bucket, Horizon, Item, ItemKind, Order};
    use chrono::NaiveDate;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }
    /// One item, weekly buckets from Monday 2026-01-05, 3 periods.
    fn allocation_input() -> PlanInput {
        let order = |id: &str, quantity: f64, due: &str| Order {
            id: id.to_string(),
            item: 0,
            quantity,
            due_date: date(due),
            market: None,
            options: None,
        };
        PlanInput {
            items: vec![Item::new("A", ItemKind::Buy)],
            orders: vec![
                order("B", 4.0, "2026-01-13"),  // due period 2
                order("A2", 4.0, "2026-01-12"), // due period 2, before "B" by id
                order("P", 3.0, "2025-12-01"),  // past due: period 1
                order("L", 5.0, "2026-01-19"),  // due period 3
                order("X", 1.0, "2026-02-01"),  // beyond the horizon (ends 2026-01-26)
            ],
            ..PlanInput::new(Horizon { start: date("2026-01-05"), bucket: Bucket::Week, periods: 3 })
        }
    }

    #[test]
    fn fifo_allocation_matches_a_hand_worked_example() {
        let input = allocation_input();
        let (demand, due) = recompute_demand(&input);
        assert_eq!(demand, vec![vec![3.0, 8.0, 5.0]]);
        assert_eq!(due, vec![Some(1), Some(1), Some(0), Some(2), None]);
        // Shipped 2, 6, 9. Period 1: P gets 2 (1 left). Period 2: P gets 1 (served in 2),
        // A2 gets 4 (served in 2), B gets 1 (3 left). Period 3: B gets 3 (served in 3),
        // L gets 5 (served in 3), 1 unit left for forecast.
        let promised = allocate_promises(&input, &due, &[vec![2.0, 6.0, 9.0]]);
        assert_eq!(promised, vec![Some(2), Some(1), Some(1), Some(2), None]);
        // Short shipments: L is never fully served, and shipments before an order is due
        // never serve it.
        let promised = allocate_promises(&input, &due, &[vec![3.0, 8.0, 4.9]]);
        assert_eq!(promised, vec![Some(1), Some(1), Some(0), None, None]);
        // Rounding noise below the tolerance still counts as served.
        let promised = allocate_promises(&input, &due, &[vec![2.9999999, 8.0, 5.0]]);
        assert_eq!(promised, vec![Some(1), Some(1), Some(0), Some(2), None]);
    }
}
