//! Lot moves: the improvement step after a construction, a best-first local search that
//! only ever lowers the plan's cost.
//!
//! * **Merge earlier.** A lot of item `i` in period `p` moves whole into an earlier lot of the
//!   same item in `p' < p` when the setup cost it no longer pays (`order_cost` plus the setup
//!   costs of its routings) exceeds the holding cost of making it early
//!   (`holding_cost × lot × (p − p')`). Only items without components (a parent made earlier
//!   would need its components earlier too).
//! * **Move later.** Part or all of a lot moves into a later lot of the same item when the
//!   stock in between holds it (nothing it serves is due before), saving
//!   `holding_cost × quantity × (p' − p)`, plus the setup cost when the whole lot moves. Only
//!   items outside the BOM (a component made later could miss its parents' lots), and a part
//!   only when the item has no `min_lot` or `lot_multiple`.
//!
//! * **Switch way.** Part or all of a lot moves into the lot of another way (route or
//!   supplier) of the same item, when that way's unit cost is lower. A way with a lead time
//!   no longer than the lot's starts in the same period, when its unit cost is lower by more
//!   than the holding cost of arriving earlier. A way with a longer lead time starts as many
//!   periods earlier as makes it arrive in the same period (not before the frozen fence): the
//!   item's stock is unchanged, its components leave their stock earlier (their holding cost
//!   over those periods is saved), and they must be in stock then, above their safety stock
//!   (see [`Search::components_on_hand`]). Whole lots pay the setup cost saved as well. A whole
//!   lot may also start a lot
//!   of the other way, when the saving pays that lot's setup and order costs and the family
//!   setups and joint order it adds (within the regular free time after its setups). An item with components switches
//!   only between made ways (a made lot consumes its components when it starts, whatever the
//!   route; a bought one consumes none, which would leave them in stock). A part moves only
//!   when the source way has no `min_lot` or `lot_multiple`, and only into a way without a
//!   `lot_multiple`. Version-1 items have one way: the move never applies to them.
//!
//! A target lot must keep within the model's bound `M[i,t]`, `max_lot`, and the *regular* free
//! capacity of every resource it is routed on (no new overtime). Stock never falls below what
//! the plan shipped, so no shipment, balance or safety stock gets worse, and every move lowers
//! the cost. Moves are applied best saving first, in passes, until none saves anything.

use super::{lot_costs, plus_new_lot_cost, Booked};
use crate::format::snap;
use crate::grid::Grid;
use crate::input::{Options, PlanInput, Routing};
use crate::plan::solution::{family_setups, joint_orders};

/// Savings below this are float noise, not a reason to move a lot.
const MIN_SAVING: f64 = 1e-9;

/// Quantities below this are not worth a move.
const MIN_QUANTITY: f64 = 1e-6;

/// Upper bound on passes: every applied move lowers the cost, so the loop ends; this only
/// bounds the time on huge plans.
const MAX_PASSES: usize = 1000;

/// One move: `quantity` of option `option`'s lot in `from` joins option `to_option`'s lot in
/// `to` (the same option, except for a switch of way).
#[derive(Debug, Clone, Copy)]
struct Move {
    saving: f64,
    option: usize,
    from: usize,
    to_option: usize,
    to: usize,
    quantity: f64,
}

/// Improves `lots` (one row per option, shipping `shipped`) by the moves of the module docs.
/// `big_m` is the model's bound on each lot; `capacity_margin` is kept free on every resource.
pub(super) fn improve_lots(
    input: &PlanInput,
    options: &Options,
    big_m: &Grid<f64>,
    capacity_margin: f64,
    shipped: &Grid<f64>,
    lots: &mut Grid<f64>,
) {
    let Some(mut search) = Search::new(input, options, big_m, capacity_margin, shipped, lots) else { return };
    for _ in 0..MAX_PASSES {
        let mut candidates: Vec<Move> = Vec::new();
        for option in 0..options.len() {
            for from in 0..search.n_periods {
                candidates.extend(search.best_move(option, from, lots));
            }
        }
        if candidates.is_empty() {
            return;
        }
        candidates
            .sort_by(|a, b| b.saving.total_cmp(&a.saving).then(a.option.cmp(&b.option)).then(a.from.cmp(&b.from)));
        for candidate in candidates {
            // Earlier moves of this pass may have changed the lots, stock and free capacity.
            if let Some(now) = search.best_move(candidate.option, candidate.from, lots) {
                search.apply(now, lots);
            }
        }
    }
}

/// The state of the local search besides the lots.
struct Search<'a> {
    input: &'a PlanInput,
    options: &'a Options,
    big_m: &'a Grid<f64>,
    n_periods: usize,
    /// Cost of one lot of each option ([`lot_costs`]).
    setup_cost: Vec<f64>,
    /// `routings[o]`: the routing rows of option `o`.
    routings: Vec<Vec<Routing>>,
    /// Items that are parents in the BOM (never made earlier).
    has_components: Vec<bool>,
    /// `components[i]`: the components of item `i` with their quantity per unit.
    components: Vec<Vec<(usize, f64)>>,
    /// Items in the BOM at all (never made later).
    in_bom: Vec<bool>,
    /// Regular capacity left per resource and period.
    free: Grid<f64>,
    /// Whether each family is set up in each period (booked by any lot, never released).
    family_on: Grid<bool>,
    /// Whether each supplier has an order in each period (booked by any lot, never released).
    ordering: Grid<bool>,
    /// End-of-period stock of every item: receipts, arrivals, shipments and what the parents'
    /// made lots consume.
    stock: Grid<f64>,
}

impl<'a> Search<'a> {
    fn new(
        input: &'a PlanInput,
        options: &'a Options,
        big_m: &'a Grid<f64>,
        margin: f64,
        shipped: &Grid<f64>,
        lots: &Grid<f64>,
    ) -> Option<Self> {
        let n_periods = input.n_periods();
        let n_items = input.items.len();
        let mut has_components = vec![false; n_items];
        let mut in_bom = vec![false; n_items];
        let mut components = vec![Vec::new(); n_items];
        for edge in &input.bom {
            components.get_mut(edge.parent)?.push((edge.component, edge.quantity));
            *has_components.get_mut(edge.parent)? = true;
            *in_bom.get_mut(edge.parent)? = true;
            *in_bom.get_mut(edge.component)? = true;
        }
        let mut free = Grid::new(input.resources.len(), n_periods, 0.0);
        for (r, res) in input.resources.iter().enumerate() {
            for (t, cell) in free.row_mut(r).iter_mut().enumerate() {
                *cell = res.capacity.get(t).copied().unwrap_or(0.0) - margin;
            }
        }
        for (row, routing) in input.routings.iter().enumerate() {
            let Some(o) = options.of_routing_row(row) else { continue };
            for t in 0..n_periods {
                let lot = *lots.get(o, t)?;
                if lot > 0.0 {
                    *free.get_mut(routing.resource, t)? -= routing.unit_time * lot + routing.setup_time;
                }
            }
        }
        let families = family_setups(input, options, lots);
        let ordering = joint_orders(input, options, lots);
        for (f, family) in input.families.iter().enumerate() {
            for t in 0..n_periods {
                if families[(f, t)] {
                    *free.get_mut(family.resource, t)? -= family.setup_time;
                }
            }
        }
        let mut stock = input.receipt_grid();
        for (parent, parts) in components.iter().enumerate() {
            for t in 0..n_periods {
                let made: f64 = options.made_of_item(parent).map(|o| lots[(o, t)]).sum();
                for &(c, q) in parts {
                    stock[(c, t)] -= q * made;
                }
            }
        }
        for (i, item) in input.items.iter().enumerate() {
            let mut on_hand = item.initial_inventory;
            for t in 0..n_periods {
                let arriving: f64 = options
                    .of_item(i)
                    .map(|o| t.checked_sub(options.get(o).lead_time).map_or(0.0, |s| lots[(o, s)]))
                    .sum();
                on_hand += stock[(i, t)] + arriving - shipped.get(i, t).copied()?;
                stock[(i, t)] = on_hand;
            }
        }
        Some(Search {
            input,
            options,
            big_m,
            n_periods,
            setup_cost: lot_costs(input, options),
            routings: options
                .all()
                .iter()
                .map(|option| option.routings().iter().map(|&row| input.routings[row]).collect())
                .collect(),
            has_components,
            components,
            in_bom,
            free,
            family_on: families,
            ordering,
            stock,
        })
    }

    /// The most saving move of option `o`'s lot in `from`, if any saves anything.
    fn best_move(&self, o: usize, from: usize, lots: &Grid<f64>) -> Option<Move> {
        let lot = *lots.get(o, from)?;
        if lot <= 0.0 || from < self.input.frozen_periods() {
            return None; // a frozen lot of replanning never moves
        }
        let earlier = self.merge_earlier(o, from, lot, lots);
        let later = self.move_later(o, from, lot, lots);
        let switch = self.switch_way(o, from, lot, lots);
        // Replanning: a move also changes what the lots differ from the previous plan.
        let with_change_costs = |mut m: Move| {
            m.saving -= self.change_cost_delta(&m, lots);
            (m.saving > 0.0).then_some(m)
        };
        // The largest saving; on a tie the earlier in this list.
        let moves = [earlier, later, switch].into_iter().flatten().filter_map(with_change_costs);
        moves.fold(None, |best: Option<Move>, m| match best {
            Some(b) if b.saving >= m.saving => Some(b),
            _ => Some(m),
        })
    }

    /// What move `m` adds to the replanning terms (spec section 2): `change_cost` times the
    /// change of `|x - xp|` in both cells, and `new_lot_cost` for a lot it starts (or saves for
    /// one it empties) where the previous plan had none. 0 without replanning.
    fn change_cost_delta(&self, m: &Move, lots: &Grid<f64>) -> f64 {
        let (Some(replan), Some(previous)) = (&self.input.replan, self.options.previous()) else { return 0.0 };
        let (from_k, to_k) = ((m.option, m.from), (m.to_option, m.to));
        let (from, to) = (lots[from_k], lots[to_k]);
        let (from_after, to_after) = ((from - m.quantity).max(0.0), to + m.quantity);
        let distance = |x: f64, k: (usize, usize)| (x - previous[k]).abs();
        let change =
            distance(from_after, from_k) - distance(from, from_k) + distance(to_after, to_k) - distance(to, to_k);
        let new_lot = |before: f64, after: f64, k: (usize, usize)| match (previous[k] > 0.0, before > 0.0, after > 0.0)
        {
            (false, false, true) => 1.0,
            (false, true, false) => -1.0,
            _ => 0.0,
        };
        replan.change_cost * change
            + replan.new_lot_cost * (new_lot(from, from_after, from_k) + new_lot(to, to_after, to_k))
    }

    /// The most saving lot of another way of the same item that (part of) the lot can join
    /// (see the module docs): started in the same period, or, for a way with a longer lead
    /// time, as much earlier as makes it arrive in the same period.
    fn switch_way(&self, o: usize, from: usize, lot: f64, lots: &Grid<f64>) -> Option<Move> {
        let option = self.options.get(o);
        let item_idx = option.item;
        let item = self.input.items.get(item_idx)?;
        let has_components = *self.has_components.get(item_idx)?;
        let divisible = option.min_lot <= 0.0 && option.lot_multiple.is_none();
        let mut best: Option<Move> = None;
        for target in self.options.of_item(item_idx).filter(|&t| t != o) {
            let way = self.options.get(target);
            if has_components && !(way.is_made() && option.is_made()) {
                continue;
            }
            let unit_saving = option.unit_cost - way.unit_cost;
            let (to, per_unit, limit) = if way.lead_time > option.lead_time {
                // Started earlier, arriving when the lot did: its components leave their stock
                // earlier (less holding), and must be there.
                let Some(to) = from.checked_sub(way.lead_time - option.lead_time) else { continue };
                if to < self.input.frozen_periods() {
                    continue;
                }
                let periods = (from - to) as f64;
                let held: f64 = self.components[item_idx]
                    .iter()
                    .map(|&(c, q)| q * self.input.items[c].holding_cost * periods)
                    .sum();
                (to, unit_saving + held, self.components_on_hand(item_idx, to, from)?)
            } else {
                let earlier = (option.lead_time - way.lead_time) as f64;
                (from, unit_saving - item.holding_cost * earlier, f64::INFINITY)
            };
            let new_lot = *lots.get(target, to)? <= 0.0;
            let (room, new_lot_cost) = if new_lot {
                // A whole lot only, and only one that the target's lot rules take as it is.
                let fits = lot >= way.min_lot && way.lot_multiple.is_none_or(|m| is_multiple(lot, m));
                if !fits {
                    continue;
                }
                (self.room_for_new_lot(target, to)?, self.new_lot_cost(target, to))
            } else {
                (self.room(target, to, lots)?, 0.0)
            };
            let room = room.min(limit);
            let whole = room >= lot && way.lot_multiple.is_none_or(|m| is_multiple(lot, m));
            let quantity = if whole { lot } else { snap(room.min(lot)) };
            if !whole
                && (new_lot || !divisible || way.lot_multiple.is_some() || quantity < MIN_QUANTITY || per_unit <= 0.0)
            {
                continue;
            }
            let setup_saving = if whole { self.setup_cost[o] } else { 0.0 };
            let saving = setup_saving - new_lot_cost + per_unit * quantity;
            if saving > MIN_SAVING && best.is_none_or(|b| saving > b.saving) {
                best = Some(Move { saving, option: o, from, to_option: target, to, quantity });
            }
        }
        best
    }

    /// How many units of item `i` more can consume their components in periods `to..from`
    /// than do now: the least over its components and those periods of the stock above the
    /// safety stock, per unit of `i`.
    fn components_on_hand(&self, i: usize, to: usize, from: usize) -> Option<f64> {
        let mut limit = f64::INFINITY;
        for &(c, q) in &self.components[i] {
            let safety = self.input.items.get(c)?.safety_stock;
            for t in to..from {
                limit = limit.min(((*self.stock.get(c, t)? - safety) / q).max(0.0));
            }
        }
        Some(limit)
    }

    /// The nearest earlier lot of the same option the whole lot can join, when that saves money.
    fn merge_earlier(&self, o: usize, from: usize, lot: f64, lots: &Grid<f64>) -> Option<Move> {
        let item_idx = self.options.get(o).item;
        let item = self.input.items.get(item_idx)?;
        if *self.has_components.get(item_idx)? {
            return None;
        }
        let setup_cost = *self.setup_cost.get(o)?;
        for to in (0..from).rev() {
            let saving = setup_cost - item.holding_cost * lot * (from - to) as f64;
            if saving <= MIN_SAVING {
                return None;
            }
            if self.room(o, to, lots)? >= lot {
                return Some(Move { saving, option: o, from, to_option: o, to, quantity: lot });
            }
        }
        None
    }

    /// The most saving later lot of the same option that (part of) the lot can join while the
    /// stock holds it.
    fn move_later(&self, o: usize, from: usize, lot: f64, lots: &Grid<f64>) -> Option<Move> {
        let option = self.options.get(o);
        let item_idx = option.item;
        let item = self.input.items.get(item_idx)?;
        if *self.in_bom.get(item_idx)? || item.holding_cost <= 0.0 && *self.setup_cost.get(o)? <= 0.0 {
            return None;
        }
        let n = self.n_periods;
        let divisible = option.min_lot <= 0.0 && option.lot_multiple.is_none();
        let mut movable = lot;
        let mut best: Option<Move> = None;
        for to in from + 1..n {
            // Stock at the end of the last period the lot would no longer cover (a lot there
            // would arrive after the horizon: no lot may start so late).
            let covered = to + option.lead_time - 1;
            if covered >= n {
                break;
            }
            movable = movable.min(*self.stock.get(item_idx, covered)?);
            if movable < MIN_QUANTITY {
                break;
            }
            if *lots.get(o, to)? <= 0.0 {
                continue;
            }
            let room = self.room(o, to, lots)?;
            let whole = movable >= lot && room >= lot;
            let quantity = if whole { lot } else { snap(movable.min(room)) };
            if !whole && (!divisible || quantity < MIN_QUANTITY || quantity >= lot) {
                continue;
            }
            let setup_saving = if whole { self.setup_cost[o] } else { 0.0 };
            let saving = setup_saving + item.holding_cost * quantity * (to - from) as f64;
            if saving > MIN_SAVING && best.is_none_or(|b| saving > b.saving) {
                best = Some(Move { saving, option: o, from, to_option: o, to, quantity });
            }
        }
        best
    }

    /// How much more option `o`'s existing lot in `to` can take: the model's bound, `max_lot`,
    /// `max_per_period`, and the regular free time of its resources. `Some(0)` when there is
    /// no lot (only a switch of way starts a lot, see [`Search::room_for_new_lot`]).
    fn room(&self, o: usize, to: usize, lots: &Grid<f64>) -> Option<f64> {
        let option = self.options.get(o);
        let existing = *lots.get(o, to)?;
        if existing <= 0.0 {
            return Some(0.0);
        }
        let mut room = *self.big_m.get(o, to)? - existing;
        if let Some(max_lot) = option.max_lot {
            room = room.min(max_lot - existing);
        }
        if let Some(cap) = option.max_per_period {
            room = room.min(cap - existing);
        }
        for r in self.routings[o].iter().filter(|r| r.unit_time > 0.0) {
            room = room.min(*self.free.get(r.resource, to)? / r.unit_time);
        }
        Some(room.max(0.0) + 1e-9)
    }

    /// How much a new lot of option `o` started in `to` can take: the model's bound, `max_lot`,
    /// `max_per_period`, and the regular free time of its resources after its setups (its own
    /// and its family's, where the family is not set up there yet).
    fn room_for_new_lot(&self, o: usize, to: usize) -> Option<f64> {
        let option = self.options.get(o);
        let mut room = *self.big_m.get(o, to)?;
        if let Some(max_lot) = option.max_lot {
            room = room.min(max_lot);
        }
        if let Some(cap) = option.max_per_period {
            room = room.min(cap);
        }
        for r in &self.routings[o] {
            let family =
                r.family.filter(|&f| !self.family_on[(f, to)]).map_or(0.0, |f| self.input.families[f].setup_time);
            let free = *self.free.get(r.resource, to)? - r.setup_time - family;
            if free < 0.0 {
                return Some(0.0);
            }
            if r.unit_time > 0.0 {
                room = room.min(free / r.unit_time);
            }
        }
        Some(room.max(0.0) + 1e-9)
    }

    /// What starting a lot of option `o` in `to` adds besides its units ([`plus_new_lot_cost`]).
    fn new_lot_cost(&self, o: usize, to: usize) -> f64 {
        let booked = Booked { family_on: &self.family_on, ordering: &self.ordering };
        plus_new_lot_cost(0.0, self.input, self.options, &self.setup_cost, booked, o, to)
    }

    /// Applies `m`: the lots, the free time of both periods and the stock in between. (A lot
    /// emptied by a move gives back its own setup time; a family's setup stays booked.)
    fn apply(&mut self, m: Move, lots: &mut Grid<f64>) {
        let (from_k, to_k) = ((m.option, m.from), (m.to_option, m.to));
        let emptied = m.quantity >= lots[from_k];
        let started = lots[to_k] <= 0.0;
        lots[to_k] = snap(lots[to_k] + m.quantity);
        lots[from_k] = if emptied { 0.0 } else { snap(lots[from_k] - m.quantity) };
        for r in &self.routings[m.to_option] {
            self.free[(r.resource, m.to)] -= r.unit_time * m.quantity;
            if started {
                self.free[(r.resource, m.to)] -= r.setup_time;
                if let Some(f) = r.family.filter(|&f| !self.family_on[(f, m.to)]) {
                    self.free[(r.resource, m.to)] -= self.input.families[f].setup_time;
                    self.family_on[(f, m.to)] = true;
                }
            }
        }
        if let Some(v) = self.options.get(m.to_option).supplier().filter(|_| started) {
            self.ordering[(v, m.to)] = true;
        }
        for r in &self.routings[m.option] {
            self.free[(r.resource, m.from)] += r.unit_time * m.quantity + if emptied { r.setup_time } else { 0.0 };
        }
        // The stock between the two arrivals: higher when the quantity now arrives earlier.
        let item = self.options.get(m.option).item;
        let arrived = m.from + self.options.get(m.option).lead_time;
        let arrives = m.to + self.options.get(m.to_option).lead_time;
        let (first, last, delta) =
            if arrives < arrived { (arrives, arrived, m.quantity) } else { (arrived, arrives, -m.quantity) };
        for t in first..last.min(self.n_periods) {
            self.stock[(item, t)] += delta;
        }
        // The components: a made lot consumes them when it starts.
        let (made_from, made_to) = (self.options.get(m.option).is_made(), self.options.get(m.to_option).is_made());
        if m.from != m.to && (made_from || made_to) {
            for k in 0..self.components[item].len() {
                let (c, q) = self.components[item][k];
                for t in m.from..self.n_periods {
                    self.stock[(c, t)] += if made_from { q * m.quantity } else { 0.0 };
                }
                for t in m.to..self.n_periods {
                    self.stock[(c, t)] -= if made_to { q * m.quantity } else { 0.0 };
                }
            }
        }
    }
}

/// Whether `x` is a whole multiple of `m` (to 1e-9 of it).
fn is_multiple(x: f64, m: f64) -> bool {
    m > 0.0 && ((x / m) - (x / m).round()).abs() <= 1e-9
}

#[cfg(test)]
pub(super) mod tests {
    //! Hand-worked lot moves on one item with setup cost 100 and holding cost 1 per unit and
    //! period, on one resource (one hour per unit, no setup time).
    use super::improve_lots;
    use crate::grid::Grid;
    use crate::input::{Bucket, Horizon, Item, ItemKind, PlanInput, Resource, Routing};

    /// One item over `capacity.len()` weekly periods with the given lead time.
    fn plan(capacity: &[f64], lead_time: usize) -> PlanInput {
        let mut item = Item::new("A", ItemKind::Make);
        item.holding_cost = 1.0;
        item.lead_time = lead_time;
        let horizon = Horizon {
            start: chrono::NaiveDate::from_ymd_opt(2026, 1, 5).expect("a date"),
            bucket: Bucket::Week,
            periods: capacity.len(),
        };
        PlanInput {
            items: vec![item],
            resources: vec![Resource {
                id: "R".into(),
                capacity: capacity.to_vec(),
                overtime_max: 0.0,
                overtime_cost: 0.0,
            }],
            routings: vec![Routing::new(0, 0, 1.0, 0.0, 100.0)],
            ..PlanInput::new(horizon)
        }
    }

    /// Runs the moves on `lots` with `shipped` shipped and no bound but capacity.
    fn improved(input: &PlanInput, shipped: &[f64], lots: &[f64]) -> Vec<f64> {
        let grid = |cells: &[f64]| Grid::from_cells(cells.len(), cells.to_vec()).expect("one row");
        let mut lots = grid(lots);
        let options = crate::input::Options::new(input);
        improve_lots(input, &options, &grid(&vec![1e6; lots.periods()]), 0.0, &grid(shipped), &mut lots);
        lots.into_cells()
    }

    /// Demand 5, 0, 10; lots 10, 0, 5 (cost 200 + 5 + 5 = 210). Two moves save money: five
    /// units of the first lot wait two periods, and moving them into the last lot saves
    /// 5 × 2 = 10 of holding; or the last lot merges into the first, saving its setup 100 less
    /// 5 × 2 of holding = 90. The search takes the larger saving first: lots 15, 0, 0 cost
    /// 100 + 10 + 10 = 120. After it, nothing saves anything.
    #[test]
    fn the_larger_saving_wins_between_merging_and_moving_later() {
        let input = plan(&[100.0; 3], 0);
        assert_eq!(improved(&input, &[5.0, 0.0, 10.0], &[10.0, 0.0, 5.0]), vec![15.0, 0.0, 0.0]);
    }

    /// The same plan with capacity 10, 100, 8: the merge no longer fits (period 1 is full), so
    /// the first lot moves later as much as period 3 can take: 8 − 5 = 3 units, saving
    /// 3 × 2 = 6. Lots 7, 0, 8 (stock 2, 2, 0); the last lot still cannot merge back.
    #[test]
    fn a_part_of_a_lot_moves_later_as_far_as_capacity_allows() {
        let input = plan(&[10.0, 100.0, 8.0], 0);
        assert_eq!(improved(&input, &[5.0, 0.0, 10.0], &[10.0, 0.0, 5.0]), vec![7.0, 0.0, 8.0]);
    }

    /// Demand 0, 0, 10 with lots 4, 0, 6 and capacity 10: the whole first lot moves into the
    /// last (saving its setup 100 plus 4 × 2 of holding). Lots 0, 0, 10.
    #[test]
    fn a_whole_lot_moves_later_and_saves_its_setup() {
        let input = plan(&[10.0; 3], 0);
        assert_eq!(improved(&input, &[0.0, 0.0, 10.0], &[4.0, 0.0, 6.0]), vec![0.0, 0.0, 10.0]);
    }

    /// Lead time 2 over 4 periods, demand 5 and 3 in periods 3 and 4, lots 8, 2, 0, 0 (arriving
    /// in periods 3 and 4) and capacity 8: 3 of the 8 units started in period 1 wait in stock
    /// through period 3. They can start in period 2 instead (saving 3 × 1). The search looks no
    /// further than period 3 (a lot started in period 4 would arrive after the horizon) and
    /// keeps that move. Lots 5, 5, 0, 0.
    #[test]
    fn with_a_lead_time_a_lot_moves_no_later_than_it_can_arrive() {
        let input = plan(&[8.0; 4], 2);
        assert_eq!(improved(&input, &[0.0, 0.0, 5.0, 3.0], &[8.0, 2.0, 0.0, 0.0]), vec![5.0, 5.0, 0.0, 0.0]);
    }

    /// One item with two routes started in period 1 of 2: `DTG` (unit cost 3) on R1 and
    /// `SCREEN` (unit cost 2, capacity `screen_capacity`, lead time `screen_lead`) on R2, each
    /// with a setup cost of 10 a lot and one hour a unit; holding cost 1.
    fn two_routes(screen_capacity: f64, screen_lead: Option<usize>) -> PlanInput {
        two_routes_over(2, screen_capacity, screen_lead)
    }

    /// [`two_routes`] over `periods` periods.
    pub(in crate::plan::construct) fn two_routes_over(
        periods: usize,
        screen_capacity: f64,
        screen_lead: Option<usize>,
    ) -> PlanInput {
        let mut input = plan(&vec![100.0; periods], 0);
        input.resources.push(Resource {
            id: "R2".into(),
            capacity: vec![screen_capacity; periods],
            overtime_max: 0.0,
            overtime_cost: 0.0,
        });
        let terms = |unit_cost: f64, lead_time: Option<usize>| crate::input::LotTerms {
            unit_cost: Some(unit_cost),
            lead_time,
            ..crate::input::LotTerms::default()
        };
        input.routes = vec![
            crate::input::Route { item: 0, id: "DTG".into(), terms: terms(3.0, None) },
            crate::input::Route { item: 0, id: "SCREEN".into(), terms: terms(2.0, screen_lead) },
        ];
        input.routings = vec![
            Routing { route: Some(0), ..Routing::new(0, 0, 1.0, 0.0, 10.0) },
            Routing { route: Some(1), ..Routing::new(0, 1, 1.0, 0.0, 10.0) },
        ];
        input
    }

    /// Lots `(dtg, screen)` started in period 1 and all shipped in period 2, improved.
    fn switched(input: &PlanInput, dtg: f64, screen: f64) -> (f64, f64) {
        let options = crate::input::Options::new(input);
        let way = |route| options.of_item(0).find(|&o| options.get(o).route() == Some(route)).expect("a route");
        let (d, s) = (way(0), way(1));
        let mut lots = Grid::new(options.len(), 2, 0.0);
        lots[(d, 0)] = dtg;
        lots[(s, 0)] = screen;
        let shipped = Grid::from_cells(2, vec![0.0, dtg + screen]).expect("one row");
        improve_lots(input, &options, &Grid::new(options.len(), 2, 1e6), 0.0, &shipped, &mut lots);
        (lots[(d, 0)], lots[(s, 0)])
    }

    /// DTG 4 and SCREEN 6 in period 1: the DTG lot joins the screen lot, saving its setup 10
    /// and 1 a unit: DTG 0, SCREEN 10.
    #[test]
    fn a_whole_lot_switches_to_the_cheaper_way_started_in_the_same_period() {
        assert_eq!(switched(&two_routes(100.0, None), 4.0, 6.0), (0.0, 10.0));
    }

    /// DTG 4 and SCREEN 11 and a screen of 12 hours: one DTG unit fits on the screen (saving
    /// 1); the screen lot does not join DTG (its setup 10 is less than 11 × 1). DTG 3, SCREEN
    /// 12. (With SCREEN 6 it would: 10 of setup against 6 × 1.)
    #[test]
    fn a_part_of_a_lot_switches_as_far_as_the_cheaper_way_has_room() {
        assert_eq!(switched(&two_routes(12.0, None), 4.0, 11.0), (3.0, 12.0));
        assert_eq!(switched(&two_routes(8.0, None), 4.0, 6.0), (10.0, 0.0));
    }

    /// DTG 20 and no screen lot: the whole lot starts one on the screen (its setup 10 for
    /// DTG's 10, and 1 a unit less): DTG 0, SCREEN 20. With 15 screen hours it does not fit,
    /// and a new lot takes only a whole lot: nothing moves.
    #[test]
    fn a_whole_lot_starts_a_lot_of_a_cheaper_way_where_it_fits() {
        assert_eq!(switched(&two_routes(100.0, None), 20.0, 0.0), (0.0, 20.0));
        assert_eq!(switched(&two_routes(15.0, None), 20.0, 0.0), (20.0, 0.0));
    }

    /// The screen is a period slower than DTG: its lot of period 1 arrives later, so no unit
    /// may switch to it (the stock in between would fall).
    #[test]
    fn no_lot_switches_to_a_way_with_a_longer_lead_time() {
        assert_eq!(switched(&two_routes(100.0, Some(1)), 4.0, 6.0), (4.0, 6.0));
    }

    /// [`two_routes_over`] 3 periods with a screen a period slower than DTG, and item A made
    /// of one unit of a bought component C each (no setup, holding cost `c_holding`), whose
    /// lots are `c_lots` (0-based period, quantity). A DTG lot of 20 starts in period 2 and is
    /// shipped in period 3. Returns the DTG and SCREEN lots of periods 1 and 2.
    fn switched_earlier(c_lots: &[(usize, f64)], c_holding: f64) -> [(f64, f64); 2] {
        let mut input = two_routes_over(3, 100.0, Some(1));
        let mut component = Item::new("C", ItemKind::Buy);
        component.holding_cost = c_holding;
        input.items.push(component);
        input.bom = vec![crate::input::BomEdge { parent: 0, component: 1, quantity: 1.0 }];
        let options = crate::input::Options::new(&input);
        let way = |route| options.of_item(0).find(|&o| options.get(o).route() == Some(route)).expect("a route");
        let (d, s, c) = (way(0), way(1), options.of_item(1).start);
        let mut lots = Grid::new(options.len(), 3, 0.0);
        lots[(d, 1)] = 20.0;
        for &(t, lot) in c_lots {
            lots[(c, t)] = lot;
        }
        let shipped = Grid::from_cells(3, vec![0.0, 0.0, 20.0, 0.0, 0.0, 0.0]).expect("two rows");
        improve_lots(&input, &options, &Grid::new(options.len(), 3, 1e6), 0.0, &shipped, &mut lots);
        [(lots[(d, 0)], lots[(s, 0)]), (lots[(d, 1)], lots[(s, 1)])]
    }

    /// The 20 units of C arrive in period 1: the screen lot started in period 1 instead of the
    /// DTG lot of period 2 arrives in period 2 as that did, and C is in stock when it starts.
    /// The whole lot switches (DTG's setup 10 saved, the screen's 10 paid, 1 a unit less, and
    /// 20 units of C held one period less): SCREEN 20 in period 1, no DTG lot. Unchanged
    /// when C only arrives in period 2 (just in time for DTG): the screen lot would find no C.
    #[test]
    fn a_lot_switches_to_a_slower_cheaper_way_started_earlier_when_its_components_are_in_stock() {
        assert_eq!(switched_earlier(&[(0, 20.0)], 0.5), [(0.0, 20.0), (0.0, 0.0)]);
        assert_eq!(switched_earlier(&[(1, 20.0)], 0.5), [(0.0, 0.0), (20.0, 0.0)]);
    }

    /// With 12 units of C in stock in period 1 (8 more arrive in period 2) only a part could
    /// start early, and a part never starts a lot of another way: nothing moves. With all 20
    /// it does, also when C's holding is what the switch saves (unit cost 1 a unit less, C's
    /// holding cost 0).
    #[test]
    fn a_lot_switches_earlier_only_as_far_as_its_components_reach() {
        assert_eq!(switched_earlier(&[(0, 12.0), (1, 8.0)], 0.0), [(0.0, 0.0), (20.0, 0.0)]);
        assert_eq!(switched_earlier(&[(0, 20.0)], 0.0), [(0.0, 20.0), (0.0, 0.0)]);
    }
}
