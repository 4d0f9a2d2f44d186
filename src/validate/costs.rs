//! Every cost term recomputed from the reported quantities (each lot at its way's values; the
//! family setups, joint supplier orders and unmet demand of spec version 2, and the change and
//! new-lot costs of replanning, from `replan.rs`), and the claims of
//! `summary.json` (status, cost terms, objective, fill and on-time rates, units and spend per
//! supplier) compared with the recomputation.

use super::files::Summary;
use super::{cost_eq, fmt_num, Checker, ViolationKind};
use crate::costs::CostBreakdown;

/// The cost terms spec version 2 added: a summary without them is a version-1 plan's, right
/// when the plan has none of these costs.
const VERSION_2_TERMS: [&str; 5] = ["family_setup", "joint_order", "unmet", "change", "new_lot"];

impl Checker<'_> {
    /// Every term of the objective, from the plan's reported quantities: per way its unit cost,
    /// order cost and the setup costs of its routing rows; per family on a resource its setup
    /// cost in each period in which it runs; per supplier its joint order cost in each period
    /// with any lot from it; per item its unmet cost on the backlog reported for the last period;
    /// when replanning, the change and new-lot costs after the frozen fence (`replan.rs`).
    pub(super) fn costs(&self) -> CostBreakdown {
        let input = self.input;
        let mut costs = CostBreakdown::default();
        for (item_idx, item) in input.items.iter().enumerate() {
            let ways = self.ways.of(item_idx);
            for t in 0..self.n_periods {
                for &w in ways {
                    let Some(way) = self.ways.get(w) else { continue };
                    costs.unit += way.unit_cost * self.lot(w, t);
                    if self.has_lot(w, t) {
                        costs.ordering += way.order_cost;
                        costs.setup += way.setup_cost;
                    }
                }
                if let Some(values) = self.inventory_row(item_idx, t) {
                    costs.holding += item.holding_cost * values.inventory;
                    costs.backlog += item.backlog_cost.unwrap_or(0.0) * values.backlog;
                    costs.safety_stock += item.safety_stock_penalty * values.safety_shortfall;
                }
            }
            let last = self.n_periods.checked_sub(1).and_then(|t| self.inventory_row(item_idx, t));
            if let (true, Some(values)) = (item.unmet_cost != 0.0, last) {
                costs.unmet += item.unmet_cost * values.backlog;
            }
        }
        for (resource_idx, resource) in input.resources.iter().enumerate() {
            for values in self.resources.get(resource_idx).into_iter().flatten().flatten() {
                costs.overtime += resource.overtime_cost * values.overtime;
            }
        }
        for (family_idx, family) in input.families.iter().enumerate() {
            for t in 0..self.n_periods {
                if self.family_runs(family_idx, t) {
                    costs.family_setup += family.setup_cost;
                }
            }
        }
        for (supplier_idx, supplier) in input.suppliers.iter().enumerate() {
            let bought = self.ways.of_supplier.get(supplier_idx).map_or(&[][..], Vec::as_slice);
            for t in 0..self.n_periods {
                if bought.iter().any(|&w| self.has_lot(w, t)) {
                    costs.joint_order += supplier.order_cost;
                }
            }
        }
        self.add_replan_costs(&mut costs);
        costs
    }

    /// Compares `summary.json` with the recomputation; returns the reported objective.
    pub(super) fn check_summary(
        &mut self,
        summary: &Summary,
        costs: &CostBreakdown,
        fill_rate: f64,
        on_time_rate: f64,
    ) -> Option<f64> {
        match summary.status.as_deref() {
            Some("optimal" | "feasible") => {}
            Some(other) => {
                let detail = format!("status {other:?}: a written plan must be \"optimal\" or \"feasible\"");
                self.report(ViolationKind::Status, "status", None, 0.0, detail);
            }
            None => {
                self.report(ViolationKind::SummaryField, "status", None, 0.0, "missing in summary.json".to_string())
            }
        }
        for (name, expected) in costs.terms() {
            match summary.costs.get(name).copied().flatten() {
                Some(reported) => self.compare_claim(ViolationKind::Cost, name, reported, expected, "cost"),
                // A plan of a version-1 planner has no version-2 terms; they must then be 0.
                None if VERSION_2_TERMS.contains(&name) && expected == 0.0 => {}
                None => {
                    let detail = format!("costs.{name} missing in summary.json (recomputed {})", fmt_num(expected));
                    self.report(ViolationKind::SummaryField, name, None, expected.abs(), detail);
                }
            }
        }
        let claims = [
            (ViolationKind::Objective, "objective", summary.objective, costs.total()),
            (ViolationKind::FillRate, "fill_rate", summary.fill_rate, fill_rate),
            (ViolationKind::OnTimeRate, "on_time_rate", summary.on_time_rate, on_time_rate),
        ];
        for (kind, name, reported, expected) in claims {
            match reported {
                Some(reported) => self.compare_claim(kind, name, reported, expected, "value"),
                None => {
                    let detail = format!("missing in summary.json (recomputed {})", fmt_num(expected));
                    self.report(ViolationKind::SummaryField, name, None, expected.abs(), detail);
                }
            }
        }
        for claim in &summary.suppliers {
            self.check_supplier_claim(claim);
        }
        summary.objective
    }

    /// What the plan buys from supplier `v`: units, and spend (units at their way's unit cost,
    /// each lot's order cost, the joint order cost per period with a lot).
    fn supplier_spend(&self, v: usize) -> (f64, f64) {
        let bought = self.ways.of_supplier.get(v).map_or(&[][..], Vec::as_slice);
        let (mut units, mut spend) = (0.0, 0.0);
        for t in 0..self.n_periods {
            let mut ordered = false;
            for &w in bought {
                let Some(way) = self.ways.get(w) else { continue };
                units += self.lot(w, t);
                spend += way.unit_cost * self.lot(w, t);
                if self.has_lot(w, t) {
                    spend += way.order_cost;
                    ordered = true;
                }
            }
            if ordered {
                spend += self.input.suppliers[v].order_cost;
            }
        }
        (units, spend)
    }

    /// Compares one entry of `summary.json`'s `suppliers` with the plan's lots.
    fn check_supplier_claim(&mut self, claim: &super::files::SupplierClaim) {
        let name = format!("suppliers.{}", claim.supplier);
        let Some(v) = self.input.suppliers.iter().position(|s| s.id == claim.supplier) else {
            let detail = format!("supplier {:?} is not in the plan's sources.csv", claim.supplier);
            self.report(ViolationKind::SummaryField, &name, None, 0.0, detail);
            return;
        };
        let (units, spend) = self.supplier_spend(v);
        for (what, reported, expected) in [("units", claim.units, units), ("spend", claim.spend, spend)] {
            match reported {
                Some(reported) => {
                    self.compare_claim(ViolationKind::Cost, &format!("{name}.{what}"), reported, expected, what)
                }
                None => {
                    let detail = format!("{name}.{what} missing in summary.json (recomputed {})", fmt_num(expected));
                    self.report(ViolationKind::SummaryField, &name, None, expected.abs(), detail);
                }
            }
        }
    }

    fn compare_claim(&mut self, kind: ViolationKind, name: &str, reported: f64, expected: f64, what: &str) {
        if !cost_eq(reported, expected) {
            let detail = format!(
                "summary.json says {} but the plan's {what} recomputes to {} (difference {})",
                fmt_num(reported),
                fmt_num(expected),
                fmt_num(reported - expected)
            );
            self.report(kind, name, None, (reported - expected).abs(), detail);
        }
    }
}
