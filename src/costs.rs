//! The terms of the spec's objective (section 2): one home for their names, so the plan's
//! cost breakdown, the checker's recomputation, `summary.json`, the sweep's cost scales and
//! its result columns all list the same terms in the same order.

use serde::{Deserialize, Serialize};

/// One value per term of the objective: a plan's cost by term, or a factor per term.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct CostBreakdown {
    /// `Σ unit_cost x`.
    pub unit: f64,
    /// `Σ holding_cost I`.
    pub holding: f64,
    /// `Σ backlog_cost B`.
    pub backlog: f64,
    /// `Σ safety_stock_penalty S`.
    pub safety_stock: f64,
    /// `Σ order_cost y`.
    pub ordering: f64,
    /// `Σ routing setup_cost y`.
    pub setup: f64,
    /// `Σ overtime_cost O`.
    pub overtime: f64,
    /// `Σ family setup_cost z` (v2: major setups of families on resources).
    pub family_setup: f64,
    /// `Σ supplier order_cost w` (v2: joint order costs, once per supplier and period).
    pub joint_order: f64,
    /// `Σ unmet_cost B[i,T]` (v2: demand still unshipped at the end of the horizon).
    pub unmet: f64,
    /// `Σ_{t>F} change_cost |x - xp|` (v2 replanning: lot quantity changed since the previous
    /// plan after the frozen fence).
    pub change: f64,
    /// `Σ_{t>F} new_lot_cost y [xp = 0]` (v2 replanning: lots where the previous plan had none).
    pub new_lot: f64,
}

impl CostBreakdown {
    /// The terms' names, as `summary.json`, scenario files and result columns spell them.
    pub const NAMES: [&'static str; 12] = [
        "unit",
        "holding",
        "backlog",
        "safety_stock",
        "ordering",
        "setup",
        "overtime",
        "family_setup",
        "joint_order",
        "unmet",
        "change",
        "new_lot",
    ];

    /// Every term equal to `value` (e.g. 1: factors that change nothing).
    pub fn splat(value: f64) -> Self {
        CostBreakdown {
            unit: value,
            holding: value,
            backlog: value,
            safety_stock: value,
            ordering: value,
            setup: value,
            overtime: value,
            family_setup: value,
            joint_order: value,
            unmet: value,
            change: value,
            new_lot: value,
        }
    }

    /// The terms' values in the order of [`CostBreakdown::NAMES`].
    pub fn values(&self) -> [f64; 12] {
        [
            self.unit,
            self.holding,
            self.backlog,
            self.safety_stock,
            self.ordering,
            self.setup,
            self.overtime,
            self.family_setup,
            self.joint_order,
            self.unmet,
            self.change,
            self.new_lot,
        ]
    }

    /// The terms with their names, in a fixed order.
    pub fn terms(&self) -> impl Iterator<Item = (&'static str, f64)> {
        Self::NAMES.into_iter().zip(self.values())
    }

    /// The term called `name`, if there is one.
    pub fn term_mut(&mut self, name: &str) -> Option<&mut f64> {
        Some(match name {
            "unit" => &mut self.unit,
            "holding" => &mut self.holding,
            "backlog" => &mut self.backlog,
            "safety_stock" => &mut self.safety_stock,
            "ordering" => &mut self.ordering,
            "setup" => &mut self.setup,
            "overtime" => &mut self.overtime,
            "family_setup" => &mut self.family_setup,
            "joint_order" => &mut self.joint_order,
            "unmet" => &mut self.unmet,
            "change" => &mut self.change,
            "new_lot" => &mut self.new_lot,
            _ => return None,
        })
    }

    /// Each term mapped by `f`.
    pub fn map(&self, f: impl Fn(f64) -> f64) -> Self {
        let mut out = *self;
        for name in Self::NAMES {
            if let Some(value) = out.term_mut(name) {
                *value = f(*value);
            }
        }
        out
    }

    /// The objective: the sum of all terms (the version-1 terms first, in their old order, so a
    /// version-1 plan's total is the same number to the last bit).
    pub fn total(&self) -> f64 {
        self.unit
            + self.holding
            + self.backlog
            + self.safety_stock
            + self.ordering
            + self.setup
            + self.overtime
            + self.family_setup
            + self.joint_order
            + self.unmet
            + self.change
            + self.new_lot
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_has_its_term() {
        let mut costs = CostBreakdown::default();
        for (k, name) in CostBreakdown::NAMES.iter().enumerate() {
            *costs.term_mut(name).expect("a term") = k as f64 + 1.0;
        }
        assert_eq!(costs.values(), [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0]);
        assert_eq!(costs.total(), 78.0);
        assert_eq!(costs.term_mut("setups"), None);
        assert_eq!(costs.map(|v| v * 2.0).total(), 156.0);
        let json = serde_json::to_value(costs).expect("serialises");
        assert_eq!(json.as_object().map(|o| o.keys().len()), Some(CostBreakdown::NAMES.len()));
    }
}
