//! The order promises against the earliest-due-first allocation of the reported shipments
//! (each planning class's shipments to its own orders), what each row says the order is (its
//! item, options and class), and the fill and on-time rates.

use super::files::PromiseRow;
use super::recompute::allocate_promises;
use super::{feasible_eq, fmt_num, Checker, ViolationKind};
use std::collections::HashMap;

impl Checker<'_> {
    /// Checks `order_promises.csv` against the recomputed FIFO allocation; returns the
    /// recomputed on-time rate.
    pub(super) fn check_promises(&mut self, rows: &[PromiseRow]) -> f64 {
        let shipped: Vec<Vec<f64>> = (0..self.input.items.len())
            .map(|item_idx| {
                (0..self.n_periods)
                    .map(|t| self.inventory_row(item_idx, t).map_or(0.0, |values| values.shipped))
                    .collect()
            })
            .collect();
        let promised = allocate_promises(self.input, &self.due_periods, &shipped);
        let order_index: HashMap<&str, usize> =
            self.input.orders.iter().enumerate().map(|(idx, order)| (order.id.as_str(), idx)).collect();
        let mut seen = vec![false; self.input.orders.len()];
        for row in rows {
            let planned = order_index
                .get(row.order_id.as_str())
                .copied()
                .filter(|idx| self.due_periods.get(*idx).copied().flatten().is_some());
            let Some(order_idx) = planned else {
                if self.unresolved_orders.contains(row.order_id.as_str()) {
                    continue; // its options name no class: reported by the resolution
                }
                let detail = "promise for an order that is not planned (unknown or due beyond the horizon)";
                self.report(ViolationKind::UnknownOrder, &row.order_id, None, row.quantity, detail.to_string());
                continue;
            };
            let Some(flag) = seen.get_mut(order_idx) else {
                continue;
            };
            if *flag {
                let detail = "more than one row in order_promises.csv".to_string();
                self.report(ViolationKind::DuplicateRow, &row.order_id, None, 0.0, detail);
                continue;
            }
            *flag = true;
            let expected = promised.get(order_idx).copied().flatten();
            self.check_promise_row(order_idx, row, expected);
        }
        let mut planned_orders = 0_usize;
        let mut on_time = 0_usize;
        let input = self.input;
        for (order_idx, order) in input.orders.iter().enumerate() {
            let Some(due) = self.due_periods.get(order_idx).copied().flatten() else {
                continue;
            };
            planned_orders += 1;
            if promised.get(order_idx).copied().flatten() == Some(due) {
                on_time += 1;
            }
            if !seen.get(order_idx).copied().unwrap_or(true) {
                let detail = "no row in order_promises.csv".to_string();
                self.report(ViolationKind::MissingRow, &order.id, Some(due), order.quantity, detail);
            }
        }
        if planned_orders == 0 {
            1.0
        } else {
            on_time as f64 / planned_orders as f64
        }
    }

    /// Compares one promise row with the order and its recomputed promised period (0-based).
    fn check_promise_row(&mut self, order_idx: usize, row: &PromiseRow, expected: Option<usize>) {
        let input = self.input;
        let Some(order) = input.orders.get(order_idx) else {
            return;
        };
        let Some(due) = self.due_periods.get(order_idx).copied().flatten() else {
            return;
        };
        let item_id = input.items.get(order.item).map_or("", |item| item.id.as_str());
        let expected_promised = expected.map(|t| t as i64 + 1);
        let expected_late = expected.map(|t| t as i64 - due as i64);
        let mut problems = Vec::new();
        // What the order is: the item ordered (a configurable product's id), its options and
        // its class (the checker's own, `item_id`); an ordinary item's order has no options and
        // is its own class. A plan without the options and class columns is a plan from before
        // configurable products: right only for orders of ordinary items.
        let product = order.options.as_ref().and_then(|o| input.configuration.products.get(o.product));
        let ordered = product.map_or(item_id, |product| product.item.id.as_str());
        let options = order.options.as_ref().map_or("", |o| o.text.as_str());
        if row.item != ordered {
            problems.push(format!("item {:?} but the order is for {ordered:?}", row.item));
        }
        for (column, reported, expected) in [("options", &row.options, options), ("class", &row.class, item_id)] {
            match reported {
                Some(reported) if reported != expected => {
                    problems.push(format!("{column} {reported:?} but the order's {column} is {expected:?}"))
                }
                None if product.is_some() => problems.push(format!(
                    "no {column} column, but the order's {column} is {expected:?} (order_promises.csv lists each \
                     order's options and class)"
                )),
                _ => {}
            }
        }
        if !feasible_eq(row.quantity, order.quantity, 0.0) {
            problems.push(format!(
                "quantity {} but the order is for {}",
                fmt_num(row.quantity),
                fmt_num(order.quantity)
            ));
        }
        if row.due_period != due as i64 + 1 {
            problems.push(format!("due_period {} but the order is due in period {}", row.due_period, due + 1));
        }
        let show = |period: Option<i64>| period.map_or_else(|| "empty".to_string(), |p| p.to_string());
        if row.promised_period != expected_promised {
            problems.push(format!(
                "promised_period {} but shipping the reported quantities earliest due first serves it {}",
                show(row.promised_period),
                expected_promised.map_or_else(|| "not within the horizon".to_string(), |p| format!("in period {p}"))
            ));
        }
        if row.periods_late != expected_late {
            problems.push(format!("periods_late {} but expected {}", show(row.periods_late), show(expected_late)));
        }
        if !problems.is_empty() {
            let amount = match (row.promised_period, expected_promised) {
                (Some(reported), Some(expected)) => reported.abs_diff(expected) as f64,
                _ => 0.0,
            };
            let detail = format!("order of {} {item_id}: {}", fmt_num(order.quantity), problems.join("; "));
            self.report(ViolationKind::Promise, &order.id, Some(due), amount, detail);
        }
    }

    pub(super) fn fill_rate(&self) -> f64 {
        let total_demand: f64 = self.demand.iter().flatten().sum();
        if total_demand <= 0.0 {
            return 1.0;
        }
        let total_shipped: f64 = self.inventory.iter().flatten().flatten().map(|values| values.shipped).sum();
        total_shipped / total_demand
    }
}
