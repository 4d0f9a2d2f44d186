//! The inventory rows: one per item and period, the recomputed demand, signs, the inventory
//! balance (constraint 1), the backlog (constraint 2) and safety stock (constraint 6).

use super::files::{InventoryRow, InventoryValues};
use super::{feasibility_tol, feasible_eq, fmt_num, zero_based, Checker, ViolationKind, WRITTEN_ROUNDING};

impl Checker<'_> {
    pub(super) fn check_inventory(&mut self, rows: &[InventoryRow]) {
        for row in rows {
            let Some(&item_idx) = self.item_index.get(row.item.as_str()) else {
                let detail = self.unknown_item_detail("inventory row");
                self.report_raw_period(ViolationKind::UnknownItem, &row.item, row.period, 0.0, detail);
                continue;
            };
            let Some(t) = zero_based(row.period, self.n_periods) else {
                let detail = format!("inventory row period {} is outside 1..{}", row.period, self.n_periods);
                self.report_raw_period(ViolationKind::PeriodOutOfRange, &row.item, row.period, 0.0, detail);
                continue;
            };
            let Some(slot) = self.inventory.get_mut(item_idx).and_then(|cells| cells.get_mut(t)) else {
                continue;
            };
            if slot.is_some() {
                let detail = "more than one row in inventory.csv".to_string();
                self.report(ViolationKind::DuplicateRow, &row.item, Some(t), 0.0, detail);
                continue;
            }
            *slot = Some(row.values);
        }
        let input = self.input;
        for (item_idx, item) in input.items.iter().enumerate() {
            let has_demand = (0..self.n_periods).any(|t| self.demand_of(item_idx, t) > 0.0);
            for t in 0..self.n_periods {
                let Some(values) = self.inventory_row(item_idx, t) else {
                    let detail = "no row in inventory.csv".to_string();
                    self.report(ViolationKind::MissingRow, &item.id, Some(t), 0.0, detail);
                    continue;
                };
                self.check_inventory_values(item_idx, t, &values, has_demand);
            }
        }
    }

    /// Checks one inventory row: demand, signs, balance, backlog, safety stock.
    fn check_inventory_values(&mut self, item_idx: usize, t: usize, values: &InventoryValues, has_demand: bool) {
        let input = self.input;
        let Some(item) = input.items.get(item_idx) else {
            return;
        };
        let expected_demand = self.demand_of(item_idx, t);
        if !feasible_eq(values.demand, expected_demand, 0.0) {
            let detail =
                format!("demand {} but orders and forecast give {}", fmt_num(values.demand), fmt_num(expected_demand));
            self.report(ViolationKind::Demand, &item.id, Some(t), (values.demand - expected_demand).abs(), detail);
        }
        let signed = [
            ("shipped", values.shipped),
            ("inventory", values.inventory),
            ("backlog", values.backlog),
            ("safety_shortfall", values.safety_shortfall),
        ];
        for (name, value) in signed {
            if value < -feasibility_tol(0.0) {
                let detail = format!("{name} {} is negative", fmt_num(value));
                self.report(ViolationKind::Negative, &item.id, Some(t), -value, detail);
            }
        }
        self.check_balance(item_idx, t, values);
        self.check_backlog(item_idx, t, values, has_demand);
        let shortfall_needed = item.safety_stock - values.inventory;
        if item.safety_stock > 0.0
            && values.safety_shortfall
                < shortfall_needed - feasibility_tol(item.safety_stock.max(values.inventory.abs()))
        {
            let detail = format!(
                "inventory {} + safety shortfall {} is below safety stock {}",
                fmt_num(values.inventory),
                fmt_num(values.safety_shortfall),
                fmt_num(item.safety_stock)
            );
            let amount = shortfall_needed - values.safety_shortfall;
            self.report(ViolationKind::SafetyShortfall, &item.id, Some(t), amount, detail);
        }
    }

    /// Constraint 1: `I[t] = I[t-1] + sum_w x[w,t-L_w] + R[t] - sum_p a[i,p] sum_{made w of p} x[w,t] - F[t]`:
    /// the item's stock receives the lots of each of its ways after that way's lead time, and
    /// a component is consumed by its parents' made lots only (a bought lot consumes nothing).
    fn check_balance(&mut self, item_idx: usize, t: usize, values: &InventoryValues) {
        let input = self.input;
        let Some(item) = input.items.get(item_idx) else {
            return;
        };
        let on_hand = if t == 0 {
            item.initial_inventory
        } else {
            match self.inventory_row(item_idx, t - 1) {
                Some(previous) => previous.inventory,
                None => return,
            }
        };
        let arriving_lot: f64 = self
            .ways
            .of(item_idx)
            .iter()
            .filter_map(|&w| {
                let lead_time = self.ways.get(w)?.lead_time;
                t.checked_sub(lead_time).map(|start| self.lot(w, start))
            })
            .sum();
        let receipt = self.receipts.get(item_idx).and_then(|row| row.get(t)).copied().unwrap_or(0.0);
        let arriving = arriving_lot + receipt;
        let used: f64 = self
            .consumers
            .get(item_idx)
            .into_iter()
            .flatten()
            .map(|(parent_idx, quantity)| quantity * self.made_lots(*parent_idx, t))
            .sum();
        let expected = on_hand + arriving - used - values.shipped;
        let scale = [on_hand, arriving, used, values.shipped, values.inventory]
            .iter()
            .fold(0.0_f64, |acc, value| acc.max(value.abs()));
        // Each parent lot is written rounded to 1e-6, and its rounding is multiplied by the
        // BOM quantity in `used`: once per made way of the parent with a lot in the period.
        let rounding: f64 = self
            .consumers
            .get(item_idx)
            .into_iter()
            .flatten()
            .map(|(parent_idx, quantity)| {
                let lots = self.made_ways(*parent_idx).filter(|&w| self.has_lot(w, t)).count();
                (0..lots).map(|_| WRITTEN_ROUNDING * quantity.abs()).sum::<f64>()
            })
            .sum();
        if (values.inventory - expected).abs() > feasibility_tol(scale) + rounding {
            let detail = format!(
                "inventory balance off by {} (reported {}, expected {} = {} on hand + {} arriving - {} used - {} shipped)",
                fmt_num(values.inventory - expected),
                fmt_num(values.inventory),
                fmt_num(expected),
                fmt_num(on_hand),
                fmt_num(arriving),
                fmt_num(used),
                fmt_num(values.shipped)
            );
            self.report(ViolationKind::Balance, &item.id, Some(t), (values.inventory - expected).abs(), detail);
        }
    }

    /// Constraint 2 and the rules on items without demand or without a backlog cost.
    fn check_backlog(&mut self, item_idx: usize, t: usize, values: &InventoryValues, has_demand: bool) {
        let input = self.input;
        let Some(item) = input.items.get(item_idx) else {
            return;
        };
        if !has_demand {
            let off = values.shipped.abs().max(values.backlog.abs());
            if off > feasibility_tol(0.0) {
                let detail = format!(
                    "shipped {} and backlog {} but the item has no demand (both must be 0)",
                    fmt_num(values.shipped),
                    fmt_num(values.backlog)
                );
                self.report(ViolationKind::NoDemand, &item.id, Some(t), off, detail);
            }
            return;
        }
        if item.backlog_cost.is_none() && values.backlog.abs() > feasibility_tol(0.0) {
            let detail = format!(
                "backlog {} but the item has no backlog_cost (late shipment not allowed)",
                fmt_num(values.backlog)
            );
            self.report(ViolationKind::BacklogNotAllowed, &item.id, Some(t), values.backlog.abs(), detail);
        }
        let previous = if t == 0 {
            0.0
        } else {
            match self.inventory_row(item_idx, t - 1) {
                Some(previous) => previous.backlog,
                None => return,
            }
        };
        let demand = self.demand_of(item_idx, t);
        let expected = previous + demand - values.shipped;
        let scale =
            [previous, demand, values.shipped, values.backlog].iter().fold(0.0_f64, |acc, value| acc.max(value.abs()));
        if !feasible_eq(values.backlog, expected, scale) {
            let detail = format!(
                "backlog off by {} (reported {}, expected {} = {} backlog before + {} demand - {} shipped)",
                fmt_num(values.backlog - expected),
                fmt_num(values.backlog),
                fmt_num(expected),
                fmt_num(previous),
                fmt_num(demand),
                fmt_num(values.shipped)
            );
            self.report(ViolationKind::Backlog, &item.id, Some(t), (values.backlog - expected).abs(), detail);
        }
    }

    /// The ways of `item_idx` whose lots are made (its routes).
    fn made_ways(&self, item_idx: usize) -> impl Iterator<Item = usize> + '_ {
        self.ways.of(item_idx).iter().copied().filter(|&w| self.ways.get(w).is_some_and(|way| way.is_made()))
    }

    /// `sum_{made w of i} x[w,t]`: what the made lots of `item_idx` started in `t` (these
    /// consume its components).
    fn made_lots(&self, item_idx: usize, t: usize) -> f64 {
        self.made_ways(item_idx).map(|w| self.lot(w, t)).sum()
    }
}
