//! A plan as numbers: every quantity of the spec's formulation, and its cost by term (the
//! spec's objective evaluated on those numbers).

use crate::input::PlanInput;
use serde::Serialize;

/// A plan: every quantity of the spec's formulation, indexed `item * T + t` (resources:
/// `resource * T + t`), 0-based periods.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanSolution {
    /// Number of periods `T`.
    pub n_periods: usize,
    /// Lot started/ordered `x[i,t]` (0 = no lot).
    pub lots: Vec<f64>,
    /// Planned demand `D[i,t]`.
    pub demand: Vec<f64>,
    /// Shipments `F[i,t]`.
    pub shipped: Vec<f64>,
    /// End inventory `I[i,t]`.
    pub inventory: Vec<f64>,
    /// Backlog `B[i,t]`.
    pub backlog: Vec<f64>,
    /// Safety-stock shortfall `S[i,t]`.
    pub shortfall: Vec<f64>,
    /// Run time `Σ u x` per resource and period.
    pub run_time: Vec<f64>,
    /// Setup time `Σ s y` per resource and period.
    pub setup_time: Vec<f64>,
    /// Overtime `O[r,t]`.
    pub overtime: Vec<f64>,
}

/// Cost of a plan, by term of the spec's objective.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
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
}

impl CostBreakdown {
    /// The objective: the sum of all terms.
    pub fn total(&self) -> f64 {
        self.unit + self.holding + self.backlog + self.safety_stock + self.ordering + self.setup + self.overtime
    }
}

/// The spec's objective evaluated on a plan, by term.
pub fn plan_costs(input: &PlanInput, s: &PlanSolution) -> CostBreakdown {
    let n_periods = s.n_periods;
    let mut c = CostBreakdown::default();
    for (i, item) in input.items.iter().enumerate() {
        let setup_cost: f64 = input.routings.iter().filter(|r| r.item == i).map(|r| r.setup_cost).sum();
        for t in 0..n_periods {
            let k = i * n_periods + t;
            c.unit += item.unit_cost * s.lots[k];
            c.holding += item.holding_cost * s.inventory[k];
            c.backlog += item.backlog_cost.unwrap_or(0.0) * s.backlog[k];
            c.safety_stock += item.safety_stock_penalty * s.shortfall[k];
            if s.lots[k] > 0.0 {
                c.ordering += item.order_cost;
                c.setup += setup_cost;
            }
        }
    }
    for (r, res) in input.resources.iter().enumerate() {
        for t in 0..n_periods {
            c.overtime += res.overtime_cost * s.overtime[r * n_periods + t];
        }
    }
    c
}
