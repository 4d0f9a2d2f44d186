//! What `flexplan check PLAN_DIR` reports: a summary of a validated plan and a rough-cut
//! capacity check, before any model is built.
//!
//! The rough-cut check explodes the planned demand through the BOM lot-for-lot, netted
//! against initial inventory and scheduled receipts ([`Netting::Net`]), and loads each
//! resource with `unit_time * release + setup_time` (one setup per item and period with a
//! release). It ignores lot-size rules, safety stock and the choice to build ahead, so it is a
//! warning light, not a verdict: the MIP may still find a feasible plan by producing earlier.
//!
//! The report is plain data ([`CheckReport`], serialisable with serde_json) with a compact
//! human rendering ([`CheckReport::to_text`]) that fits 100 columns.

use crate::input::bom::{BomGraph, Explosion, Netting};
use crate::input::{Bucket, ItemKind, PlanInput};
use crate::plan::demand::{Demand, DemandCounts};
use crate::plan::solution::resource_load;
use chrono::NaiveDate;
use serde::Serialize;
use std::fmt::Write as _;

/// At most this many rows per list in the text report (the JSON form has them all).
const MAX_TEXT_ROWS: usize = 24;
/// Ids longer than this are shortened in the text report.
const MAX_ID_WIDTH: usize = 24;

/// The horizon as a planner reads it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HorizonSummary {
    /// First day of period 1.
    pub start: NaiveDate,
    /// Length of a period.
    pub bucket: Bucket,
    /// Number of periods.
    pub periods: usize,
    /// Last day of the last period (`None` beyond chrono's date range).
    pub last_day: Option<NaiveDate>,
    /// First day after the horizon: orders due on or after it are left out.
    pub end: Option<NaiveDate>,
}

/// Item counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemSummary {
    /// All items.
    pub total: usize,
    /// `make` items.
    pub make: usize,
    /// `buy` items.
    pub buy: usize,
    /// Items used by no parent (BOM level 0).
    pub end_items: usize,
    /// Items with planned external demand (orders or forecast) in the horizon.
    pub with_demand: usize,
    /// End items with planned external demand.
    pub end_items_with_demand: usize,
}

/// BOM size.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BomSummary {
    /// Distinct (parent, component) edges.
    pub edges: usize,
    /// Number of levels (largest low-level code + 1).
    pub levels: usize,
}

/// Planned demand in one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodDemand {
    /// 1-based period, as in files.
    pub period: usize,
    /// First day of the period.
    pub start: Option<NaiveDate>,
    /// Planned units over all items (`max(firm, forecast)` summed).
    pub units: f64,
    /// Distinct items with at least one order due in the period.
    pub items_ordered: usize,
}

/// How a resource's rough-cut need compares with its capacity in one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LoadStatus {
    /// Need within capacity.
    #[serde(rename = "ok")]
    Ok,
    /// Capacity < need <= capacity + overtime.
    #[serde(rename = "needs overtime")]
    NeedsOvertime,
    /// Need > capacity + overtime.
    #[serde(rename = "overloaded")]
    Overloaded,
}

impl LoadStatus {
    /// The words used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            LoadStatus::Ok => "ok",
            LoadStatus::NeedsOvertime => "needs overtime",
            LoadStatus::Overloaded => "overloaded",
        }
    }

    /// Classifies `need` against `capacity` and `capacity_with_overtime`, with a tolerance
    /// for rounding in the sums.
    fn classify(need: f64, capacity: f64, capacity_with_overtime: f64) -> Self {
        let exceeds = |limit: f64| need > limit + 1e-9 * limit.abs().max(1.0);
        if exceeds(capacity_with_overtime) {
            LoadStatus::Overloaded
        } else if exceeds(capacity) {
            LoadStatus::NeedsOvertime
        } else {
            LoadStatus::Ok
        }
    }
}

/// Rough-cut load of one resource in one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodLoad {
    /// 1-based period.
    pub period: usize,
    /// Sum of `unit_time * release` over the routed items.
    pub run_time: f64,
    /// Sum of `setup_time` over the routed items with a release in the period.
    pub setup_time: f64,
    /// `run_time + setup_time`.
    pub need: f64,
    /// Capacity in the period.
    pub capacity: f64,
    /// Capacity plus the most overtime that may be bought.
    pub capacity_with_overtime: f64,
    /// `need / capacity`; `None` when the capacity is 0 and something is needed.
    pub utilisation: Option<f64>,
    /// Need against capacity.
    pub status: LoadStatus,
}

/// Rough-cut load of one resource over the horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResourceLoad {
    /// Resource id.
    pub resource: String,
    /// One entry per period.
    pub periods: Vec<PeriodLoad>,
}

impl ResourceLoad {
    /// Total need over the horizon.
    pub fn total_need(&self) -> f64 {
        self.periods.iter().map(|p| p.need).sum()
    }

    /// Total capacity (without overtime) over the horizon.
    pub fn total_capacity(&self) -> f64 {
        self.periods.iter().map(|p| p.capacity).sum()
    }

    /// The period with the highest utilisation (a period with need but no capacity counts
    /// as the highest); `None` when nothing is needed.
    pub fn peak(&self) -> Option<&PeriodLoad> {
        let key = |p: &PeriodLoad| p.utilisation.unwrap_or(f64::INFINITY);
        self.periods.iter().filter(|p| p.need > 0.0).fold(None, |best: Option<&PeriodLoad>, p| match best {
            Some(b) if key(b) >= key(p) => Some(b),
            _ => Some(p),
        })
    }
}

/// A resource and period whose rough-cut need exceeds its capacity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapacityFlag {
    /// Resource id.
    pub resource: String,
    /// 1-based period.
    pub period: usize,
    /// First day of the period.
    pub start: Option<NaiveDate>,
    /// Rough-cut need.
    pub need: f64,
    /// Capacity in the period.
    pub capacity: f64,
    /// Capacity plus the most overtime that may be bought.
    pub capacity_with_overtime: f64,
    /// [`LoadStatus::NeedsOvertime`] or [`LoadStatus::Overloaded`].
    pub status: LoadStatus,
}

/// An item whose netted requirement would have to be released before period 1: its lead
/// time is too long for the early demand, so it cannot be made (or bought) in time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LateItem {
    /// Item id.
    pub item: String,
    /// Lead time in periods.
    pub lead_time: usize,
    /// Units that would have to be released before the horizon.
    pub quantity: f64,
}

/// Everything `flexplan check` reports about a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    /// The horizon.
    pub horizon: HorizonSummary,
    /// Item counts.
    pub items: ItemSummary,
    /// BOM size.
    pub bom: BomSummary,
    /// Number of resources.
    pub resources: usize,
    /// Number of routings.
    pub routings: usize,
    /// How the orders fell relative to the horizon.
    pub orders: DemandCounts,
    /// Planned demand per period.
    pub demand: Vec<PeriodDemand>,
    /// Rough-cut load per resource and period.
    pub capacity: Vec<ResourceLoad>,
    /// Every resource and period needing overtime or overloaded, by resource then period.
    pub capacity_flags: Vec<CapacityFlag>,
    /// Items that cannot be made in time, by item index.
    pub late: Vec<LateItem>,
    /// Orders far larger than their item's usual order ([`unusual_orders`]), in file order.
    pub unusual_orders: Vec<UnusualOrder>,
}

/// An order far larger than the usual order of its item: more than [`UNUSUAL_ORDER_FACTOR`]
/// times the median quantity of the item's orders (items with at least
/// [`UNUSUAL_ORDER_MIN_ORDERS`] orders). A warning, not an error: such an order is planned, and
/// its backlog cost can make every other cost fall inside the gap.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnusualOrder {
    /// Order id.
    pub order_id: String,
    /// Item id.
    pub item: String,
    /// The order's quantity.
    pub quantity: f64,
    /// The median quantity of the item's orders.
    pub median: f64,
}

/// How many times the median order an order must exceed to be flagged: lumpy demand of a
/// real shop rarely reaches 100x its median order, a typo of 1000x (three zeros too many)
/// always does.
pub const UNUSUAL_ORDER_FACTOR: f64 = 100.0;
/// An item needs this many orders before its median says what "usual" is.
pub const UNUSUAL_ORDER_MIN_ORDERS: usize = 3;

/// The orders of `input` far outside their item's usual size (see [`UnusualOrder`]), in the
/// order of the orders table. `flexplan check` and `flexplan plan` print them as warnings.
pub fn unusual_orders(input: &PlanInput) -> Vec<UnusualOrder> {
    let mut quantities = vec![Vec::new(); input.items.len()];
    for order in &input.orders {
        if let Some(q) = quantities.get_mut(order.item) {
            q.push(order.quantity);
        }
    }
    let medians: Vec<Option<f64>> = quantities
        .into_iter()
        .map(|mut q| {
            if q.len() < UNUSUAL_ORDER_MIN_ORDERS {
                return None;
            }
            q.sort_by(f64::total_cmp);
            let mid = q.len() / 2;
            Some(if q.len() % 2 == 0 { (q[mid - 1] + q[mid]) / 2.0 } else { q[mid] })
        })
        .collect();
    input
        .orders
        .iter()
        .filter_map(|order| {
            let median = medians.get(order.item).copied().flatten()?;
            (order.quantity > UNUSUAL_ORDER_FACTOR * median).then(|| UnusualOrder {
                order_id: order.id.clone(),
                item: input.items[order.item].id.clone(),
                quantity: order.quantity,
                median,
            })
        })
        .collect()
}

impl UnusualOrder {
    /// The warning line for this order.
    pub fn warning(&self) -> String {
        format!(
            "warning: order {} of {} is for {} units, {}x the item's median order of {} (a typo?)",
            self.order_id,
            self.item,
            number(self.quantity),
            number((self.quantity / self.median).round()),
            number(self.median)
        )
    }
}

/// Builds the check report of `input` from its bucketed demand and BOM.
pub fn inspect(input: &PlanInput, demand: &Demand, bom: &BomGraph) -> CheckReport {
    let explosion = bom.explode(input, demand.planned_table(), Netting::Net);
    let capacity = rough_cut_capacity(input, &explosion);
    let capacity_flags = capacity_flags(input, &capacity);
    CheckReport {
        horizon: horizon_summary(input),
        items: item_summary(input, demand, bom),
        bom: BomSummary { edges: bom.n_edges(), levels: bom.depth() },
        resources: input.resources.len(),
        routings: input.routings.len(),
        orders: demand.counts().clone(),
        demand: period_demand(input, demand),
        capacity,
        capacity_flags,
        late: late_items(input, &explosion),
        unusual_orders: unusual_orders(input),
    }
}

fn horizon_summary(input: &PlanInput) -> HorizonSummary {
    let horizon = input.horizon;
    let end = horizon.end();
    HorizonSummary {
        start: horizon.start,
        bucket: horizon.bucket,
        periods: horizon.periods,
        last_day: end.and_then(|day| day.pred_opt()),
        end,
    }
}

fn item_summary(input: &PlanInput, demand: &Demand, bom: &BomGraph) -> ItemSummary {
    let make = input.items.iter().filter(|item| item.kind == ItemKind::Make).count();
    let has_demand = |item_idx: usize| (0..demand.n_periods()).any(|t| demand.planned(item_idx, t) > 0.0);
    let is_end_item = |item_idx: usize| bom.where_used(item_idx).next().is_none();
    let n_items = input.items.len();
    ItemSummary {
        total: n_items,
        make,
        buy: n_items - make,
        end_items: (0..n_items).filter(|&i| is_end_item(i)).count(),
        with_demand: (0..n_items).filter(|&i| has_demand(i)).count(),
        end_items_with_demand: (0..n_items).filter(|&i| is_end_item(i) && has_demand(i)).count(),
    }
}

fn period_demand(input: &PlanInput, demand: &Demand) -> Vec<PeriodDemand> {
    let items_ordered = demand.items_ordered_per_period();
    demand
        .total_per_period()
        .into_iter()
        .zip(items_ordered)
        .enumerate()
        .map(|(t, (units, items_ordered))| PeriodDemand {
            period: t + 1,
            start: input.horizon.period_start(t),
            units,
            items_ordered,
        })
        .collect()
}

/// Loads every resource with the releases of the items routed on it.
fn rough_cut_capacity(input: &PlanInput, explosion: &Explosion) -> Vec<ResourceLoad> {
    let n_periods = input.n_periods();
    let (run_time, setup_time) = resource_load(&input.routings, input.resources.len(), &explosion.releases);
    input
        .resources
        .iter()
        .zip(run_time.iter_rows().zip(setup_time.iter_rows()))
        .map(|(resource, (run, setup))| ResourceLoad {
            resource: resource.id.clone(),
            periods: (0..n_periods)
                .map(|t| {
                    let capacity = resource.capacity.get(t).copied().unwrap_or(0.0);
                    period_load(t, run[t], setup[t], capacity, resource.overtime_max)
                })
                .collect(),
        })
        .collect()
}

fn period_load(t: usize, run_time: f64, setup_time: f64, capacity: f64, overtime: f64) -> PeriodLoad {
    let need = run_time + setup_time;
    let capacity_with_overtime = capacity + overtime;
    let utilisation = if capacity > 0.0 {
        Some(need / capacity)
    } else if need > 0.0 {
        None
    } else {
        Some(0.0)
    };
    PeriodLoad {
        period: t + 1,
        run_time,
        setup_time,
        need,
        capacity,
        capacity_with_overtime,
        utilisation,
        status: LoadStatus::classify(need, capacity, capacity_with_overtime),
    }
}

fn capacity_flags(input: &PlanInput, loads: &[ResourceLoad]) -> Vec<CapacityFlag> {
    loads
        .iter()
        .flat_map(|load| {
            load.periods.iter().filter(|p| p.status != LoadStatus::Ok).map(|p| CapacityFlag {
                resource: load.resource.clone(),
                period: p.period,
                start: input.horizon.period_start(p.period - 1),
                need: p.need,
                capacity: p.capacity,
                capacity_with_overtime: p.capacity_with_overtime,
                status: p.status,
            })
        })
        .collect()
}

fn late_items(input: &PlanInput, explosion: &Explosion) -> Vec<LateItem> {
    input
        .items
        .iter()
        .zip(&explosion.releases_before_horizon)
        .filter(|(_, &quantity)| quantity > 0.0)
        .map(|(item, &quantity)| LateItem { item: item.id.clone(), lead_time: item.lead_time, quantity })
        .collect()
}

impl CheckReport {
    /// The resource periods whose need exceeds capacity plus overtime (no plan can meet it
    /// lot-for-lot; [`CheckReport::capacity_flags`] also lists the ones needing overtime).
    pub fn overloaded(&self) -> Vec<&CapacityFlag> {
        self.capacity_flags.iter().filter(|f| f.status == LoadStatus::Overloaded).collect()
    }

    /// The resource periods that need overtime but fit within capacity plus overtime.
    pub fn needing_overtime(&self) -> Vec<&CapacityFlag> {
        self.capacity_flags.iter().filter(|f| f.status == LoadStatus::NeedsOvertime).collect()
    }

    /// The compact human report printed by `flexplan check`.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        self.write_summary(&mut out);
        self.write_demand(&mut out);
        self.write_capacity(&mut out);
        self.write_flags(&mut out);
        self.write_late(&mut out);
        if !self.unusual_orders.is_empty() {
            out.push('\n');
        }
        for order in self.unusual_orders.iter().take(MAX_TEXT_ROWS) {
            let _ = writeln!(out, "{}", order.warning());
        }
        write_more(&mut out, self.unusual_orders.len(), "unusual orders");
        out
    }

    fn write_summary(&self, out: &mut String) {
        let h = &self.horizon;
        let last = h.last_day.map_or_else(|| "?".to_string(), |d| d.to_string());
        let unit = plural(h.periods, h.bucket.as_str());
        let _ = writeln!(out, "{:>10}  {} {unit}, {} to {last}", "horizon", h.periods, h.start);
        let i = &self.items;
        let _ = writeln!(
            out,
            "{:>10}  {} ({} make, {} buy); {} end {}, {} with demand ({} of them end {})",
            "items",
            i.total,
            i.make,
            i.buy,
            i.end_items,
            plural(i.end_items, "item"),
            i.with_demand,
            i.end_items_with_demand,
            plural(i.end_items_with_demand, "item")
        );
        let _ = writeln!(out, "{:>10}  {} edges, {} levels", "bom", self.bom.edges, self.bom.levels);
        let _ = writeln!(out, "{:>10}  {}, {} routings", "resources", self.resources, self.routings);
        let o = &self.orders;
        let _ = writeln!(
            out,
            "{:>10}  {}: {} in horizon, {} past due ({} units), {} beyond horizon ({} units)",
            "orders",
            o.orders,
            o.in_horizon,
            o.past_due,
            number(o.past_due_quantity),
            o.beyond_horizon,
            number(o.quantity_beyond_horizon)
        );
    }

    fn write_demand(&self, out: &mut String) {
        let _ = writeln!(out, "\ndemand per period (planned units, items ordered)");
        let _ = writeln!(out, "  {:>6}  {:<10}  {:>12}  {:>6}", "period", "start", "units", "items");
        for row in self.demand.iter().take(MAX_TEXT_ROWS) {
            let start = row.start.map_or_else(|| "?".to_string(), |d| d.to_string());
            let _ = writeln!(
                out,
                "  {:>6}  {:<10}  {:>12}  {:>6}",
                row.period,
                start,
                number(row.units),
                row.items_ordered
            );
        }
        write_more(out, self.demand.len(), "periods");
    }

    fn write_capacity(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "\nrough-cut capacity (net requirements, lot-for-lot; need and capacity summed over the horizon)"
        );
        if self.capacity.is_empty() {
            let _ = writeln!(out, "  no resources");
            return;
        }
        let width = id_width(self.capacity.iter().map(|r| r.resource.as_str()), "resource");
        let _ = writeln!(
            out,
            "  {:<width$}  {:>12}  {:>12}  {:>6}  {:>9}  {:>9}  {:>7}",
            "resource", "total need", "total cap.", "util", "peak util", "in period", "flagged"
        );
        for load in self.capacity.iter().take(MAX_TEXT_ROWS) {
            let total_capacity = load.total_capacity();
            let total_need = load.total_need();
            let overall = (total_capacity > 0.0).then(|| total_need / total_capacity);
            let peak = load.peak();
            let flagged = load.periods.iter().filter(|p| p.status != LoadStatus::Ok).count();
            let _ = writeln!(
                out,
                "  {:<width$}  {:>12}  {:>12}  {:>6}  {:>9}  {:>9}  {:>7}",
                short_id(&load.resource),
                number(total_need),
                number(total_capacity),
                percent(overall, total_need),
                peak.map_or_else(|| "-".to_string(), |p| percent(p.utilisation, p.need)),
                peak.map_or_else(|| "-".to_string(), |p| p.period.to_string()),
                flagged
            );
        }
        write_more(out, self.capacity.len(), "resources");
    }

    fn write_flags(&self, out: &mut String) {
        if self.capacity_flags.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "\ncapacity problems: {} overloaded, {} need overtime",
            self.overloaded().len(),
            self.needing_overtime().len()
        );
        let width = id_width(self.capacity_flags.iter().map(|f| f.resource.as_str()), "resource");
        let _ = writeln!(
            out,
            "  {:<width$}  {:>6}  {:<10}  {:>10}  {:>10}  {:>10}  status",
            "resource", "period", "start", "need", "capacity", "+overtime"
        );
        for flag in self.capacity_flags.iter().take(MAX_TEXT_ROWS) {
            let start = flag.start.map_or_else(|| "?".to_string(), |d| d.to_string());
            let _ = writeln!(
                out,
                "  {:<width$}  {:>6}  {:<10}  {:>10}  {:>10}  {:>10}  {}",
                short_id(&flag.resource),
                flag.period,
                start,
                number(flag.need),
                number(flag.capacity),
                number(flag.capacity_with_overtime),
                flag.status.as_str()
            );
        }
        write_more(out, self.capacity_flags.len(), "flagged periods");
    }

    fn write_late(&self, out: &mut String) {
        if self.late.is_empty() {
            return;
        }
        let _ = writeln!(out, "\ncannot be made in time: {} items with work due before the horizon", self.late.len());
        let width = id_width(self.late.iter().map(|l| l.item.as_str()), "item");
        let _ = writeln!(out, "  {:<width$}  {:>9}  {:>12}", "item", "lead time", "units");
        for late in self.late.iter().take(MAX_TEXT_ROWS) {
            let _ = writeln!(
                out,
                "  {:<width$}  {:>9}  {:>12}",
                short_id(&late.item),
                late.lead_time,
                number(late.quantity)
            );
        }
        write_more(out, self.late.len(), "items");
    }
}

/// `word` with an `s` unless `count` is 1.
fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// A "... and N more" line when a list was cut at [`MAX_TEXT_ROWS`].
fn write_more(out: &mut String, n_rows: usize, what: &str) {
    if n_rows > MAX_TEXT_ROWS {
        let _ = writeln!(out, "  ... and {} more {what} (see --json)", n_rows - MAX_TEXT_ROWS);
    }
}

/// Column width for ids: the longest (shortened) id or the header.
fn id_width<'a>(ids: impl Iterator<Item = &'a str>, header: &str) -> usize {
    ids.take(MAX_TEXT_ROWS).map(|id| id.chars().count().min(MAX_ID_WIDTH)).chain([header.len()]).max().unwrap_or(0)
}

/// An id cut to [`MAX_ID_WIDTH`] characters, ending in `~` when shortened.
fn short_id(id: &str) -> String {
    if id.chars().count() <= MAX_ID_WIDTH {
        id.to_string()
    } else {
        let mut short: String = id.chars().take(MAX_ID_WIDTH - 1).collect();
        short.push('~');
        short
    }
}

/// A quantity: whole numbers without decimals, others with up to 2.
fn number(value: f64) -> String {
    if (value - value.round()).abs() < 1e-9 {
        format!("{}", value.round())
    } else {
        let text = format!("{value:.2}");
        text.trim_end_matches('0').to_string()
    }
}

/// A utilisation as a whole percentage; `no cap` when there is need but no capacity.
fn percent(utilisation: Option<f64>, need: f64) -> String {
    match utilisation {
        Some(u) => format!("{:.0}%", u * 100.0),
        None if need > 0.0 => "no cap".to_string(),
        None => "-".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{BomEdge, ForecastEntry, Horizon, Item, Order, Resource, Routing};
    use crate::plan::demand::bucket_demand;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    fn order(id: &str, item: usize, quantity: f64, due_date: NaiveDate) -> Order {
        Order { id: id.into(), item, quantity, due_date, market: None }
    }

    /// Three weeks from Mon 2026-01-05. BIKE (make, L0, 2 on hand) = 1 FRAME + 4 BOLT;
    /// FRAME (make, L1) = 2 BOLT; BOLT bought, L1. BIKE on ASSY (1/unit + 2 setup, capacity
    /// 10 + 5 overtime), FRAME on WELD (3/unit + 1 setup, capacity 20, 0, 20, no overtime).
    fn bikes() -> PlanInput {
        let mut bike = Item::new("BIKE", ItemKind::Make);
        bike.initial_inventory = 2.0;
        let frame = Item { lead_time: 1, ..Item::new("FRAME", ItemKind::Make) };
        let bolt = Item { lead_time: 1, ..Item::new("BOLT", ItemKind::Buy) };
        PlanInput {
            items: vec![bike, frame, bolt],
            bom: vec![
                BomEdge { parent: 0, component: 1, quantity: 1.0 },
                BomEdge { parent: 0, component: 2, quantity: 4.0 },
                BomEdge { parent: 1, component: 2, quantity: 2.0 },
            ],
            resources: vec![
                Resource { id: "ASSY".into(), capacity: vec![10.0; 3], overtime_max: 5.0, overtime_cost: 1.0 },
                Resource { id: "WELD".into(), capacity: vec![20.0, 0.0, 20.0], overtime_max: 0.0, overtime_cost: 0.0 },
            ],
            routings: vec![Routing::new(0, 0, 1.0, 2.0, 0.0), Routing::new(1, 1, 3.0, 1.0, 0.0)],
            orders: vec![
                order("o1", 0, 5.0, date(2026, 1, 5)),   // p1
                order("o2", 0, 12.0, date(2026, 1, 13)), // p2
                order("o3", 0, 3.0, date(2025, 12, 30)), // past due -> p1
                order("o4", 0, 7.0, date(2026, 2, 2)),   // beyond (horizon ends 2026-01-26)
                order("o5", 1, 1.0, date(2026, 1, 20)),  // spare FRAME, p3
            ],
            forecast: vec![ForecastEntry { item: 0, period: 2, quantity: 4.0 }],
            ..PlanInput::new(Horizon { start: date(2026, 1, 5), bucket: Bucket::Week, periods: 3 })
        }
    }

    fn report_of(input: &PlanInput) -> CheckReport {
        let demand = bucket_demand(input);
        let bom = BomGraph::new(input).expect("acyclic");
        inspect(input, &demand, &bom)
    }

    #[test]
    fn summary_counts_hand_worked() {
        let report = report_of(&bikes());
        assert_eq!(
            report.horizon,
            HorizonSummary {
                start: date(2026, 1, 5),
                bucket: Bucket::Week,
                periods: 3,
                last_day: Some(date(2026, 1, 25)),
                end: Some(date(2026, 1, 26)),
            }
        );
        let items = ItemSummary { total: 3, make: 2, buy: 1, end_items: 1, with_demand: 2, end_items_with_demand: 1 };
        assert_eq!(report.items, items);
        assert_eq!(report.bom, BomSummary { edges: 3, levels: 3 });
        assert_eq!((report.resources, report.routings), (2, 2));
        let orders = DemandCounts {
            orders: 5,
            in_horizon: 3,
            past_due: 1,
            beyond_horizon: 1,
            quantity_beyond_horizon: 7.0,
            past_due_quantity: 3.0,
        };
        assert_eq!(report.orders, orders);
        // BIKE planned [8, 12, max(0, 4)], FRAME [0, 0, 1]; forecast is not an order.
        let units: Vec<f64> = report.demand.iter().map(|d| d.units).collect();
        assert_eq!(units, [8.0, 12.0, 5.0]);
        let ordered: Vec<usize> = report.demand.iter().map(|d| d.items_ordered).collect();
        assert_eq!(ordered, [1, 1, 1]);
        assert_eq!(report.demand[2].start, Some(date(2026, 1, 19)));
    }

    #[test]
    fn rough_cut_capacity_hand_worked() {
        let report = report_of(&bikes());
        // BIKE net of 2 on hand: releases [6, 12, 4] -> ASSY need [6+2, 12+2, 4+2].
        // FRAME gross [6, 12, 4+1], L1: releases [12, 5, 0], 6 too early
        //   -> WELD need [36+1, 15+1, 0].
        let assy: Vec<(f64, f64, LoadStatus)> =
            report.capacity[0].periods.iter().map(|p| (p.run_time, p.setup_time, p.status)).collect();
        assert_eq!(
            assy,
            [(6.0, 2.0, LoadStatus::Ok), (12.0, 2.0, LoadStatus::NeedsOvertime), (4.0, 2.0, LoadStatus::Ok),]
        );
        let weld = &report.capacity[1].periods;
        let weld_need: Vec<f64> = weld.iter().map(|p| p.need).collect();
        assert_eq!(weld_need, [37.0, 16.0, 0.0]);
        let weld_util: Vec<Option<f64>> = weld.iter().map(|p| p.utilisation).collect();
        assert_eq!(weld_util, [Some(1.85), None, Some(0.0)]);
        assert_eq!(report.capacity[0].periods[1].utilisation, Some(1.4));
        assert_eq!(report.capacity[0].periods[1].capacity_with_overtime, 15.0);
        let flags: Vec<(&str, usize, LoadStatus)> =
            report.capacity_flags.iter().map(|f| (f.resource.as_str(), f.period, f.status)).collect();
        assert_eq!(
            flags,
            [
                ("ASSY", 2, LoadStatus::NeedsOvertime),
                ("WELD", 1, LoadStatus::Overloaded),
                ("WELD", 2, LoadStatus::Overloaded),
            ]
        );
        let overloaded: Vec<usize> = report.overloaded().iter().map(|f| f.period).collect();
        assert_eq!(overloaded, [1, 2]);
        assert_eq!(report.needing_overtime().len(), 1);
        assert_eq!(report.capacity[0].peak().map(|p| p.period), Some(2));
        assert_eq!(report.capacity[1].peak().map(|p| p.period), Some(2)); // no capacity at all
        assert_eq!(report.capacity[0].total_need(), 28.0);
    }

    #[test]
    fn late_items_hand_worked() {
        let report = report_of(&bikes());
        // FRAME: 6 needed in week 1 with lead time 1. BOLT gross = 4 * BIKE [6,12,4] +
        // 2 * FRAME [12,5,0] = [48, 58, 16]; the 48 of week 1 is too late to buy.
        let expected = [
            LateItem { item: "FRAME".into(), lead_time: 1, quantity: 6.0 },
            LateItem { item: "BOLT".into(), lead_time: 1, quantity: 48.0 },
        ];
        assert_eq!(report.late, expected);
    }

    #[test]
    fn status_boundaries() {
        assert_eq!(LoadStatus::classify(10.0, 10.0, 15.0), LoadStatus::Ok);
        assert_eq!(LoadStatus::classify(10.5, 10.0, 15.0), LoadStatus::NeedsOvertime);
        assert_eq!(LoadStatus::classify(15.0, 10.0, 15.0), LoadStatus::NeedsOvertime);
        assert_eq!(LoadStatus::classify(15.5, 10.0, 15.0), LoadStatus::Overloaded);
        assert_eq!(LoadStatus::classify(0.1 + 0.2, 0.3, 0.3), LoadStatus::Ok); // rounding
        assert_eq!(LoadStatus::classify(0.0, 0.0, 0.0), LoadStatus::Ok);
    }

    #[test]
    fn json_carries_the_same_numbers() {
        let report = report_of(&bikes());
        let json = serde_json::to_value(&report).expect("serialisable");
        assert_eq!(json["horizon"]["bucket"], "week");
        assert_eq!(json["horizon"]["end"], "2026-01-26");
        assert_eq!(json["orders"]["beyond_horizon"], 1);
        assert_eq!(json["capacity_flags"][0]["status"], "needs overtime");
        assert_eq!(json["capacity_flags"][1]["status"], "overloaded");
        assert_eq!(json["capacity"][1]["periods"][1]["utilisation"], serde_json::Value::Null);
        assert_eq!(json["late"][1]["quantity"], 48.0);
    }

    #[test]
    fn text_report_is_compact_and_names_the_problems() {
        let text = report_of(&bikes()).to_text();
        assert!(text.lines().all(|line| line.chars().count() <= 100), "{text}");
        let expect_line = |words: &[&str]| {
            assert!(
                text.lines().any(|line| words.iter().all(|w| line.contains(w))),
                "no line with {words:?} in\n{text}"
            );
        };
        expect_line(&["horizon", "3 weeks", "2026-01-05 to 2026-01-25"]);
        expect_line(&["orders", "5:", "3 in horizon", "1 past due (3 units)", "(7 units)"]);
        expect_line(&["ASSY", "2", "2026-01-12", "14", "10", "15", "needs overtime"]);
        expect_line(&["WELD", "1", "2026-01-05", "37", "20", "overloaded"]);
        expect_line(&["WELD", "no cap"]);
        expect_line(&["BOLT", "48"]);
        expect_line(&["capacity problems: 2 overloaded, 1 need overtime"]);
    }

    #[test]
    fn text_report_stays_within_100_columns_with_long_ids_and_many_rows() {
        let mut input = bikes();
        input.horizon.periods = 40;
        input.horizon.bucket = Bucket::Day;
        let long = "a-very-long-resource-identifier-that-goes-on-and-on";
        input.resources[1].id = long.into();
        input.items[2].id = format!("{long}-bolt");
        for resource in &mut input.resources {
            resource.capacity = vec![0.5; 40];
        }
        input.orders =
            (0..40).map(|t| order(&format!("o{t}"), 0, 1234567.25, date(2026, 1, 5) + chrono::Days::new(t))).collect();
        input.forecast.clear();
        let text = report_of(&input).to_text();
        assert!(text.lines().all(|line| line.chars().count() <= 100), "{text}");
        assert!(text.contains("... and 16 more periods"), "{text}");
        assert!(text.contains("a-very-long-resource-id~"), "{text}");
        assert!(text.contains("1234567.25"), "{text}");
    }

    /// BIKE's orders 4, 5, 6, 6000: the median of the four is 5.5, and 6000 is 1091x that.
    /// Lumpy but ordinary orders (1, 2, 30, 150: 150 is 9x the median 16) are not flagged.
    #[test]
    fn an_order_1000x_its_items_usual_size_is_flagged() {
        let mut input = bikes();
        let day = date(2026, 1, 12);
        input.orders = vec![
            order("A", 0, 4.0, day),
            order("B", 0, 5.0, day),
            order("C", 0, 6.0, day),
            order("TYPO", 0, 6000.0, day),
        ];
        let flagged = unusual_orders(&input);
        assert_eq!(flagged.len(), 1);
        assert_eq!(
            flagged[0].warning(),
            "warning: order TYPO of BIKE is for 6000 units, 1091x the item's median order of 5.5 (a typo?)"
        );
        input.orders =
            vec![order("A", 0, 1.0, day), order("B", 0, 2.0, day), order("C", 0, 30.0, day), order("D", 0, 150.0, day)];
        assert!(unusual_orders(&input).is_empty());
        // Two orders say nothing of what is usual.
        input.orders = vec![order("A", 0, 1.0, day), order("B", 0, 1e6, day)];
        assert!(unusual_orders(&input).is_empty());
    }

    #[test]
    fn numbers_are_formatted_plainly() {
        assert_eq!(number(12.0), "12");
        assert_eq!(number(0.5), "0.5");
        assert_eq!(number(2.25), "2.25");
        assert_eq!(percent(Some(1.855), 1.0), "186%");
        assert_eq!(percent(None, 3.0), "no cap");
        assert_eq!(short_id("ab"), "ab");
    }
}
