//! Evaluate mode: a plan's lots stay fixed and each scenario's demand is simulated on them.
//!
//! Per item and period: the lot started `L` periods earlier arrives (with the scenario's lead
//! time `L`), scheduled receipts arrive, components are consumed by the parents' fixed lots,
//! and what is on hand ships to the demand due so far, earliest due first. Unshipped demand
//! becomes backlog when the item may ship late, otherwise it is lost. A component consumed
//! before it is on hand leaves a negative balance (counted as `material_shortage`, in
//! unit-periods) that later arrivals repay. Overtime is the load above the scenario's capacity
//! (all of it is charged; the part above `overtime_max` is also reported as
//! `capacity_excess`). Pure Rust, no solver, no allocation per scenario once the buffers grew.
//!
//! Routes and suppliers (v2): a lot on a route or from a supplier the scenario removes
//! (`no_route`, `no_supplier`) is not made: it costs nothing, loads no resource, consumes no
//! component and never arrives, so its item is short by it. A lot above its supplier's new
//! `supplier_max` is delivered (and paid) only up to it. A lot arrives after its option's lead
//! time in the scenario (the item's `lead_time` change, then the supplier's
//! `supplier_lead_time` change). Such a scenario recomputes what the lots cost and use.

use crate::error::{Diagnostic, Diagnostics, Error, InputError, Result};
use crate::grid::Grid;
use crate::input::table::{find_table, load_table, missing_table, Need, NumberRule, WholeRange};
use crate::input::{Options, PlanInput};
use crate::plan::solution::{family_setups, joint_orders};
use crate::plan::{CostBreakdown, PlanSolution};
use crate::sweep::apply::{resolve, scenario_demand, DemandIndex, Resolved};
use crate::sweep::scenario::ScenarioChanges;
use std::path::Path;

/// A negative balance smaller than this is rounding of the written lots, not a shortage.
pub const SHORTAGE_TOLERANCE: f64 = 1e-4;

/// The figures of one scenario's plan (solved or simulated).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Kpis {
    /// Cost by term of the spec's objective.
    pub costs: CostBreakdown,
    /// Total planned demand in the horizon.
    pub demand: f64,
    /// Total shipped within the horizon.
    pub shipped: f64,
    /// Demand not shipped within the horizon (backlog at the end plus lost demand).
    pub unshipped: f64,
    /// `shipped / demand` (1 without demand).
    pub fill_rate: f64,
    /// Units shipped by their due period (earliest due first) / units demanded.
    pub on_time_fill_rate: f64,
    /// Largest `(run + setup time) / capacity` over resources and periods with capacity.
    pub peak_utilization: Option<f64>,
    /// Overtime hours, all resources and periods.
    pub overtime: f64,
    /// Load above capacity plus `overtime_max` (evaluate mode; 0 for solved plans).
    pub capacity_excess: f64,
    /// Unit-periods of components consumed before they were on hand (evaluate mode).
    pub material_shortage: f64,
}

/// Fill rate and on-time rate (by quantity, earliest due first) of demand and shipments.
pub fn service_rates(demand: &Grid<f64>, shipped: &Grid<f64>) -> (f64, f64) {
    let total: f64 = demand.cells().iter().sum();
    if total <= 0.0 || demand.periods() == 0 {
        return (1.0, 1.0);
    }
    let mut on_time = 0.0;
    for (d_row, s_row) in demand.iter_rows().zip(shipped.iter_rows()) {
        let (mut cum_demand, mut cum_shipped) = (0.0, 0.0);
        for (&d, &s) in d_row.iter().zip(s_row) {
            cum_shipped += s;
            on_time += (cum_shipped - cum_demand).clamp(0.0, d);
            cum_demand += d;
        }
    }
    (shipped.cells().iter().sum::<f64>() / total, on_time / total)
}

/// Peak utilisation of `load` against `capacity(r, t)`.
fn peak_utilization(load: &Grid<f64>, capacity: impl Fn(usize, usize) -> f64) -> Option<f64> {
    let mut peak: Option<f64> = None;
    for (r, row) in load.iter_rows().enumerate() {
        for (t, &l) in row.iter().enumerate() {
            let cap = capacity(r, t);
            if cap > 0.0 {
                let u = l / cap;
                peak = Some(peak.map_or(u, |p: f64| p.max(u)));
            }
        }
    }
    peak
}

/// The KPIs of a solved plan (`input` is the scenario's modified plan).
pub fn solution_kpis(input: &PlanInput, solution: &PlanSolution, costs: CostBreakdown) -> Kpis {
    let (fill_rate, on_time_fill_rate) = service_rates(&solution.demand, &solution.shipped);
    let mut load = solution.run_time.clone();
    for (cell, setup) in load.cells_mut().iter_mut().zip(solution.setup_time.cells()) {
        *cell += setup;
    }
    let capacity =
        |r: usize, t: usize| input.resources.get(r).and_then(|res| res.capacity.get(t)).copied().unwrap_or(0.0);
    let demand: f64 = solution.demand.cells().iter().sum();
    let shipped: f64 = solution.shipped.cells().iter().sum();
    Kpis {
        costs,
        demand,
        shipped,
        unshipped: (demand - shipped).max(0.0),
        fill_rate,
        on_time_fill_rate,
        peak_utilization: peak_utilization(&load, capacity),
        overtime: solution.overtime.cells().iter().sum(),
        capacity_excess: 0.0,
        material_shortage: 0.0,
    }
}

/// Reads the lots of a plan folder (`lots.csv` or `lots.parquet`, as `flexplan plan` writes
/// them) into a table of `input`'s options and periods. A lot's option is its item's route or
/// supplier of the row's `route` or `supplier` (both empty, or the columns missing as in a
/// version-1 plan: the item's unnamed route or supplier).
pub fn load_lots(plan_folder: &Path, input: &PlanInput) -> Result<Grid<f64>> {
    let lots_error = |problems: InputError| Error::Plan { dir: plan_folder.to_path_buf(), problems };
    let file = find_table(plan_folder, "lots")
        .map_err(|d| lots_error(InputError::single(d)))?
        .ok_or_else(|| lots_error(InputError::single(missing_table(plan_folder, "lots"))))?;
    let mut diags = Diagnostics::new();
    let Some(table) = load_table(&file, &mut diags) else {
        return Err(lots_error(diags.into_problems()));
    };
    let n_periods = input.n_periods();
    let items = table.ids("item", Need::Required, &mut diags);
    let periods =
        table.whole_numbers("period", WholeRange { min: 1, max: Some(n_periods as u64) }, Need::Required, &mut diags);
    let quantities = table.numbers("quantity", NumberRule::NonNegative, Need::Required, &mut diags);
    let routes = table.ids("route", Need::Optional, &mut diags);
    let suppliers = table.ids("supplier", Need::Optional, &mut diags);
    let index = input.item_index_map();
    let options = Options::new(input);
    let mut lots = Grid::new(options.len(), n_periods, 0.0);
    for (row, ((item, period), quantity)) in items.iter().zip(&periods).zip(&quantities).enumerate() {
        let (Some(item), Some(period), Some(quantity)) = (item.value(), period.value(), quantity.value()) else {
            continue;
        };
        let Some(&i) = index.get(item) else {
            diags.push(Diagnostic::cell(
                table.file_name(),
                table.row_number(row),
                "item",
                item,
                "not an item of the plan directory",
            ));
            continue;
        };
        let route = routes.get(row).and_then(|c| c.value()).unwrap_or("");
        let supplier = suppliers.get(row).and_then(|c| c.value()).unwrap_or("");
        match options.named(input, i, route, supplier) {
            Some(o) => {
                if let Some(cell) = lots.get_mut(o, period as usize - 1) {
                    *cell += quantity;
                }
            }
            None => diags.push(Diagnostic::cell(
                table.file_name(),
                table.row_number(row),
                if supplier.is_empty() { "route" } else { "supplier" },
                if supplier.is_empty() { route } else { supplier },
                format!("{item} has no such route or supplier in the plan directory"),
            )),
        }
    }
    if diags.is_empty() {
        Ok(lots)
    } else {
        Err(lots_error(diags.into_problems()))
    }
}

/// Simulates scenarios on fixed lots; built once, shared by every worker thread.
#[derive(Debug, Clone)]
pub struct Evaluator<'a> {
    input: &'a PlanInput,
    options: Options,
    index: DemandIndex,
    /// The fixed lots, one row per option.
    lots: Grid<f64>,
    /// Scheduled receipts per item and period.
    receipts: Grid<f64>,
    /// What the fixed lots use and cost, when every lot is made as planned.
    made: LotEffects,
}

/// What a set of lots uses and costs whatever the scenario's demand.
#[derive(Debug, Clone)]
struct LotEffects {
    /// Component use by the parents' lots per item and period.
    used: Grid<f64>,
    /// Run + setup time per resource and period.
    load: Grid<f64>,
    /// Cost of the lots, before the scenario's cost scales.
    costs: LotCosts,
}

/// What the fixed lots cost whatever the scenario's demand, before the scenario's cost scales.
#[derive(Debug, Clone, Copy)]
struct LotCosts {
    unit: f64,
    ordering: f64,
    setup: f64,
    family_setup: f64,
    joint_order: f64,
}

/// Per-thread scratch space of [`Evaluator::evaluate`].
#[derive(Debug, Clone, Default)]
pub struct EvalBuffers {
    planned: Grid<f64>,
    ratios: Grid<f64>,
    shipped: Grid<f64>,
    /// The lots a scenario makes of the fixed ones (removed and capped lots changed).
    made: Grid<f64>,
    /// The scenario's lead time per option.
    leads: Vec<usize>,
}

/// What `lots` (one row per option of `input`) use and cost.
fn lot_effects(input: &PlanInput, options: &Options, lots: &Grid<f64>) -> LotEffects {
    let n_periods = input.n_periods();
    let mut used = Grid::new(input.items.len(), n_periods, 0.0);
    for e in &input.bom {
        for o in options.made_of_item(e.parent) {
            for t in 0..n_periods {
                used[(e.component, t)] += e.quantity * lots[(o, t)];
            }
        }
    }
    let mut load = Grid::new(input.resources.len(), n_periods, 0.0);
    let mut setup_cost = 0.0;
    for (row, ro) in input.routings.iter().enumerate() {
        let Some(o) = options.of_routing_row(row) else { continue };
        for t in 0..n_periods {
            let x = lots[(o, t)];
            if x > 0.0 {
                load[(ro.resource, t)] += ro.unit_time * x + ro.setup_time;
                setup_cost += ro.setup_cost;
            }
        }
    }
    let families = family_setups(input, options, lots);
    let mut family_cost = 0.0;
    for (f, family) in input.families.iter().enumerate() {
        for t in 0..n_periods {
            if families[(f, t)] {
                load[(family.resource, t)] += family.setup_time;
                family_cost += family.setup_cost;
            }
        }
    }
    let joint = joint_orders(input, options, lots);
    let joint_cost: f64 = input
        .suppliers
        .iter()
        .enumerate()
        .map(|(v, supplier)| supplier.order_cost * joint.row(v).iter().filter(|&&on| on).count() as f64)
        .sum();
    let (mut unit, mut ordering) = (0.0, 0.0);
    for (o, option) in options.all().iter().enumerate() {
        for &x in lots.row(o) {
            unit += option.unit_cost * x;
            if x > 0.0 {
                ordering += option.order_cost;
            }
        }
    }
    LotEffects {
        used,
        load,
        costs: LotCosts { unit, ordering, setup: setup_cost, family_setup: family_cost, joint_order: joint_cost },
    }
}

impl<'a> Evaluator<'a> {
    /// Prepares evaluation of `lots` (one row per option of `input`) on `input`.
    pub fn new(input: &'a PlanInput, lots: Grid<f64>) -> Result<Self> {
        let n_periods = input.n_periods();
        let options = Options::new(input);
        if (lots.rows(), lots.periods()) != (options.len(), n_periods) {
            return Err(Error::request(
                "evaluate",
                format!(
                    "the fixed plan has {} lot rows x {} periods, the plan directory {} options x {n_periods}",
                    lots.rows(),
                    lots.periods(),
                    options.len()
                ),
            ));
        }
        let made = lot_effects(input, &options, &lots);
        Ok(Evaluator { input, index: DemandIndex::new(input), lots, receipts: input.receipt_grid(), made, options })
    }

    /// The lots the scenario makes into `made` (a removed route's or supplier's lot is not
    /// made, a lot above its supplier's new `max_per_period` is cut to it); `false`, leaving
    /// `made` alone, when they are the fixed lots.
    fn scenario_lots(&self, resolved: &Resolved, made: &mut Grid<f64>) -> bool {
        let changed = |o: usize| {
            let option = self.options.get(o);
            let removed = resolved.removes(option);
            let cap = resolved.option_max_per_period(option);
            self.lots.row(o).iter().any(|&x| x > 0.0 && (removed || cap.is_some_and(|c| x > c)))
        };
        if !(0..self.options.len()).any(changed) {
            return false;
        }
        made.clone_from(&self.lots);
        for o in 0..self.options.len() {
            let option = self.options.get(o);
            let removed = resolved.removes(option);
            let cap = resolved.option_max_per_period(option);
            for x in made.row_mut(o) {
                if removed {
                    *x = 0.0;
                } else if let Some(c) = cap {
                    *x = x.min(c);
                }
            }
        }
        true
    }

    /// The KPIs of the fixed lots under one scenario.
    pub fn evaluate(&self, changes: &ScenarioChanges, buffers: &mut EvalBuffers) -> Kpis {
        let input = self.input;
        let n_periods = input.n_periods();
        let resolved = resolve(input, changes);
        scenario_demand(input, &self.index, changes, &resolved, &mut buffers.planned, &mut buffers.ratios);
        buffers.shipped = Grid::new(buffers.planned.rows(), buffers.planned.periods(), 0.0);
        let changed_lots;
        let (lots_made, effects) = if self.scenario_lots(&resolved, &mut buffers.made) {
            changed_lots = lot_effects(input, &self.options, &buffers.made);
            (&buffers.made, &changed_lots)
        } else {
            (&self.lots, &self.made)
        };
        buffers.leads.clear();
        buffers.leads.extend(self.options.all().iter().map(|option| resolved.option_lead_time(option)));
        let s = changes.cost_scale;
        let mut k = Kpis::default();
        let lots = effects.costs;
        k.costs.unit = lots.unit * s.unit;
        k.costs.ordering = lots.ordering * s.ordering;
        k.costs.setup = lots.setup * s.setup;
        k.costs.family_setup = lots.family_setup * s.family_setup;
        k.costs.joint_order = lots.joint_order * s.joint_order;
        for (i, item) in input.items.iter().enumerate() {
            let options = self.options.of_item(i);
            let late_allowed = item.backlog_cost.is_some()
                && !changes.no_backlog.iter().any(|p| crate::sweep::scenario::pattern_matches(p, &item.id));
            let backlog_cost = item.backlog_cost.unwrap_or(0.0) * s.backlog;
            let mut on_hand = item.initial_inventory;
            let mut due = 0.0;
            for t in 0..n_periods {
                let c = (i, t);
                let arriving: f64 = options
                    .clone()
                    .map(|o| {
                        let lead = buffers.leads[o];
                        if t >= lead {
                            lots_made[(o, t - lead)]
                        } else {
                            0.0
                        }
                    })
                    .sum();
                on_hand += arriving + self.receipts[c] - effects.used[c];
                due += buffers.planned[c];
                let ship = on_hand.max(0.0).min(due);
                on_hand -= ship;
                due -= ship;
                buffers.shipped[c] = ship;
                if late_allowed {
                    k.costs.backlog += backlog_cost * due;
                    if t + 1 == n_periods {
                        k.costs.unmet += item.unmet_cost * s.unmet * due;
                    }
                } else {
                    due = 0.0;
                }
                if on_hand < -SHORTAGE_TOLERANCE {
                    k.material_shortage -= on_hand;
                }
                let stock = on_hand.max(0.0);
                k.costs.holding += item.holding_cost * s.holding * stock;
                k.costs.safety_stock +=
                    item.safety_stock_penalty * s.safety_stock * (item.safety_stock - stock).max(0.0);
            }
        }
        let capacity = |r: usize, t: usize| {
            input.resources.get(r).and_then(|res| res.capacity.get(t)).copied().unwrap_or(0.0)
                * resolved.capacity_factor.get(r, t).copied().unwrap_or(1.0)
        };
        for (r, res) in input.resources.iter().enumerate() {
            for t in 0..n_periods {
                let over = (effects.load[(r, t)] - capacity(r, t)).max(0.0);
                k.overtime += over;
                k.capacity_excess += (over - res.overtime_max).max(0.0);
                k.costs.overtime += res.overtime_cost * s.overtime * over;
            }
        }
        k.peak_utilization = peak_utilization(&effects.load, capacity);
        k.demand = buffers.planned.cells().iter().sum();
        k.shipped = buffers.shipped.cells().iter().sum();
        k.unshipped = (k.demand - k.shipped).max(0.0);
        let (fill, on_time) = service_rates(&buffers.planned, &buffers.shipped);
        k.fill_rate = fill;
        k.on_time_fill_rate = on_time;
        k
    }
}
