//! What `flexplan check PLAN_DIR` reports: a summary of a validated plan and a rough-cut
//! capacity check, before any model is built.
//!
//! The rough-cut check explodes the planned demand through the BOM lot-for-lot, netted
//! against initial inventory and scheduled receipts (as [`Netting::Net`]), and loads each
//! resource with `unit_time * release + setup_time` (one setup per item and period with a
//! release). It ignores lot-size rules, safety stock and the choice to build ahead, so it is a
//! warning light, not a verdict: the MIP may still find a feasible plan by producing earlier.
//!
//! An item with several ways to be replenished (its [`Options`]: routes, then suppliers) puts
//! each net requirement, period by period and items in BOM order, on the first of its routes
//! whose resources still have room for the whole release with its setups (capacity plus
//! overtime, less what is placed already); with none, on its first supplier (suppliers have no
//! capacity here); with neither, on its first route, overloading it. A way is released
//! `lead_time` periods before the requirement (its own lead time), and only ways that can
//! still deliver it in time are tried; a bought release consumes no components. A family
//! setup counts once per family, resource and period. What went elsewhere than the first way
//! that could deliver it is reported as [`MovedRelease`]s and, per resource and period, as
//! [`PeriodLoad::moved_off`]. A version-1 plan (one way per item) is loaded exactly as before.
//!
//! The report is plain data ([`CheckReport`], serialisable with serde_json) with a compact
//! human rendering ([`CheckReport::to_text`]) that fits 100 columns.

use crate::format::thousands;
use crate::grid::Grid;
use crate::input::bom::BomGraph;
#[cfg(doc)]
use crate::input::bom::Netting;
use crate::input::{Bucket, ItemKind, Options, PlanInput, Way};
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
    /// The time the items' first ways would have needed here but that went to another way
    /// for lack of room; `None` when no item has more than one way.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved_off: Option<f64>,
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

    /// The time alternative ways took off this resource over the horizon.
    pub fn total_moved_off(&self) -> f64 {
        self.periods.iter().filter_map(|p| p.moved_off).sum()
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
    /// The sizes of the version-2 tables; `None` when the plan has none of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<OptionCounts>,
    /// The items with more than one way to be replenished, in item order, with their ways.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ways: Vec<ItemWays>,
    /// The configurable products with their planning classes (spec section 1.5), in
    /// items.csv's order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<ProductSummary>,
    /// How the orders fell relative to the horizon.
    pub orders: DemandCounts,
    /// Planned demand per period.
    pub demand: Vec<PeriodDemand>,
    /// Rough-cut load per resource and period.
    pub capacity: Vec<ResourceLoad>,
    /// Every resource and period needing overtime or overloaded, by resource then period.
    pub capacity_flags: Vec<CapacityFlag>,
    /// The releases the rough cut put on another way than the first that could deliver them,
    /// in the order they were placed (items in BOM order, then periods).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub moved: Vec<MovedRelease>,
    /// Items that cannot be made in time, by item index.
    pub late: Vec<LateItem>,
    /// Orders far larger than their item's usual order ([`unusual_orders`]), in file order.
    pub unusual_orders: Vec<UnusualOrder>,
    /// Replanning: previous lots in progress that receipts.csv does not hold
    /// ([`work_in_progress`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub work_in_progress: Vec<WorkInProgress>,
}

/// How many classes a configurable product has, and which drive its demand.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProductSummary {
    /// The product's id.
    pub product: String,
    /// Its relevant attributes (those its bom or routing rows depend on), in attribute order.
    pub relevant: Vec<String>,
    /// Its attributes that are not relevant (a different value needs no lot of its own).
    pub other: Vec<String>,
    /// Its orders.
    pub orders: usize,
    /// The distinct configurations ordered (every attribute counted).
    pub configurations: usize,
    /// Its planning classes.
    pub classes: usize,
    /// The biggest classes by planned units over the horizon (at most five): class id, orders,
    /// units.
    pub biggest: Vec<(String, usize, f64)>,
    /// The components its classes' planned demand needs most, one BOM level down (at most
    /// five): component id, units.
    pub components: Vec<(String, f64)>,
}

/// The [`ProductSummary`] of every configurable product.
pub fn product_summaries(input: &PlanInput, demand: &Demand) -> Vec<ProductSummary> {
    let configuration = &input.configuration;
    let n_periods = input.n_periods();
    let mut order_count = vec![0usize; input.items.len()];
    let mut configurations: Vec<std::collections::HashSet<&str>> =
        vec![std::collections::HashSet::new(); configuration.products.len()];
    let mut product_orders = vec![0usize; configuration.products.len()];
    for order in &input.orders {
        if let Some(options) = &order.options {
            if let Some(count) = order_count.get_mut(order.item) {
                *count += 1;
            }
            if let (Some(set), Some(count)) =
                (configurations.get_mut(options.product), product_orders.get_mut(options.product))
            {
                set.insert(options.text.as_str());
                *count += 1;
            }
        }
    }
    let units = |item: usize| -> f64 { (0..n_periods).map(|t| demand.planned(item, t)).sum() };
    configuration
        .products
        .iter()
        .enumerate()
        .map(|(p, product)| {
            let relevant = configuration.relevant.get(p).cloned().unwrap_or_default();
            let classes: Vec<usize> = configuration.classes.iter().filter(|c| c.product == p).map(|c| c.item).collect();
            let mut biggest: Vec<(String, usize, f64)> =
                classes.iter().map(|&c| (input.items[c].id.clone(), order_count[c], units(c))).collect();
            biggest.sort_by(|a, b| b.2.total_cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
            biggest.truncate(5);
            let mut components: Vec<(String, f64)> = Vec::new();
            for edge in input.bom.iter().filter(|edge| classes.contains(&edge.parent)) {
                let need = units(edge.parent) * edge.quantity;
                let id = &input.items[edge.component].id;
                match components.iter_mut().find(|(c, _)| c == id) {
                    Some((_, total)) => *total += need,
                    None => components.push((id.clone(), need)),
                }
            }
            components.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            components.truncate(5);
            ProductSummary {
                product: product.item.id.clone(),
                relevant: relevant.iter().map(|&a| product.attributes[a].clone()).collect(),
                other: (0..product.attributes.len())
                    .filter(|a| !relevant.contains(a))
                    .map(|a| product.attributes[a].clone())
                    .collect(),
                orders: product_orders[p],
                configurations: configurations[p].len(),
                classes: classes.len(),
                biggest,
                components,
            }
        })
        .collect()
}

/// A lot of the previous plan started before tonight's horizon that arrives inside it, more
/// than receipts.csv holds of its item in that period: work in progress the plan would
/// otherwise forget (spec section 1.6 ignores lots that start before the horizon; what is
/// already in progress is a scheduled receipt).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkInProgress {
    /// The row of the previous plan's lots.csv.
    pub row: usize,
    /// Item id.
    pub item: String,
    /// Route or supplier, when named.
    pub way: String,
    /// The lot's start date.
    pub start_date: chrono::NaiveDate,
    /// The lot's quantity.
    pub quantity: f64,
    /// The 0-based period it arrives in, after its way's lead time.
    pub arrives: usize,
    /// What receipts.csv holds of the item in that period.
    pub received: f64,
}

impl WorkInProgress {
    /// The warning line for this lot.
    pub fn warning(&self) -> String {
        let way = if self.way.is_empty() { String::new() } else { format!(" ({})", self.way) };
        format!(
            "warning: the previous plan's lot of {} {}{way} started {} (before the horizon) arrives in period {}, but receipts.csv holds {} of it then; add it as a receipt, or the plan forgets this work in progress",
            number(self.quantity),
            self.item,
            self.start_date,
            self.arrives + 1,
            number(self.received)
        )
    }
}

/// Replanning: the previous lots started before the horizon that arrive inside it after their
/// way's lead time, where receipts.csv holds less of the item in that period than the lot (see
/// [`WorkInProgress`]), in the order of the previous lots.csv. Lots of a way that no longer
/// exists are left out (their lead time is unknown).
pub fn work_in_progress(input: &PlanInput) -> Vec<WorkInProgress> {
    let Some(replan) = &input.replan else { return Vec::new() };
    let options = Options::new(input);
    let receipts = input.receipt_grid();
    let horizon = &input.horizon;
    let item_of = input.item_index_map();
    let mut found = Vec::new();
    for lot in &replan.lots {
        if lot.start_date >= horizon.start {
            continue;
        }
        let Some(&i) = item_of.get(lot.item.as_str()) else { continue };
        let Some(o) = options.named(input, i, &lot.route, &lot.supplier) else { continue };
        let lead = options.get(o).lead_time;
        let arrival = horizon.bucket.after(lot.start_date, lead);
        let Some(crate::input::PeriodOf::InHorizon(t)) = arrival.map(|date| horizon.locate(date)) else { continue };
        let received = receipts[(i, t)];
        if received < lot.quantity - 1e-9 {
            let way = if lot.route.is_empty() { lot.supplier.clone() } else { lot.route.clone() };
            found.push(WorkInProgress {
                row: lot.row,
                item: lot.item.clone(),
                way,
                start_date: lot.start_date,
                quantity: lot.quantity,
                arrives: t,
                received,
            });
        }
    }
    found
}

/// How many routes, sources, suppliers and setup families a version-2 plan has.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptionCounts {
    /// Named routes (`routings.csv`'s distinct (item, route)).
    pub routes: usize,
    /// Rows of `sources.csv`.
    pub sources: usize,
    /// Suppliers named in `sources.csv`.
    pub suppliers: usize,
    /// Rows of `families.csv`.
    pub families: usize,
}

/// Whether a way makes or buys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WayKind {
    /// Made on a route.
    Route,
    /// Bought from a supplier.
    Supplier,
}

/// One way an item can be replenished, as the rough cut tries it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WayInfo {
    /// Route or supplier.
    pub kind: WayKind,
    /// The route's or supplier's id; `None` for the item's unnamed route or supplier.
    pub id: Option<String>,
    /// The resources a lot on the route uses, in routing order (none for a supplier).
    pub resources: Vec<String>,
    /// Periods from start or order until the lot is available.
    pub lead_time: usize,
    /// Cost per unit.
    pub unit_cost: f64,
    /// A supplier's most units per period.
    pub max_per_period: Option<f64>,
    /// A named supplier's joint order cost per period with an order (0 when not in
    /// suppliers.csv); `None` for routes and the unnamed supplier.
    pub joint_cost: Option<f64>,
}

impl WayInfo {
    /// `route DTG`, `supplier MILL-A`, `unnamed route`, `unnamed supplier`.
    pub fn label(&self) -> String {
        let kind = match self.kind {
            WayKind::Route => "route",
            WayKind::Supplier => "supplier",
        };
        match &self.id {
            Some(id) => format!("{kind} {id}"),
            None => format!("unnamed {kind}"),
        }
    }
}

/// An item with more than one way to be replenished.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemWays {
    /// Item id.
    pub item: String,
    /// Its ways, in the order the rough cut tries them (routes, then suppliers).
    pub ways: Vec<WayInfo>,
}

/// Time a moved release took off one resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResourceTime {
    /// Resource id.
    pub resource: String,
    /// Time units (run time and the way's own setup).
    pub time: f64,
}

/// A release the rough cut put on another way than the first that could deliver it, because
/// that way's resources had no room for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MovedRelease {
    /// Item id.
    pub item: String,
    /// Units released.
    pub quantity: f64,
    /// The first way that could deliver it ([`WayInfo::label`]).
    pub from: String,
    /// The 1-based period it would have started on `from`.
    pub from_period: usize,
    /// The way it went to.
    pub to: String,
    /// The 1-based period it starts on `to`.
    pub to_period: usize,
    /// The time it took off the resources of `from` in `from_period`.
    pub relieved: Vec<ResourceTime>,
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
    let options = Options::new(input);
    let cut = rough_cut(input, demand.planned_table(), bom, &options);
    let ways = item_ways(input, &options);
    let capacity = rough_cut_capacity(input, &options, &cut, !ways.is_empty());
    let capacity_flags = capacity_flags(input, &capacity);
    let has_version_2_tables = !(input.routes.is_empty()
        && input.sources.is_empty()
        && input.suppliers.is_empty()
        && input.families.is_empty());
    CheckReport {
        horizon: horizon_summary(input),
        items: item_summary(input, demand, bom),
        bom: BomSummary { edges: bom.n_edges(), levels: bom.depth() },
        resources: input.resources.len(),
        routings: input.routings.len(),
        options: has_version_2_tables.then_some(OptionCounts {
            routes: input.routes.len(),
            sources: input.sources.len(),
            suppliers: input.suppliers.len(),
            families: input.families.len(),
        }),
        ways,
        products: product_summaries(input, demand),
        orders: demand.counts().clone(),
        demand: period_demand(input, demand),
        capacity,
        capacity_flags,
        moved: cut.moves.iter().map(|m| moved_release(input, &options, m)).collect(),
        late: late_items(input, &options, &cut),
        unusual_orders: unusual_orders(input),
        work_in_progress: work_in_progress(input),
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

/// The rough cut's releases: per option and period, placed as the module docs say.
struct RoughCut {
    /// Releases per option (rows) and 0-based period.
    releases: Grid<f64>,
    /// Per item: what would have to be released before period 1 by every way.
    before_horizon: Vec<f64>,
    /// Per resource (rows) and period: the time moved releases took off it.
    moved_off: Grid<f64>,
    /// The releases placed elsewhere than their first way, in placement order.
    moves: Vec<Move>,
}

/// A release placed on option `to` in 0-based period `to_period` instead of option `from` in
/// `from_period`.
struct Move {
    item: usize,
    quantity: f64,
    from: usize,
    from_period: usize,
    to: usize,
    to_period: usize,
}

/// The time `quantity` on option `o` takes on each resource of its route in one period: run
/// time and the route's own setup (family setups aside).
fn route_times<'a>(
    input: &'a PlanInput,
    options: &'a Options,
    o: usize,
    quantity: f64,
) -> impl Iterator<Item = (usize, f64)> + 'a {
    options
        .get(o)
        .routings()
        .iter()
        .filter_map(|&k| input.routings.get(k))
        .map(move |routing| (routing.resource, routing.unit_time * quantity + routing.setup_time))
}

/// What is placed on the resources while the rough cut walks the items: the need so far per
/// resource and period, and the family setups counted so far.
struct Placement<'a> {
    input: &'a PlanInput,
    options: &'a Options,
    need: Grid<f64>,
    family_set_up: Grid<bool>,
}

impl Placement<'_> {
    /// The time `quantity` on option `o` started in `t` adds to each of its routing rows'
    /// resources: run time, the row's setup and its family's setup when not yet counted.
    fn needs(&self, o: usize, t: usize, quantity: f64) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.options.get(o).routings().iter().filter_map(move |&k| {
            let routing = self.input.routings.get(k)?;
            let family_setup = routing
                .family
                .filter(|&f| !self.family_set_up.get(f, t).copied().unwrap_or(true))
                .and_then(|f| self.input.families.get(f))
                .map_or(0.0, |family| family.setup_time);
            Some((routing.resource, routing.unit_time * quantity + routing.setup_time + family_setup))
        })
    }

    /// Whether every resource of option `o` has room in `t` for `quantity`.
    fn has_room(&self, o: usize, t: usize, quantity: f64) -> bool {
        self.needs(o, t, quantity).all(|(r, need)| {
            let Some(resource) = self.input.resources.get(r) else { return true };
            let limit = resource.capacity.get(t).copied().unwrap_or(0.0) + resource.overtime_max;
            let placed = self.need.get(r, t).copied().unwrap_or(0.0);
            LoadStatus::classify(placed + need, limit, limit) == LoadStatus::Ok
        })
    }

    fn place(&mut self, o: usize, t: usize, quantity: f64) {
        let needs: Vec<(usize, f64)> = self.needs(o, t, quantity).collect();
        for (r, need) in needs {
            if let Some(cell) = self.need.get_mut(r, t) {
                *cell += need;
            }
        }
        for &k in self.options.get(o).routings() {
            if let Some(cell) =
                self.input.routings.get(k).and_then(|r| r.family).and_then(|f| self.family_set_up.get_mut(f, t))
            {
                *cell = true;
            }
        }
    }
}

/// MRP netting of one item: projected on hand starts at `initial_inventory`, receives
/// `receipts[t]` and covers `gross[t]`; whatever it cannot cover is the net requirement (as
/// [`BomGraph::explode`] nets).
fn net_requirements(gross: &[f64], receipts: &[f64], initial_inventory: f64, net: &mut [f64]) {
    let mut on_hand = initial_inventory;
    for (t, (net_cell, &need)) in net.iter_mut().zip(gross).enumerate() {
        let available = on_hand + receipts.get(t).copied().unwrap_or(0.0);
        *net_cell = (need - available).max(0.0);
        on_hand = (available - need).max(0.0);
    }
}

/// Explodes the planned demand (rows: items) through the BOM level by level, netted, and
/// places every net requirement on a way (module docs). With one way per item this is
/// [`BomGraph::explode`] with [`Netting::Net`], number for number.
fn rough_cut(input: &PlanInput, demand: &Grid<f64>, bom: &BomGraph, options: &Options) -> RoughCut {
    let n_items = bom.n_items();
    let n_periods = input.n_periods();
    let mut gross = Grid::new(n_items, n_periods, 0.0);
    for (cell, &quantity) in gross.cells_mut().iter_mut().zip(demand.cells()) {
        *cell = quantity;
    }
    let receipts = input.receipt_grid();
    let mut releases = Grid::new(options.len(), n_periods, 0.0);
    let mut before_horizon = vec![0.0; n_items];
    let mut moved_off = Grid::new(input.resources.len(), n_periods, 0.0);
    let mut moves = Vec::new();
    let mut placement = Placement {
        input,
        options,
        need: Grid::new(input.resources.len(), n_periods, 0.0),
        family_set_up: Grid::new(input.families.len(), n_periods, false),
    };
    let mut net = vec![0.0; n_periods];
    let mut made = vec![0.0; n_periods];
    for &item_idx in bom.topological_order() {
        let item = input.items.get(item_idx);
        let item_receipts = if item_idx < receipts.rows() { receipts.row(item_idx) } else { &[] };
        net_requirements(gross.row(item_idx), item_receipts, item.map_or(0.0, |it| it.initial_inventory), &mut net);
        let ways = options.of_item(item_idx);
        for (t, &quantity) in net.iter().enumerate() {
            if quantity <= 0.0 {
                continue;
            }
            // The ways that can still deliver in t, with the period each would start it.
            let in_time: Vec<(usize, usize)> =
                ways.clone().filter_map(|o| t.checked_sub(options.get(o).lead_time).map(|start| (o, start))).collect();
            let Some(&(first, first_start)) = in_time.first() else {
                before_horizon[item_idx] += quantity;
                continue;
            };
            let is_made = |&&(o, _): &&(usize, usize)| options.get(o).is_made();
            let (to, to_start) = in_time
                .iter()
                .filter(is_made)
                .find(|&&(o, start)| placement.has_room(o, start, quantity))
                .or_else(|| in_time.iter().find(|way| !is_made(way)))
                .or_else(|| in_time.iter().find(is_made))
                .copied()
                .unwrap_or((first, first_start));
            if to != first {
                for (r, time) in route_times(input, options, first, quantity) {
                    if let Some(cell) = moved_off.get_mut(r, first_start) {
                        *cell += time;
                    }
                }
                moves.push(Move {
                    item: item_idx,
                    quantity,
                    from: first,
                    from_period: first_start,
                    to,
                    to_period: to_start,
                });
            }
            placement.place(to, to_start, quantity);
            releases[(to, to_start)] += quantity;
        }
        // Only made releases consume components.
        made.iter_mut().for_each(|cell| *cell = 0.0);
        for o in options.made_of_item(item_idx) {
            for (cell, &release) in made.iter_mut().zip(releases.row(o)) {
                *cell += release;
            }
        }
        for (component, quantity) in bom.components(item_idx) {
            for (cell, &release) in gross.row_mut(component).iter_mut().zip(&made) {
                *cell += quantity * release;
            }
        }
    }
    RoughCut { releases, before_horizon, moved_off, moves }
}

/// Loads every resource with the releases placed on the routes that use it, and each family
/// setup once per resource and period.
fn rough_cut_capacity(input: &PlanInput, options: &Options, cut: &RoughCut, with_moves: bool) -> Vec<ResourceLoad> {
    let n_periods = input.n_periods();
    let (run_time, setup_time) = resource_load(input, options, &cut.releases);
    input
        .resources
        .iter()
        .enumerate()
        .zip(run_time.iter_rows().zip(setup_time.iter_rows()))
        .map(|((r, resource), (run, setup))| ResourceLoad {
            resource: resource.id.clone(),
            periods: (0..n_periods)
                .map(|t| {
                    let capacity = resource.capacity.get(t).copied().unwrap_or(0.0);
                    let mut load = period_load(t, run[t], setup[t], capacity, resource.overtime_max);
                    load.moved_off = with_moves.then(|| cut.moved_off.get(r, t).copied().unwrap_or(0.0));
                    load
                })
                .collect(),
        })
        .collect()
}

/// What the report says of one option.
fn way_info(input: &PlanInput, options: &Options, o: usize) -> WayInfo {
    let option = options.get(o);
    let resources = option
        .routings()
        .iter()
        .filter_map(|&k| input.routings.get(k))
        .filter_map(|routing| input.resources.get(routing.resource))
        .map(|resource| resource.id.clone())
        .collect();
    let (kind, id, joint_cost) = match option.way {
        Way::Route { route, .. } => {
            (WayKind::Route, route.and_then(|r| input.routes.get(r)).map(|route| route.id.clone()), None)
        }
        Way::Supplier { supplier } => {
            let supplier = supplier.and_then(|v| input.suppliers.get(v));
            (WayKind::Supplier, supplier.map(|v| v.id.clone()), supplier.map(|v| v.order_cost))
        }
    };
    WayInfo {
        kind,
        id,
        resources,
        lead_time: option.lead_time,
        unit_cost: option.unit_cost,
        max_per_period: option.max_per_period,
        joint_cost,
    }
}

/// The items with more than one way, with their ways.
fn item_ways(input: &PlanInput, options: &Options) -> Vec<ItemWays> {
    input
        .items
        .iter()
        .enumerate()
        .filter(|&(i, _)| options.of_item(i).len() > 1)
        .map(|(i, item)| ItemWays {
            item: item.id.clone(),
            ways: options.of_item(i).map(|o| way_info(input, options, o)).collect(),
        })
        .collect()
}

fn moved_release(input: &PlanInput, options: &Options, m: &Move) -> MovedRelease {
    let from = way_info(input, options, m.from);
    let relieved = route_times(input, options, m.from, m.quantity)
        .filter_map(|(r, time)| Some(ResourceTime { resource: input.resources.get(r)?.id.clone(), time }))
        .collect();
    MovedRelease {
        item: input.items.get(m.item).map(|item| item.id.clone()).unwrap_or_default(),
        quantity: m.quantity,
        from: from.label(),
        from_period: m.from_period + 1,
        to: way_info(input, options, m.to).label(),
        to_period: m.to_period + 1,
        relieved,
    }
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
        moved_off: None,
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

/// The items with work due before the horizon; the lead time is the shortest of their ways.
fn late_items(input: &PlanInput, options: &Options, cut: &RoughCut) -> Vec<LateItem> {
    input
        .items
        .iter()
        .enumerate()
        .zip(&cut.before_horizon)
        .filter(|(_, &quantity)| quantity > 0.0)
        .map(|((i, item), &quantity)| {
            let shortest = options.of_item(i).map(|o| options.get(o).lead_time).min();
            LateItem { item: item.id.clone(), lead_time: shortest.unwrap_or(item.lead_time), quantity }
        })
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
        self.write_products(&mut out);
        self.write_ways(&mut out);
        self.write_demand(&mut out);
        self.write_capacity(&mut out);
        self.write_flags(&mut out);
        self.write_moved(&mut out);
        self.write_late(&mut out);
        if !self.unusual_orders.is_empty() {
            out.push('\n');
        }
        for order in self.unusual_orders.iter().take(MAX_TEXT_ROWS) {
            let _ = writeln!(out, "{}", order.warning());
        }
        write_more(&mut out, self.unusual_orders.len(), "unusual orders");
        for lot in self.work_in_progress.iter().take(MAX_TEXT_ROWS) {
            let _ = writeln!(out, "{}", lot.warning());
        }
        write_more(&mut out, self.work_in_progress.len(), "lots in progress");
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
        if let Some(c) = &self.options {
            let _ = writeln!(
                out,
                "{:>10}  {} {}, {} {}, {} {}, {} {}",
                "options",
                c.routes,
                plural(c.routes, "route"),
                c.sources,
                plural(c.sources, "source"),
                c.suppliers,
                plural(c.suppliers, "supplier"),
                c.families,
                if c.families == 1 { "family" } else { "families" }
            );
        }
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

    fn write_products(&self, out: &mut String) {
        if self.products.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "\nconfigurable products (planned per class: a configuration up to the attributes its rows depend on)"
        );
        for p in &self.products {
            let other =
                if p.other.is_empty() { String::new() } else { format!("; not relevant: {}", p.other.join(", ")) };
            let relevant = if p.relevant.is_empty() { "none".to_string() } else { p.relevant.join(", ") };
            let _ = writeln!(
                out,
                "  {}: {} orders, {} configurations -> {} classes (relevant attributes: {relevant}{other})",
                p.product,
                thousands(p.orders as f64, 0),
                thousands(p.configurations as f64, 0),
                thousands(p.classes as f64, 0)
            );
            let biggest: Vec<String> = p
                .biggest
                .iter()
                .map(|(id, orders, units)| {
                    let s = if *orders == 1 { "" } else { "s" };
                    format!("{id} {} units, {orders} order{s}", number(*units))
                })
                .collect();
            if !biggest.is_empty() {
                let _ = writeln!(out, "    biggest classes: {}", biggest.join("; "));
            }
            let components: Vec<String> =
                p.components.iter().map(|(id, units)| format!("{id} {}", number(*units))).collect();
            if !components.is_empty() {
                let _ = writeln!(out, "    components they need most: {}", components.join("; "));
            }
        }
    }

    fn write_ways(&self, out: &mut String) {
        if self.ways.is_empty() {
            return;
        }
        let _ = writeln!(out, "\nways to replenish (items with more than one, in the order the rough cut tries them)");
        let item_width = id_width(self.ways.iter().map(|w| w.item.as_str()), "item");
        let labels: Vec<String> = self.ways.iter().flat_map(|w| w.ways.iter().map(WayInfo::label)).collect();
        let way_width = id_width(labels.iter().map(String::as_str), "way");
        let _ = writeln!(
            out,
            "  {:<item_width$}  {:<way_width$}  {:>9}  {:>9}  uses / terms",
            "item", "way", "lead time", "unit cost"
        );
        let details_width = 100usize.saturating_sub(2 + item_width + 2 + way_width + 2 + 9 + 2 + 9 + 2).max(12);
        for item in self.ways.iter().take(MAX_TEXT_ROWS) {
            for (n, way) in item.ways.iter().enumerate() {
                let details = match way.kind {
                    WayKind::Route if way.resources.is_empty() => "no resource".to_string(),
                    WayKind::Route => way.resources.join(", "),
                    WayKind::Supplier => {
                        let mut terms = Vec::new();
                        if let Some(max) = way.max_per_period {
                            terms.push(format!("at most {} per period", number(max)));
                        }
                        if let Some(cost) = way.joint_cost.filter(|&cost| cost > 0.0) {
                            terms.push(format!("joint order cost {}", number(cost)));
                        }
                        terms.join("; ")
                    }
                };
                let line = format!(
                    "  {:<item_width$}  {:<way_width$}  {:>9}  {:>9}  {}",
                    if n == 0 { short_id(&item.item) } else { String::new() },
                    short_id(&way.label()),
                    way.lead_time,
                    number(way.unit_cost),
                    fit(&details, details_width)
                );
                let _ = writeln!(out, "{}", line.trim_end());
            }
        }
        write_more(out, self.ways.len(), "items");
    }

    fn write_moved(&self, out: &mut String) {
        if self.ways.is_empty() {
            return;
        }
        if self.moved.is_empty() {
            let _ = writeln!(out, "\nalternative ways: every release fits the first way that can deliver it");
            return;
        }
        let _ = writeln!(
            out,
            "\nalternative ways: {} {} did not fit the first way that can deliver {}",
            self.moved.len(),
            plural(self.moved.len(), "release"),
            if self.moved.len() == 1 { "it" } else { "them" }
        );
        let relieved: Vec<(&str, f64)> = self
            .capacity
            .iter()
            .map(|load| (load.resource.as_str(), load.total_moved_off()))
            .filter(|&(_, time)| time > 0.0)
            .collect();
        let width = id_width(relieved.iter().map(|&(id, _)| id), "resource");
        let _ = writeln!(out, "  {:<width$}  {:>12}", "resource", "moved off");
        for &(resource, time) in relieved.iter().take(MAX_TEXT_ROWS) {
            let _ = writeln!(out, "  {:<width$}  {:>12}", short_id(resource), number(time));
        }
        write_more(out, relieved.len(), "resources");
        let item_width = id_width(self.moved.iter().map(|m| m.item.as_str()), "item");
        let from_width = id_width(self.moved.iter().map(|m| m.from.as_str()), "from");
        let to_labels: Vec<String> = self.moved.iter().map(moved_to).collect();
        let to_width = id_width(to_labels.iter().map(String::as_str), "to");
        let _ = writeln!(
            out,
            "  {:>6}  {:<item_width$}  {:>9}  {:<from_width$}  {:<to_width$}  takes off",
            "period", "item", "units", "from", "to"
        );
        let rest = 100usize.saturating_sub(2 + 6 + 2 + item_width + 2 + 9 + 2 + from_width + 2 + to_width + 2).max(12);
        for (moved, to) in self.moved.iter().zip(&to_labels).take(MAX_TEXT_ROWS) {
            let takes: Vec<String> =
                moved.relieved.iter().map(|r| format!("{} {}", short_id(&r.resource), number(r.time))).collect();
            let line = format!(
                "  {:>6}  {:<item_width$}  {:>9}  {:<from_width$}  {:<to_width$}  {}",
                moved.from_period,
                short_id(&moved.item),
                number(moved.quantity),
                short_id(&moved.from),
                short_id(to),
                fit(&takes.join(", "), rest)
            );
            let _ = writeln!(out, "{}", line.trim_end());
        }
        write_more(out, self.moved.len(), "moved releases");
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

/// Where a moved release went: the way, and its start period when that differs.
fn moved_to(moved: &MovedRelease) -> String {
    if moved.to_period == moved.from_period {
        moved.to.clone()
    } else {
        format!("{} (p{})", moved.to, moved.to_period)
    }
}

/// `text` cut to `width` characters, ending in `~` when shortened.
fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut short: String = text.chars().take(width.saturating_sub(1)).collect();
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
    use crate::input::bom::Netting;
    use crate::input::{
        BomEdge, Family, ForecastEntry, Horizon, Item, LotTerms, Order, Resource, Route, Routing, Source, Supplier,
    };
    use crate::plan::demand::bucket_demand;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    fn order(id: &str, item: usize, quantity: f64, due_date: NaiveDate) -> Order {
        Order { id: id.into(), item, quantity, due_date, market: None, options: None }
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

    /// The rough cut of a plan with one way per item is the explosion of version 1 (netted,
    /// lot-for-lot) loaded by `resource_load`, to the last bit.
    #[test]
    fn a_version_1_rough_cut_is_the_plain_explosion_bit_for_bit() {
        let mut plans = vec![bikes()];
        for seed in 0..6 {
            let start = date(2026, 1, 5);
            let spec = crate::generate::GenerateSpec {
                seed,
                items: 12 + 7 * seed as usize,
                orders: 150,
                periods: 6 + seed as usize,
                bucket: Bucket::Week,
                start,
                flexible: crate::generate::FlexibleSpec::default(),
            };
            plans.push(crate::generate::generate(&spec).expect("generated plan"));
            let spec = crate::generate::AdversarialSpec { seed, items: 6, periods: 5 };
            plans.push(crate::generate::generate_adversarial(&spec).expect("adversarial plan"));
        }
        for input in &plans {
            let demand = bucket_demand(input);
            let bom = BomGraph::new(input).expect("acyclic");
            let explosion = bom.explode(input, demand.planned_table(), Netting::Net);
            let (run, setup) = crate::plan::solution::routing_load(
                &input.routings,
                input.resources.len(),
                &explosion.releases,
                |_, ro| Some(ro.item),
            );
            let report = inspect(input, &demand, &bom);
            for (r, load) in report.capacity.iter().enumerate() {
                for (t, period) in load.periods.iter().enumerate() {
                    assert_eq!(period.run_time.to_bits(), run[(r, t)].to_bits(), "run time {r} {t}");
                    assert_eq!(period.setup_time.to_bits(), setup[(r, t)].to_bits(), "setup time {r} {t}");
                    assert_eq!(period.moved_off, None);
                }
            }
            let late: Vec<(usize, f64)> = explosion
                .releases_before_horizon
                .iter()
                .enumerate()
                .filter(|(_, &q)| q > 0.0)
                .map(|(i, &q)| (input.items[i].lead_time, q))
                .collect();
            let reported: Vec<(usize, f64)> = report.late.iter().map(|l| (l.lead_time, l.quantity)).collect();
            assert_eq!(reported, late);
            assert!(report.options.is_none() && report.ways.is_empty() && report.moved.is_empty());
        }
    }

    /// Four weeks. TEE (make, L0) = 2 INK; three ways: route DTG on PRINT (0.1/unit, setup 1,
    /// family F with setup 0.5; capacity 10 + 2 overtime), route SCREEN on SCREEN (0.2/unit,
    /// setup 2, capacity 40, lead time 1), supplier PARTNER (L0). HOODIE (make, one route on
    /// PRINT, family F, 0.1/unit, setup 1). TEE due [50, 150, 120, 300], HOODIE [10, 0, 0, 0].
    fn print_shop() -> PlanInput {
        let weeks = |p: u64| date(2026, 1, 5) + chrono::Days::new(7 * p);
        let resource = |id: &str, capacity: f64, overtime_max: f64| Resource {
            id: id.into(),
            capacity: vec![capacity; 4],
            overtime_max,
            overtime_cost: 0.0,
        };
        let routing = |item, resource, unit_time, setup_time, route, family| Routing {
            route: Some(route),
            family,
            ..Routing::new(item, resource, unit_time, setup_time, 0.0)
        };
        let route = |item, id: &str, lead_time| Route {
            item,
            id: id.into(),
            terms: LotTerms { lead_time, ..LotTerms::default() },
        };
        PlanInput {
            items: vec![
                Item::new("TEE", ItemKind::Make),
                Item::new("HOODIE", ItemKind::Make),
                Item::new("INK", ItemKind::Buy),
            ],
            bom: vec![BomEdge { parent: 0, component: 2, quantity: 2.0 }],
            resources: vec![resource("PRINT", 10.0, 2.0), resource("SCREEN", 40.0, 0.0)],
            routings: vec![
                routing(0, 0, 0.1, 1.0, 0, Some(0)),
                routing(0, 1, 0.2, 2.0, 1, None),
                routing(1, 0, 0.1, 1.0, 2, Some(0)),
            ],
            routes: vec![route(0, "DTG", None), route(0, "SCREEN", Some(1)), route(1, "DTG", None)],
            sources: vec![Source { item: 0, supplier: 0, terms: LotTerms::default(), max_per_period: None }],
            suppliers: vec![Supplier { id: "PARTNER".into(), order_cost: 12.0 }],
            families: vec![Family { id: "F".into(), resource: 0, setup_time: 0.5, setup_cost: 0.0 }],
            orders: vec![
                order("t1", 0, 50.0, weeks(0)),
                order("t2", 0, 150.0, weeks(1)),
                order("t3", 0, 120.0, weeks(2)),
                order("t4", 0, 300.0, weeks(3)),
                order("h1", 1, 10.0, weeks(0)),
            ],
            ..PlanInput::new(Horizon { start: date(2026, 1, 5), bucket: Bucket::Week, periods: 4 })
        }
    }

    #[test]
    fn alternative_ways_absorb_what_the_first_route_cannot_hand_worked() {
        let input = print_shop();
        let options = Options::new(&input);
        let demand = bucket_demand(&input);
        let bom = BomGraph::new(&input).expect("acyclic");
        let cut = rough_cut(&input, demand.planned_table(), &bom, &options);
        // Week 1: DTG has room (5 + 1 + 0.5 family <= 12). Week 2: DTG needs 16.5 > 12, so
        // SCREEN, starting in week 1 (lead time 1): 30 + 2 <= 40. Week 3: DTG 13.5 > 12,
        // SCREEN in week 2: 26 <= 40. Week 4: DTG 31.5, SCREEN (week 3) 62 > 40: PARTNER.
        assert_eq!(cut.releases.row(0), [50.0, 0.0, 0.0, 0.0]);
        assert_eq!(cut.releases.row(1), [150.0, 120.0, 0.0, 0.0]);
        assert_eq!(cut.releases.row(2), [0.0, 0.0, 0.0, 300.0]);
        assert_eq!(cut.releases.row(3), [10.0, 0.0, 0.0, 0.0]);
        // Only made TEE consume INK: 2 x [50 + 150, 120, 0, 0]; PARTNER's 300 consume none.
        assert_eq!(cut.releases.row(4), [400.0, 240.0, 0.0, 0.0]);

        let report = inspect(&input, &demand, &bom);
        let print = &report.capacity[0].periods;
        // Week 1: TEE 5 + HOODIE 1 run; setups 1 + 1 and the family's 0.5 once.
        assert_eq!((print[0].run_time, print[0].setup_time), (6.0, 2.5));
        let moved_off: Vec<Option<f64>> = print.iter().map(|p| p.moved_off).collect();
        assert_eq!(moved_off, [Some(0.0), Some(16.0), Some(13.0), Some(31.0)]);
        assert_eq!(report.capacity[0].total_moved_off(), 60.0);
        let screen: Vec<f64> = report.capacity[1].periods.iter().map(|p| p.need).collect();
        assert_eq!(screen, [32.0, 26.0, 0.0, 0.0]);
        assert!(report.capacity_flags.is_empty());
        let moves: Vec<(&str, f64, &str, usize, &str, usize)> = report
            .moved
            .iter()
            .map(|m| (m.item.as_str(), m.quantity, m.from.as_str(), m.from_period, m.to.as_str(), m.to_period))
            .collect();
        assert_eq!(
            moves,
            [
                ("TEE", 150.0, "route DTG", 2, "route SCREEN", 1),
                ("TEE", 120.0, "route DTG", 3, "route SCREEN", 2),
                ("TEE", 300.0, "route DTG", 4, "supplier PARTNER", 4),
            ]
        );
        assert_eq!(report.moved[0].relieved, [ResourceTime { resource: "PRINT".into(), time: 16.0 }]);
        assert_eq!(report.options, Some(OptionCounts { routes: 3, sources: 1, suppliers: 1, families: 1 }));
        // Only TEE has more than one way.
        assert_eq!(report.ways.len(), 1);
        let labels: Vec<String> = report.ways[0].ways.iter().map(WayInfo::label).collect();
        assert_eq!(labels, ["route DTG", "route SCREEN", "supplier PARTNER"]);
        assert_eq!(report.ways[0].ways[1].resources, ["SCREEN"]);
        assert_eq!((report.ways[0].ways[1].lead_time, report.ways[0].ways[2].joint_cost), (1, Some(12.0)));

        // Without the supplier, week 4 stays on DTG, the first route, and overloads PRINT.
        let mut no_partner = print_shop();
        no_partner.sources.clear();
        no_partner.suppliers.clear();
        let report = report_of(&no_partner);
        assert_eq!(report.moved.len(), 2);
        let flags: Vec<(&str, usize, LoadStatus)> =
            report.capacity_flags.iter().map(|f| (f.resource.as_str(), f.period, f.status)).collect();
        assert_eq!(flags, [("PRINT", 4, LoadStatus::Overloaded)]);
        assert_eq!(report.capacity[0].periods[3].need, 31.5);
    }

    #[test]
    fn a_requirement_no_way_can_deliver_in_time_is_late_with_the_shortest_lead_time() {
        let mut input = print_shop();
        // Every way of TEE takes at least a week now: week 1's 50 cannot be made in time.
        input.routes[0].terms.lead_time = Some(2);
        input.sources[0].terms.lead_time = Some(1);
        let report = report_of(&input);
        let tee = report.late.iter().find(|late| late.item == "TEE").expect("TEE is late");
        assert_eq!((tee.lead_time, tee.quantity), (1, 50.0));
        // Week 2's 150: DTG cannot deliver it in time, so SCREEN (from week 1) is the first way
        // that can, and it has room: not a move. Week 3's 120 would start on DTG in week 1,
        // which has no room for 12 + 1 + 0.5: it moves to SCREEN (week 2).
        assert_eq!(report.moved.len(), 2);
        let first = &report.moved[0];
        assert_eq!(
            (first.quantity, first.from_period, first.to.as_str(), first.to_period),
            (120.0, 1, "route SCREEN", 2)
        );
    }

    #[test]
    fn the_version_2_text_report_names_the_ways_and_what_moved() {
        let report = report_of(&print_shop());
        let text = report.to_text();
        assert!(text.lines().all(|line| line.chars().count() <= 100), "{text}");
        let expect_line = |words: &[&str]| {
            assert!(
                text.lines().any(|line| words.iter().all(|w| line.contains(w))),
                "no line with {words:?} in\n{text}"
            );
        };
        expect_line(&["options", "3 routes, 1 source, 1 supplier, 1 family"]);
        expect_line(&["TEE", "route DTG", "0", "PRINT"]);
        expect_line(&["route SCREEN", "1", "SCREEN"]);
        expect_line(&["supplier PARTNER", "joint order cost 12"]);
        expect_line(&["alternative ways: 3 releases did not fit"]);
        expect_line(&["PRINT", "60"]);
        expect_line(&["2", "TEE", "150", "route DTG", "route SCREEN (p1)", "PRINT 16"]);
        expect_line(&["4", "TEE", "300", "route DTG", "supplier PARTNER", "PRINT 31"]);
        let json = serde_json::to_value(&report).expect("serialisable");
        assert_eq!(json["capacity"][0]["periods"][1]["moved_off"], 16.0);
        assert_eq!(json["moved"][2]["to"], "supplier PARTNER");
        assert_eq!(json["ways"][0]["ways"][2]["kind"], "supplier");
        assert_eq!(json["options"]["families"], 1);
        // A version-1 report has none of these keys.
        let json = serde_json::to_string(&report_of(&bikes())).expect("serialisable");
        for key in ["moved_off", "\"options\"", "\"ways\"", "\"moved\""] {
            assert!(!json.contains(key), "{key} in {json}");
        }
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
