//! Every cost term recomputed from the reported quantities, and the claims of `summary.json`
//! (status, cost terms, objective, fill and on-time rates) compared with the recomputation.

use super::files::Summary;
use super::{cost_eq, fmt_num, Checker, ViolationKind};
use crate::costs::CostBreakdown;

/// The cost terms spec version 2 added: a summary without them is a version-1 plan's, right
/// when the plan has none of these costs.
const VERSION_2_TERMS: [&str; 3] = ["family_setup", "joint_order", "unmet"];

impl Checker<'_> {
    /// Every term of the objective, from the plan's reported quantities.
    pub(super) fn costs(&self) -> CostBreakdown {
        let input = self.input;
        let mut costs = CostBreakdown::default();
        for (item_idx, item) in input.items.iter().enumerate() {
            let setup_cost = self.setup_cost_by_item.get(item_idx).copied().unwrap_or(0.0);
            for t in 0..self.n_periods {
                costs.unit += item.unit_cost * self.lot(item_idx, t);
                if self.has_lot(item_idx, t) {
                    costs.ordering += item.order_cost;
                    costs.setup += setup_cost;
                }
                if let Some(values) = self.inventory_row(item_idx, t) {
                    costs.holding += item.holding_cost * values.inventory;
                    costs.backlog += item.backlog_cost.unwrap_or(0.0) * values.backlog;
                    costs.safety_stock += item.safety_stock_penalty * values.safety_shortfall;
                }
            }
        }
        for (resource_idx, resource) in input.resources.iter().enumerate() {
            for values in self.resources.get(resource_idx).into_iter().flatten().flatten() {
                costs.overtime += resource.overtime_cost * values.overtime;
            }
        }
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
        summary.objective
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
