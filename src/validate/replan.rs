//! Replanning against a previous plan (spec sections 1.6, 2 and 3): the previous quantities
//! `xp[w,t]`, the frozen fence, `changes.csv`, the change and new-lot cost terms, and the
//! `replan` object of `summary.json`.
//!
//! `xp` is derived here from the previous plan's lot rows (`PlanInput::replan`) and the input
//! tables alone: a previous lot belongs to the period whose dates hold its `start_date`
//! ([`crate::input::Horizon::locate`]), so a plan made a week earlier lines up by date, not by
//! period number; lots before the horizon start or from its end on are left out, and so are
//! lots of an item or way (route or supplier, as `ways.rs` reads them) that no longer exists
//! and lots that could no longer start in their period (`t + lead time >= T`, 0-based `t`, with
//! the lead time of the lot's way). Several previous lots of one way and period add up (the sum
//! snapped to the 1e-6 grid every written number is on). `xp = 0` where no lot is left.
//!
//! A way's lot quantity `x` differs from `xp` when they are more than [`WRITTEN_ROUNDING`]
//! apart (half the 1e-6 step of written numbers): that decides which `changes.csv` rows must
//! exist and what counts as a changed lot. The frozen fence compares with the feasibility
//! tolerance, like every other constraint.

use super::files::{ChangeRow, Changes, ReplanClaim};
use super::ways::Ways;
use super::{cost_eq, feasible_eq, fmt_num, zero_based, Checker, Via, ViolationKind, WRITTEN_ROUNDING};
use crate::costs::CostBreakdown;
use crate::format::snap;
use crate::input::{ItemKind, PeriodOf, PlanInput};
use std::collections::HashMap;

/// What a mismatch of the replanning settings asks the user to do.
const SAME_FLAGS: &str = "pass validate the same --previous, --frozen, --change-cost and --new-lot-cost as plan \
                          (or the same [replan] in plan.toml)";

/// `xp[w][t]`: the previous plan's quantity of way `w` started in 0-based period `t` (see the
/// module docs); `None` without replanning.
pub(super) fn previous_quantities(input: &PlanInput, ways: &Ways) -> Option<Vec<Vec<f64>>> {
    let replan = input.replan.as_ref()?;
    let n_periods = input.n_periods();
    let item_of: HashMap<&str, usize> = input.item_index_map();
    let mut previous = vec![vec![0.0; n_periods]; ways.len()];
    for lot in &replan.lots {
        let PeriodOf::InHorizon(t) = input.horizon.locate(lot.start_date) else { continue };
        let Some(&item_idx) = item_of.get(lot.item.as_str()) else { continue };
        let Some(w) = ways.named(input, item_idx, &lot.route, &lot.supplier) else { continue };
        let Some(way) = ways.get(w) else { continue };
        if t.saturating_add(way.lead_time) >= n_periods {
            continue;
        }
        if let Some(cell) = previous.get_mut(w).and_then(|row| row.get_mut(t)) {
            *cell = snap(*cell + lot.quantity);
        }
    }
    Some(previous)
}

/// `x` and `xp` differ by more than the rounding of one written number.
fn differs(quantity: f64, previous: f64) -> bool {
    (quantity - previous).abs() > WRITTEN_ROUNDING
}

/// The lots added, removed and changed and the units changed, over every way and period.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Counts {
    added: u64,
    removed: u64,
    changed: u64,
    units: f64,
}

impl Checker<'_> {
    /// `xp[w,t]` (0 without replanning).
    fn previous_lot(&self, way: usize, t: usize) -> f64 {
        self.previous.as_ref().and_then(|xp| xp.get(way)).and_then(|row| row.get(t)).copied().unwrap_or(0.0)
    }

    /// The frozen fence and `changes.csv` (`changes`: `None` when the folder has no changes
    /// file). Nothing to check without replanning: a changes file is then not read.
    pub(super) fn check_replan(&mut self, changes: Option<&Changes>) {
        if self.input.replan.is_none() {
            return;
        }
        self.check_fence();
        match changes {
            Some(changes) => self.check_changes(changes),
            None => {
                let detail = "the plan folder has no changes.csv or changes.parquet: a plan made against a previous \
                              plan lists its changed lots there"
                    .to_string();
                self.report(ViolationKind::MissingFile, "changes.csv", None, 0.0, detail);
            }
        }
    }

    /// Constraint 9: `x[w,t] = xp[w,t]` for every way and `t < F` (0-based) where the way's
    /// lot can start (`t + lead time < T`).
    fn check_fence(&mut self) {
        let Some(replan) = self.input.replan.as_ref() else { return };
        let fence = replan.frozen_periods.min(self.n_periods);
        let fence_words =
            if fence == 1 { "period 1 is frozen".to_string() } else { format!("periods 1..{fence} are frozen") };
        for w in 0..self.ways.len() {
            let Some(way) = self.ways.get(w) else { continue };
            let (item_idx, lead_time) = (way.item, way.lead_time);
            let Some(item) = self.input.items.get(item_idx) else { continue };
            for t in 0..fence {
                if t.saturating_add(lead_time) >= self.n_periods {
                    continue;
                }
                let (quantity, previous) = (self.lot(w, t), self.previous_lot(w, t));
                if feasible_eq(quantity, previous, 0.0) {
                    continue;
                }
                let what = if quantity <= 0.0 {
                    format!("the previous plan's lot of {} is missing", fmt_num(previous))
                } else if previous <= 0.0 {
                    format!("a lot of {} where the previous plan has none", fmt_num(quantity))
                } else {
                    format!("lot of {} but the previous plan's lot is {}", fmt_num(quantity), fmt_num(previous))
                };
                let detail = format!("{what} ({fence_words}: their lots must be the previous plan's)");
                let amount = (quantity - previous).abs();
                self.report_via(ViolationKind::FrozenLot, &item.id, self.via_of(w), Some(t), amount, detail);
            }
        }
    }

    /// `changes.csv`: exactly one row, with the right quantities, for every way and period
    /// where `x` differs from `xp`, and no other row.
    fn check_changes(&mut self, changes: &Changes) {
        let file = changes.file.as_str();
        let mut seen = vec![vec![false; self.n_periods]; self.ways.len()];
        for row in &changes.rows {
            let Some(w) = self.change_row_way(file, row) else { continue };
            let via = self.via_of(w);
            let Some(t) = zero_based(row.period, self.n_periods) else {
                let detail = format!("{file} row for period {}, outside 1..{}", row.period, self.n_periods);
                let amount = (row.quantity - row.previous_quantity).abs();
                self.report_raw_period_via(ViolationKind::PeriodOutOfRange, &row.item, via, row.period, amount, detail);
                continue;
            };
            if let Some(flag) = seen.get_mut(w).and_then(|flags| flags.get_mut(t)) {
                if *flag {
                    let detail = format!("more than one row in {file}");
                    self.report_via(ViolationKind::DuplicateRow, &row.item, via, Some(t), 0.0, detail);
                    continue;
                }
                *flag = true;
            }
            let (quantity, previous) = (self.lot(w, t), self.previous_lot(w, t));
            let claimed =
                format!("{file} lists a change from {} to {}", fmt_num(row.previous_quantity), fmt_num(row.quantity));
            if !differs(quantity, previous) {
                let detail = format!(
                    "{claimed}, but the lot is {} in both plans (a row only where the quantities differ)",
                    fmt_num(quantity)
                );
                let amount = (row.quantity - row.previous_quantity).abs();
                self.report_via(ViolationKind::ChangeRow, &row.item, via, Some(t), amount, detail);
                continue;
            }
            let right = feasible_eq(row.previous_quantity, previous, 0.0) && feasible_eq(row.quantity, quantity, 0.0);
            if !right {
                let detail = format!(
                    "{claimed}, but the previous plan's lot is {} and this plan's {}",
                    fmt_num(previous),
                    fmt_num(quantity)
                );
                let amount = (row.previous_quantity - previous).abs().max((row.quantity - quantity).abs());
                self.report_via(ViolationKind::ChangeRow, &row.item, via, Some(t), amount, detail);
            }
        }
        for w in 0..self.ways.len() {
            let Some(item_idx) = self.ways.get(w).map(|way| way.item) else { continue };
            let Some(item) = self.input.items.get(item_idx) else { continue };
            for t in 0..self.n_periods {
                let (quantity, previous) = (self.lot(w, t), self.previous_lot(w, t));
                let listed = seen.get(w).and_then(|flags| flags.get(t)).copied().unwrap_or(false);
                if listed || !differs(quantity, previous) {
                    continue;
                }
                let detail = format!(
                    "no row in {file} for the lot changed from {} in the previous plan to {}",
                    fmt_num(previous),
                    fmt_num(quantity)
                );
                let amount = (quantity - previous).abs();
                self.report_via(ViolationKind::MissingRow, &item.id, self.via_of(w), Some(t), amount, detail);
            }
        }
    }

    /// The way a `changes.csv` row names; a row of an unknown item or way is reported.
    fn change_row_way(&mut self, file: &str, row: &ChangeRow) -> Option<usize> {
        let input = self.input;
        let via = Via::of_row(&row.route, &row.supplier);
        let amount = (row.quantity - row.previous_quantity).abs();
        let Some(&item_idx) = self.item_index.get(row.item.as_str()) else {
            let detail = format!("{file} row for an item that is not in items.csv");
            self.report_raw_period_via(ViolationKind::UnknownItem, &row.item, via, row.period, amount, detail);
            return None;
        };
        if let Some(w) = self.ways.named(input, item_idx, &row.route, &row.supplier) {
            return Some(w);
        }
        let ways = self.ways.describe(input, item_idx).join(", ");
        let id = row.item.as_str();
        let (kind, what) = match (row.route.as_str(), row.supplier.as_str()) {
            ("", "") => {
                let kind = match input.items.get(item_idx).map(|item| item.kind) {
                    Some(ItemKind::Make) => ViolationKind::UnnamedRoute,
                    _ => ViolationKind::UnnamedSupplier,
                };
                (kind, format!("names no route or supplier, but {id} has no unnamed route or supplier"))
            }
            (route, "") => (ViolationKind::UnknownRoute, format!("names route {route:?}, which is not a way of {id}")),
            ("", supplier) => {
                (ViolationKind::UnknownSupplier, format!("names supplier {supplier:?}, which is not a way of {id}"))
            }
            (route, supplier) => (
                ViolationKind::RouteAndSupplier,
                format!("names route {route:?} and supplier {supplier:?}: a way is a route or a supplier"),
            ),
        };
        let detail = format!("the {file} row {what} (its ways: {ways})");
        self.report_raw_period_via(kind, &row.item, via, row.period, amount, detail);
        None
    }

    /// The spec's two replanning terms, for `t >= F` (0-based): `change = change_cost * sum
    /// |x - xp|` and `new_lot = new_lot_cost * #{x > 0, xp = 0}`; both 0 without replanning.
    pub(super) fn add_replan_costs(&self, costs: &mut CostBreakdown) {
        let Some(replan) = self.input.replan.as_ref() else { return };
        let (mut units, mut new_lots) = (0.0, 0_u64);
        for w in 0..self.ways.len() {
            for t in replan.frozen_periods..self.n_periods {
                let (quantity, previous) = (self.lot(w, t), self.previous_lot(w, t));
                units += (quantity - previous).abs();
                if quantity > 0.0 && previous <= 0.0 {
                    new_lots += 1;
                }
            }
        }
        costs.change = replan.change_cost * units;
        costs.new_lot = replan.new_lot_cost * new_lots as f64;
    }

    /// Lots added (`xp = 0 < x`), removed (`x = 0 < xp`) and changed (both positive, `x`
    /// differs from `xp`), and units changed (`sum |x - xp|`), over every way and period.
    fn replan_counts(&self) -> Counts {
        let mut counts = Counts::default();
        for w in 0..self.ways.len() {
            for t in 0..self.n_periods {
                let (quantity, previous) = (self.lot(w, t), self.previous_lot(w, t));
                match (quantity > 0.0, previous > 0.0) {
                    (true, false) => counts.added += 1,
                    (false, true) => counts.removed += 1,
                    (true, true) if differs(quantity, previous) => counts.changed += 1,
                    _ => {}
                }
                counts.units += (quantity - previous).abs();
            }
        }
        counts
    }

    /// `summary.json`'s `replan` object against the replanning validate was given: present
    /// exactly when validate replans, the same settings (`frozen_periods`, `change_cost`,
    /// `new_lot_cost`; `previous` is not compared) and the recomputed counts.
    pub(super) fn check_replan_summary(&mut self, claim: Option<&ReplanClaim>) {
        let Some(replan) = self.input.replan.as_ref() else {
            if let Some(claim) = claim {
                let previous =
                    claim.previous.as_deref().map_or_else(|| "a previous plan".to_string(), |p| format!("{p:?}"));
                let detail = format!(
                    "summary.json records replanning against {previous}, but validate was given no previous plan: {SAME_FLAGS}"
                );
                self.report(ViolationKind::ReplanSettings, "replan", None, 0.0, detail);
            }
            return;
        };
        let Some(claim) = claim else {
            let detail = format!(
                "validate was given a previous plan ({}), but summary.json has no replan object, so the plan was made \
                 without one: {SAME_FLAGS}",
                replan.previous.display()
            );
            self.report(ViolationKind::ReplanSettings, "replan", None, 0.0, detail);
            return;
        };
        let (frozen, change_cost, new_lot_cost) = (replan.frozen_periods, replan.change_cost, replan.new_lot_cost);
        match claim.frozen_periods {
            Some(claimed) if claimed == frozen as u64 => {}
            Some(claimed) => {
                let detail = format!(
                    "the plan was made with {claimed} frozen periods, validate was given {frozen}: {SAME_FLAGS}"
                );
                let amount = claimed.abs_diff(frozen as u64) as f64;
                self.report(ViolationKind::ReplanSettings, "replan.frozen_periods", None, amount, detail);
            }
            None => self.missing_replan_field("frozen_periods", &frozen.to_string()),
        }
        for (name, claimed, given) in
            [("change_cost", claim.change_cost, change_cost), ("new_lot_cost", claim.new_lot_cost, new_lot_cost)]
        {
            match claimed {
                Some(claimed) if cost_eq(claimed, given) => {}
                Some(claimed) => {
                    let detail = format!(
                        "the plan was made with {name} {}, validate was given {}: {SAME_FLAGS}",
                        fmt_num(claimed),
                        fmt_num(given)
                    );
                    let subject = format!("replan.{name}");
                    self.report(ViolationKind::ReplanSettings, &subject, None, (claimed - given).abs(), detail);
                }
                None => self.missing_replan_field(name, &fmt_num(given)),
            }
        }
        let counts = self.replan_counts();
        let whole = [
            ("lots_added", claim.lots_added, counts.added),
            ("lots_removed", claim.lots_removed, counts.removed),
            ("lots_changed", claim.lots_changed, counts.changed),
        ];
        for (name, claimed, recomputed) in whole {
            match claimed {
                Some(claimed) if claimed == recomputed => {}
                Some(claimed) => {
                    let detail = format!(
                        "summary.json says {claimed} but the plan's lots against the previous plan's give {recomputed}"
                    );
                    let amount = claimed.abs_diff(recomputed) as f64;
                    self.report(ViolationKind::ReplanCount, &format!("replan.{name}"), None, amount, detail);
                }
                None => self.missing_replan_field(name, &recomputed.to_string()),
            }
        }
        match claim.units_changed {
            Some(claimed) if cost_eq(claimed, counts.units) => {}
            Some(claimed) => {
                let detail = format!(
                    "summary.json says {} but the plan's lots against the previous plan's give {} (difference {})",
                    fmt_num(claimed),
                    fmt_num(counts.units),
                    fmt_num(claimed - counts.units)
                );
                let amount = (claimed - counts.units).abs();
                self.report(ViolationKind::ReplanCount, "replan.units_changed", None, amount, detail);
            }
            None => self.missing_replan_field("units_changed", &fmt_num(counts.units)),
        }
    }

    fn missing_replan_field(&mut self, name: &str, expected: &str) {
        let detail = format!("replan.{name} missing in summary.json (expected {expected})");
        self.report(ViolationKind::SummaryField, &format!("replan.{name}"), None, 0.0, detail);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Bucket, Horizon, Item, LotTerms, PreviousLot, Replan, Route, Routing, Source, Supplier};
    use chrono::NaiveDate;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test dates are valid")
    }

    fn lot(item: &str, route: &str, supplier: &str, start: &str, quantity: f64) -> PreviousLot {
        PreviousLot {
            row: 2,
            item: item.to_string(),
            route: route.to_string(),
            supplier: supplier.to_string(),
            start_date: date(start),
            quantity,
        }
    }

    /// Weekly periods from `start`, 4 of them. A (make) on routes FAST (lead 0) and SLOW (lead
    /// 2); B (buy) from MILL; C (buy, lead 1) from its unnamed supplier.
    fn input(start: &str, lots: Vec<PreviousLot>) -> PlanInput {
        let c = Item { lead_time: 1, ..Item::new("C", ItemKind::Buy) };
        let route = |id: &str, lead_time: usize| Route {
            item: 0,
            id: id.to_string(),
            terms: LotTerms { lead_time: Some(lead_time), ..LotTerms::default() },
        };
        let routing = |route: usize| Routing { route: Some(route), ..Routing::new(0, 0, 0.0, 0.0, 0.0) };
        PlanInput {
            items: vec![Item::new("A", ItemKind::Make), Item::new("B", ItemKind::Buy), c],
            resources: vec![crate::input::Resource {
                id: "M".to_string(),
                capacity: vec![100.0; 4],
                overtime_max: 0.0,
                overtime_cost: 0.0,
            }],
            routings: vec![routing(0), routing(1)],
            routes: vec![route("FAST", 0), route("SLOW", 2)],
            sources: vec![Source { item: 1, supplier: 0, terms: LotTerms::default(), max_per_period: None }],
            suppliers: vec![Supplier { id: "MILL".to_string(), order_cost: 0.0 }],
            replan: Some(Replan {
                previous: "../prev".into(),
                frozen_periods: 1,
                change_cost: 0.5,
                new_lot_cost: 10.0,
                lots,
            }),
            ..PlanInput::new(Horizon { start: date(start), bucket: Bucket::Week, periods: 4 })
        }
    }

    /// `xp` per way (A/FAST, A/SLOW, B/MILL, C) and period.
    fn xp(input: &PlanInput) -> Option<Vec<Vec<f64>>> {
        let ways = Ways::new(input);
        assert_eq!(ways.describe(input, 0), ["route FAST", "route SLOW"]);
        assert_eq!(ways.describe(input, 1), ["supplier MILL"]);
        assert_eq!(ways.describe(input, 2), ["its unnamed supplier"]);
        previous_quantities(input, &ways)
    }

    #[test]
    fn previous_lots_fall_in_the_period_holding_their_start_date_and_add_up() {
        let lots = vec![
            lot("A", "FAST", "", "2026-01-05", 10.0),
            lot("A", "FAST", "", "2026-01-12", 20.0),
            lot("A", "FAST", "", "2026-01-14", 5.0), // a Wednesday of period 2: summed with the 20
            lot("B", "", "MILL", "2026-01-25", 0.1),
            lot("B", "", "MILL", "2026-01-19", 0.2), // 0.1 + 0.2 snapped: 0.3
            lot("C", "", "", "2026-01-26", 8.0),     // period 4, lead 1: arrives after the horizon
        ];
        let want = vec![
            vec![10.0, 25.0, 0.0, 0.0],
            vec![0.0; 4],
            vec![0.0, 0.0, 0.3, 0.0],
            vec![0.0; 4], // C's lot could no longer start in period 4
        ];
        assert_eq!(xp(&input("2026-01-05", lots)), Some(want));
    }

    #[test]
    fn a_horizon_starting_later_aligns_previous_lots_by_date() {
        let lots = vec![
            lot("A", "FAST", "", "2026-01-05", 10.0), // before the horizon start: left out
            lot("A", "FAST", "", "2026-01-12", 30.0), // period 1 of a horizon starting 2026-01-12
            lot("A", "SLOW", "", "2026-01-19", 6.0),  // period 2; lead 2: 1 + 2 < 4, kept
            lot("A", "SLOW", "", "2026-01-26", 7.0),  // period 3; lead 2: 2 + 2 >= 4, left out
            lot("C", "", "", "2026-02-09", 4.0),      // the first day after the horizon: left out
        ];
        let want = vec![vec![30.0, 0.0, 0.0, 0.0], vec![0.0, 6.0, 0.0, 0.0], vec![0.0; 4], vec![0.0; 4]];
        assert_eq!(xp(&input("2026-01-12", lots.clone())), Some(want));
        // The same lots a week earlier: 2026-01-12 is period 2 there.
        let earlier = vec![
            vec![10.0, 30.0, 0.0, 0.0],
            vec![0.0, 0.0, 0.0, 0.0], // SLOW's lots in periods 3 and 4 can no longer start
            vec![0.0; 4],
            vec![0.0; 4],
        ];
        assert_eq!(xp(&input("2026-01-05", lots)), Some(earlier));
    }

    #[test]
    fn previous_lots_of_an_item_or_way_that_no_longer_exists_are_left_out() {
        let lots = vec![
            lot("GONE", "", "", "2026-01-19", 1.0),
            lot("A", "OLD", "", "2026-01-19", 2.0),
            lot("A", "", "", "2026-01-19", 3.0), // A has no unnamed route
            lot("B", "", "", "2026-01-19", 4.0), // B is bought only from MILL
            lot("B", "", "OTHER", "2026-01-19", 5.0),
            lot("B", "FAST", "MILL", "2026-01-19", 6.0),
            lot("C", "", "", "2026-01-19", 7.0),
        ];
        let want = vec![vec![0.0; 4], vec![0.0; 4], vec![0.0; 4], vec![0.0, 0.0, 7.0, 0.0]];
        assert_eq!(xp(&input("2026-01-05", lots)), Some(want));
    }

    #[test]
    fn without_replanning_there_is_no_previous_plan() {
        let mut input = input("2026-01-05", Vec::new());
        input.replan = None;
        assert_eq!(xp(&input), None);
    }

    #[test]
    fn quantities_differ_beyond_half_a_written_step() {
        assert!(!differs(0.1 + 0.2, 0.3));
        assert!(!differs(25.0, 25.0000004));
        assert!(differs(25.0, 25.000001));
        assert!(differs(0.0, 0.000001));
    }
}
