//! The backward construction for single-level plans whose lot-for-lot construction does not
//! fit the capacity (typically: setup times that eat the capacity when every item is made in
//! every period) or costs too many setups.
//!
//! Periods are filled from the last to the first. Each item carries an *outstanding*
//! requirement: its net demand (after initial stock and receipts) that must be made in this
//! period or an earlier one. In each period, largest run time first, every requirement that
//! fits whole is made as one lot; then the rest are made as partial lots that fill the period,
//! their remainders carried to the period before, where they join that period's requirement
//! in one lot (one setup). Filling late periods first keeps stock low and leaves the early
//! periods for what could not be made later.
//!
//! The *economic* variant also carries back, on purpose, a requirement whose holding cost for
//! one more period is below its setup cost (the Silver-Meal test, made backwards), but only
//! when a plain backward fill of the earlier periods shows that everything carried still fits:
//! the look-ahead that keeps the merging from running out of capacity at the start.

use super::{Construction, CAPACITY_MARGIN, TOLERANCE};
use crate::grid::Grid;

impl Construction<'_> {
    /// Places lots so that every item's demand ships on time, filling periods from the last
    /// (module docs). `None` when some requirement cannot be made by its period (lead time,
    /// capacity, lot rules). Only for plans without BOM edges (the caller checks).
    pub(super) fn plan_backward(&mut self, demand: &Grid<f64>, economic: bool) -> Option<()> {
        let n_periods = self.n_periods;
        let n_items = self.input.items.len();
        // need[(i, p)]: net requirement that a lot started in p (arriving p + lead) covers.
        let mut need = Grid::new(n_items, n_periods, 0.0);
        for (i, item) in self.input.items.iter().enumerate() {
            let mut on_hand = item.initial_inventory;
            for t in 0..n_periods {
                on_hand += self.receipts.get(i, t).copied().unwrap_or(0.0);
                let due = demand.get(i, t).copied().unwrap_or(0.0);
                if on_hand >= due - TOLERANCE {
                    on_hand = (on_hand - due).max(0.0);
                    continue;
                }
                let short = due - on_hand;
                on_hand = 0.0;
                let start = t.checked_sub(item.lead_time)?;
                *need.get_mut(i, start)? += short;
            }
        }
        let mut outstanding = vec![0.0; n_items];
        for period in (0..n_periods).rev() {
            self.add_needs(period, &need, &mut outstanding);
            if economic {
                self.fill_period_economically(period, &need, &mut outstanding);
            } else {
                self.fill_period(period, &mut outstanding);
            }
        }
        outstanding.iter().all(|&q| q <= TOLERANCE).then_some(())
    }

    /// Adds the requirements of lots started in `period` to `outstanding`.
    fn add_needs(&self, period: usize, need: &Grid<f64>, outstanding: &mut [f64]) {
        for (i, carried) in outstanding.iter_mut().enumerate() {
            *carried += need.get(i, period).copied().unwrap_or(0.0);
        }
    }

    /// [`Construction::fill_period`], except that requirements cheaper to hold one more period
    /// than to set up are carried back whole when the earlier periods still hold everything
    /// (most saving first).
    fn fill_period_economically(&mut self, period: usize, need: &Grid<f64>, outstanding: &mut [f64]) {
        let mut candidates: Vec<(usize, f64)> = Vec::new();
        if period > 0 {
            for (i, &q) in outstanding.iter().enumerate() {
                let Some(item) = self.input.items.get(i) else { continue };
                let setup_cost = self.lot_cost[i];
                if q > TOLERANCE && item.holding_cost * q < setup_cost {
                    candidates.push((i, setup_cost - item.holding_cost * q));
                }
            }
        }
        candidates.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut made_now = outstanding.to_vec();
        for &(i, _) in &candidates {
            made_now[i] = 0.0;
        }
        self.fill_period(period, &mut made_now);
        // made_now now holds what the other items carry back; add the candidates one by one.
        for (i, _) in candidates {
            let mut carried = made_now.clone();
            carried[i] += outstanding[i];
            if self.earlier_periods_hold(period, need, carried.clone()) {
                made_now = carried;
            } else {
                let made = self.add_to_lot(i, period, outstanding[i]);
                made_now[i] += (outstanding[i] - made).max(0.0);
            }
        }
        outstanding.copy_from_slice(&made_now);
    }

    /// Whether a plain backward fill of the periods before `period` makes `carried` and their
    /// own requirements (the look-ahead of the economic variant; `self` is not changed).
    fn earlier_periods_hold(&self, period: usize, need: &Grid<f64>, mut carried: Vec<f64>) -> bool {
        let mut trial = self.clone();
        for earlier in (0..period).rev() {
            trial.add_needs(earlier, need, &mut carried);
            trial.fill_period(earlier, &mut carried);
        }
        carried.iter().all(|&q| q <= TOLERANCE)
    }

    /// Makes as much of the outstanding requirements as fits in `period`: first, largest run
    /// time first, every requirement that fits whole as one lot; then the rest, largest first,
    /// as partial lots that fill the period (their remainders carried back).
    fn fill_period(&mut self, period: usize, outstanding: &mut [f64]) {
        let mut order: Vec<(usize, f64)> = outstanding
            .iter()
            .enumerate()
            .filter(|&(_, &q)| q > TOLERANCE)
            .map(|(i, &q)| (i, q * self.run_time_per_unit(i)))
            .collect();
        order.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut rest = Vec::new();
        for (i, _) in order {
            if self.capacity_limit(i, period, 0.0, true) + CAPACITY_MARGIN / self.run_time_per_unit(i).max(1.0)
                >= outstanding[i]
            {
                let made = self.add_whole_lot(i, period, outstanding[i]);
                outstanding[i] = (outstanding[i] - made).max(0.0);
            }
            if outstanding[i] > TOLERANCE {
                rest.push(i);
            }
        }
        for i in rest {
            let made = self.add_to_lot(i, period, outstanding[i]);
            outstanding[i] = (outstanding[i] - made).max(0.0);
        }
    }

    /// [`Construction::add_to_lot`] allowed to use the [`CAPACITY_MARGIN`] of `period` too:
    /// a requirement that fills the period exactly is made whole instead of leaving a
    /// remainder of millionths that would cost a setup in an earlier period.
    fn add_whole_lot(&mut self, item_idx: usize, period: usize, want: f64) -> f64 {
        self.shift_free_time(item_idx, period, CAPACITY_MARGIN);
        let made = self.add_to_lot(item_idx, period, want);
        self.shift_free_time(item_idx, period, -CAPACITY_MARGIN);
        made
    }

    /// Adds `delta` to the free time of every resource `item_idx` is routed on, in `period`.
    fn shift_free_time(&mut self, item_idx: usize, period: usize, delta: f64) {
        for routing in self.routings_of_option.get(item_idx).into_iter().flatten() {
            if let Some(free) = self.free_time.get_mut(routing.resource, period) {
                *free += delta;
            }
        }
    }

    /// Run time of one unit of `item_idx`, summed over its routings.
    fn run_time_per_unit(&self, item_idx: usize) -> f64 {
        self.routings_of_option.get(item_idx).into_iter().flatten().map(|r| r.unit_time).sum()
    }
}
