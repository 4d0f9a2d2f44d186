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
use crate::input::{Options, PlanInput, Routing};
use crate::plan::model::LotSizingModel;
use crate::plan::repair::complete_solution;
use crate::plan::solution::{family_setups, joint_orders, plan_costs, resource_load, PlanSolution};
use std::time::Instant;

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

/// Builds a plan for `input` (with its `options`) and planned demand `demand` whose lots stay
/// within `big_m` (the model's bound on each option's lot, `0` where no lot may start).
/// Returns `None` when some dependent demand, or demand that may not ship late, cannot be met
/// within capacity and the lot rules.
pub fn construct_plan(
    input: &PlanInput,
    bom: &BomGraph,
    options: &Options,
    demand: &Grid<f64>,
    big_m: &Grid<f64>,
) -> Option<PlanSolution> {
    construct_plan_until(input, bom, options, demand, big_m, None)
}

/// [`construct_plan`] that stops building candidates at `deadline` (the run's time limit):
/// a candidate whose rounds are not done by then is dropped, and the cheapest feasible one
/// finished before it wins (none: no start).
pub(crate) fn construct_plan_until(
    input: &PlanInput,
    bom: &BomGraph,
    options: &Options,
    demand: &Grid<f64>,
    big_m: &Grid<f64>,
    deadline: Option<Instant>,
) -> Option<PlanSolution> {
    let n_periods = input.n_periods();
    if (demand.rows(), demand.periods()) != (input.items.len(), n_periods)
        || (big_m.rows(), big_m.periods()) != (options.len(), n_periods)
    {
        return None;
    }
    // Replanning: the frozen lots are placed by `Construction::new`; no other lot goes into
    // the fence.
    let mut fenced = big_m.clone();
    for o in 0..options.len() {
        fenced.row_mut(o)[..input.frozen_periods()].fill(0.0);
    }
    let big_m = &fenced;
    // The backward fill plans items, one lot row each: single-level plans with one way per item.
    let backward = |economic: bool| {
        if !input.bom.is_empty() || !options.one_per_item() {
            return None;
        }
        let mut state = Construction::new(input, bom, options, big_m.clone());
        state.plan_backward(demand, economic)?;
        Some((state.lots, demand.clone()))
    };
    // With several ways per item, a second lot-for-lot candidate ranks them by what the lot
    // at hand costs (see [`Ranking`]): a way with a lower unit cost but a dear setup loses on
    // small lots.
    let by_lot_cost = || {
        if options.one_per_item() {
            return None;
        }
        lot_for_lot(input, bom, options, demand, big_m, Ranking::LotCost, deadline)
    };
    let by_unit_cost = lot_for_lot(input, bom, options, demand, big_m, Ranking::UnitCost, deadline);
    // And a third that spares the resources the first one filled (see [`saturation_order`]):
    // ways that are cheap per unit but slow on a full resource starve the items processed
    // after them, which then ship late.
    let by_saturation = || {
        if options.one_per_item() {
            return None;
        }
        let order = saturation_order(input, options, by_unit_cost.as_ref().map(|(lots, _)| lots));
        lot_for_lot(input, bom, options, demand, big_m, Ranking::Given(&order), deadline)
    };
    // And a fourth on each item's primary way only, as a plan without alternatives would be
    // made: the first route listed in routings.csv (a buy item: its first source), the way a
    // factory runs when nothing forces another. It exists wherever the primary ways suffice,
    // however the greedy candidates above fare with the alternatives.
    let on_primary_ways = || {
        if options.one_per_item() {
            return None;
        }
        let primary: Vec<Vec<usize>> = (0..input.items.len()).map(|i| options.of_item(i).take(1).collect()).collect();
        lot_for_lot(input, bom, options, demand, big_m, Ranking::Given(&primary), deadline)
    };
    // Built in this order, so that under a deadline the plan a factory would run anyway comes
    // right after the first greedy one; compared in the order below (ties: the first wins).
    let primary = on_primary_ways();
    let (lot_cost, saturation) = (by_lot_cost(), by_saturation());
    let candidates = [by_unit_cost.clone(), lot_cost, saturation, primary, backward(true), backward(false)];
    // Replanning: the previous plan as it stands (shifted to tonight's periods), when it is
    // still feasible; not improved, since every move would cost a change.
    let previous = options.previous().map(|lots| (lots.clone(), demand.clone(), false));
    let mut best: Option<(f64, PlanSolution)> = None;
    let improved = candidates.into_iter().flatten().map(|(lots, shipped)| (lots, shipped, true));
    for (mut lots, shipped, improve) in previous.into_iter().chain(improved) {
        if improve {
            improve::improve_lots(input, options, big_m, CAPACITY_MARGIN, &shipped, &mut lots);
        }
        let solution = complete_solution(input, bom, options, demand, lots, shipped);
        if !plan_is_feasible(input, bom, options, &solution) || !keeps_frozen_fence(input, options, &solution.lots) {
            continue;
        }
        let cost = plan_costs(input, options, &solution).total();
        if best.as_ref().is_none_or(|(best_cost, _)| cost < *best_cost) {
            best = Some((cost, solution));
        }
    }
    best.map(|(_, solution)| solution)
}

/// The lot-for-lot construction with capacity levelling (module docs): lots and shipments,
/// or `None` when a hard requirement does not fit or `deadline` passes first.
fn lot_for_lot(
    input: &PlanInput,
    bom: &BomGraph,
    options: &Options,
    demand: &Grid<f64>,
    big_m: &Grid<f64>,
    ranking: Ranking<'_>,
    deadline: Option<Instant>,
) -> Option<(Grid<f64>, Grid<f64>)> {
    let mut made_caps = Grid::new(input.items.len(), input.n_periods(), f64::INFINITY);
    for _ in 0..max_rounds(input) {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return None;
        }
        let mut state = Construction::new(input, bom, options, big_m.clone());
        state.ranking = ranking;
        if let Ranking::Given(order) = ranking {
            state.preferred = order.to_vec();
        }
        state.made_caps = made_caps.clone();
        let mut shipped = demand.clone();
        let mut shortages = Vec::new();
        for &item_idx in bom.topological_order() {
            state.plan_item(item_idx, demand, &mut shipped, &mut shortages)?;
        }
        if shortages.is_empty() {
            return Some((state.lots, shipped));
        }
        for shortage in &shortages {
            if !state.cut_parent_lots(shortage, &mut made_caps) {
                return None;
            }
        }
    }
    None
}

/// Construction rounds of a small plan: each one lowers the parents' lots where a component
/// fell short.
pub(crate) const MIN_ROUNDS: usize = 200;

/// The rounds a construction may take: [`MIN_ROUNDS`], or one per item on bigger plans. Each
/// round caps at least one parent's made lots, and the shortages it uncovers downstream
/// come one or a few per round, so the rounds grow with the plan: a generated 2,000-item plan
/// (50 resources, seed 1) needed 705 and found no plan within 200 (`plan` then exited 6).
/// A round costs a few milliseconds there (the 705 took about 3 s).
fn max_rounds(input: &PlanInput) -> usize {
    MIN_ROUNDS.max(input.items.len())
}

/// How a construction ranks an item's ways (options) for a lot.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Ranking<'a> {
    /// Cheapest unit cost first, then the cheaper lot ([`preference`]): fixed per item.
    UnitCost,
    /// Per arrival period, the least cost of the lot at hand first: `unit_cost × quantity`
    /// plus, for a new lot, its order and setup costs and the major setups and joint orders
    /// not booked in its period yet ([`Construction::lot_at_hand_cost`]).
    LotCost,
    /// A given order per item ([`saturation_order`]): fixed per item.
    Given(&'a [Vec<usize>]),
}

/// A hard requirement of `item_idx` in `period` that fell `quantity` short.
#[derive(Debug, Clone, Copy)]
struct Shortage {
    item_idx: usize,
    period: usize,
    quantity: f64,
}

/// The mutable state of a construction: lots placed so far (one row per option), the free
/// time per resource and the family setups booked so far.
#[derive(Clone)]
struct Construction<'a> {
    input: &'a PlanInput,
    bom: &'a BomGraph,
    options: &'a Options,
    /// Upper bound on each lot: the model's big-M.
    big_m: Grid<f64>,
    /// Upper bound on what the made lots of each item started in each period hold together:
    /// infinite, lowered where components fell short (every made way of an item consumes the
    /// same components, so capping one way would only move the lot to another).
    made_caps: Grid<f64>,
    n_periods: usize,
    lots: Grid<f64>,
    /// Free time (capacity + overtime_max - load - margin) per resource and period.
    free_time: Grid<f64>,
    /// Whether each family's setup is booked in each period.
    family_on: Grid<bool>,
    /// Whether each supplier's joint order is booked in each period.
    joint_on: Grid<bool>,
    ranking: Ranking<'a>,
    routings_of_option: Vec<Vec<Routing>>,
    receipts: Grid<f64>,
    /// What one lot of each option costs ([`lot_costs`]).
    lot_cost: Vec<f64>,
    /// Each item's options, cheapest first ([`preference`]).
    preferred: Vec<Vec<usize>>,
}

impl<'a> Construction<'a> {
    fn new(input: &'a PlanInput, bom: &'a BomGraph, options: &'a Options, big_m: Grid<f64>) -> Self {
        let n_periods = input.n_periods();
        let mut free_time = Grid::new(input.resources.len(), n_periods, 0.0);
        for (r, res) in input.resources.iter().enumerate() {
            for (t, free) in free_time.row_mut(r).iter_mut().enumerate() {
                let capacity = res.capacity.get(t).copied().unwrap_or(0.0);
                *free = capacity + res.overtime_max - CAPACITY_MARGIN;
            }
        }
        let lot_cost = lot_costs(input, options);
        let mut state = Construction {
            input,
            bom,
            options,
            big_m,
            made_caps: Grid::new(input.items.len(), n_periods, f64::INFINITY),
            n_periods,
            lots: Grid::new(options.len(), n_periods, 0.0),
            free_time,
            family_on: Grid::new(input.families.len(), n_periods, false),
            joint_on: Grid::new(input.suppliers.len(), n_periods, false),
            ranking: Ranking::UnitCost,
            routings_of_option: options
                .all()
                .iter()
                .map(|option| option.routings().iter().map(|&row| input.routings[row]).collect())
                .collect(),
            receipts: input.receipt_grid(),
            preferred: (0..input.items.len()).map(|i| preference(options, &lot_cost, i)).collect(),
            lot_cost,
        };
        state.place_frozen_lots();
        state
    }

    /// Replanning: the previous plan's lots inside the frozen fence, booked on their
    /// resources, families and suppliers (the caller's bound keeps every other lot out of it).
    fn place_frozen_lots(&mut self) {
        let Some(previous) = self.options.previous() else { return };
        for o in 0..self.options.len() {
            for t in 0..self.input.frozen_periods() {
                let xp = previous[(o, t)];
                if xp > 0.0 {
                    self.book_time(o, t, xp, true);
                    self.lots[(o, t)] = xp;
                }
            }
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
        let may_ship_late = item.backlog_cost.is_some();
        let mut on_hand = item.initial_inventory;
        let mut backlog = 0.0;
        for t in 0..self.n_periods {
            on_hand += self.receipts.get(item_idx, t).copied().unwrap_or(0.0);
            let external = demand.get(item_idx, t).copied().unwrap_or(0.0);
            let dependent: f64 =
                self.bom.where_used(item_idx).map(|(parent, quantity)| quantity * self.made(parent, t)).sum();
            let hard = dependent + if may_ship_late { 0.0 } else { external };
            if on_hand < hard - TOLERANCE {
                on_hand += self.cover(item_idx, hard - on_hand, t, 0);
                if on_hand < hard - TOLERANCE {
                    shortages.push(Shortage { item_idx, period: t, quantity: hard - on_hand });
                    on_hand = hard;
                }
            }
            on_hand = (on_hand - hard).max(0.0);
            if may_ship_late {
                let due = backlog + external;
                if on_hand < due - TOLERANCE {
                    on_hand += self.cover(item_idx, due - on_hand, t, t.saturating_sub(SOFT_LOOKBACK));
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

    /// Lowers the caps of the parents' made lots in the shortage's period so that the next
    /// round asks `shortage.quantity` less of the item (largest consumers first). False when
    /// the parents' lots cannot absorb it (the shortage comes from external demand or lead
    /// times).
    fn cut_parent_lots(&self, shortage: &Shortage, made_caps: &mut Grid<f64>) -> bool {
        if shortage.item_idx >= self.input.items.len() {
            return false;
        }
        let mut parents: Vec<(usize, f64, f64)> = self
            .bom
            .where_used(shortage.item_idx)
            .filter_map(|(parent, quantity)| {
                let made = self.made(parent, shortage.period);
                (made > 0.0).then_some((parent, quantity, made))
            })
            .collect();
        parents.sort_by(|a, b| (b.1 * b.2).total_cmp(&(a.1 * a.2)).then(a.0.cmp(&b.0)));
        let mut remaining = shortage.quantity;
        for (parent, quantity, made) in parents {
            if remaining <= TOLERANCE {
                break;
            }
            let cut = (remaining / quantity).min(made);
            if let Some(cap) = made_caps.get_mut(parent, shortage.period) {
                *cap = (*cap).min(floor_micro(made - cut));
            }
            remaining -= cut * quantity;
        }
        remaining <= TOLERANCE
    }

    /// What the made lots (routes) of `item_idx` started in `t` hold: what they consume of
    /// each component is this times the BOM quantity.
    fn made(&self, item_idx: usize, t: usize) -> f64 {
        self.options.made_of_item(item_idx).map(|o| self.lots.get(o, t).copied().unwrap_or(0.0)).sum()
    }

    /// Places lots of `item_idx` arriving in `latest`, then `latest - 1`, ... down to
    /// `earliest` until `need` units are made, each arrival period from the item's cheapest
    /// option with room first ([`preference`]); returns what was made (may exceed `need` by lot
    /// rounding, or fall short when capacity runs out).
    fn cover(&mut self, item_idx: usize, need: f64, latest: usize, earliest: usize) -> f64 {
        let mut made = 0.0;
        let mut preferred = std::mem::take(&mut self.preferred[item_idx]);
        'arrivals: for arrival in (earliest..=latest).rev() {
            if self.ranking == Ranking::LotCost {
                let quantity = need - made;
                let cost = |o: usize| self.lot_at_hand_cost(o, arrival, quantity);
                preferred.sort_by(|&a, &b| cost(a).total_cmp(&cost(b)).then(a.cmp(&b)));
            }
            for &o in &preferred {
                if made >= need {
                    break 'arrivals;
                }
                if let Some(start) = arrival.checked_sub(self.options.get(o).lead_time) {
                    made += self.add_to_lot(o, start, need - made);
                }
            }
        }
        self.preferred[item_idx] = preferred;
        made
    }

    /// Raises option `o`'s lot started in `period` by about `want` units (rounded to the lot
    /// rules, limited by the bound and the free capacity); returns the increase.
    fn add_to_lot(&mut self, o: usize, period: usize, want: f64) -> f64 {
        let option = self.options.get(o);
        let (Some(&big_m), Some(&current)) = (self.big_m.get(o, period), self.lots.get(o, period)) else {
            return 0.0;
        };
        // A made lot also keeps the item's made lots of the period within their cap (for an
        // item with one made way, `others` is exactly 0 and the bound is the cap itself).
        let bound = match self.made_caps.get(option.item, period).filter(|_| option.is_made()) {
            Some(&cap) => {
                let others = self.made(option.item, period) - current;
                big_m.min(if others == 0.0 { cap } else { cap - others })
            }
            None => big_m,
        };
        if bound <= 0.0 {
            return 0.0;
        }
        let new_lot = current <= 0.0;
        let limit = self.capacity_limit(o, period, current, new_lot).min(bound);
        let target = (current + want).max(option.min_lot);
        let mut lot = match option.lot_multiple {
            Some(multiple) => {
                let wanted_count = (target / multiple - 1e-9).ceil();
                let limit_count = (limit / multiple + 1e-9).floor();
                wanted_count.min(limit_count).max(0.0) * multiple
            }
            None => ceil_micro(target).min(floor_micro(limit)),
        };
        if let Some(max_lot) = option.max_lot {
            lot = lot.min(max_lot);
        }
        if let Some(cap) = option.max_per_period {
            lot = lot.min(cap);
        }
        if lot <= current || lot < option.min_lot || lot <= 0.0 {
            return 0.0;
        }
        self.book_time(o, period, lot - current, new_lot);
        if let Some(slot) = self.lots.get_mut(o, period) {
            *slot = lot;
        }
        lot - current
    }

    /// What `quantity` more units of option `o` arriving in `arrival` cost ([`Ranking::LotCost`]):
    /// the units, and for a new lot its order and setup costs plus the family setups and the
    /// joint order not booked in its start period yet. Infinite where the option cannot
    /// arrive then.
    fn lot_at_hand_cost(&self, o: usize, arrival: usize, quantity: f64) -> f64 {
        let option = self.options.get(o);
        let Some(start) = arrival.checked_sub(option.lead_time) else { return f64::INFINITY };
        let units = option.unit_cost * quantity.max(option.min_lot);
        if self.lots.get(o, start).is_some_and(|&lot| lot > 0.0) {
            return units;
        }
        let booked = Booked { family_on: &self.family_on, ordering: &self.joint_on };
        plus_new_lot_cost(units, self.input, self.options, &self.lot_cost, booked, o, start)
    }

    /// The setup time a new lot of `routing` books on its resource in `period`: its own setup
    /// and its family's major setup when the family is not set up there yet.
    fn new_lot_setup(&self, routing: &Routing, period: usize) -> f64 {
        new_lot_setup(self.input, &self.family_on, routing, period)
    }

    /// The largest lot of option `o` in `period` that the free time of its resources allows
    /// (the lot already there, `current`, is booked already).
    fn capacity_limit(&self, o: usize, period: usize, current: f64, new_lot: bool) -> f64 {
        let mut limit = f64::INFINITY;
        for routing in self.routings_of_option.get(o).into_iter().flatten() {
            let free = self.free_time.get(routing.resource, period).copied().unwrap_or(0.0);
            let free = free - if new_lot { self.new_lot_setup(routing, period) } else { 0.0 };
            if free < 0.0 {
                return 0.0;
            }
            if routing.unit_time > 0.0 {
                limit = limit.min(current + free / routing.unit_time);
            }
        }
        limit
    }

    /// Books the run time of `extra` units (and the setups of a new lot) on every resource.
    fn book_time(&mut self, o: usize, period: usize, extra: f64, new_lot: bool) {
        for k in 0..self.routings_of_option.get(o).map_or(0, Vec::len) {
            let routing = self.routings_of_option[o][k];
            let setup = if new_lot { self.new_lot_setup(&routing, period) } else { 0.0 };
            if let Some(free) = self.free_time.get_mut(routing.resource, period) {
                *free -= routing.unit_time * extra + setup;
            }
            if let Some(on) = routing.family.and_then(|f| self.family_on.get_mut(f, period)) {
                *on = true;
            }
        }
        if let Some(on) = self.options.get(o).supplier().and_then(|v| self.joint_on.get_mut(v, period)) {
            *on = true;
        }
    }
}

/// A lot of another way that the polish LP may use ([`other_way_lots`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Opening {
    /// `(option, period)` of the new lot.
    pub(crate) lot: (usize, usize),
    /// `(option, period)` of the plan's lot it would take over (arriving in the same period).
    pub(crate) replaces: (usize, usize),
    /// How much less a unit costs on the new lot's way.
    pub(crate) unit_saving: f64,
    /// What the new lot costs besides its units ([`plus_new_lot_cost`] when it was chosen).
    pub(crate) lot_cost: f64,
}

/// Lots of cheaper ways the plan `lots` does not use, one for each lot of the plan whose item
/// has a way with a lower unit cost, timed to arrive when the plan's lot does (started
/// earlier for a longer lead time, later for a shorter one), best saving first. Only where
/// moving the whole lot would pay the new lot's setup, order, family and joint order costs,
/// and where the new lot's setups (its own and its families') fit the capacity with overtime
/// left by the plan and the lots chosen before it. Not for a way with a minimum lot (its lot
/// would be forced whether it pays or not) or a lot multiple, nor within the frozen fence.
///
/// The lot moves ([`improve`]) cannot start a lot earlier than its components are in stock,
/// and the construction makes components just in time; the polish LP re-sizes the
/// components' lots with the parent's, so these lots are for it
/// (`crate::plan::polish::polish_other_ways`).
pub(crate) fn other_way_lots(
    input: &PlanInput,
    options: &Options,
    big_m: &Grid<f64>,
    lots: &Grid<f64>,
) -> Vec<Opening> {
    let n_periods = lots.periods();
    let (run_time, setup_time) = resource_load(input, options, lots);
    let mut free = Grid::new(input.resources.len(), n_periods, 0.0);
    for (r, res) in input.resources.iter().enumerate() {
        for t in 0..n_periods {
            let capacity = res.capacity.get(t).copied().unwrap_or(0.0) + res.overtime_max;
            free[(r, t)] = capacity - run_time[(r, t)] - setup_time[(r, t)] - CAPACITY_MARGIN;
        }
    }
    let mut family_on = family_setups(input, options, lots);
    let mut ordering = joint_orders(input, options, lots);
    let lot_cost = lot_costs(input, options);
    let frozen = input.frozen_periods();
    let mut candidates: Vec<(f64, Opening)> = Vec::new();
    for (o, option) in options.all().iter().enumerate() {
        for from in frozen..n_periods {
            let lot = lots[(o, from)];
            if lot <= 0.0 {
                continue;
            }
            for target in options.of_item(option.item).filter(|&w| w != o) {
                let way = options.get(target);
                let Some(to) = (from + option.lead_time).checked_sub(way.lead_time) else { continue };
                let unit_saving = option.unit_cost - way.unit_cost;
                let usable = to >= frozen && to < n_periods && big_m[(target, to)] > 0.0 && lots[(target, to)] <= 0.0;
                if unit_saving <= 0.0 || way.min_lot > 0.0 || way.lot_multiple.is_some() || !usable {
                    continue;
                }
                let lot = Opening { lot: (target, to), replaces: (o, from), unit_saving, lot_cost: 0.0 };
                candidates.push((unit_saving * lots[(o, from)], lot));
            }
        }
    }
    candidates.sort_by(|(a, x), (b, y)| b.total_cmp(a).then(x.lot.cmp(&y.lot)).then(x.replaces.cmp(&y.replaces)));
    let mut chosen: Vec<Opening> = Vec::new();
    for (saving, mut opening) in candidates {
        let (target, to) = opening.lot;
        if chosen.iter().any(|c| c.lot == opening.lot) {
            continue;
        }
        let booked = Booked { family_on: &family_on, ordering: &ordering };
        let cost = plus_new_lot_cost(0.0, input, options, &lot_cost, booked, target, to);
        if saving <= cost {
            continue;
        }
        let way = options.get(target);
        // Per routing row: its resource, the setup hours it adds there, and its family when
        // that is not set up in `to` yet.
        let needs: Vec<(usize, f64, Option<usize>)> = way
            .routings()
            .iter()
            .map(|&row| {
                let routing = &input.routings[row];
                let family = routing.family.filter(|&f| !family_on[(f, to)]);
                (routing.resource, new_lot_setup(input, &family_on, routing, to), family)
            })
            .collect();
        if needs.iter().any(|&(r, hours, _)| hours > free[(r, to)]) {
            continue;
        }
        for (r, hours, family) in needs {
            free[(r, to)] -= hours;
            if let Some(f) = family {
                family_on[(f, to)] = true;
            }
        }
        if let Some(v) = way.supplier() {
            ordering[(v, to)] = true;
        }
        opening.lot_cost = cost;
        chosen.push(opening);
    }
    chosen
}

/// The setup hours a new lot adds on `routing`'s resource in `period`: its own setup time, and
/// its family's where the family is not set up there yet (`family_on`).
fn new_lot_setup(input: &PlanInput, family_on: &Grid<bool>, routing: &Routing, period: usize) -> f64 {
    let family = routing
        .family
        .filter(|&f| !family_on.get(f, period).copied().unwrap_or(true))
        .map_or(0.0, |f| input.families[f].setup_time);
    routing.setup_time + family
}

/// What one lot of each option costs: its order cost plus the setup costs of its routings.
fn lot_costs(input: &PlanInput, options: &Options) -> Vec<f64> {
    options
        .all()
        .iter()
        .map(|option| {
            let mut cost = option.order_cost;
            for &row in option.routings() {
                cost += input.routings[row].setup_cost;
            }
            cost
        })
        .collect()
}

/// Every item's ways ordered to spare the resources a plan filled: by the hours a unit takes
/// on each resource weighted by that resource's utilization in `lots` (load over capacity plus
/// `overtime_max`, averaged over the periods and squared, so nearly full resources count most;
/// every resource counts fully without a plan), then by unit cost, then as listed. A bought way
/// takes no hours: it comes first where the item's routes run on busy resources.
fn saturation_order(input: &PlanInput, options: &Options, lots: Option<&Grid<f64>>) -> Vec<Vec<usize>> {
    let n_periods = input.n_periods();
    let weight: Vec<f64> = match lots {
        None => vec![1.0; input.resources.len()],
        Some(lots) => {
            let (run_time, setup_time) = resource_load(input, options, lots);
            input
                .resources
                .iter()
                .enumerate()
                .map(|(r, res)| {
                    let used: f64 = (0..n_periods)
                        .map(|t| {
                            let room = res.capacity.get(t).copied().unwrap_or(0.0) + res.overtime_max;
                            let load = run_time[(r, t)] + setup_time[(r, t)];
                            if room > 0.0 {
                                (load / room).min(1.0)
                            } else {
                                1.0
                            }
                        })
                        .sum();
                    let utilization = used / n_periods.max(1) as f64;
                    utilization * utilization
                })
                .collect()
        }
    };
    let hours = |o: usize| -> f64 {
        options
            .get(o)
            .routings()
            .iter()
            .map(|&row| input.routings[row].unit_time * weight[input.routings[row].resource])
            .sum()
    };
    (0..input.items.len())
        .map(|i| {
            let mut order: Vec<usize> = options.of_item(i).collect();
            order.sort_by(|&a, &b| {
                hours(a)
                    .total_cmp(&hours(b))
                    .then(options.get(a).unit_cost.total_cmp(&options.get(b).unit_cost))
                    .then(a.cmp(&b))
            });
            order
        })
        .collect()
}

/// The family setups and supplier orders already booked per period: what a new lot does not
/// pay again.
#[derive(Clone, Copy)]
pub(super) struct Booked<'g> {
    /// Whether each family is set up in each period.
    pub(super) family_on: &'g Grid<bool>,
    /// Whether each supplier has an order in each period.
    pub(super) ordering: &'g Grid<bool>,
}

/// `cost` plus what starting a lot of option `o` in period `t` adds besides its units: its
/// order and setup costs (`lot_cost`, [`lot_costs`]), the setup of each of its families not
/// set up in `t`, and its supplier's joint order when none is placed in `t` (`booked`). Two
/// routing rows of one option lie on different resources, so never on the same family row.
pub(super) fn plus_new_lot_cost(
    mut cost: f64,
    input: &PlanInput,
    options: &Options,
    lot_cost: &[f64],
    booked: Booked<'_>,
    o: usize,
    t: usize,
) -> f64 {
    let option = options.get(o);
    cost += lot_cost[o];
    for &row in option.routings() {
        if let Some(f) = input.routings[row].family.filter(|&f| !booked.family_on.get(f, t).copied().unwrap_or(true)) {
            cost += input.families[f].setup_cost;
        }
    }
    if let Some(v) = option.supplier().filter(|&v| !booked.ordering.get(v, t).copied().unwrap_or(true)) {
        cost += input.suppliers[v].order_cost;
    }
    cost
}

/// Item `i`'s options, cheapest first: by unit cost, then the cost of a lot, then as listed
/// (so a version-1 item's one option, and an item whose options cost the same, keep the
/// order of [`Options`]).
fn preference(options: &Options, lot_cost: &[f64], i: usize) -> Vec<usize> {
    let mut preferred: Vec<usize> = options.of_item(i).collect();
    preferred.sort_by(|&a, &b| {
        let (x, y) = (options.get(a), options.get(b));
        x.unit_cost.total_cmp(&y.unit_cost).then(lot_cost[a].total_cmp(&lot_cost[b])).then(a.cmp(&b))
    });
    preferred
}

/// True when every balance of `solution` holds to 1e-6 with non-negative stock, and no
/// resource needs more overtime than allowed (what [`complete_solution`] cannot see).
pub(crate) fn plan_is_feasible(input: &PlanInput, bom: &BomGraph, options: &Options, solution: &PlanSolution) -> bool {
    let Some(available) = net_arrivals(input, bom, options, &solution.lots) else { return false };
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

/// Whether `lots` are the previous plan's in every period of the frozen fence (true without
/// replanning).
fn keeps_frozen_fence(input: &PlanInput, options: &Options, lots: &Grid<f64>) -> bool {
    let Some(previous) = options.previous() else { return true };
    let fence = input.frozen_periods();
    (0..options.len()).all(|o| lots.row(o)[..fence] == previous.row(o)[..fence])
}

/// What reaches each item's stock in each period besides shipments: the lots of its options
/// arriving after their lead times and receipts, less what the parents' made lots consume.
/// `None` when `lots` does not have one row per option.
fn net_arrivals(input: &PlanInput, bom: &BomGraph, options: &Options, lots: &Grid<f64>) -> Option<Grid<f64>> {
    let n_periods = input.n_periods();
    if (lots.rows(), lots.periods()) != (options.len(), n_periods) {
        return None;
    }
    let mut arriving = input.receipt_grid();
    for i in 0..input.items.len() {
        for o in options.of_item(i) {
            let lead = options.get(o).lead_time;
            for t in lead..n_periods {
                arriving[(i, t)] += lots[(o, t - lead)];
            }
        }
        for (p, q) in bom.where_used(i) {
            for t in 0..n_periods {
                let made: f64 = options.made_of_item(p).map(|o| lots[(o, t)]).sum();
                arriving[(i, t)] -= q * made;
            }
        }
    }
    Some(arriving)
}

/// A value for every column of `model` (numbered as `LotSizingModel::column_index`) taken
/// from `solution`: lots, setups, lot-multiple counts, inventory, shipments, backlog,
/// shortfall, family setups, joint orders, and the exact overtime the lots need. `None` when
/// the model has columns the plan does not determine (the facility-location split) or a lot
/// the model cannot hold.
pub fn start_values(
    input: &PlanInput,
    bom: &BomGraph,
    options: &Options,
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
    let (inventory, backlog) = exact_stock(input, bom, options, solution)?;
    for (i, item) in input.items.iter().enumerate() {
        for t in 0..n_periods {
            for o in options.of_item(i) {
                let lot = *solution.lots.get(o, t)?;
                if lot > 0.0 && vars.lot.get(o, t).copied().flatten().is_none() {
                    return None;
                }
                set(*vars.lot.get(o, t)?, lot)?;
                set(*vars.setup.get(o, t)?, if lot > 0.0 { 1.0 } else { 0.0 })?;
                if let Some(multiple) = options.get(o).lot_multiple {
                    set(*vars.multiple.get(o, t)?, (lot / multiple).round())?;
                }
            }
            let k = (i, t);
            let on_hand = inventory[k];
            set(vars.inventory.get(i, t).copied(), on_hand)?;
            set(*vars.shipped.get(i, t)?, *solution.shipped.get(i, t)?)?;
            set(*vars.backlog.get(i, t)?, backlog[k])?;
            set(*vars.shortfall.get(i, t)?, (item.safety_stock - on_hand).max(0.0))?;
        }
    }
    // Unsnapped, so that the capacity row holds to the solver's 1e-9 tolerance.
    let (run_time, setup_time) = resource_load(input, options, &solution.lots);
    for (r, res) in input.resources.iter().enumerate() {
        for t in 0..n_periods {
            let load = run_time[(r, t)] + setup_time[(r, t)];
            let overtime = (load - res.capacity.get(t).copied().unwrap_or(0.0)).clamp(0.0, res.overtime_max);
            set(*vars.overtime.get(r, t)?, overtime)?;
            set(*vars.extra_overtime.get(r, t)?, 0.0)?;
        }
    }
    if let Some(previous) = options.previous() {
        for o in 0..options.len() {
            for t in 0..n_periods {
                let (lot, xp) = (*solution.lots.get(o, t)?, previous[(o, t)]);
                if t < input.frozen_periods() && lot != xp {
                    return None; // not a start: it breaks the frozen fence
                }
                set(*vars.change.get(o, t)?, (lot - xp).abs())?;
            }
        }
    }
    let on = |active: bool| if active { 1.0 } else { 0.0 };
    let families = family_setups(input, options, &solution.lots);
    for f in 0..input.families.len() {
        for t in 0..n_periods {
            set(*vars.family.get(f, t)?, on(families[(f, t)]))?;
        }
    }
    let joint = joint_orders(input, options, &solution.lots);
    for v in 0..input.suppliers.len() {
        for t in 0..n_periods {
            set(*vars.joint.get(v, t)?, on(joint[(v, t)]))?;
        }
    }
    values.iter().all(|v| v.is_finite()).then_some(values)
}

/// Stock below zero by at most this is float noise (and taken as 0); below it, a shortage.
const STOCK_NOISE: f64 = 1e-6;

/// End inventory and backlog of every item and period from the plan's lots and shipments by
/// the balance equations, unrounded; float noise below zero is 0. `None` when a stock falls
/// below zero by more than [`STOCK_NOISE`].
fn exact_stock(
    input: &PlanInput,
    bom: &BomGraph,
    options: &Options,
    solution: &PlanSolution,
) -> Option<(Grid<f64>, Grid<f64>)> {
    let arriving = net_arrivals(input, bom, options, &solution.lots)?;
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
            if on_hand < -STOCK_NOISE {
                return None; // the lots do not cover what the plan ships: not a plan
            }
            inventory[k] = on_hand.max(0.0);
            backlog[k] = late.max(0.0);
        }
    }
    Some((inventory, backlog))
}

#[cfg(test)]
mod tests {
    use super::{other_way_lots, Opening};
    use crate::grid::Grid;
    use crate::input::Options;

    /// The two routes of the lot-move tests over 3 periods (DTG: unit cost 3, lead time 0;
    /// SCREEN: unit cost 2, a period slower; a lot of either costs 10) and a DTG lot of `lot`
    /// started in period `from` (0-based): the openings.
    fn openings(lot: f64, from: usize) -> Vec<Opening> {
        let input = super::improve::tests::two_routes_over(3, 100.0, Some(1));
        let options = Options::new(&input);
        let mut lots = Grid::new(options.len(), 3, 0.0);
        lots[(0, from)] = lot;
        other_way_lots(&input, &options, &Grid::new(options.len(), 3, 1e6), &lots)
    }

    /// A DTG lot of 20 in period 3 can arrive the same from a screen lot started in period 2:
    /// moved whole it saves 20 x 1 for the screen lot's 10, so that lot is opened. A lot of 8
    /// saves 8, less than 10: nothing. A lot in period 1 has no earlier period for the screen.
    #[test]
    fn a_cheaper_slower_way_is_opened_earlier_where_the_whole_lot_would_pay_for_it() {
        let want = Opening { lot: (1, 1), replaces: (0, 2), unit_saving: 1.0, lot_cost: 10.0 };
        assert_eq!(openings(20.0, 2), vec![want]);
        assert_eq!(openings(8.0, 2), vec![]);
        assert_eq!(openings(20.0, 0), vec![]);
    }
}
