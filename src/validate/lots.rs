//! The lot rows and lot sizes: known item, kind, period, availability, start date, and
//! `min_lot`, `max_lot` and `lot_multiple` on every lot.

use super::files::LotRow;
use super::{feasibility_tol, fmt_num, zero_based, Checker, ViolationKind, LOT_MULTIPLE_TOL};

impl Checker<'_> {
    pub(super) fn check_lots(&mut self, rows: &[LotRow]) {
        let mut seen = vec![vec![false; self.n_periods]; self.input.items.len()];
        for row in rows {
            let Some(&item_idx) = self.item_index.get(row.item.as_str()) else {
                let detail = "lot for an item that is not in items.csv".to_string();
                self.report_raw_period(ViolationKind::UnknownItem, &row.item, row.period, row.quantity, detail);
                continue;
            };
            self.check_lot_row(item_idx, row);
            let Some(t) = zero_based(row.period, self.n_periods) else {
                continue;
            };
            if let Some(flag) = seen.get_mut(item_idx).and_then(|flags| flags.get_mut(t)) {
                if *flag {
                    let detail = "more than one lot row in lots.csv".to_string();
                    self.report(ViolationKind::DuplicateRow, &row.item, Some(t), row.quantity, detail);
                }
                *flag = true;
            }
            if let Some(cell) = self.lots.get_mut(item_idx).and_then(|lots| lots.get_mut(t)) {
                *cell += row.quantity;
            }
        }
        self.check_lot_sizes();
    }

    /// Checks the columns of one lot row against the item and the horizon.
    fn check_lot_row(&mut self, item_idx: usize, row: &LotRow) {
        let input = self.input;
        let Some(item) = input.items.get(item_idx) else {
            return;
        };
        if row.kind != item.kind.as_str() {
            let detail = format!("lot kind {:?} but the item is {:?}", row.kind, item.kind.as_str());
            self.report_raw_period(ViolationKind::KindMismatch, &item.id, row.period, 0.0, detail);
        }
        if row.quantity <= 0.0 {
            let detail = format!("lot quantity {} is not positive", fmt_num(row.quantity));
            self.report_raw_period(ViolationKind::NonPositiveLot, &item.id, row.period, row.quantity.abs(), detail);
        }
        let lead_time = i64::try_from(item.lead_time).unwrap_or(i64::MAX);
        let expected_available = row.period.saturating_add(lead_time);
        if row.available_period != expected_available {
            let detail = format!(
                "available_period {} but period {} + lead time {} = {expected_available}",
                row.available_period, row.period, item.lead_time
            );
            let amount = row.available_period.abs_diff(expected_available) as f64;
            self.report_raw_period(ViolationKind::AvailablePeriod, &item.id, row.period, amount, detail);
        }
        let Some(t) = zero_based(row.period, self.n_periods) else {
            let detail = format!("lot period {} is outside 1..{}", row.period, self.n_periods);
            self.report_raw_period(ViolationKind::PeriodOutOfRange, &item.id, row.period, row.quantity, detail);
            return;
        };
        let last_start = self.n_periods.saturating_sub(item.lead_time);
        if t + 1 > last_start {
            let detail = format!(
                "lot of {} with lead time {} would arrive in period {} after the {}-period horizon (last start period {last_start})",
                fmt_num(row.quantity),
                item.lead_time,
                (t + 1).saturating_add(item.lead_time),
                self.n_periods
            );
            self.report(ViolationKind::LotAfterHorizon, &item.id, Some(t), row.quantity, detail);
        }
        let expected_start = input.horizon.period_start(t);
        if expected_start != Some(row.start_date) {
            let expected = expected_start.map_or_else(|| "out of range".to_string(), |date| date.to_string());
            let detail = format!("start_date {} but period {} starts on {expected}", row.start_date, t + 1);
            self.report(ViolationKind::StartDate, &item.id, Some(t), 0.0, detail);
        }
    }

    /// Checks `min_lot`, `max_lot` and `lot_multiple` on every lot `x[i,t] > 0`.
    fn check_lot_sizes(&mut self) {
        let input = self.input;
        for (item_idx, item) in input.items.iter().enumerate() {
            for t in 0..self.n_periods {
                let quantity = self.lot(item_idx, t);
                if quantity <= 0.0 {
                    continue;
                }
                if quantity < item.min_lot - feasibility_tol(item.min_lot) {
                    let detail = format!("lot of {} is below min_lot {}", fmt_num(quantity), fmt_num(item.min_lot));
                    self.report(ViolationKind::MinLot, &item.id, Some(t), item.min_lot - quantity, detail);
                }
                if let Some(max_lot) = item.max_lot {
                    if quantity > max_lot + feasibility_tol(max_lot) {
                        let detail = format!("lot of {} is above max_lot {}", fmt_num(quantity), fmt_num(max_lot));
                        self.report(ViolationKind::MaxLot, &item.id, Some(t), quantity - max_lot, detail);
                    }
                }
                if let Some(multiple) = item.lot_multiple.filter(|m| *m > 0.0) {
                    let ratio = quantity / multiple;
                    let off = (ratio - ratio.round()).abs();
                    if off > LOT_MULTIPLE_TOL {
                        let detail = format!(
                            "lot of {} is not a multiple of lot_multiple {} ({} lots of it)",
                            fmt_num(quantity),
                            fmt_num(multiple),
                            fmt_num(ratio)
                        );
                        self.report(ViolationKind::LotMultiple, &item.id, Some(t), off * multiple, detail);
                    }
                }
            }
        }
    }
}
