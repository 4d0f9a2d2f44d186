//! A fast, solver-free construction of a feasible plan, used to warm-start HiGHS.
//!
//! HiGHS's own first incumbent on large generated plans is a rounding of the root LP that
//! leaves most demand unshipped, and on setup-time-tight plans it can take seconds to find any
//! plan; the construction here gives it a sensible plan in milliseconds instead. Up to three
//! candidate plans are built, each improved by lot moves, and the cheapest feasible one is
//! returned:
//!
//! 1. **Lot-for-lot with capacity levelling** (any plan):
//!    * Items are planned parents first ([`BomGraph::topological_order`]), so an item's
//!      dependent demand (its parents' lots times the BOM quantity, needed in the parent's lot
//!      period) is known when the item is planned.
//!    * Period by period, projected stock (initial inventory, receipts, lots already placed) is
//!      netted against the requirement. A shortage is covered by a lot started `lead_time`
//!      periods earlier, or, when the resources are full there, by lots started earlier still
//!      (holding stock), down to period 1. Hard requirements (dependent demand, and external
//!      demand of items that may not ship late) that cannot be placed make it fail.
//!    * External demand of items that may ship late is covered within [`SOFT_LOOKBACK`] periods
//!      before its lot-for-lot period; what does not fit is shipped late (backlog) and tried
//!      again in the next period.
//! 2. **Backward filling**, plain and economic (plans without BOM edges; `backward`): periods
//!    are filled from the last, requirements that do not fit (or, in the economic variant, are
//!    cheaper to hold than to set up) are carried back and merged into earlier lots. This is
//!    what fits setup-time-tight plans, where lot-for-lot runs out of capacity.
//! 3. **Lot moves** (`improve`) on each candidate: merging a lot into an earlier one when the
//!    setup saved exceeds the holding cost, and moving lots later while the stock holds them.
//!
//! Every lot respects the lot rules (at least `min_lot`, a multiple of `lot_multiple`, at most
//! `max_lot`), the model's bound `M[i,t]` ([`crate::plan::model::setup_big_m`]), and the free
//! capacity plus overtime of every resource it is routed on (run time and setup time); lot
//! moves use regular free capacity only.
//!
//! [`start_values`] turns the plan into a value for every column of a [`LotSizingModel`].

use crate::format::{ceil_micro, floor_micro};
use crate::grid::Grid;
use crate::input::bom::BomGraph;
use crate::input::{PlanInput, Routing};
use crate::plan::model::LotSizingModel;
use crate::plan::repair::complete_solution;
use crate::plan::solution::{plan_costs, resource_load, PlanSolution};

mod backward;
mod improve;

/// How many periods before its lot-for-lot period a lot of an item that may ship late may
/// start (holding stock) before its demand is shipped late instead.
pub(crate) const SOFT_LOOKBACK: usize = 2;

/// Capacity kept free on every resource and period, so that snapping to 1e-6 can never push
/// a resource past its overtime limit.
const CAPACITY_MARGIN: f64 = 1e-5;

/// Shortages below this are float noise of the netting, not a need for a lot.
const TOLERANCE: f64 = 1e-7;

/// Builds a plan for `input` with planned demand `demand` whose lots stay within `big_m`
/// (the model's bound on each lot, `0` where no lot may start). Returns `None` when some
/// dependent demand, or demand that may not ship late, cannot be met within capacity and the
/// lot rules.
pub fn construct_plan(
    input: &PlanInput,
    bom: &BomGraph,
    demand: &Grid<f64>,
    big_m: &Grid<f64>,
) -> Option<PlanSolution> {
    let shape = (input.items.len(), input.n_periods());
    if (demand.rows(), demand.periods()) != shape || (big_m.rows(), big_m.periods()) != shape {
        return None;
    }
    let backward = |economic: bool| {
        if !input.bom.is_empty() {
            return None;
        }
        let mut state = Construction::new(input, bom, big_m.clone());
        state.plan_backward(demand, economic)?;
        Some((state.lots, demand.clone()))
    };
    let candidates = [lot_for_lot(input, bom, demand, big_m), backward(true), backward(false)];
    let mut best: Option<(f64, PlanSolution)> = None;
    for (mut lots, shipped) in candidates.into_iter().flatten() {
        improve::improve_lots(input, big_m, CAPACITY_MARGIN, &shipped, &mut lots);
        let solution = complete_solution(input, bom, demand, lots, shipped);
        if !plan_is_feasible(input, bom, &solution) {
            continue;
        }
        let cost = plan_costs(input, &solution).total();
        if best.as_ref().is_none_or(|(best_cost, _)| cost < *best_cost) {
            best = Some((cost, solution));
        }
    }
    best.map(|(_, solution)| solution)
}

/// The lot-for-lot construction with capacity levelling (module docs): lots and shipments,
/// or `None` when a hard requirement does not fit.
fn lot_for_lot(
    input: &PlanInput,
    bom: &BomGraph,
    demand: &Grid<f64>,
    big_m: &Grid<f64>,
) -> Option<(Grid<f64>, Grid<f64>)> {
    let mut lot_caps = big_m.clone();
    for _ in 0..MAX_ROUNDS {
        let mut state = Construction::new(input, bom, lot_caps.clone());
        let mut shipped = demand.clone();
        let mut shortages = Vec::new();
        for &item_idx in bom.topological_order() {
            state.plan_item(item_idx, demand, &mut shipped, &mut shortages)?;
        }
        if shortages.is_empty() {
            return Some((state.lots, shipped));
        }
        for shortage in &shortages {
            if !state.cut_parent_lots(shortage, &mut lot_caps) {
                return None;
            }
        }
    }
    None
}

/// Construction rounds: each one lowers the parents' lots where a component fell short.
pub(crate) const MAX_ROUNDS: usize = 200;

/// A hard requirement of `item_idx` in `period` that fell `quantity` short.
#[derive(Debug, Clone, Copy)]
struct Shortage {
    item_idx: usize,
    period: usize,
    quantity: f64,
}

/// The mutable state of a construction: lots placed so far and the free time per resource.
#[derive(Clone)]
struct Construction<'a> {
    input: &'a PlanInput,
    bom: &'a BomGraph,
    /// Upper bound on each lot: the model's big-M, lowered where components fell short.
    big_m: Grid<f64>,
    n_periods: usize,
    lots: Grid<f64>,
    /// Free time (capacity + overtime_max - load - margin) per resource and period.
    free_time: Grid<f64>,
    routings_of_item: Vec<Vec<Routing>>,
    receipts: Grid<f64>,
    /// What one lot of each item costs ([`lot_costs`]).
    lot_cost: Vec<f64>,
}

impl<'a> Construction<'a> {
    fn new(input: &'a PlanInput, bom: &'a BomGraph, big_m: Grid<f64>) -> Self {
        let n_periods = input.n_periods();
        let mut free_time = Grid::new(input.resources.len(), n_periods, 0.0);
        for (r, res) in input.resources.iter().enumerate() {
            for (t, free) in free_time.row_mut(r).iter_mut().enumerate() {
                let capacity = res.capacity.get(t).copied().unwrap_or(0.0);
                *free = capacity + res.overtime_max - CAPACITY_MARGIN;
            }
        }
        Construction {
            input,
            bom,
            big_m,
            n_periods,
            lots: Grid::new(input.items.len(), n_periods, 0.0),
            free_time,
            routings_of_item: (0..input.items.len()).map(|i| input.routings_of(i).copied().collect()).collect(),
            receipts: input.receipt_grid(),
            lot_cost: lot_costs(input),
        }
    }

    /// Plans every lot of `item_idx` and, for items that may ship late, its shipments.
    /// Hard requirements that cannot be met are pushed on `shortages` (and treated as met, so
    /// that the other items are still planned).
    fn plan_item(
        &mut self,
        item_idx: usize,
        demand: &Grid<f64>,
        shipped: &mut Grid<f64>,
        shortages: &mut Vec<Shortage>,
    ) -> Option<()> {
        let item = self.input.items.get(item_idx)?;
        let lead_time = item.lead_time;
        let may_ship_late = item.backlog_cost.is_some();
        let mut on_hand = item.initial_inventory;
        let mut backlog = 0.0;
        for t in 0..self.n_periods {
            on_hand += self.receipts.get(item_idx, t).copied().unwrap_or(0.0);
            let external = demand.get(item_idx, t).copied().unwrap_or(0.0);
            let dependent: f64 = self
                .bom
                .where_used(item_idx)
                .map(|(parent, quantity)| quantity * self.lots.get(parent, t).copied().unwrap_or(0.0))
                .sum();
            let hard = dependent + if may_ship_late { 0.0 } else { external };
            if on_hand < hard - TOLERANCE {
                if let Some(latest) = t.checked_sub(lead_time) {
                    on_hand += self.cover(item_idx, hard - on_hand, latest, 0);
                }
                if on_hand < hard - TOLERANCE {
                    shortages.push(Shortage { item_idx, period: t, quantity: hard - on_hand });
                    on_hand = hard;
                }
            }
            on_hand = (on_hand - hard).max(0.0);
            if may_ship_late {
                let due = backlog + external;
                if on_hand < due - TOLERANCE {
                    if let Some(latest) = t.checked_sub(lead_time) {
                        on_hand += self.cover(item_idx, due - on_hand, latest, latest.saturating_sub(SOFT_LOOKBACK));
                    }
                }
                let ship = floor_micro(on_hand.min(due));
                on_hand -= ship;
                backlog = due - ship;
                if let Some(slot) = shipped.get_mut(item_idx, t) {
                    *slot = ship;
                }
            }
        }
        Some(())
    }

    /// Lowers the caps of the parents' lots in the shortage's period so that the next round
    /// asks `shortage.quantity` less of the item (largest lots first). False when the
    /// parents' lots cannot absorb it (the shortage comes from external demand or lead times).
    fn cut_parent_lots(&self, shortage: &Shortage, lot_caps: &mut Grid<f64>) -> bool {
        if shortage.item_idx >= self.input.items.len() {
            return false;
        }
        let mut lots: Vec<(usize, f64, f64)> = self
            .bom
            .where_used(shortage.item_idx)
            .filter_map(|(parent, quantity)| {
                let lot = self.lots.get(parent, shortage.period).copied()?;
                (lot > 0.0).then_some((parent, quantity, lot))
            })
            .collect();
        lots.sort_by(|a, b| (b.1 * b.2).total_cmp(&(a.1 * a.2)).then(a.0.cmp(&b.0)));
        let mut remaining = shortage.quantity;
        for (parent, quantity, lot) in lots {
            if remaining <= TOLERANCE {
                break;
            }
            let cut = (remaining / quantity).min(lot);
            if let Some(cap) = lot_caps.get_mut(parent, shortage.period) {
                *cap = (*cap).min(floor_micro(lot - cut));
            }
            remaining -= cut * quantity;
        }
        remaining <= TOLERANCE
    }

    /// Places lots of `item_idx` started in `latest`, then `latest - 1`, ... down to `earliest`
    /// until `need` units are made; returns what was made (may exceed `need` by lot rounding,
    /// or fall short when capacity runs out).
    fn cover(&mut self, item_idx: usize, need: f64, latest: usize, earliest: usize) -> f64 {
        let mut made = 0.0;
        for period in (earliest..=latest).rev() {
            if made >= need {
                break;
            }
            made += self.add_to_lot(item_idx, period, need - made);
        }
        made
    }

    /// Raises the lot of `item_idx` started in `period` by about `want` units (rounded to the
    /// lot rules, limited by the bound and the free capacity); returns the increase.
    fn add_to_lot(&mut self, item_idx: usize, period: usize, want: f64) -> f64 {
        let Some(item) = self.input.items.get(item_idx) else { return 0.0 };
        let (Some(&bound), Some(&current)) = (self.big_m.get(item_idx, period), self.lots.get(item_idx, period)) else {
            return 0.0;
        };
        if bound <= 0.0 {
            return 0.0;
        }
        let new_lot = current <= 0.0;
        let limit = self.capacity_limit(item_idx, period, current, new_lot).min(bound);
        let target = (current + want).max(item.min_lot);
        let mut lot = match item.lot_multiple {
            Some(multiple) => {
                let wanted_count = (target / multiple - 1e-9).ceil();
                let limit_count = (limit / multiple + 1e-9).floor();
                wanted_count.min(limit_count).max(0.0) * multiple
            }
            None => ceil_micro(target).min(floor_micro(limit)),
        };
        if let Some(max_lot) = item.max_lot {
            lot = lot.min(max_lot);
        }
        if lot <= current || lot < item.min_lot || lot <= 0.0 {
            return 0.0;
        }
        self.book_time(item_idx, period, lot - current, new_lot);
        if let Some(slot) = self.lots.get_mut(item_idx, period) {
            *slot = lot;
        }
        lot - current
    }

    /// The largest lot of `item_idx` in `period` that the free time of its resources allows
    /// (the lot already there, `current`, is booked already).
    fn capacity_limit(&self, item_idx: usize, period: usize, current: f64, new_lot: bool) -> f64 {
        let mut limit = f64::INFINITY;
        for routing in self.routings_of_item.get(item_idx).into_iter().flatten() {
            let free = self.free_time.get(routing.resource, period).copied().unwrap_or(0.0);
            let free = free - if new_lot { routing.setup_time } else { 0.0 };
            if free < 0.0 {
                return 0.0;
            }
            if routing.unit_time > 0.0 {
                limit = limit.min(current + free / routing.unit_time);
            }
        }
        limit
    }

    /// Books the run time of `extra` units (and the setup of a new lot) on every resource.
    fn book_time(&mut self, item_idx: usize, period: usize, extra: f64, new_lot: bool) {
        for routing in self.routings_of_item.get(item_idx).into_iter().flatten() {
            if let Some(free) = self.free_time.get_mut(routing.resource, period) {
                *free -= routing.unit_time * extra + if new_lot { routing.setup_time } else { 0.0 };
            }
        }
    }
}

/// What one lot of each item costs: its order cost plus the setup costs of its routings.
fn lot_costs(input: &PlanInput) -> Vec<f64> {
    let mut costs: Vec<f64> = input.items.iter().map(|item| item.order_cost).collect();
    for routing in &input.routings {
        if let Some(cost) = costs.get_mut(routing.item) {
            *cost += routing.setup_cost;
        }
    }
    costs
}

/// True when every balance of `solution` holds to 1e-6 with non-negative stock, and no
/// resource needs more overtime than allowed (what [`complete_solution`] cannot see).
fn plan_is_feasible(input: &PlanInput, bom: &BomGraph, solution: &PlanSolution) -> bool {
    let Some(available) = net_arrivals(input, bom, &solution.lots) else { return false };
    for &i in bom.topological_order() {
        let Some(item) = input.items.get(i) else { return false };
        let mut on_hand = item.initial_inventory;
        for t in 0..input.n_periods() {
            let k = (i, t);
            on_hand += available[k] - solution.shipped[k];
            if on_hand < -1e-6 || (on_hand - solution.inventory[k]).abs() > 1e-5 {
                return false;
            }
            on_hand = solution.inventory[k];
        }
    }
    input.resources.iter().enumerate().all(|(r, res)| solution.overtime.row(r).iter().all(|&o| o <= res.overtime_max))
}

/// What reaches each item's stock in each period besides shipments: lots arriving after their
/// lead time and receipts, less what the parents' lots consume. `None` when `lots` does not
/// have the input's shape.
fn net_arrivals(input: &PlanInput, bom: &BomGraph, lots: &Grid<f64>) -> Option<Grid<f64>> {
    let n_periods = input.n_periods();
    if (lots.rows(), lots.periods()) != (input.items.len(), n_periods) {
        return None;
    }
    let mut arriving = input.receipt_grid();
    for (i, item) in input.items.iter().enumerate() {
        for t in item.lead_time..n_periods {
            arriving[(i, t)] += lots[(i, t - item.lead_time)];
        }
        for (p, q) in bom.where_used(i) {
            for t in 0..n_periods {
                arriving[(i, t)] -= q * lots[(p, t)];
            }
        }
    }
    Some(arriving)
}

/// A value for every column of `model` (numbered as `LotSizingModel::column_index`) taken
/// from `solution`: lots, setups, lot-multiple counts, inventory, shipments, backlog,
/// shortfall, and the exact overtime the lots need. `None` when the model has columns the
/// plan does not determine (the facility-location split) or a lot the model cannot hold.
pub fn start_values(
    input: &PlanInput,
    bom: &BomGraph,
    model: &LotSizingModel,
    solution: &PlanSolution,
) -> Option<Vec<f64>> {
    let n_periods = input.n_periods();
    let columns = model.column_index();
    let mut values = vec![f64::NAN; model.problem.len()];
    let mut set = |var: Option<good_lp::Variable>, value: f64| -> Option<()> {
        if let Some(var) = var {
            *values.get_mut(*columns.get(&var)?)? = value;
        }
        Some(())
    };
    let vars = &model.vars;
    // Stock and backlog recomputed from the lots and shipments without snapping: the written
    // plan's 1e-6 rounding would leave balance rows off by ~1e-7, beyond HiGHS's 1e-9, and
    // HiGHS then "repairs" the start with an LP that can take a large plan's whole time limit.
    let (inventory, backlog) = exact_stock(input, bom, solution)?;
    for (i, item) in input.items.iter().enumerate() {
        for t in 0..n_periods {
            let k = (i, t);
            let lot = *solution.lots.get(i, t)?;
            if lot > 0.0 && vars.lot.get(i, t).copied().flatten().is_none() {
                return None;
            }
            set(*vars.lot.get(i, t)?, lot)?;
            set(*vars.setup.get(i, t)?, if lot > 0.0 { 1.0 } else { 0.0 })?;
            if let Some(multiple) = item.lot_multiple {
                set(*vars.multiple.get(i, t)?, (lot / multiple).round())?;
            }
            let on_hand = inventory[k];
            set(vars.inventory.get(i, t).copied(), on_hand)?;
            set(*vars.shipped.get(i, t)?, *solution.shipped.get(i, t)?)?;
            set(*vars.backlog.get(i, t)?, backlog[k])?;
            set(*vars.shortfall.get(i, t)?, (item.safety_stock - on_hand).max(0.0))?;
        }
    }
    // Unsnapped, so that the capacity row holds to the solver's 1e-9 tolerance.
    let (run_time, setup_time) = resource_load(&input.routings, input.resources.len(), &solution.lots);
    for (r, res) in input.resources.iter().enumerate() {
        for t in 0..n_periods {
            let load = run_time[(r, t)] + setup_time[(r, t)];
            let overtime = (load - res.capacity.get(t).copied().unwrap_or(0.0)).clamp(0.0, res.overtime_max);
            set(*vars.overtime.get(r, t)?, overtime)?;
            set(*vars.extra_overtime.get(r, t)?, 0.0)?;
        }
    }
    values.iter().all(|v| v.is_finite()).then_some(values)
}

/// End inventory and backlog of every item and period from the plan's lots and shipments by
/// the balance equations, unrounded; float noise below zero is 0.
fn exact_stock(input: &PlanInput, bom: &BomGraph, solution: &PlanSolution) -> Option<(Grid<f64>, Grid<f64>)> {
    let arriving = net_arrivals(input, bom, &solution.lots)?;
    let n_periods = input.n_periods();
    let mut inventory = Grid::new(input.items.len(), n_periods, 0.0);
    let mut backlog = Grid::new(input.items.len(), n_periods, 0.0);
    for (i, item) in input.items.iter().enumerate() {
        let (mut on_hand, mut late) = (item.initial_inventory, 0.0);
        for t in 0..n_periods {
            let k = (i, t);
            let shipped = *solution.shipped.get(i, t)?;
            on_hand += arriving[k] - shipped;
            late += *solution.demand.get(i, t)? - shipped;
            inventory[k] = on_hand.max(0.0);
            backlog[k] = late.max(0.0);
        }
    }
    Some((inventory, backlog))
}
