//! The lot rows and lot sizes: known item, a way (route or supplier) of the item, kind, period,
//! availability after the way's lead time, start date, and the way's `min_lot`, `max_lot`,
//! `lot_multiple` and `max_per_period` on every lot.

use super::files::LotRow;
use super::{feasibility_tol, fmt_num, zero_based, Checker, Via, ViolationKind, LOT_MULTIPLE_TOL};

impl Checker<'_> {
    pub(super) fn check_lots(&mut self, rows: &[LotRow]) {
        let mut seen = vec![vec![false; self.n_periods]; self.ways.len()];
        for row in rows {
            let Some(&item_idx) = self.item_index.get(row.item.as_str()) else {
                let detail = self.unknown_item_detail("lot");
                let via = Via::of_row(&row.route, &row.supplier);
                self.report_raw_period_via(
                    ViolationKind::UnknownItem,
                    &row.item,
                    via,
                    row.period,
                    row.quantity,
                    detail,
                );
                continue;
            };
            // A lot naming no way of its item is checked for what does not depend on the way
            // and counts nowhere else: its arrival, consumption, load and cost are unknown.
            let Some(way) = self.check_lot_row(item_idx, row) else {
                continue;
            };
            let Some(t) = zero_based(row.period, self.n_periods) else {
                continue;
            };
            if let Some(flag) = seen.get_mut(way).and_then(|flags| flags.get_mut(t)) {
                if *flag {
                    let detail = "more than one lot row in lots.csv".to_string();
                    self.report_via(
                        ViolationKind::DuplicateRow,
                        &row.item,
                        self.via_of(way),
                        Some(t),
                        row.quantity,
                        detail,
                    );
                }
                *flag = true;
            }
            if let Some(cell) = self.lots.get_mut(way).and_then(|lots| lots.get_mut(t)) {
                *cell += row.quantity;
            }
        }
        self.check_lot_sizes();
    }

    /// Checks the columns of one lot row against its way, the item and the horizon; returns
    /// the way it names, if the item has it.
    fn check_lot_row(&mut self, item_idx: usize, row: &LotRow) -> Option<usize> {
        let input = self.input;
        let item = input.items.get(item_idx)?;
        let via = Via::of_row(&row.route, &row.supplier);
        let way_idx = match self.ways.resolve(input, item_idx, row) {
            Ok(way_idx) => Some(way_idx),
            Err((kind, detail)) => {
                self.report_raw_period_via(kind, &item.id, via, row.period, row.quantity, detail);
                None
            }
        };
        let way = way_idx.and_then(|w| self.ways.get(w)).cloned();
        if let Some(way) = &way {
            if row.kind != way.kind_word() {
                let detail = match (via.route, via.supplier) {
                    (Some(route), _) => {
                        format!("lot kind {:?} but a lot on route {route} is made ({:?})", row.kind, way.kind_word())
                    }
                    (None, Some(supplier)) => format!(
                        "lot kind {:?} but a lot from supplier {supplier} is bought ({:?})",
                        row.kind,
                        way.kind_word()
                    ),
                    (None, None) => format!("lot kind {:?} but the item is {:?}", row.kind, item.kind.as_str()),
                };
                self.report_raw_period_via(ViolationKind::KindMismatch, &item.id, via, row.period, 0.0, detail);
            }
        }
        if row.quantity <= 0.0 {
            let detail = format!("lot quantity {} is not positive", fmt_num(row.quantity));
            let amount = row.quantity.abs();
            self.report_raw_period_via(ViolationKind::NonPositiveLot, &item.id, via, row.period, amount, detail);
        }
        if let Some(way) = &way {
            let lead_time = i64::try_from(way.lead_time).unwrap_or(i64::MAX);
            let expected_available = row.period.saturating_add(lead_time);
            if row.available_period != expected_available {
                let detail = format!(
                    "available_period {} but period {} + lead time {} = {expected_available}",
                    row.available_period, row.period, way.lead_time
                );
                let amount = row.available_period.abs_diff(expected_available) as f64;
                self.report_raw_period_via(ViolationKind::AvailablePeriod, &item.id, via, row.period, amount, detail);
            }
        }
        let Some(t) = zero_based(row.period, self.n_periods) else {
            let detail = format!("lot period {} is outside 1..{}", row.period, self.n_periods);
            self.report_raw_period_via(
                ViolationKind::PeriodOutOfRange,
                &item.id,
                via,
                row.period,
                row.quantity,
                detail,
            );
            return way_idx;
        };
        if let Some(way) = &way {
            let last_start = self.n_periods.saturating_sub(way.lead_time);
            if t + 1 > last_start {
                let detail = format!(
                    "lot of {} with lead time {} would arrive in period {} after the {}-period horizon (last start period {last_start})",
                    fmt_num(row.quantity),
                    way.lead_time,
                    (t + 1).saturating_add(way.lead_time),
                    self.n_periods
                );
                self.report_via(ViolationKind::LotAfterHorizon, &item.id, via, Some(t), row.quantity, detail);
            }
        }
        let expected_start = input.horizon.period_start(t);
        if expected_start != Some(row.start_date) {
            let expected = expected_start.map_or_else(|| "out of range".to_string(), |date| date.to_string());
            let detail = format!("start_date {} but period {} starts on {expected}", row.start_date, t + 1);
            self.report_via(ViolationKind::StartDate, &item.id, via, Some(t), 0.0, detail);
        }
        way_idx
    }

    /// Checks `min_lot`, `max_lot`, `lot_multiple` and `max_per_period` of each way on every
    /// lot `x[w,t] > 0` (an item's ways in turn, period by period).
    fn check_lot_sizes(&mut self) {
        let input = self.input;
        // Ways are numbered item by item.
        for w in 0..self.ways.len() {
            let Some(way) = self.ways.get(w).cloned() else {
                continue;
            };
            let Some(item) = input.items.get(way.item) else {
                continue;
            };
            let via = self.via_of(w);
            for t in 0..self.n_periods {
                let quantity = self.lot(w, t);
                if quantity <= 0.0 {
                    continue;
                }
                if quantity < way.min_lot - feasibility_tol(way.min_lot) {
                    let detail = format!("lot of {} is below min_lot {}", fmt_num(quantity), fmt_num(way.min_lot));
                    self.report_via(ViolationKind::MinLot, &item.id, via, Some(t), way.min_lot - quantity, detail);
                }
                if let Some(max_lot) = way.max_lot {
                    if quantity > max_lot + feasibility_tol(max_lot) {
                        let detail = format!("lot of {} is above max_lot {}", fmt_num(quantity), fmt_num(max_lot));
                        self.report_via(ViolationKind::MaxLot, &item.id, via, Some(t), quantity - max_lot, detail);
                    }
                }
                if let Some(multiple) = way.lot_multiple.filter(|m| *m > 0.0) {
                    let ratio = quantity / multiple;
                    let off = (ratio - ratio.round()).abs();
                    if off > LOT_MULTIPLE_TOL {
                        let detail = format!(
                            "lot of {} is not a multiple of lot_multiple {} ({} lots of it)",
                            fmt_num(quantity),
                            fmt_num(multiple),
                            fmt_num(ratio)
                        );
                        self.report_via(ViolationKind::LotMultiple, &item.id, via, Some(t), off * multiple, detail);
                    }
                }
                if let Some(cap) = way.max_per_period {
                    if quantity > cap + feasibility_tol(cap) {
                        let detail = format!(
                            "lot of {} is above the supplier's max_per_period {} for the item",
                            fmt_num(quantity),
                            fmt_num(cap)
                        );
                        self.report_via(ViolationKind::MaxPerPeriod, &item.id, via, Some(t), quantity - cap, detail);
                    }
                }
            }
        }
    }
}
