//! The rounding repair: the solver's values, snapped to 1e-6, made into a plan whose every
//! balance and capacity row holds to the 1e-6 of its written numbers ([`complete_solution`]).
//!
//! Lots are one row per option ([`Options`]): an item's stock receives the lots of all its
//! options (each after its own lead time), and a component is consumed by its parents' made
//! lots only.

use crate::format::{ceil_micro, snap, snap_ties_down};
use crate::grid::Grid;
use crate::input::bom::BomGraph;
use crate::input::{Options, PlanInput, SupplyOption};
use crate::plan::solution::{resource_load, PlanSolution};

/// The written end stock of an exact running stock `v`: within 5e-7 of it, so each balance
/// row of the written plan holds to the checker's 1e-6, and a tie rounded down, to the cheaper
/// number ([`snap_ties_down`]).
fn snap_stock(v: f64) -> f64 {
    snap_ties_down(v)
}

/// Derives inventory, backlog, shortfall, run/setup time and overtime from lots and shipments
/// by the balance equations (the planner's side; the checker recomputes them independently).
///
/// HiGHS meets equalities only to its feasibility tolerance (about 1e-7, scaled), so after
/// snapping a balance can be short by a few millionths. Items are walked parents first, and
/// such a deficit (at most `repair_limit`) is absorbed by shipping less (items that may ship
/// late, unless raising a lot beats leaving the unit unmet: `unmet_cost`), by raising the
/// latest lot that arrives in time (when the lot rules and capacity allow), or by shipping less
/// in an earlier period; a rounding-sized rest still unshipped in the last period is shipped
/// from stock or a raised lot when that beats its `unmet_cost`. A deficit none can absorb (a component
/// bought in pack sizes, a lot at its maximum, a full resource) is removed at its cause: the
/// latest parent lot consuming the component by then is lowered by the deficit over the BOM
/// quantity, or another lot on the full resource gives up the time (`Repair::make_room`),
/// and the walk is repeated (the lowered lot's item absorbs its own millionths the same way).
/// The exact optimum of a plan on full resources is rarely a multiple of 1e-6, so some lot
/// must give up a few millionths somewhere. So the written plan is feasible to the 1e-6 of its
/// numbers rather than to the solver's tolerance. Capacity is kept the same way: a lot whose
/// rounding (times its unit time) loads a resource beyond `capacity + overtime_max` is lowered
/// by the excess first (`Repair::lower_overloaded_lots`), and no lot is raised beyond the
/// free time of its resources. No repair starts or ends a lot, so family setups and joint
/// orders stay as the solver chose them, and no repair changes a lot inside the frozen fence
/// of replanning.
pub fn complete_solution(
    input: &PlanInput,
    bom: &BomGraph,
    options: &Options,
    planned: &Grid<f64>,
    lots: Grid<f64>,
    shipped: Grid<f64>,
) -> PlanSolution {
    let repair = Repair { input, bom, options, planned };
    // Lowering the overloaded lot with the largest unit time cuts the fewest units (cheapest
    // when the walk repairs the cut elsewhere); when that leaves a deficit no rule can absorb,
    // the repair is run again cutting first the lots whose cut the balances absorb.
    let (plan, unabsorbed) = repair.run(lots.clone(), shipped.clone(), CutFirst::LargestUnitTime);
    if unabsorbed == 0 {
        return plan;
    }
    let (other, other_unabsorbed) = repair.run(lots, shipped, CutFirst::Absorbed);
    if other_unabsorbed < unabsorbed {
        other
    } else {
        plan
    }
}

/// Which overloaded lot [`Repair::lower_overloaded_lots`] cuts first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CutFirst {
    /// The lot with the largest unit time (the fewest units).
    LargestUnitTime,
    /// A lot whose cut the balances absorb ([`Repair::cut_absorbed`]), then the largest unit
    /// time.
    Absorbed,
}

/// Load above `capacity + overtime_max` smaller than this share of it is floating-point noise
/// (far below the checker's 1e-6), not an overload to repair.
const LOAD_NOISE: f64 = 1e-12;

/// The largest balance deficit [`complete_solution`] repairs (solver tolerance noise) on
/// small flows; see [`repair_limit`].
pub(crate) const REPAIR_LIMIT: f64 = 1e-4;

/// The largest balance deficit [`complete_solution`] repairs in a period whose stock and flows
/// add up to `scale`: [`REPAIR_LIMIT`] plus 1e-8 of the scale (the solver's tolerances are
/// relative, and a component consumed by many parents gathers their roundings).
pub(crate) fn repair_limit(scale: f64) -> f64 {
    REPAIR_LIMIT + 1e-8 * scale
}

/// How often [`complete_solution`] lowers consuming lots and walks the balances again. Each
/// round removes the deficits of one BOM level; deeper chains of millionths are not expected.
const MAX_REPAIR_ROUNDS: usize = 16;

/// Stock derived by one walk over the balances.
struct Stock {
    inventory: Grid<f64>,
    backlog: Grid<f64>,
    shortfall: Grid<f64>,
    /// Rounding deficits the walk could not absorb: `(item, period, deficit)`.
    deficits: Vec<(usize, usize, f64)>,
}

/// The lot `lot` of `option` lowered by a repair's `cut`, if the lot rules allow it: a lot
/// without a lot multiple, cut by no more than [`repair_limit`], that stays positive and at
/// least its `min_lot`.
fn cut_lot(option: &SupplyOption, lot: f64, cut: f64) -> Option<f64> {
    let left = snap(lot - cut);
    let allowed =
        option.lot_multiple.is_none() && lot > 0.0 && cut <= repair_limit(lot) && left > 0.0 && left >= option.min_lot;
    allowed.then_some(left)
}

/// Whether `option`'s lot `x` may grow to `raised` by the lot rules (no lot multiple, within
/// `max_lot` and `max_per_period`).
fn may_grow(option: &SupplyOption, raised: f64) -> bool {
    option.lot_multiple.is_none()
        && option.max_lot.is_none_or(|m| raised <= m)
        && option.max_per_period.is_none_or(|m| raised <= m)
}

/// What the repair reads: the plan, its options and its planned demand.
struct Repair<'a> {
    input: &'a PlanInput,
    bom: &'a BomGraph,
    options: &'a Options,
    planned: &'a Grid<f64>,
}

impl Repair<'_> {
    /// [`complete_solution`] with one rule for overloaded lots: the plan and the number of
    /// balance deficits left unabsorbed (0 for a plan the checker accepts).
    fn run(&self, mut lots: Grid<f64>, mut shipped: Grid<f64>, cut_first: CutFirst) -> (PlanSolution, usize) {
        let (input, n_periods) = (self.input, self.input.n_periods());
        // Lots the walk must not raise: they would take back what a lowered lot gave a component.
        let mut lowered = Grid::new(self.options.len(), n_periods, false);
        // Lots rounded up to 1e-6 can load a full resource beyond its capacity by `u` times the
        // rounding: lower them first, so that the balance walk makes up the millionths elsewhere.
        self.lower_overloaded_lots(&shipped, cut_first, &mut lots, &mut lowered);
        let mut stock = self.balance_walk(&lowered, &mut lots, &mut shipped);
        for _ in 0..MAX_REPAIR_ROUNDS {
            let mut changed = false;
            let mut on_hand = stock.inventory.clone();
            for &(i, t, deficit) in &stock.deficits {
                // Most harmless first: a consumer whose own stock has room for the cut, or that
                // ships a few millionths later; then raising the item's own lot where another lot
                // gives up the time; then any consumer.
                changed |= self.lower_consumer(i, t, deficit, 0..2, &mut lots, &mut lowered, &mut on_hand)
                    || self.make_room(&shipped, i, t, deficit, &mut lots, &mut lowered)
                    || self.lower_consumer(i, t, deficit, 2..3, &mut lots, &mut lowered, &mut on_hand);
            }
            changed |= self.lower_overloaded_lots(&shipped, cut_first, &mut lots, &mut lowered);
            if !changed {
                break;
            }
            stock = self.balance_walk(&lowered, &mut lots, &mut shipped);
        }
        let (mut run_time, mut setup_time) = resource_load(input, self.options, &lots);
        let mut overtime = Grid::new(input.resources.len(), n_periods, 0.0);
        for (r, res) in input.resources.iter().enumerate() {
            for t in 0..n_periods {
                let k = (r, t);
                run_time[k] = snap(run_time[k]);
                setup_time[k] = snap(setup_time[k]);
                // Within `overtime_max` however the load rounds (the lots keep the load within
                // capacity + overtime_max; see `lower_overloaded_lots`).
                overtime[k] = snap((run_time[k] + setup_time[k] - res.capacity[t]).max(0.0)).min(res.overtime_max);
            }
        }
        let unabsorbed = stock.deficits.len();
        let plan = PlanSolution {
            lots,
            demand: self.planned.clone(),
            shipped,
            inventory: stock.inventory,
            backlog: stock.backlog,
            shortfall: stock.shortfall,
            run_time,
            setup_time,
            overtime,
        };
        (plan, unabsorbed)
    }

    /// Room left on resource `r` in period `t`: `C[r,t] + Omax_r` minus the load of `lots`
    /// (run and setup time of the lots on it, and the setup of every family running on it).
    fn free_time(&self, lots: &Grid<f64>, r: usize, t: usize) -> f64 {
        let input = self.input;
        let mut families_on = Vec::new();
        let mut load = 0.0;
        for (row, ro) in input.routings.iter().enumerate() {
            if ro.resource != r {
                continue;
            }
            let Some(o) = self.options.of_routing_row(row) else { continue };
            let x = lots[(o, t)];
            if x > 0.0 {
                load += ro.unit_time * x + ro.setup_time;
                if let Some(f) = ro.family.filter(|f| !families_on.contains(f)) {
                    families_on.push(f);
                }
            }
        }
        for f in families_on {
            load += input.families[f].setup_time;
        }
        input.resources[r].capacity[t] + input.resources[r].overtime_max - load
    }

    /// The most the 1e-6 rounding of the lots on resource `r` in period `t` can add to its load.
    fn rounding_load(&self, lots: &Grid<f64>, r: usize, t: usize) -> f64 {
        self.rows_on(r).filter(|&(o, _)| lots[(o, t)] > 0.0).map(|(_, u)| 1e-6 * u).sum()
    }

    /// The routing rows on resource `r`, as `(option, unit time)`, in routing order.
    fn rows_on(&self, r: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.input
            .routings
            .iter()
            .enumerate()
            .filter(move |(_, ro)| ro.resource == r)
            .filter_map(|(row, ro)| Some((self.options.of_routing_row(row)?, ro.unit_time)))
    }

    /// Lowers lots that load a resource beyond `capacity + overtime_max` (by the solver's
    /// tolerance and the 1e-6 rounding of the lots, times their unit time). In each overloaded
    /// resource and period, the lot with the largest unit time that may shrink by the excess
    /// (rounded up to 1e-6) within the rounding repair's limit, without a lot multiple and without
    /// falling below its `min_lot`, is lowered and marked so the balance walk does not raise it
    /// back; the walk then makes up the millionths it leaves short. Overtime within what the
    /// rounding can add ([`Repair::rounding_load`]) is trimmed the same way, but only from a lot
    /// whose cut the balances absorb as they stand: an item that may ship late, or one whose
    /// stock after the lot arrives stays above the cut ([`Repair::lowest_stock_from`]); a cut
    /// that would open a deficit the walk must repair elsewhere could cost more than the
    /// overtime. Returns whether a lot changed.
    fn lower_overloaded_lots(
        &self,
        shipped: &Grid<f64>,
        cut_first: CutFirst,
        lots: &mut Grid<f64>,
        lowered: &mut Grid<bool>,
    ) -> bool {
        let input = self.input;
        let mut changed = false;
        for r in 0..input.resources.len() {
            for t in 0..input.n_periods() {
                let limit = input.resources[r].capacity[t] + input.resources[r].overtime_max;
                let mut excess = -self.free_time(lots, r, t);
                // Overtime no larger than the lots' 1e-6 rounding can add is rounding, not a
                // decision: it would cost overtime the solver's plan does not pay.
                // Only optional, so only for lots of items that can ship a few millionths later
                // (the balance walk must be able to absorb the cut).
                let over_capacity = excess + input.resources[r].overtime_max;
                let overloaded = excess > LOAD_NOISE * limit.max(1.0);
                let trim = !overloaded && over_capacity > 0.0 && over_capacity <= self.rounding_load(lots, r, t);
                if trim {
                    excess = over_capacity;
                }
                if excess <= LOAD_NOISE * limit.max(1.0) {
                    continue;
                }
                let candidate = self
                    .rows_on(r)
                    .filter(|&(_, u)| u > 0.0)
                    .filter_map(|(o, u)| {
                        let k = (o, t);
                        let cut = ceil_micro(excess / u);
                        let x = self.cut_lot(o, t, lots[k], cut)?;
                        let absorbed = self.cut_absorbed(shipped, lots, o, t, cut);
                        (!trim || absorbed).then_some((absorbed && cut_first == CutFirst::Absorbed, u, k, x))
                    })
                    .max_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
                if let Some((_, _, k, x)) = candidate {
                    lots[k] = x;
                    lowered[k] = true;
                    changed = true;
                }
            }
        }
        changed
    }

    /// Whether cutting option `o`'s lot of period `s` by `cut` leaves balances the walk absorbs
    /// without repairing another lot: its item may ship late, or the item's stock after the lot
    /// arrives stays above the cut (with room for the walk's own millionths).
    fn cut_absorbed(&self, shipped: &Grid<f64>, lots: &Grid<f64>, o: usize, s: usize, cut: f64) -> bool {
        let option = self.options.get(o);
        let item = &self.input.items[option.item];
        item.backlog_cost.is_some()
            || self.lowest_stock_from(shipped, lots, option.item, s + option.lead_time) >= cut + REPAIR_LIMIT
    }

    /// What arrives of item `i` in period `t` from its own lots (each option after its lead
    /// time).
    fn arriving(&self, lots: &Grid<f64>, i: usize, t: usize) -> f64 {
        self.options
            .of_item(i)
            .map(|o| {
                let lead = self.options.get(o).lead_time;
                if t >= lead {
                    lots[(o, t - lead)]
                } else {
                    0.0
                }
            })
            .sum()
    }

    /// What the parents' made lots of period `t` consume of item `i`: `Σ_p a[i,p] Σ_q x[q,t]`
    /// over the routes `q` of each parent `p`.
    fn consumed(&self, lots: &Grid<f64>, i: usize, t: usize) -> f64 {
        self.bom.where_used(i).map(|(p, q)| q * self.options.made_of_item(p).map(|o| lots[(o, t)]).sum::<f64>()).sum()
    }

    /// The lowest exact stock of item `i` from period `from` to the horizon's end, with the lots
    /// and shipments as they stand (`f64::INFINITY` when `from` is past the horizon). A cut of a
    /// lot arriving in `from` smaller than this (less the walk's own millionths) opens no deficit.
    fn lowest_stock_from(&self, shipped: &Grid<f64>, lots: &Grid<f64>, i: usize, from: usize) -> f64 {
        let input = self.input;
        let n_periods = input.n_periods();
        let item = &input.items[i];
        let mut receipts = vec![0.0; n_periods];
        for r in input.receipts.iter().filter(|r| r.item == i) {
            receipts[r.period] += r.quantity;
        }
        let mut on_hand = item.initial_inventory;
        let mut lowest = f64::INFINITY;
        for t in 0..n_periods {
            on_hand += self.arriving(lots, i, t) + receipts[t] - self.consumed(lots, i, t) - shipped[(i, t)];
            if t >= from {
                lowest = lowest.min(on_hand);
            }
        }
        lowest
    }

    /// One walk over every item's balance, parents first, absorbing rounding deficits where the
    /// item's own shipments or lots allow (see [`complete_solution`]).
    fn balance_walk(&self, lowered: &Grid<bool>, lots: &mut Grid<f64>, shipped: &mut Grid<f64>) -> Stock {
        let input = self.input;
        let n_periods = input.n_periods();
        let n_items = input.items.len();
        let receipts = input.receipt_grid();
        let mut inventory = Grid::new(n_items, n_periods, 0.0);
        let mut backlog = Grid::new(n_items, n_periods, 0.0);
        let mut shortfall = Grid::new(n_items, n_periods, 0.0);
        let mut deficits = Vec::new();
        for &i in self.bom.topological_order() {
            let item = &input.items[i];
            let may_ship_late = item.backlog_cost.is_some();
            let mut on_hand = item.initial_inventory;
            let mut late = 0.0;
            let mut exact = vec![0.0; n_periods]; // unrounded stock at the end of each period
            for t in 0..n_periods {
                let k = (i, t);
                if may_ship_late {
                    // Never ship more than is due (rounding could make backlog -1e-6).
                    shipped[k] = snap(shipped[k].min(late + self.planned[k]).max(0.0));
                }
                let arriving = self.arriving(lots, i, t);
                let used = self.consumed(lots, i, t);
                // Exact running stock; only the written value is rounded (rounding the running
                // value would drift by up to 5e-7 a period).
                let limit = repair_limit(on_hand.abs() + arriving + receipts[k] + used + shipped[k]);
                on_hand += arriving + receipts[k] - used - shipped[k];
                if on_hand < 0.0 && -on_hand <= 1e-9 {
                    on_hand = 0.0; // floating-point noise, not a deficit
                }
                if on_hand < 0.0 && -on_hand <= limit {
                    let deficit = -on_hand;
                    let raisable = self.repairable_lot(i, t, deficit, lots, lowered);
                    let ship_less = may_ship_late
                        && shipped[k] >= deficit
                        && !raisable.is_some_and(|(o, s)| self.raising_beats_shipping_less(o, s, t));
                    if ship_less {
                        shipped[k] = snap(shipped[k] - deficit);
                        on_hand = 0.0;
                    } else if let Some((o, s)) = raisable {
                        on_hand += self.raise_lot(o, s, t, deficit, lots, &mut exact, &mut inventory, &mut shortfall);
                    } else if let Some(s) = (0..t).rev().find(|&s| may_ship_late && shipped[(i, s)] >= deficit) {
                        // Shipping the millionths later, from an earlier period's shipment: the
                        // stock between is carried one deficit higher, the backlog too.
                        let less = ceil_micro(deficit);
                        shipped[(i, s)] = snap(shipped[(i, s)] - less);
                        for a in s..t {
                            exact[a] += less;
                            inventory[(i, a)] = snap_stock(exact[a]);
                            shortfall[(i, a)] = snap((item.safety_stock - inventory[(i, a)]).max(0.0));
                            backlog[(i, a)] = snap(backlog[(i, a)] + less);
                        }
                        late += less;
                        on_hand += less;
                    }
                }
                if t + 1 == n_periods && may_ship_late && item.unmet_cost > 0.0 {
                    let unshipped = late + self.planned[k] - shipped[k];
                    on_hand = self.ship_unmet_millionths(
                        i,
                        t,
                        unshipped,
                        on_hand,
                        limit,
                        lowered,
                        lots,
                        shipped,
                        &mut exact,
                        &mut inventory,
                        &mut shortfall,
                    );
                }
                late += self.planned[k] - shipped[k];
                exact[t] = on_hand;
                inventory[k] = snap_stock(on_hand);
                if on_hand < 0.0 && -on_hand <= 1e-9 {
                    on_hand = 0.0; // what a repair rounded to 1e-6 leaves is noise too
                }
                if on_hand < 0.0 && -on_hand <= limit {
                    // Not absorbed here: recorded for lowering a consuming lot, and the written 0
                    // is the stock the next period starts from, so deficits do not accumulate.
                    deficits.push((i, t, -on_hand));
                    on_hand = 0.0;
                }
                backlog[k] = snap(late.max(0.0));
                shortfall[k] = snap((item.safety_stock - inventory[k]).max(0.0));
            }
        }
        Stock { inventory, backlog, shortfall, deficits }
    }

    /// Whether raising option `o`'s lot of period `s` (arriving by `t`) is cheaper per unit
    /// than shipping a unit less in `t` when the item may ship late. Shipping less is priced at
    /// its worst case, never caught up: the backlog cost to the horizon's end plus the item's
    /// `unmet_cost`. Only for items with an `unmet_cost` (version 2): without one, a unit shipped
    /// less costs backlog only, and the walk keeps version 1's rule (ship less first), so
    /// version-1 plans are written as before. Raising costs the unit cost and the holding
    /// cost from arrival to `t`.
    fn raising_beats_shipping_less(&self, o: usize, s: usize, t: usize) -> bool {
        let option = self.options.get(o);
        let item = &self.input.items[option.item];
        if item.unmet_cost <= 0.0 {
            return false;
        }
        let held = t.saturating_sub(s + option.lead_time) as f64;
        let remaining = (self.input.n_periods() - t) as f64;
        let raise = option.unit_cost + item.holding_cost * held;
        let ship_less = item.backlog_cost.unwrap_or(0.0) * remaining + item.unmet_cost;
        raise < ship_less
    }

    /// Ships a rounding-sized rest of item `i`'s demand (`unshipped` at most `limit`) in the
    /// last period `t` rather than leaving it unmet at `unmet_cost`: from the stock `on_hand`,
    /// or by raising a lot arriving by `t` where that costs less
    /// ([`Repair::raising_beats_shipping_less`]). Earlier deficits the walk absorbed by shipping
    /// a few millionths later would otherwise end as unmet demand when no lot arrives between.
    /// Returns the stock left.
    #[allow(clippy::too_many_arguments)]
    fn ship_unmet_millionths(
        &self,
        i: usize,
        t: usize,
        unshipped: f64,
        mut on_hand: f64,
        limit: f64,
        lowered: &Grid<bool>,
        lots: &mut Grid<f64>,
        shipped: &mut Grid<f64>,
        exact: &mut [f64],
        inventory: &mut Grid<f64>,
        shortfall: &mut Grid<f64>,
    ) -> f64 {
        if unshipped <= 1e-9 || unshipped > limit {
            return on_hand;
        }
        let need = unshipped - on_hand.max(0.0);
        if need > 0.0 {
            let Some((o, s)) = self.repairable_lot(i, t, need, lots, lowered) else { return on_hand };
            if !self.raising_beats_shipping_less(o, s, t) {
                return on_hand;
            }
            on_hand += self.raise_lot(o, s, t, need, lots, exact, inventory, shortfall);
        }
        shipped[(i, t)] = snap(shipped[(i, t)] + unshipped);
        on_hand - unshipped
    }

    /// Raises option `o`'s lot of period `s` by `amount` (rounded up to 1e-6) during the walk
    /// at period `t`: the stock written since the lot arrived grows too. Returns what was added.
    #[allow(clippy::too_many_arguments)]
    fn raise_lot(
        &self,
        o: usize,
        s: usize,
        t: usize,
        amount: f64,
        lots: &mut Grid<f64>,
        exact: &mut [f64],
        inventory: &mut Grid<f64>,
        shortfall: &mut Grid<f64>,
    ) -> f64 {
        let option = self.options.get(o);
        let (i, item) = (option.item, &self.input.items[option.item]);
        let raised = ceil_micro(lots[(o, s)] + amount);
        let extra = raised - lots[(o, s)];
        lots[(o, s)] = raised;
        for a in s + option.lead_time..t {
            exact[a] += extra;
            inventory[(i, a)] = snap_stock(exact[a]);
            shortfall[(i, a)] = snap((item.safety_stock - inventory[(i, a)]).max(0.0));
        }
        extra
    }

    /// The lots of item `i` that arrive by period `t`, latest arrival first (ties: latest
    /// start, then option order), as `(option, start period)`.
    fn lots_arriving_by(&self, i: usize, t: usize) -> Vec<(usize, usize)> {
        let mut lots: Vec<(usize, usize)> = self
            .options
            .of_item(i)
            .flat_map(|o| {
                let lead = self.options.get(o).lead_time;
                (0..=t.saturating_sub(lead)).filter(move |_| t >= lead).map(move |s| (o, s))
            })
            .collect();
        let arrival = |&(o, s): &(usize, usize)| s + self.options.get(o).lead_time;
        lots.sort_by(|a, b| arrival(b).cmp(&arrival(a)).then(b.1.cmp(&a.1)).then(a.0.cmp(&b.0)));
        lots
    }

    /// Removes component `i`'s `deficit` in period `t` by lowering the latest lot of one of its
    /// parents' routes consuming it in a period up to `t` (consuming less earlier leaves more
    /// stock at `t`). A parent whose `stock` stays non-negative without the cut is preferred
    /// (nothing else changes), then one that may ship late (it absorbs the cut in the next walk
    /// by shipping a few millionths less), then any (it must raise another lot). Lot-multiple
    /// lots and lots that would fall below `min_lot` are skipped. Only the `passes` given are
    /// tried (0, 1, 2 as above). Returns whether a lot was lowered.
    #[allow(clippy::too_many_arguments)]
    fn lower_consumer(
        &self,
        i: usize,
        t: usize,
        deficit: f64,
        passes: std::ops::Range<usize>,
        lots: &mut Grid<f64>,
        lowered: &mut Grid<bool>,
        stock: &mut Grid<f64>,
    ) -> bool {
        let input = self.input;
        let n_periods = input.n_periods();
        // Passes, most harmless first: a parent whose stock stays non-negative; a parent that can
        // absorb the cut by shipping a few millionths later; any parent.
        for pass in passes {
            let needs_slack = pass == 0;
            for s in (0..=t).rev() {
                for (p, q) in self.bom.where_used(i) {
                    let parent = &input.items[p];
                    if q <= 0.0 || (pass == 1 && parent.backlog_cost.is_none()) {
                        continue;
                    }
                    for o in self.options.made_of_item(p) {
                        let option = self.options.get(o);
                        let k = (o, s);
                        let cut = ceil_micro(deficit / q);
                        let Some(x) = self.cut_lot(o, s, lots[k], cut) else { continue };
                        let later = &mut stock.row_mut(p)[(s + option.lead_time).min(n_periods)..];
                        if needs_slack && later.iter().any(|&v| v < cut) {
                            continue;
                        }
                        later.iter_mut().for_each(|v| *v -= cut);
                        lots[k] = x;
                        // Raising any made lot of the parent up to `t` would take the component
                        // back.
                        for made in self.options.made_of_item(p) {
                            lowered.row_mut(made)[..=t].fill(true);
                        }
                        return true;
                    }
                }
            }
        }
        false
    }

    /// Whether option `o`'s lot in period `s` may grow by a rounding `deficit`: a lot, not
    /// lowered for its components or its resources, the lot rules allow it.
    fn grows(&self, o: usize, s: usize, deficit: f64, lots: &Grid<f64>, lowered: &Grid<bool>) -> bool {
        let x = lots[(o, s)];
        x > 0.0
            && !lowered[(o, s)]
            && s >= self.input.frozen_periods()
            && may_grow(self.options.get(o), ceil_micro(x + deficit))
    }

    /// Option `o`'s lot `lot` of period `s` lowered by `cut` ([`cut_lot`]), never inside the
    /// frozen fence of replanning (a frozen lot is the previous plan's, exactly).
    fn cut_lot(&self, o: usize, s: usize, lot: f64, cut: f64) -> Option<f64> {
        if s < self.input.frozen_periods() {
            return None;
        }
        cut_lot(self.options.get(o), lot, cut)
    }

    /// The latest lot of `i` arriving by period `t` that may grow by a rounding `deficit`: not
    /// for options with a lot multiple, not beyond `max_lot` or `max_per_period`, not beyond
    /// the free capacity of its resources, and not a lot lowered for its components or its
    /// resources.
    fn repairable_lot(
        &self,
        i: usize,
        t: usize,
        deficit: f64,
        lots: &Grid<f64>,
        lowered: &Grid<bool>,
    ) -> Option<(usize, usize)> {
        self.lots_arriving_by(i, t).into_iter().find(|&(o, s)| {
            if !self.grows(o, s, deficit, lots, lowered) {
                return false;
            }
            let x = lots[(o, s)];
            let extra = ceil_micro(x + deficit) - x;
            // The raised lot must still fit on every resource it uses.
            self.options.get(o).routings().iter().all(|&row| {
                let ro = &self.input.routings[row];
                ro.unit_time <= 0.0 || ro.unit_time * extra <= self.free_time(lots, ro.resource, s)
            })
        })
    }

    /// Frees time for the lot that would absorb item `i`'s `deficit` in period `t` when only a
    /// full resource stops it: for the latest lot of `i` arriving by `t` that the lot rules let
    /// grow and for which this works, on each resource it uses without room for the extra
    /// `u * deficit`, another item's lot in the same period is lowered by the missing time over
    /// its unit time, taken only from a lot that absorbs its cut as the balances stand (an item
    /// that may ship late, or stock after the lot arrives above the cut; see
    /// [`Repair::lowest_stock_from`]). The next walk then raises `i`'s lot. This is what a plan
    /// on full resources needs when the exact optimum's lots are not multiples of 1e-6: some lot
    /// must give up a few millionths. Returns whether a lot changed.
    fn make_room(
        &self,
        shipped: &Grid<f64>,
        i: usize,
        t: usize,
        deficit: f64,
        lots: &mut Grid<f64>,
        lowered: &mut Grid<bool>,
    ) -> bool {
        for (o, s) in self.lots_arriving_by(i, t) {
            if !self.grows(o, s, deficit, lots, lowered) {
                continue;
            }
            if let Some(cuts) = self.room_in(shipped, o, s, deficit, lots) {
                for (k, left) in cuts {
                    lots[k] = left;
                    lowered[k] = true;
                }
                return true;
            }
        }
        false
    }

    /// The cuts `((option, period), new quantity)` of other items' lots in period `s` that free
    /// the time for option `o`'s lot of `s` to grow by `deficit` (see [`Repair::make_room`]), or
    /// `None` when some resource has no lot to take it from or the lot already fits.
    fn room_in(
        &self,
        shipped: &Grid<f64>,
        o: usize,
        s: usize,
        deficit: f64,
        lots: &Grid<f64>,
    ) -> Option<Vec<((usize, usize), f64)>> {
        let i = self.options.get(o).item;
        let x = lots[(o, s)];
        let extra = ceil_micro(x + deficit) - x;
        let mut cuts = Vec::new();
        for &row in self.options.get(o).routings() {
            let ro = &self.input.routings[row];
            if ro.unit_time <= 0.0 {
                continue;
            }
            let missing = ro.unit_time * extra - self.free_time(lots, ro.resource, s);
            if missing <= 0.0 {
                continue;
            }
            let cut = self
                .rows_on(ro.resource)
                .filter(|&(other, u)| self.options.get(other).item != i && u > 0.0)
                .filter_map(|(other, u)| {
                    let k = (other, s);
                    let cut = ceil_micro(missing / u);
                    let left = self.cut_lot(other, s, lots[k], cut)?;
                    self.cut_absorbed(shipped, lots, other, s, cut).then_some((u, k, left))
                })
                .max_by(|a, b| a.0.total_cmp(&b.0));
            cuts.push(cut.map(|(_, k, left)| (k, left))?);
        }
        (!cuts.is_empty()).then_some(cuts)
    }
}
