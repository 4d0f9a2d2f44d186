//! A plan as numbers: every quantity of the spec's formulation, and its cost by term (the
//! spec's objective evaluated on those numbers).

pub use crate::costs::CostBreakdown;
use crate::grid::Grid;
use crate::input::{PlanInput, Routing};
use serde::Serialize;

/// A plan: every quantity of the spec's formulation, one row per item (resources: one row
/// per resource), 0-based periods.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanSolution {
    /// Lot started/ordered `x[i,t]` (0 = no lot).
    pub lots: Grid<f64>,
    /// Planned demand `D[i,t]`.
    pub demand: Grid<f64>,
    /// Shipments `F[i,t]`.
    pub shipped: Grid<f64>,
    /// End inventory `I[i,t]`.
    pub inventory: Grid<f64>,
    /// Backlog `B[i,t]`.
    pub backlog: Grid<f64>,
    /// Safety-stock shortfall `S[i,t]`.
    pub shortfall: Grid<f64>,
    /// Run time `Σ u x` per resource and period.
    pub run_time: Grid<f64>,
    /// Setup time `Σ s y` per resource and period.
    pub setup_time: Grid<f64>,
    /// Overtime `O[r,t]`.
    pub overtime: Grid<f64>,
}

impl PlanSolution {
    /// Number of periods `T`.
    pub fn n_periods(&self) -> usize {
        self.lots.periods()
    }
}

/// Run time `Σ u x` and setup time `Σ s [x > 0]` on each of `n_resources` resources and
/// period of `lots` (one row per item), summed in routing-row order (the order of the model's
/// capacity rows). Routings naming an item or resource out of range are left out.
pub(crate) fn resource_load(routings: &[Routing], n_resources: usize, lots: &Grid<f64>) -> (Grid<f64>, Grid<f64>) {
    let n_periods = lots.periods();
    let mut run_time = Grid::new(n_resources, n_periods, 0.0);
    let mut setup_time = Grid::new(n_resources, n_periods, 0.0);
    for ro in routings.iter().filter(|ro| ro.item < lots.rows() && ro.resource < n_resources) {
        for (t, &x) in lots.row(ro.item).iter().enumerate() {
            if x > 0.0 {
                run_time[(ro.resource, t)] += ro.unit_time * x;
                setup_time[(ro.resource, t)] += ro.setup_time;
            }
        }
    }
    (run_time, setup_time)
}

/// The spec's objective evaluated on a plan, by term.
pub fn plan_costs(input: &PlanInput, s: &PlanSolution) -> CostBreakdown {
    let n_periods = s.n_periods();
    let mut c = CostBreakdown::default();
    for (i, item) in input.items.iter().enumerate() {
        let setup_cost: f64 = input.routings_of(i).map(|r| r.setup_cost).sum();
        for t in 0..n_periods {
            let k = (i, t);
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
            c.overtime += res.overtime_cost * s.overtime[(r, t)];
        }
    }
    c
}
