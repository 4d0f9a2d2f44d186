//! A plan as numbers: every quantity of the spec's formulation, and its cost by term (the
//! spec's objective evaluated on those numbers).

pub use crate::costs::CostBreakdown;
use crate::grid::Grid;
use crate::input::{Options, PlanInput, Routing};
use serde::Serialize;

/// A plan: every quantity of the spec's formulation, 0-based periods: lots one row per
/// option ([`Options`]; per item for a version-1 plan), stock one row per item, loads one row
/// per resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanSolution {
    /// Lot started/ordered `x[o,t]` (0 = no lot), one row per option.
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
    /// Setup time `Σ s y + Σ ST z` per resource and period (the routings' setups and the
    /// families' major setups).
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

/// Run time `Σ u x` and setup time `Σ s [x > 0]` of `routings` on each of `n_resources`
/// resources and period, the lot of routing row `row` being row `lot_row(row, routing)` of
/// `lots`; summed in routing-row order (the order of the model's capacity rows). Rows whose lot
/// row or resource is out of range are left out.
pub(crate) fn routing_load(
    routings: &[Routing],
    n_resources: usize,
    lots: &Grid<f64>,
    lot_row: impl Fn(usize, &Routing) -> Option<usize>,
) -> (Grid<f64>, Grid<f64>) {
    let n_periods = lots.periods();
    let mut run_time = Grid::new(n_resources, n_periods, 0.0);
    let mut setup_time = Grid::new(n_resources, n_periods, 0.0);
    for (row, ro) in routings.iter().enumerate() {
        let Some(lot_row) = lot_row(row, ro).filter(|&r| r < lots.rows() && ro.resource < n_resources) else {
            continue;
        };
        for (t, &x) in lots.row(lot_row).iter().enumerate() {
            if x > 0.0 {
                run_time[(ro.resource, t)] += ro.unit_time * x;
                setup_time[(ro.resource, t)] += ro.setup_time;
            }
        }
    }
    (run_time, setup_time)
}

/// The load of a plan's `lots` (one row per option): [`routing_load`] plus each family's setup
/// time once per period in which any of its lots runs.
pub(crate) fn resource_load(input: &PlanInput, options: &Options, lots: &Grid<f64>) -> (Grid<f64>, Grid<f64>) {
    let (run_time, mut setup_time) =
        routing_load(&input.routings, input.resources.len(), lots, |row, _| options.of_routing_row(row));
    let active = family_setups(input, options, lots);
    for (f, family) in input.families.iter().enumerate() {
        for (t, &on) in active.row(f).iter().enumerate() {
            if on && family.resource < input.resources.len() {
                setup_time[(family.resource, t)] += family.setup_time;
            }
        }
    }
    (run_time, setup_time)
}

/// `z[f,t]`: whether family `f` sets up in period `t` (some lot with a routing row in it runs).
pub(crate) fn family_setups(input: &PlanInput, options: &Options, lots: &Grid<f64>) -> Grid<bool> {
    let mut active = Grid::new(input.families.len(), lots.periods(), false);
    for (row, routing) in input.routings.iter().enumerate() {
        let (Some(f), Some(o)) = (routing.family, options.of_routing_row(row)) else { continue };
        for (t, &x) in lots.row(o).iter().enumerate() {
            if x > 0.0 {
                if let Some(cell) = active.get_mut(f, t) {
                    *cell = true;
                }
            }
        }
    }
    active
}

/// `w[v,t]`: whether anything is ordered from supplier `v` in period `t`.
pub(crate) fn joint_orders(input: &PlanInput, options: &Options, lots: &Grid<f64>) -> Grid<bool> {
    let mut active = Grid::new(input.suppliers.len(), lots.periods(), false);
    for (o, option) in options.all().iter().enumerate() {
        let Some(v) = option.supplier() else { continue };
        for (t, &x) in lots.row(o).iter().enumerate() {
            if x > 0.0 {
                if let Some(cell) = active.get_mut(v, t) {
                    *cell = true;
                }
            }
        }
    }
    active
}

/// The spec's objective evaluated on a plan, by term.
pub fn plan_costs(input: &PlanInput, options: &Options, s: &PlanSolution) -> CostBreakdown {
    let n_periods = s.n_periods();
    let mut c = CostBreakdown::default();
    let setup_cost: Vec<f64> = options
        .all()
        .iter()
        .map(|option| option.routings().iter().map(|&row| input.routings[row].setup_cost).sum::<f64>())
        .collect();
    for (i, item) in input.items.iter().enumerate() {
        for t in 0..n_periods {
            for o in options.of_item(i) {
                c.unit += options.get(o).unit_cost * s.lots[(o, t)];
            }
            let k = (i, t);
            c.holding += item.holding_cost * s.inventory[k];
            c.backlog += item.backlog_cost.unwrap_or(0.0) * s.backlog[k];
            c.safety_stock += item.safety_stock_penalty * s.shortfall[k];
            for o in options.of_item(i) {
                if s.lots[(o, t)] > 0.0 {
                    c.ordering += options.get(o).order_cost;
                    c.setup += setup_cost[o];
                }
            }
        }
        if n_periods > 0 {
            c.unmet += item.unmet_cost * s.backlog[(i, n_periods - 1)];
        }
    }
    for (r, res) in input.resources.iter().enumerate() {
        for t in 0..n_periods {
            c.overtime += res.overtime_cost * s.overtime[(r, t)];
        }
    }
    let families = family_setups(input, options, &s.lots);
    for (f, family) in input.families.iter().enumerate() {
        c.family_setup += family.setup_cost * families.row(f).iter().filter(|&&on| on).count() as f64;
    }
    let joint = joint_orders(input, options, &s.lots);
    for (v, supplier) in input.suppliers.iter().enumerate() {
        c.joint_order += supplier.order_cost * joint.row(v).iter().filter(|&&on| on).count() as f64;
    }
    if let (Some(replan), Some(previous)) = (&input.replan, options.previous()) {
        for (o, option) in options.all().iter().enumerate() {
            for t in input.frozen_periods()..n_periods.saturating_sub(option.lead_time) {
                let (x, xp) = (s.lots[(o, t)], previous[(o, t)]);
                c.change += replan.change_cost * (x - xp).abs();
                if x > 0.0 && xp == 0.0 {
                    c.new_lot += replan.new_lot_cost;
                }
            }
        }
    }
    c
}
