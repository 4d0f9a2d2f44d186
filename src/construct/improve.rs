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
//! A target lot must keep within the model's bound `M[i,t]`, `max_lot`, and the *regular* free
//! capacity of every resource it is routed on (no new overtime). Stock never falls below what
//! the plan shipped, so no shipment, balance or safety stock gets worse, and every move lowers
//! the cost. Moves are applied best saving first, in passes, until none saves anything.

use super::{lot_costs, receipt_table, routings_by_item};
use crate::input::{PlanInput, Routing};
use crate::plan::snap;

/// Savings below this are float noise, not a reason to move a lot.
const MIN_SAVING: f64 = 1e-9;

/// Quantities below this are not worth a move.
const MIN_QUANTITY: f64 = 1e-6;

/// Upper bound on passes: every applied move lowers the cost, so the loop ends; this only
/// bounds the time on huge plans.
const MAX_PASSES: usize = 1000;

/// One move: `quantity` of `item`'s lot in `from` joins its lot in `to`.
#[derive(Debug, Clone, Copy)]
struct Move {
    saving: f64,
    item: usize,
    from: usize,
    to: usize,
    quantity: f64,
}

/// Improves `lots` (row-major `item * T + t`, shipping `shipped`) by the moves of the module
/// docs. `big_m` is the model's bound on each lot; `capacity_margin` is kept free on every
/// resource.
pub(super) fn improve_lots(input: &PlanInput, big_m: &[f64], capacity_margin: f64, shipped: &[f64], lots: &mut [f64]) {
    let Some(mut search) = Search::new(input, big_m, capacity_margin, shipped, lots) else { return };
    let n_items = input.items.len();
    for _ in 0..MAX_PASSES {
        let mut candidates: Vec<Move> = Vec::new();
        for item in 0..n_items {
            for from in 0..search.n_periods {
                candidates.extend(search.best_move(item, from, lots));
            }
        }
        if candidates.is_empty() {
            return;
        }
        candidates.sort_by(|a, b| b.saving.total_cmp(&a.saving).then(a.item.cmp(&b.item)).then(a.from.cmp(&b.from)));
        for candidate in candidates {
            // Earlier moves of this pass may have changed the lots, stock and free capacity.
            if let Some(now) = search.best_move(candidate.item, candidate.from, lots) {
                search.apply(now, lots);
            }
        }
    }
}

/// The state of the local search besides the lots.
struct Search<'a> {
    input: &'a PlanInput,
    big_m: &'a [f64],
    n_periods: usize,
    /// Cost of one lot of each item ([`lot_costs`]).
    setup_cost: Vec<f64>,
    /// `routings[i]`: the routings of item `i`.
    routings: Vec<Vec<Routing>>,
    /// Items that are parents in the BOM (never made earlier).
    has_components: Vec<bool>,
    /// Items in the BOM at all (never made later).
    in_bom: Vec<bool>,
    /// Regular capacity left, `resource * T + t`.
    free: Vec<f64>,
    /// End-of-period stock of items outside the BOM, `item * T + t`.
    stock: Vec<f64>,
}

impl<'a> Search<'a> {
    fn new(input: &'a PlanInput, big_m: &'a [f64], margin: f64, shipped: &[f64], lots: &[f64]) -> Option<Self> {
        let n_periods = input.n_periods();
        let n_items = input.items.len();
        let mut has_components = vec![false; n_items];
        let mut in_bom = vec![false; n_items];
        for edge in &input.bom {
            *has_components.get_mut(edge.parent)? = true;
            *in_bom.get_mut(edge.parent)? = true;
            *in_bom.get_mut(edge.component)? = true;
        }
        let mut free = vec![0.0; input.resources.len() * n_periods];
        for (r, res) in input.resources.iter().enumerate() {
            for t in 0..n_periods {
                free[r * n_periods + t] = res.capacity.get(t).copied().unwrap_or(0.0) - margin;
            }
        }
        for routing in &input.routings {
            for t in 0..n_periods {
                let lot = *lots.get(routing.item * n_periods + t)?;
                if lot > 0.0 {
                    *free.get_mut(routing.resource * n_periods + t)? -= routing.unit_time * lot + routing.setup_time;
                }
            }
        }
        let mut stock = receipt_table(input);
        for (i, item) in input.items.iter().enumerate() {
            let mut on_hand = item.initial_inventory;
            for t in 0..n_periods {
                let k = i * n_periods + t;
                let arriving = t.checked_sub(item.lead_time).map_or(0.0, |s| lots[i * n_periods + s]);
                on_hand += stock[k] + arriving - shipped.get(k).copied()?;
                stock[k] = on_hand;
            }
        }
        Some(Search {
            input,
            big_m,
            n_periods,
            setup_cost: lot_costs(input),
            routings: routings_by_item(input),
            has_components,
            in_bom,
            free,
            stock,
        })
    }

    /// The most saving move of the lot of `item` in `from`, if any saves anything.
    fn best_move(&self, item: usize, from: usize, lots: &[f64]) -> Option<Move> {
        let lot = *lots.get(item * self.n_periods + from)?;
        if lot <= 0.0 {
            return None;
        }
        let earlier = self.merge_earlier(item, from, lot, lots);
        let later = self.move_later(item, from, lot, lots);
        match (earlier, later) {
            (Some(a), Some(b)) => Some(if b.saving > a.saving { b } else { a }),
            (a, b) => a.or(b),
        }
    }

    /// The nearest earlier lot the whole lot can join, when that saves money.
    fn merge_earlier(&self, item_idx: usize, from: usize, lot: f64, lots: &[f64]) -> Option<Move> {
        let item = self.input.items.get(item_idx)?;
        if *self.has_components.get(item_idx)? {
            return None;
        }
        let setup_cost = *self.setup_cost.get(item_idx)?;
        for to in (0..from).rev() {
            let saving = setup_cost - item.holding_cost * lot * (from - to) as f64;
            if saving <= MIN_SAVING {
                return None;
            }
            if self.room(item_idx, to, lots)? >= lot {
                return Some(Move { saving, item: item_idx, from, to, quantity: lot });
            }
        }
        None
    }

    /// The most saving later lot that (part of) the lot can join while the stock holds it.
    fn move_later(&self, item_idx: usize, from: usize, lot: f64, lots: &[f64]) -> Option<Move> {
        let item = self.input.items.get(item_idx)?;
        if *self.in_bom.get(item_idx)? || item.holding_cost <= 0.0 && *self.setup_cost.get(item_idx)? <= 0.0 {
            return None;
        }
        let n = self.n_periods;
        let divisible = item.min_lot <= 0.0 && item.lot_multiple.is_none();
        let mut movable = lot;
        let mut best: Option<Move> = None;
        for to in from + 1..n {
            // Stock at the end of the last period the lot would no longer cover (a lot there
            // would arrive after the horizon: no lot may start so late).
            let covered = to + item.lead_time - 1;
            if covered >= n {
                break;
            }
            movable = movable.min(*self.stock.get(item_idx * n + covered)?);
            if movable < MIN_QUANTITY {
                break;
            }
            if *lots.get(item_idx * n + to)? <= 0.0 {
                continue;
            }
            let room = self.room(item_idx, to, lots)?;
            let whole = movable >= lot && room >= lot;
            let quantity = if whole { lot } else { snap(movable.min(room)) };
            if !whole && (!divisible || quantity < MIN_QUANTITY || quantity >= lot) {
                continue;
            }
            let setup_saving = if whole { self.setup_cost[item_idx] } else { 0.0 };
            let saving = setup_saving + item.holding_cost * quantity * (to - from) as f64;
            if saving > MIN_SAVING && best.is_none_or(|b| saving > b.saving) {
                best = Some(Move { saving, item: item_idx, from, to, quantity });
            }
        }
        best
    }

    /// How much more the existing lot of `item_idx` in `to` can take: the model's bound,
    /// `max_lot`, and the regular free time of its resources. `Some(0)` when there is no lot.
    fn room(&self, item_idx: usize, to: usize, lots: &[f64]) -> Option<f64> {
        let n = self.n_periods;
        let item = self.input.items.get(item_idx)?;
        let existing = *lots.get(item_idx * n + to)?;
        if existing <= 0.0 {
            return Some(0.0);
        }
        let mut room = *self.big_m.get(item_idx * n + to)? - existing;
        if let Some(max_lot) = item.max_lot {
            room = room.min(max_lot - existing);
        }
        for r in self.routings[item_idx].iter().filter(|r| r.unit_time > 0.0) {
            room = room.min(*self.free.get(r.resource * n + to)? / r.unit_time);
        }
        Some(room.max(0.0) + 1e-9)
    }

    /// Applies `m`: the lots, the free time of both periods and the stock in between.
    fn apply(&mut self, m: Move, lots: &mut [f64]) {
        let n = self.n_periods;
        let (from_k, to_k) = (m.item * n + m.from, m.item * n + m.to);
        let emptied = m.quantity >= lots[from_k];
        lots[to_k] = snap(lots[to_k] + m.quantity);
        lots[from_k] = if emptied { 0.0 } else { snap(lots[from_k] - m.quantity) };
        for r in &self.routings[m.item] {
            self.free[r.resource * n + m.to] -= r.unit_time * m.quantity;
            self.free[r.resource * n + m.from] += r.unit_time * m.quantity + if emptied { r.setup_time } else { 0.0 };
        }
        let lead = self.input.items[m.item].lead_time;
        let (first, last, delta) = if m.to < m.from { (m.to, m.from, m.quantity) } else { (m.from, m.to, -m.quantity) };
        for t in first + lead..(last + lead).min(n) {
            self.stock[m.item * n + t] += delta;
        }
    }
}
