//! Bucketed demand `D[item, period]`: customer orders and forecast folded into periods.
//!
//! One pass over the orders puts each order's quantity into the period its due date falls in
//! (by [`crate::input::Horizon::locate`]): an order due before the horizon start is due in
//! period 1 and counted as past due; an order due on or after the end of the horizon is left
//! out and counted. The demand planned for an item in a period is `max(firm orders due then,
//! forecast)`: firm orders consume the forecast of their period. A configurable product's
//! forecast is for the product as a whole and is spread over its planning classes by the mix.
//!
//! All tables are [`Grid`]s with one row per item and 0-based periods.

use crate::grid::Grid;
use crate::input::configure::class_share;
use crate::input::{Configuration, PeriodOf, PlanInput};
use serde::Serialize;

/// Marks an order left out of the plan in [`Demand`]'s per-order period table.
const BEYOND_HORIZON: usize = usize::MAX;

/// How the orders fell relative to the horizon.
///
/// Every order is in exactly one of the three groups:
/// `orders == in_horizon + past_due + beyond_horizon`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DemandCounts {
    /// Number of orders read.
    pub orders: usize,
    /// Orders due inside the horizon (on or after its start, before its end).
    pub in_horizon: usize,
    /// Orders due before the horizon start, planned as due in period 1.
    pub past_due: usize,
    /// Orders due on or after the end of the horizon, left out of the plan.
    pub beyond_horizon: usize,
    /// Total quantity of the orders left out of the plan.
    pub quantity_beyond_horizon: f64,
    /// Total quantity of the past-due orders.
    pub past_due_quantity: f64,
}

/// `D[item, period]` and the counts a planner wants to see.
#[derive(Debug, Clone, PartialEq)]
pub struct Demand {
    /// Sum of the order quantities due per item and period.
    firm: Grid<f64>,
    /// Forecast per item and period, 0 where there is none.
    forecast: Grid<f64>,
    /// `max(firm, forecast)` per item and period.
    planned: Grid<f64>,
    /// 0-based period of each order, [`BEYOND_HORIZON`] when left out.
    order_periods: Vec<usize>,
    counts: DemandCounts,
}

/// Buckets the orders and the forecast of `input` into periods.
///
/// Indexes that break [`PlanInput`]'s invariants (an order or forecast row naming an item or
/// period out of range) are skipped rather than trusted; the reader never produces them.
/// Duplicate forecast rows for one item and period keep the larger quantity.
pub fn bucket_demand(input: &PlanInput) -> Demand {
    let n_items = input.items.len();
    let n_periods = input.n_periods();
    let mut firm = Grid::new(n_items, n_periods, 0.0);
    let mut counts = DemandCounts { orders: input.orders.len(), ..DemandCounts::default() };
    let mut order_periods = Vec::with_capacity(input.orders.len());

    for order in &input.orders {
        let period = match input.horizon.locate(order.due_date) {
            PeriodOf::InHorizon(t) => {
                counts.in_horizon += 1;
                t
            }
            PeriodOf::PastDue => {
                counts.past_due += 1;
                counts.past_due_quantity += order.quantity;
                0
            }
            PeriodOf::BeyondHorizon => {
                counts.beyond_horizon += 1;
                counts.quantity_beyond_horizon += order.quantity;
                order_periods.push(BEYOND_HORIZON);
                continue;
            }
        };
        order_periods.push(period);
        if let Some(cell) = firm.get_mut(order.item, period) {
            *cell += order.quantity;
        }
    }

    let mut forecast = forecast_table(input, n_items, n_periods);
    let cells = firm.cells().iter().zip(forecast.cells()).map(|(&f, &fc)| f.max(fc)).collect();
    let mut planned = Grid::from_cells(n_periods, cells).unwrap_or_else(|| Grid::new(n_items, n_periods, 0.0));
    spread_product_forecasts(&input.configuration, &firm, &mut forecast, &mut planned);
    Demand { firm, forecast, planned, order_periods, counts }
}

/// A configurable product's forecast is for the product as a whole (spec section 1.5): what
/// its classes' orders leave of it in a period, `U[i,t] = max(0, forecast[i,t] - sum_c O[c,t])`,
/// is spread over its classes by the mix, `D[c,t] = O[c,t] + U[i,t] * share(c)`. Sets each
/// class's forecast to its part `U[i,t] * share(c)` and its planned demand to `D[c,t]`.
pub(crate) fn spread_product_forecasts(
    configuration: &Configuration,
    firm: &Grid<f64>,
    forecast: &mut Grid<f64>,
    planned: &mut Grid<f64>,
) {
    for (p, product) in configuration.products.iter().enumerate() {
        if product.forecast.is_empty() {
            continue;
        }
        let classes: Vec<_> = configuration.classes.iter().filter(|class| class.product == p).collect();
        let shares: Vec<f64> = classes.iter().map(|class| class_share(configuration, class)).collect();
        for (t, &whole) in product.forecast.iter().enumerate() {
            let ordered: f64 = classes.iter().map(|class| firm.get(class.item, t).copied().unwrap_or(0.0)).sum();
            let unconsumed = (whole - ordered).max(0.0);
            for (class, &share) in classes.iter().zip(&shares) {
                let part = unconsumed * share;
                if let Some(cell) = forecast.get_mut(class.item, t) {
                    *cell = part;
                }
                if let Some(cell) = planned.get_mut(class.item, t) {
                    *cell = firm.get(class.item, t).copied().unwrap_or(0.0) + part;
                }
            }
        }
    }
}

/// The forecast rows of `input` as a table (0 where there is no row).
fn forecast_table(input: &PlanInput, n_items: usize, n_periods: usize) -> Grid<f64> {
    let mut forecast = Grid::new(n_items, n_periods, 0.0);
    for entry in &input.forecast {
        if let Some(cell) = forecast.get_mut(entry.item, entry.period) {
            *cell = f64::max(*cell, entry.quantity);
        }
    }
    forecast
}

impl Demand {
    /// Number of items (rows of the tables).
    pub fn n_items(&self) -> usize {
        self.planned.rows()
    }

    /// Number of periods (columns of the tables).
    pub fn n_periods(&self) -> usize {
        self.planned.periods()
    }

    /// Planned demand `D[i,t] = max(firm, forecast)`; 0 out of range.
    pub fn planned(&self, item_idx: usize, t: usize) -> f64 {
        self.planned.get(item_idx, t).copied().unwrap_or(0.0)
    }

    /// Sum of the quantities of the orders of `item_idx` due in period `t`; 0 out of range.
    pub fn firm(&self, item_idx: usize, t: usize) -> f64 {
        self.firm.get(item_idx, t).copied().unwrap_or(0.0)
    }

    /// Forecast of `item_idx` in period `t` (0 when there is none or out of range).
    pub fn forecast(&self, item_idx: usize, t: usize) -> f64 {
        self.forecast.get(item_idx, t).copied().unwrap_or(0.0)
    }

    /// The whole planned-demand table `D` (the `demand` argument of the model, the
    /// construction and [`crate::input::bom::BomGraph::explode`]).
    pub fn planned_table(&self) -> &Grid<f64> {
        &self.planned
    }

    /// The whole firm-order table.
    pub fn firm_table(&self) -> &Grid<f64> {
        &self.firm
    }

    /// 0-based period the order `order_idx` (index into `PlanInput::orders`) is planned in:
    /// period 0 for past-due orders, `None` when it is beyond the horizon (or no such order).
    pub fn order_period(&self, order_idx: usize) -> Option<usize> {
        match self.order_periods.get(order_idx) {
            Some(&BEYOND_HORIZON) | None => None,
            Some(&t) => Some(t),
        }
    }

    /// How the orders fell relative to the horizon.
    pub fn counts(&self) -> &DemandCounts {
        &self.counts
    }

    /// Planned demand summed over all items, per period.
    pub fn total_per_period(&self) -> Vec<f64> {
        let mut totals = vec![0.0; self.n_periods()];
        for row in self.planned.iter_rows() {
            for (total, &quantity) in totals.iter_mut().zip(row) {
                *total += quantity;
            }
        }
        totals
    }

    /// Number of distinct items with at least one order due, per period.
    pub fn items_ordered_per_period(&self) -> Vec<usize> {
        let mut counts = vec![0; self.n_periods()];
        for row in self.firm.iter_rows() {
            for (count, &quantity) in counts.iter_mut().zip(row) {
                if quantity > 0.0 {
                    *count += 1;
                }
            }
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Bucket, ForecastEntry, Item, ItemKind, Order};
    use chrono::NaiveDate;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    fn horizon(start: NaiveDate, bucket: Bucket, periods: usize) -> crate::input::Horizon {
        crate::input::Horizon { start, bucket, periods }
    }

    fn plan(horizon: crate::input::Horizon, n_items: usize) -> PlanInput {
        PlanInput {
            items: (0..n_items).map(|i| Item::new(format!("I{i}"), ItemKind::Buy)).collect(),
            ..PlanInput::new(horizon)
        }
    }

    fn order(id: &str, item: usize, quantity: f64, due_date: NaiveDate) -> Order {
        Order { id: id.into(), item, quantity, due_date, market: None, options: None }
    }

    /// The period rule written out literally from the spec: period `p` (0-based `t`) when
    /// `period_start(t) <= due < period_start(t + 1)`, found by scanning every period.
    #[test]
    fn orders_fall_into_firm_past_due_and_beyond_buckets() {
        // Weeks from Wed 2026-01-07: p1 = Jan 7..13, p2 = Jan 14..20, p3 = Jan 21..27.
        let mut input = plan(horizon(date(2026, 1, 7), Bucket::Week, 3), 2);
        input.orders = vec![
            order("o1", 0, 5.0, date(2026, 1, 1)),   // past due -> p1
            order("o2", 0, 3.0, date(2026, 1, 13)),  // p1
            order("o3", 0, 2.0, date(2026, 1, 14)),  // p2
            order("o4", 1, 7.0, date(2026, 1, 27)),  // p3
            order("o5", 1, 11.0, date(2026, 1, 28)), // beyond
            order("o6", 1, 4.5, date(2026, 1, 6)),   // past due -> p1
            order("o7", 0, 1.0, date(2027, 6, 1)),   // beyond
        ];
        let demand = bucket_demand(&input);
        assert_eq!(demand.firm(0, 0), 8.0);
        assert_eq!(demand.firm(0, 1), 2.0);
        assert_eq!(demand.firm(0, 2), 0.0);
        assert_eq!(demand.firm(1, 0), 4.5);
        assert_eq!(demand.firm(1, 1), 0.0);
        assert_eq!(demand.firm(1, 2), 7.0);
        let periods: Vec<_> = (0..7).map(|o| demand.order_period(o)).collect();
        assert_eq!(periods, [Some(0), Some(0), Some(1), Some(2), None, Some(0), None]);
        assert_eq!(demand.order_period(7), None);
        let expected = DemandCounts {
            orders: 7,
            in_horizon: 3,
            past_due: 2,
            beyond_horizon: 2,
            quantity_beyond_horizon: 12.0,
            past_due_quantity: 9.5,
        };
        assert_eq!(demand.counts(), &expected);
        assert_eq!(demand.total_per_period(), [12.5, 2.0, 7.0]);
        assert_eq!(demand.items_ordered_per_period(), [2, 1, 1]);
    }

    #[test]
    fn forecast_is_consumed_by_firm_orders() {
        let mut input = plan(horizon(date(2026, 1, 5), Bucket::Week, 3), 2);
        input.orders = vec![
            order("a", 0, 6.0, date(2026, 1, 5)),  // item 0 p1
            order("b", 0, 6.0, date(2026, 1, 12)), // item 0 p2
        ];
        input.forecast = vec![
            ForecastEntry { item: 0, period: 0, quantity: 10.0 }, // forecast wins: 10
            ForecastEntry { item: 0, period: 1, quantity: 4.0 },  // firm wins: 6
            ForecastEntry { item: 1, period: 2, quantity: 3.0 },  // forecast only: 3
        ];
        let demand = bucket_demand(&input);
        let planned: Vec<f64> =
            (0..2).flat_map(|i| (0..3).map(move |t| (i, t))).map(|(i, t)| demand.planned(i, t)).collect();
        assert_eq!(planned, [10.0, 6.0, 0.0, 0.0, 0.0, 3.0]);
        assert_eq!(demand.planned_table().cells(), planned.as_slice());
        assert_eq!(demand.forecast(0, 1), 4.0);
        assert_eq!(demand.firm(0, 0), 6.0);
        assert_eq!(demand.total_per_period(), [10.0, 6.0, 3.0]);
        // Forecast alone does not count as an item ordered.
        assert_eq!(demand.items_ordered_per_period(), [1, 1, 0]);
        // Out of range reads are 0, not a panic, and do not alias the next item's row.
        assert_eq!(demand.planned(0, 3), 0.0);
        assert_eq!(demand.planned(5, 0), 0.0);
    }

    #[test]
    fn out_of_range_indexes_are_skipped_not_trusted() {
        let mut input = plan(horizon(date(2026, 1, 5), Bucket::Day, 2), 1);
        input.orders = vec![order("x", 9, 1.0, date(2026, 1, 5)), order("y", 0, 2.0, date(2026, 1, 6))];
        input.forecast = vec![ForecastEntry { item: 0, period: 7, quantity: 5.0 }];
        let demand = bucket_demand(&input);
        assert_eq!(demand.planned_table().cells(), [0.0, 2.0]);
        assert_eq!(demand.counts().in_horizon, 2);
    }
}
