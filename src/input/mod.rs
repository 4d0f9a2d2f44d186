//! The validated plan: plain typed data that every module after the reader works on.
//!
//! Nothing in here touches files. `crate::input::read` turns a plan directory into a [`PlanInput`];
//! a Rust program may also build one directly (see the crate docs). Items, resources and
//! periods are referred to by index: `item_idx` into [`PlanInput::items`], `resource_idx` into
//! [`PlanInput::resources`], and periods as 0-based `t` (period `t + 1` in files and reports).

pub mod bom;
pub mod configure;
pub mod options;
pub(crate) mod read;
pub(crate) mod table;
pub(crate) mod write;

pub use bom::BomGraph;
pub use options::{Options, SupplyOption, Way};
pub use read::{
    read_plan_dir, read_plan_dir_replanning, read_plan_dir_with_orders, read_plan_toml, read_products,
    ProductAttributes, ORDERS_FRAME_NAME,
};
pub use table::TableFormat;
pub use write::write_plan_dir;

use crate::grid::Grid;
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::PathBuf;

/// Length of one planning period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Bucket {
    /// One calendar day.
    Day,
    /// Seven days starting at the horizon start's weekday.
    Week,
    /// One calendar month; the horizon must start on the 1st.
    Month,
}

impl Bucket {
    /// The day `n` buckets after `date` (`None` beyond chrono's range).
    pub fn after(self, date: NaiveDate, n: usize) -> Option<NaiveDate> {
        match self {
            Bucket::Day => date.checked_add_days(chrono::Days::new(n as u64)),
            Bucket::Week => date.checked_add_days(chrono::Days::new(7 * n as u64)),
            Bucket::Month => date.checked_add_months(Months::new(u32::try_from(n).ok()?)),
        }
    }

    /// The name used in `plan.toml`.
    pub fn as_str(self) -> &'static str {
        match self {
            Bucket::Day => "day",
            Bucket::Week => "week",
            Bucket::Month => "month",
        }
    }
}

/// The planning horizon: `periods` buckets starting on `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Horizon {
    /// First day of period 1.
    pub start: NaiveDate,
    /// Length of a period.
    pub bucket: Bucket,
    /// Number of periods `T >= 1`.
    pub periods: usize,
}

impl Horizon {
    /// First day of 0-based period `t` (`t` may equal `periods`: the end of the horizon).
    /// Returns `None` only for dates beyond chrono's range.
    pub fn period_start(&self, t: usize) -> Option<NaiveDate> {
        self.bucket.after(self.start, t)
    }

    /// The first day after the horizon.
    pub fn end(&self) -> Option<NaiveDate> {
        self.period_start(self.periods)
    }

    /// The 0-based period an order due on `due` is planned in (`None`: beyond the horizon).
    pub fn planned_period(&self, due: NaiveDate) -> Option<usize> {
        self.locate(due).planned()
    }

    /// Where a due date falls, by the spec's period rule.
    pub fn locate(&self, due: NaiveDate) -> PeriodOf {
        if due < self.start {
            return PeriodOf::PastDue;
        }
        let t = match self.bucket {
            Bucket::Day => (due - self.start).num_days() as u64,
            Bucket::Week => ((due - self.start).num_days() / 7) as u64,
            Bucket::Month => {
                let months = (due.year() as i64 - self.start.year() as i64) * 12 + due.month0() as i64
                    - self.start.month0() as i64;
                months as u64
            }
        };
        if t >= self.periods as u64 {
            PeriodOf::BeyondHorizon
        } else {
            PeriodOf::InHorizon(t as usize)
        }
    }
}

/// Where an order's due date falls relative to the horizon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodOf {
    /// Due before the horizon start: planned as due in period 1.
    PastDue,
    /// Due in 0-based period `t`.
    InHorizon(usize),
    /// Due on or after the end of the horizon: left out of the plan.
    BeyondHorizon,
}

impl PeriodOf {
    /// The 0-based period the demand is planned in: its own, period 1 when past due, `None`
    /// when beyond the horizon (the spec's period rule, section 1.1).
    pub fn planned(self) -> Option<usize> {
        match self {
            PeriodOf::PastDue => Some(0),
            PeriodOf::InHorizon(t) => Some(t),
            PeriodOf::BeyondHorizon => None,
        }
    }
}

/// Optional solver settings from `plan.toml` (`[solver]`), or a command line's flags; the
/// precedence of the two is [`crate::plan::solve::SolveOptions::from_settings`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct SolverConfig {
    /// Wall-clock limit for the MIP, seconds.
    pub time_limit_s: Option<f64>,
    /// Relative gap at which the solve stops.
    pub mip_gap: Option<f64>,
    /// Solver threads; 0 = solver default.
    pub threads: Option<u32>,
}

/// Whether an item is produced on resources or bought from a supplier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    /// Made on resources (may have components and routings).
    Make,
    /// Bought from a supplier (no components, no routings).
    Buy,
}

impl ItemKind {
    /// The spelling used in `items.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Make => "make",
            ItemKind::Buy => "buy",
        }
    }
}

/// One row of `items.csv`, with defaults applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Unique id.
    pub id: String,
    /// Make or buy.
    pub kind: ItemKind,
    /// Variable cost per unit produced or bought.
    pub unit_cost: f64,
    /// Cost per unit in stock at the end of a period.
    pub holding_cost: f64,
    /// Cost per unit of unshipped external demand per period; `None` = no late shipment.
    pub backlog_cost: Option<f64>,
    /// Periods from start/order until the lot is available.
    pub lead_time: usize,
    /// On hand at the start of period 1.
    pub initial_inventory: f64,
    /// Soft lower target on end-of-period inventory.
    pub safety_stock: f64,
    /// Cost per unit below the safety stock per period.
    pub safety_stock_penalty: f64,
    /// A lot, if any, is at least this.
    pub min_lot: f64,
    /// A lot is at most this.
    pub max_lot: Option<f64>,
    /// A lot is an integer multiple of this.
    pub lot_multiple: Option<f64>,
    /// Fixed cost per lot (purchase order cost for buy items).
    pub order_cost: f64,
    /// Extra cost per unit of demand still unshipped at the end of the last period (v2).
    pub unmet_cost: f64,
}

impl Item {
    /// An item with every optional column at its default.
    pub fn new(id: impl Into<String>, kind: ItemKind) -> Self {
        Item {
            id: id.into(),
            kind,
            unit_cost: 0.0,
            holding_cost: 0.0,
            backlog_cost: None,
            lead_time: 0,
            initial_inventory: 0.0,
            safety_stock: 0.0,
            safety_stock_penalty: 0.0,
            min_lot: 0.0,
            max_lot: None,
            lot_multiple: None,
            order_cost: 0.0,
            unmet_cost: 0.0,
        }
    }
}

/// One edge of `bom.csv`: `quantity` units of `component` per unit of `parent`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BomEdge {
    /// Index of the parent (a make item).
    pub parent: usize,
    /// Index of the component.
    pub component: usize,
    /// Units of component per unit of parent (> 0).
    pub quantity: f64,
}

/// One row of `resources.csv`, with `capacity.csv` overrides folded in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    /// Unique id.
    pub id: String,
    /// Time units available in each 0-based period (length `T`).
    pub capacity: Vec<f64>,
    /// Extra time units that may be bought per period.
    pub overtime_max: f64,
    /// Cost per overtime time unit.
    pub overtime_cost: f64,
}

/// One row of `routings.csv`: a resource that every lot of `item` on `route` uses.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Routing {
    /// Index of the make item.
    pub item: usize,
    /// Index of the resource.
    pub resource: usize,
    /// Time units per unit produced.
    pub unit_time: f64,
    /// Time units per lot (once per route and period).
    pub setup_time: f64,
    /// Cost per lot.
    pub setup_cost: f64,
    /// The named route this row belongs to (an index into [`PlanInput::routes`]), or `None`
    /// for the item's one unnamed route (v2, spec section 1.2).
    pub route: Option<usize>,
    /// The setup family of the item on this resource (an index into
    /// [`PlanInput::families`]), if any (v2, spec section 1.4).
    pub family: Option<usize>,
}

impl Routing {
    /// A row of the item's unnamed route, without a family (a version-1 routing row).
    pub fn new(item: usize, resource: usize, unit_time: f64, setup_time: f64, setup_cost: f64) -> Self {
        Routing { item, resource, unit_time, setup_time, setup_cost, route: None, family: None }
    }
}

/// Lot values a route or a source may set for its lots; `None` takes the item's value.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct LotTerms {
    /// Cost per unit.
    pub unit_cost: Option<f64>,
    /// Periods from start or order until the lot is available.
    pub lead_time: Option<usize>,
    /// A lot, if any, is at least this.
    pub min_lot: Option<f64>,
    /// A lot is at most this.
    pub max_lot: Option<f64>,
    /// A lot is an integer multiple of this.
    pub lot_multiple: Option<f64>,
    /// Fixed cost per lot.
    pub order_cost: Option<f64>,
}

/// A named route of a make item (v2, spec section 1.2): the routing rows naming it, with the
/// values of its `routes.csv` row, if any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Route {
    /// Index of the make item.
    pub item: usize,
    /// The route's id, as in `routings.csv`.
    pub id: String,
    /// Its values from `routes.csv` (the item's where not given).
    pub terms: LotTerms,
}

/// One row of `sources.csv` (v2, spec section 1.3): `item` can be bought from `supplier`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// Index of the item (a buy item, or a make item that can also be bought).
    pub item: usize,
    /// Index into [`PlanInput::suppliers`].
    pub supplier: usize,
    /// Lot values of this source (the item's where not given).
    pub terms: LotTerms,
    /// Most units of the item this supplier delivers per period of ordering.
    pub max_per_period: Option<f64>,
}

/// A supplier named in `sources.csv`, with its joint order cost from `suppliers.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Supplier {
    /// The supplier's id.
    pub id: String,
    /// Fixed cost per period in which anything is ordered from it (0 when not in `suppliers.csv`).
    pub order_cost: f64,
}

/// One row of `families.csv` (v2, spec section 1.4): the major setup of a family on a resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Family {
    /// The family's id.
    pub id: String,
    /// Index of the resource.
    pub resource: usize,
    /// Time units per period in which any item of the family runs on the resource.
    pub setup_time: f64,
    /// Cost per such period.
    pub setup_cost: f64,
}

/// A scheduled receipt (open order / work in progress) arriving in 0-based period `period`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    /// Item index.
    pub item: usize,
    /// 0-based period.
    pub period: usize,
    /// Quantity (> 0).
    pub quantity: f64,
}

/// A customer order from `orders.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    /// Unique order id.
    pub id: String,
    /// Item index.
    pub item: usize,
    /// Quantity (> 0).
    pub quantity: f64,
    /// Due date.
    pub due_date: NaiveDate,
    /// Sales channel or destination market, for reporting.
    pub market: Option<String>,
    /// The configuration of an order of a configurable product (v2, spec section 1.5); `None`
    /// for an order of an ordinary item. `item` is then the order's planning class.
    pub options: Option<OrderOptions>,
}

/// What an order of a configurable product says about its configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderOptions {
    /// Index into [`Configuration::products`]: the item ordered.
    pub product: usize,
    /// Its options, `attr=value;attr=value`, every attribute given once, in the product's
    /// attribute order (as `order_promises.csv` lists them).
    pub text: String,
}

/// A forecast quantity for an item in a 0-based period.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ForecastEntry {
    /// Item index.
    pub item: usize,
    /// 0-based period.
    pub period: usize,
    /// Forecast quantity (>= 0).
    pub quantity: f64,
}

/// A configurable product of `items.csv` (v2, spec section 1.5) with its rows as written:
/// it is not an item of [`PlanInput::items`]; its planning classes are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Configurable {
    /// Its items.csv values (`id` is the product's id); every class has them.
    pub item: Item,
    /// Its attribute names, in items.csv's order.
    pub attributes: Vec<String>,
    /// Its bom.csv rows, in file order.
    pub bom: Vec<ConfigBomLine>,
    /// Its routings.csv rows, in file order.
    pub routings: Vec<ConfigRouting>,
    /// Its routes (the distinct `route` values of its rows, in order of first row), with their
    /// routes.csv values.
    pub routes: Vec<ProductRoute>,
    /// Its forecast for the product as a whole, per 0-based period; empty when forecast.csv
    /// has no row for it.
    pub forecast: Vec<f64>,
    /// Its mix.csv rows, in file order.
    pub mix: Vec<MixShare>,
}

impl Configurable {
    /// The product of items.csv's row `item` with these attributes and no rows yet.
    pub fn new(item: Item, attributes: Vec<String>) -> Self {
        Configurable {
            item,
            attributes,
            bom: Vec::new(),
            routings: Vec::new(),
            routes: Vec::new(),
            forecast: Vec::new(),
            mix: Vec::new(),
        }
    }
}

/// A bom.csv row of a configurable product, as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigBomLine {
    /// The row as a spreadsheet shows it (header = row 1).
    pub row: usize,
    /// The component, possibly with `{attribute}` placeholders.
    pub component: String,
    /// Units of component per unit of the product (> 0).
    pub quantity: f64,
    /// The condition, `attr=v1|v2;attr=v` (empty: always).
    pub when: String,
}

/// A routings.csv row of a configurable product, as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigRouting {
    /// The row as a spreadsheet shows it (header = row 1).
    pub row: usize,
    /// Index of the resource.
    pub resource: usize,
    /// Time units per unit produced.
    pub unit_time: f64,
    /// Time units per lot.
    pub setup_time: f64,
    /// Cost per lot.
    pub setup_cost: f64,
    /// The route this row belongs to (`None`: the unnamed route).
    pub route: Option<String>,
    /// The setup family, possibly with placeholders.
    pub family: Option<String>,
    /// The condition (empty: always).
    pub when: String,
}

/// A named route of a configurable product with its routes.csv values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductRoute {
    /// The route id.
    pub id: String,
    /// Its values from routes.csv (the product's where not given).
    pub terms: LotTerms,
}

/// One row of `mix.csv`: the expected share of a value of a product's attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MixShare {
    /// The attribute (one of the product's).
    pub attribute: String,
    /// The value.
    pub value: String,
    /// Its share (> 0; the shares of one attribute sum to 1).
    pub share: f64,
}

/// A planning class: a configurable product's configurations up to its relevant attributes,
/// planned as the `make` item `item`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanningClass {
    /// Index of the class's item in [`PlanInput::items`] (its id is the class id).
    pub item: usize,
    /// Index into [`Configuration::products`].
    pub product: usize,
    /// The values of the product's relevant attributes, in [`Configuration::relevant`]'s order.
    pub values: Vec<String>,
}

/// The configurable products of a plan (v2, spec section 1.5) and the planner's expansion of
/// them. The expansion is in [`PlanInput`]'s ordinary tables: the classes are the last items
/// (from [`Configuration::first_class_item`] on), with their BOM edges, routing rows, routes and
/// resolved families; the orders of a product name their class. The rows as written stay
/// here, so that the checker can resolve them itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Configuration {
    /// The configurable products, in items.csv's order.
    pub products: Vec<Configurable>,
    /// Per product, its relevant attributes (indices into its `attributes`, in their order).
    pub relevant: Vec<Vec<usize>>,
    /// The planning classes, product by product, each product's sorted by class id.
    pub classes: Vec<PlanningClass>,
    /// families.csv's rows whose family has placeholders, as written.
    pub family_templates: Vec<Family>,
    /// [`PlanInput::families`]`[..listed_families]` are families.csv's rows without
    /// placeholders; the rest are resolved families that only classes use.
    pub listed_families: usize,
}

impl Configuration {
    /// True when the plan has no configurable product.
    pub fn is_empty(&self) -> bool {
        self.products.is_empty()
    }

    /// Index of the first class item (the number of ordinary items), or `n_items` when there is
    /// no class.
    pub fn first_class_item(&self, n_items: usize) -> usize {
        self.classes.first().map_or(n_items, |class| class.item)
    }
}

/// `[replan]` of plan.toml, or the command line's flags that override it (spec section 1.6);
/// every value optional. A plan is replanned when `previous` is given.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReplanSettings {
    /// The previous plan folder (plan.toml's path is relative to plan.toml's folder).
    pub previous: Option<PathBuf>,
    /// `F`: the first `F` periods keep the previous plan's lots exactly.
    pub frozen_periods: Option<usize>,
    /// Cost per unit of lot quantity changed in a period after the fence.
    pub change_cost: Option<f64>,
    /// Cost per lot after the fence in an (option, period) where the previous plan had none.
    pub new_lot_cost: Option<f64>,
}

impl ReplanSettings {
    /// `self`'s values where given, else `fallback`'s (flags over plan.toml).
    pub fn or(&self, fallback: &ReplanSettings) -> ReplanSettings {
        ReplanSettings {
            previous: self.previous.clone().or_else(|| fallback.previous.clone()),
            frozen_periods: self.frozen_periods.or(fallback.frozen_periods),
            change_cost: self.change_cost.or(fallback.change_cost),
            new_lot_cost: self.new_lot_cost.or(fallback.new_lot_cost),
        }
    }

    /// True when no value is given.
    pub fn is_empty(&self) -> bool {
        *self == ReplanSettings::default()
    }
}

/// Replanning against a previous plan (spec section 1.6): the settings in force and the
/// previous plan's lots as its `lots.csv` lists them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Replan {
    /// The previous plan folder.
    pub previous: PathBuf,
    /// `F >= 0`, at most the horizon's periods.
    pub frozen_periods: usize,
    /// `change_cost >= 0`.
    pub change_cost: f64,
    /// `new_lot_cost >= 0`.
    pub new_lot_cost: f64,
    /// The previous plan's lots, in file order. Ids are kept as written: a lot of an item,
    /// route or supplier that no longer exists is only an error inside the fence.
    pub lots: Vec<PreviousLot>,
}

impl Replan {
    /// The settings these values came from (what `summary.json` records).
    pub fn settings(&self) -> ReplanSettings {
        ReplanSettings {
            previous: Some(self.previous.clone()),
            frozen_periods: Some(self.frozen_periods),
            change_cost: Some(self.change_cost),
            new_lot_cost: Some(self.new_lot_cost),
        }
    }
}

/// One row of the previous plan's `lots.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviousLot {
    /// The row as a spreadsheet shows it (header = row 1).
    pub row: usize,
    /// The item id.
    pub item: String,
    /// The route id, empty for none.
    pub route: String,
    /// The supplier id, empty for none.
    pub supplier: String,
    /// The day the lot starts (made) or is ordered (bought).
    pub start_date: NaiveDate,
    /// The lot's quantity, > 0.
    pub quantity: f64,
}

/// A whole, validated plan directory.
///
/// Invariants (established by `crate::input::read`): ids are
/// unique; every index is in range; BOM parents and routed items are `make` items; periods are
/// `< horizon.periods`; every number is finite and within the spec's range. The BOM may still
/// contain a cycle until [`crate::input::bom::BomGraph::new`] has accepted it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanInput {
    /// Horizon from `plan.toml`.
    pub horizon: Horizon,
    /// Solver settings from `plan.toml`.
    pub solver: SolverConfig,
    /// Items, in file order.
    pub items: Vec<Item>,
    /// BOM edges, in file order.
    pub bom: Vec<BomEdge>,
    /// Resources, in file order.
    pub resources: Vec<Resource>,
    /// Routings, in file order.
    pub routings: Vec<Routing>,
    /// Scheduled receipts.
    pub receipts: Vec<Receipt>,
    /// Customer orders, in file order.
    pub orders: Vec<Order>,
    /// Forecast for demand not yet ordered.
    pub forecast: Vec<ForecastEntry>,
    /// Named routes of make items (v2).
    pub routes: Vec<Route>,
    /// The suppliers items can be bought from (v2).
    pub sources: Vec<Source>,
    /// Suppliers named by the sources, in order of their first source (v2).
    pub suppliers: Vec<Supplier>,
    /// Setup families per resource (v2).
    pub families: Vec<Family>,
    /// Replanning against a previous plan (v2, spec section 1.6), when asked for.
    pub replan: Option<Replan>,
    /// Configurable products and their planning classes (v2, spec section 1.5).
    pub configuration: Configuration,
}

impl PlanInput {
    /// A plan over `horizon` with every table empty and the default solver settings (fill
    /// in the tables with struct update syntax: `PlanInput { items, ..PlanInput::new(h) }`).
    pub fn new(horizon: Horizon) -> Self {
        PlanInput {
            horizon,
            solver: SolverConfig::default(),
            items: Vec::new(),
            bom: Vec::new(),
            resources: Vec::new(),
            routings: Vec::new(),
            receipts: Vec::new(),
            orders: Vec::new(),
            forecast: Vec::new(),
            routes: Vec::new(),
            sources: Vec::new(),
            suppliers: Vec::new(),
            families: Vec::new(),
            replan: None,
            configuration: Configuration::default(),
        }
    }

    /// Number of periods `T`.
    pub fn n_periods(&self) -> usize {
        self.horizon.periods
    }

    /// `F`: the frozen periods of replanning (0 without it), at most `T` (the reader refuses
    /// more; a plan built in code is capped here). 0-based periods `t < F` keep the previous
    /// plan's lots exactly.
    pub fn frozen_periods(&self) -> usize {
        self.replan.as_ref().map_or(0, |replan| replan.frozen_periods.min(self.n_periods()))
    }

    /// Scheduled receipts summed per item and period (rows: items). Receipts naming an item
    /// or period out of range (which the reader never produces) are left out.
    pub fn receipt_grid(&self) -> Grid<f64> {
        let mut grid = Grid::new(self.items.len(), self.n_periods(), 0.0);
        for receipt in &self.receipts {
            if let Some(cell) = grid.get_mut(receipt.item, receipt.period) {
                *cell += receipt.quantity;
            }
        }
        grid
    }

    /// The routing rows of item `item_idx`, in file order.
    pub fn routings_of(&self, item_idx: usize) -> impl Iterator<Item = &Routing> {
        self.routings.iter().filter(move |r| r.item == item_idx)
    }

    /// Index of the item with this id.
    pub fn item_idx(&self, id: &str) -> Option<usize> {
        self.items.iter().position(|i| i.id == id)
    }

    /// Index of the resource with this id.
    pub fn resource_idx(&self, id: &str) -> Option<usize> {
        self.resources.iter().position(|r| r.id == id)
    }

    /// The id of the item an order names: its configurable product, else its item.
    pub fn ordered_item<'a>(&'a self, order: &'a Order) -> &'a str {
        match &order.options {
            Some(options) => self.configuration.products.get(options.product).map_or("", |p| p.item.id.as_str()),
            None => self.items.get(order.item).map_or("", |item| item.id.as_str()),
        }
    }

    /// A map from item id to index (for callers doing many lookups).
    pub fn item_index_map(&self) -> HashMap<&str, usize> {
        self.items.iter().enumerate().map(|(i, it)| (it.id.as_str(), i)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    fn horizon(start: NaiveDate, bucket: Bucket, periods: usize) -> Horizon {
        Horizon { start, bucket, periods }
    }

    fn period_by_scan(h: &Horizon, due: NaiveDate) -> PeriodOf {
        if due < h.start {
            return PeriodOf::PastDue;
        }
        for t in 0..h.periods {
            let from = h.period_start(t).expect("in range");
            let to = h.period_start(t + 1).expect("in range");
            if from <= due && due < to {
                return PeriodOf::InHorizon(t);
            }
        }
        PeriodOf::BeyondHorizon
    }

    #[test]
    fn week_starting_on_a_wednesday_boundaries() {
        // 2026-01-07 is a Wednesday: periods are Wed..Tue.
        let h = horizon(date(2026, 1, 7), Bucket::Week, 3);
        assert_eq!(h.locate(date(2026, 1, 6)), PeriodOf::PastDue); // day before start
        assert_eq!(h.locate(date(2026, 1, 7)), PeriodOf::InHorizon(0)); // first day of p1
        assert_eq!(h.locate(date(2026, 1, 13)), PeriodOf::InHorizon(0)); // last day of p1
        assert_eq!(h.locate(date(2026, 1, 14)), PeriodOf::InHorizon(1)); // first day of p2
        assert_eq!(h.locate(date(2026, 1, 27)), PeriodOf::InHorizon(2)); // last day of horizon
        assert_eq!(h.locate(date(2026, 1, 28)), PeriodOf::BeyondHorizon); // day after horizon
        assert_eq!(h.period_start(1), Some(date(2026, 1, 14)));
        assert_eq!(h.end(), Some(date(2026, 1, 28)));
    }

    #[test]
    fn month_buckets_across_a_year_end() {
        let h = horizon(date(2025, 11, 1), Bucket::Month, 4); // Nov, Dec, Jan, Feb
        assert_eq!(h.locate(date(2025, 10, 31)), PeriodOf::PastDue);
        assert_eq!(h.locate(date(2025, 11, 1)), PeriodOf::InHorizon(0));
        assert_eq!(h.locate(date(2025, 11, 30)), PeriodOf::InHorizon(0));
        assert_eq!(h.locate(date(2025, 12, 31)), PeriodOf::InHorizon(1));
        assert_eq!(h.locate(date(2026, 1, 1)), PeriodOf::InHorizon(2));
        assert_eq!(h.locate(date(2026, 1, 31)), PeriodOf::InHorizon(2));
        assert_eq!(h.locate(date(2026, 2, 1)), PeriodOf::InHorizon(3));
        assert_eq!(h.locate(date(2026, 2, 28)), PeriodOf::InHorizon(3)); // short month
        assert_eq!(h.locate(date(2026, 3, 1)), PeriodOf::BeyondHorizon);
        let starts: Vec<_> = (0..=4).map(|t| h.period_start(t)).collect();
        let expected = [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)];
        assert_eq!(&starts[..4], expected.map(Some).as_slice());
        assert_eq!(h.end(), Some(date(2026, 3, 1)));
    }

    #[test]
    fn month_buckets_jan_31_then_leap_february() {
        let h = horizon(date(2028, 1, 1), Bucket::Month, 2);
        assert_eq!(h.locate(date(2028, 1, 31)), PeriodOf::InHorizon(0));
        assert_eq!(h.locate(date(2028, 2, 1)), PeriodOf::InHorizon(1));
        assert_eq!(h.locate(date(2028, 2, 29)), PeriodOf::InHorizon(1));
        assert_eq!(h.locate(date(2028, 3, 1)), PeriodOf::BeyondHorizon);
        // Far beyond: many years later must not wrap around.
        assert_eq!(h.locate(date(2040, 1, 15)), PeriodOf::BeyondHorizon);
    }

    #[test]
    fn day_buckets_over_a_month_end() {
        let h = horizon(date(2026, 2, 27), Bucket::Day, 3); // Feb 27, Feb 28, Mar 1
        assert_eq!(h.locate(date(2026, 2, 26)), PeriodOf::PastDue);
        assert_eq!(h.locate(date(2026, 2, 28)), PeriodOf::InHorizon(1));
        assert_eq!(h.locate(date(2026, 3, 1)), PeriodOf::InHorizon(2));
        assert_eq!(h.locate(date(2026, 3, 2)), PeriodOf::BeyondHorizon);
        assert_eq!(h.end(), Some(date(2026, 3, 2)));
    }

    #[test]
    fn locate_agrees_with_period_start_on_every_day() {
        let horizons = [
            horizon(date(2026, 1, 7), Bucket::Week, 10),
            horizon(date(2025, 12, 29), Bucket::Day, 40),
            horizon(date(2023, 11, 1), Bucket::Month, 18), // crosses leap February 2024
            horizon(date(2026, 1, 5), Bucket::Week, 1),
        ];
        for h in &horizons {
            let mut day = h.start - chrono::Days::new(10);
            let last = h.end().expect("in range") + chrono::Days::new(40);
            while day <= last {
                assert_eq!(h.locate(day), period_by_scan(h, day), "{h:?} {day}");
                day = day.succ_opt().expect("in range");
            }
        }
    }

    #[test]
    fn planned_period_puts_past_due_in_period_1_and_leaves_out_beyond() {
        let h = horizon(date(2026, 1, 5), Bucket::Week, 2);
        assert_eq!(h.planned_period(date(2025, 12, 1)), Some(0));
        assert_eq!(h.planned_period(date(2026, 1, 12)), Some(1));
        assert_eq!(h.planned_period(date(2026, 1, 19)), None);
    }
}
