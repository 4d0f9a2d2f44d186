//! Reads and validates a plan directory (the spec's section 1) into a [`PlanInput`].
//!
//! Every table is read and checked, and every problem found is reported at once (up to the
//! [`Diagnostics`] cap). Checks stop early only where later ones cannot make sense: a
//! cross-reference into a table that could not be read (e.g. `bom.csv` when `items.csv` is
//! missing) is not checked, and a period is range-checked only when `plan.toml` gave `T`.
//! A BOM cycle longer than one edge is left to [`crate::input::bom::BomGraph::new`] for valid input;
//! when other problems were found, the cycles of the rows that parsed are reported with them.

use crate::error::{Diagnostic, Diagnostics, InputError, Result, MAX_DIAGNOSTICS};
use crate::input::configure::{self, ClassReceipt, Condition, Origin, Template, Unexpanded};
use crate::input::table::{
    backticked, closest, find_table, load_table, missing_table, or_list, parse_iso_date, Cell, Need, NumberRule, Table,
    TableSchema, WholeRange,
};
use crate::input::{
    BomEdge, Bucket, ConfigBomLine, ConfigRouting, Configurable, Family, ForecastEntry, Horizon, Item, ItemKind,
    LotTerms, MixShare, Options, Order, OrderOptions, PeriodOf, PlanInput, PreviousLot, ProductRoute, Receipt, Replan,
    ReplanSettings, Resource, Route, Routing, SolverConfig, Source, Supplier,
};
use chrono::{Datelike, NaiveDate};
use polars::prelude::DataFrame;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// File name used in diagnostics for orders given as an in-memory frame.
pub const ORDERS_FRAME_NAME: &str = "<orders frame>";

const ITEMS: TableSchema = TableSchema {
    name: "items",
    required: &["item", "kind"],
    optional: &[
        "unit_cost",
        "holding_cost",
        "backlog_cost",
        "unmet_cost",
        "lead_time",
        "initial_inventory",
        "safety_stock",
        "safety_stock_penalty",
        "min_lot",
        "max_lot",
        "lot_multiple",
        "order_cost",
        "attributes",
    ],
};
const BOM: TableSchema =
    TableSchema { name: "bom", required: &["parent", "component", "quantity"], optional: &["when"] };
const RESOURCES: TableSchema = TableSchema {
    name: "resources",
    required: &["resource", "capacity"],
    optional: &["overtime_max", "overtime_cost"],
};
const CAPACITY: TableSchema =
    TableSchema { name: "capacity", required: &["resource", "period", "capacity"], optional: &[] };
const ROUTINGS: TableSchema = TableSchema {
    name: "routings",
    required: &["item", "resource"],
    optional: &["unit_time", "setup_time", "setup_cost", "route", "family", "when"],
};
/// The lot values a route or a source may set (items.csv's rules; empty = the item's value).
const LOT_TERMS: [&str; 6] = ["unit_cost", "lead_time", "min_lot", "max_lot", "lot_multiple", "order_cost"];
const ROUTES: TableSchema = TableSchema { name: "routes", required: &["item", "route"], optional: &LOT_TERMS };
const SOURCES: TableSchema = TableSchema {
    name: "sources",
    required: &["item", "supplier"],
    optional: &["unit_cost", "lead_time", "min_lot", "max_lot", "lot_multiple", "order_cost", "max_per_period"],
};
const SUPPLIERS: TableSchema = TableSchema { name: "suppliers", required: &["supplier"], optional: &["order_cost"] };
const FAMILIES: TableSchema =
    TableSchema { name: "families", required: &["family", "resource"], optional: &["setup_time", "setup_cost"] };
const RECEIPTS: TableSchema =
    TableSchema { name: "receipts", required: &["item", "period", "quantity"], optional: &[] };
const FORECAST: TableSchema =
    TableSchema { name: "forecast", required: &["item", "period", "quantity"], optional: &[] };
/// Orders; a table with an `options` column may also carry one `opt_<attribute>` column per
/// attribute (as storefront exports do; `Table::check_header`).
const ORDERS: TableSchema = TableSchema {
    name: "orders",
    required: &["order_id", "item", "quantity", "due_date"],
    optional: &["market", "options"],
};
const MIX: TableSchema = TableSchema { name: "mix", required: &["item", "attribute", "value", "share"], optional: &[] };

const SCHEMAS: [TableSchema; 13] =
    [ITEMS, BOM, RESOURCES, CAPACITY, FAMILIES, ROUTINGS, ROUTES, SOURCES, SUPPLIERS, RECEIPTS, FORECAST, MIX, ORDERS];

/// Reads and validates the plan directory `dir`.
///
/// # Errors
/// [`crate::Error::Input`]: every problem found in plan.toml and the tables (up to the
/// diagnostics cap), each with its file, row, column and value.
pub fn read_plan_dir(dir: &Path) -> Result<PlanInput> {
    Ok(read_dir_with(dir, None, &ReplanSettings::default())?)
}

/// Same, with replanning settings given on a command line (`plan --previous --frozen
/// --change-cost --new-lot-cost`): each value given overrides plan.toml's `[replan]`; a
/// relative `previous` is taken as given (from the working directory), plan.toml's from
/// plan.toml's folder.
pub fn read_plan_dir_replanning(dir: &Path, flags: &ReplanSettings) -> Result<PlanInput> {
    Ok(read_dir_with(dir, None, flags)?)
}

/// Same, but the orders come from the caller's frame (orders.csv/.parquet is then not read).
/// The frame's columns are typed as in a Parquet file; diagnostics name it `<orders frame>`.
pub fn read_plan_dir_with_orders(dir: &Path, orders: &DataFrame) -> Result<PlanInput> {
    Ok(read_dir_with(dir, Some(orders), &ReplanSettings::default())?)
}

/// A configurable product of a plan directory: its id, attributes and relevant attributes.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductAttributes {
    /// The product's id.
    pub id: String,
    /// Its attributes, in items.csv's order.
    pub attributes: Vec<String>,
    /// The attributes its bom and routing rows depend on, in that order.
    pub relevant: Vec<String>,
}

/// The configurable products of the plan directory `dir` from items.csv, bom.csv and
/// routings.csv alone, for a caller that writes the plan's `mix.csv` (`flexplan forecast`)
/// before the whole plan can be read (its mix would be missing).
///
/// # Errors
/// [`crate::Error::Input`] when those tables cannot be read.
pub fn read_products(dir: &Path) -> Result<Vec<ProductAttributes>> {
    let mut diags = Diagnostics::new();
    let (_, catalog, mut products) = read_items(dir, &mut diags);
    let lines = |schema: &TableSchema, item: &str, diags: &mut Diagnostics| -> Vec<(String, String, String)> {
        let Some(table) = load_optional(dir, schema, diags) else {
            return Vec::new();
        };
        let items = table.ids(item, Need::Required, diags);
        let texts = table.ids(if item == "parent" { "component" } else { "family" }, Need::Optional, diags);
        let conditions = table.ids("when", Need::Optional, diags);
        (0..table.height())
            .filter_map(|row_idx| {
                let item = cell_at(&items, row_idx).value()?;
                let text = cell_at(&texts, row_idx).value().unwrap_or("");
                let when = cell_at(&conditions, row_idx).value().unwrap_or("");
                Some((item.to_string(), text.to_string(), when.to_string()))
            })
            .collect()
    };
    let bom = lines(&BOM, "parent", &mut diags);
    let routings = lines(&ROUTINGS, "item", &mut diags);
    let product_of = |id: &str| catalog.as_ref().and_then(|c| c.ids.get(id).and_then(|i| c.product(i)));
    for (parent, component, when) in bom {
        if let Some(product) = product_of(&parent).and_then(|p| products.get_mut(p)) {
            product.bom.push(ConfigBomLine { row: 0, component, quantity: 0.0, when });
        }
    }
    for (item, family, when) in routings {
        if let Some(product) = product_of(&item).and_then(|p| products.get_mut(p)) {
            let family = (!family.is_empty()).then_some(family);
            product.routings.push(ConfigRouting {
                row: 0,
                resource: 0,
                unit_time: 0.0,
                setup_time: 0.0,
                setup_cost: 0.0,
                route: None,
                family,
                when,
            });
        }
    }
    let products = products
        .into_iter()
        .map(|product| {
            let relevant = configure::relevant_attributes(&product);
            ProductAttributes {
                relevant: relevant.iter().map(|&a| product.attributes[a].clone()).collect(),
                id: product.item.id,
                attributes: product.attributes,
            }
        })
        .collect();
    diags.finish(products)
}

/// Reads and validates `plan.toml` alone.
///
/// # Errors
/// [`crate::Error::Input`]: a missing file, a TOML syntax error, or every invalid or unknown
/// key (rows are TOML lines).
pub fn read_plan_toml(path: &Path) -> Result<(Horizon, SolverConfig)> {
    let mut diags = Diagnostics::new();
    match plan_toml(path, &mut diags) {
        Some(plan) if diags.is_empty() => Ok((plan.horizon, plan.solver)),
        _ => Err(diags.into_problems().into()),
    }
}

fn read_dir_with(
    dir: &Path,
    orders_frame: Option<&DataFrame>,
    flags: &ReplanSettings,
) -> Result<PlanInput, InputError> {
    if !dir.is_dir() {
        return Err(InputError::single(Diagnostic::file(
            dir.display().to_string(),
            "plan directory not found (expected a folder holding plan.toml, items.csv and orders.csv)",
        )));
    }
    let mut diags = Diagnostics::new();
    let plan = plan_toml(&dir.join("plan.toml"), &mut diags);
    let n_periods = plan.as_ref().map(|plan| plan.horizon.periods);
    let (items, item_catalog, mut products) = read_items(dir, &mut diags);
    let catalog = item_catalog.as_ref();
    let (mut resources, resource_catalog) = read_resources(dir, n_periods, &mut diags);
    let bom = read_bom(dir, &items, catalog, &mut products, &mut diags);
    read_capacity(dir, n_periods, &mut resources, resource_catalog.as_ref(), &mut diags);
    let mut families = read_families(dir, resource_catalog.as_ref(), &mut diags);
    let routed = read_routings(dir, catalog, resource_catalog.as_ref(), &mut families, &mut products, &mut diags);
    let (families, family_templates) = families.finish(routed.read, &resources, &mut diags);
    let RoutingsRead { routings, mut routes, route_index, .. } = routed;
    read_routes(dir, &items, catalog, &mut routes, route_index.as_ref(), &mut products, &mut diags);
    let (sources, mut suppliers, supplier_catalog) = read_sources(dir, &items, catalog, &mut diags);
    read_suppliers(dir, &mut suppliers, supplier_catalog.as_ref(), &mut diags);
    let (receipts, class_receipts) = read_receipts(dir, n_periods, catalog, &products, &mut diags);
    let forecast = read_forecast(dir, n_periods, catalog, &mut products, &mut diags);
    read_mix(dir, catalog, &mut products, &mut diags);
    check_mix_coverage(&products, &mut diags);
    let (orders, order_rows, orders_file) = match orders_frame {
        Some(frame) => {
            let table = Table::from_frame(ORDERS_FRAME_NAME, frame);
            if table.check_header(&ORDERS, &mut diags) {
                let (orders, rows) = read_orders(&table, catalog, &products, &mut diags);
                (orders, rows, ORDERS_FRAME_NAME.to_string())
            } else {
                (Vec::new(), Vec::new(), String::new())
            }
        }
        None => match load_required(dir, &ORDERS, &mut diags) {
            Some(table) => {
                let (orders, rows) = read_orders(&table, catalog, &products, &mut diags);
                (orders, rows, table.file_name().to_string())
            }
            None => (Vec::new(), Vec::new(), String::new()),
        },
    };
    let product_of_item = item_catalog.map(|catalog| catalog.product).unwrap_or_default();
    match plan {
        Some(plan) if diags.is_empty() => {
            let input = PlanInput {
                solver: plan.solver,
                items,
                bom,
                resources,
                routings,
                receipts,
                orders,
                forecast,
                routes,
                sources,
                suppliers,
                families,
                ..PlanInput::new(plan.horizon)
            };
            let mut input = if products.is_empty() {
                input
            } else {
                let unexpanded = Unexpanded {
                    product_of_item,
                    products,
                    family_templates,
                    order_rows,
                    orders_file,
                    mix_file: "mix.csv".to_string(),
                    class_receipts,
                };
                match configure::expand(input, unexpanded) {
                    Ok(input) => input,
                    Err(problems) => {
                        problems.into_iter().for_each(|problem| diags.push(problem));
                        return Err(in_file_order(diags.into_problems()));
                    }
                }
            };
            let toml_replan =
                ReplanSettings { previous: plan.replan.previous.as_ref().map(|path| dir.join(path)), ..plan.replan };
            input.replan = read_replan(&input, flags, &toml_replan, &mut diags);
            if diags.is_empty() {
                Ok(input)
            } else {
                Err(in_file_order(diags.into_problems()))
            }
        }
        _ => {
            // Report a BOM cycle together with the other problems, not only once they are
            // fixed: build the graph from the rows that did parse. (Valid input pays nothing
            // extra here; its cycles are found by `BomGraph::new`.)
            for diagnostic in bom_cycles(items, bom) {
                diags.push(diagnostic);
            }
            Err(in_file_order(diags.into_problems()))
        }
    }
}

/// The cycle diagnostics of the parsed BOM rows (empty when acyclic).
fn bom_cycles(items: Vec<Item>, bom: Vec<BomEdge>) -> Vec<Diagnostic> {
    if bom.is_empty() {
        return Vec::new();
    }
    let partial = PlanInput {
        items,
        bom,
        ..PlanInput::new(Horizon { start: chrono::NaiveDate::MIN, bucket: Bucket::Day, periods: 1 })
    };
    match crate::input::bom::BomGraph::new(&partial) {
        Ok(_) => Vec::new(),
        Err(error) => error.problems().map(|problems| problems.diagnostics.clone()).unwrap_or_default(),
    }
}

/// Sorts the problems into file order: files in the order they were read, then rows, then
/// columns in the order of the table's schema. The sort is stable, so problems of one cell
/// keep their order.
fn in_file_order(mut error: InputError) -> InputError {
    let mut files: Vec<String> = Vec::new();
    for diagnostic in &error.diagnostics {
        if !files.contains(&diagnostic.file) {
            files.push(diagnostic.file.clone());
        }
    }
    error.diagnostics.sort_by_key(|diagnostic| {
        let file_rank = files.iter().position(|file| *file == diagnostic.file);
        (file_rank, diagnostic.row, column_rank(&diagnostic.file, diagnostic.column.as_deref()))
    });
    error
}

/// Position of `column` in the schema of the table `file` names (unknown columns last).
fn column_rank(file: &str, column: Option<&str>) -> usize {
    let Some(column) = column else { return 0 };
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    let schema = SCHEMAS.iter().find(|schema| schema.name == stem).unwrap_or(&ORDERS);
    schema.known_columns().position(|known| known == column).map_or(usize::MAX, |position| position + 1)
}

// ---------------------------------------------------------------------------------------------
// Loading tables

/// The outcome of looking for one table.
enum Loaded {
    /// Neither `NAME.csv` nor `NAME.parquet` exists.
    Absent,
    /// The table exists but cannot be used (already reported).
    Unusable,
    /// Loaded, with every required column.
    Ready(Table),
}

/// Loads a table and checks its header.
fn load(dir: &Path, schema: &TableSchema, diags: &mut Diagnostics) -> Loaded {
    let file = match find_table(dir, schema.name) {
        Ok(Some(file)) => file,
        Ok(None) => return Loaded::Absent,
        Err(diagnostic) => {
            diags.push(diagnostic);
            return Loaded::Unusable;
        }
    };
    match load_table(&file, diags) {
        Some(table) if table.check_header(schema, diags) => Loaded::Ready(table),
        _ => Loaded::Unusable,
    }
}

/// A required table; its absence is reported.
fn load_required(dir: &Path, schema: &TableSchema, diags: &mut Diagnostics) -> Option<Table> {
    match load(dir, schema, diags) {
        Loaded::Ready(table) => Some(table),
        Loaded::Absent => {
            diags.push(missing_table(dir, schema.name));
            None
        }
        Loaded::Unusable => None,
    }
}

/// An optional table (absent = no rows).
fn load_optional(dir: &Path, schema: &TableSchema, diags: &mut Diagnostics) -> Option<Table> {
    match load(dir, schema, diags) {
        Loaded::Ready(table) => Some(table),
        Loaded::Absent | Loaded::Unusable => None,
    }
}

/// A fast, non-cryptographic hasher (the FxHash mix) for the id maps: the reader looks up one
/// id per row of tables with millions of rows. The plan's own files are the only input, so
/// resistance to crafted collisions is not needed.
#[derive(Default, Clone, Copy)]
struct IdHasher(u64);

impl IdHasher {
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.mix(u64::from_le_bytes(word));
        }
        let mut tail = [0u8; 8];
        let rest = chunks.remainder();
        if let Some(slot) = tail.get_mut(..rest.len()) {
            slot.copy_from_slice(rest);
        }
        self.mix(u64::from_le_bytes(tail) ^ ((rest.len() as u64) << 59));
    }

    fn write_usize(&mut self, value: usize) {
        self.mix(value as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A hash map keyed by ids or index pairs, with [`IdHasher`].
type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// Ids of a table that others refer to, with the name of the file they came from.
struct Catalog {
    file_name: String,
    ids: Vec<String>,
    index: IdMap<String, usize>,
}

impl Catalog {
    fn new(file_name: &str) -> Self {
        Catalog { file_name: file_name.to_string(), ids: Vec::new(), index: IdMap::default() }
    }

    /// Adds an id; returns its index, or `Err(first index)` for a duplicate.
    fn insert(&mut self, id: &str) -> Result<usize, usize> {
        if let Some(&first) = self.index.get(id) {
            return Err(first);
        }
        let idx = self.ids.len();
        self.ids.push(id.to_string());
        self.index.insert(id.to_string(), idx);
        Ok(idx)
    }

    fn get(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }
}

/// Resolves an id cell against `catalog`; reports an unknown id (with a did-you-mean). Returns
/// `None` for an unknown id, and also when the catalog could not be read (nothing reported).
fn resolve(
    table: &Table,
    diags: &mut Diagnostics,
    row_idx: usize,
    column: &str,
    id: &str,
    what: &str,
    catalog: Option<&Catalog>,
) -> Option<usize> {
    let catalog = catalog?;
    if let Some(idx) = catalog.get(id) {
        return Some(idx);
    }
    let hint = if diags.len() < MAX_DIAGNOSTICS {
        closest(id, catalog.ids.iter().map(String::as_str))
            .map(|suggestion| format!("; did you mean `{suggestion}`?"))
            .unwrap_or_default()
    } else {
        String::new()
    };
    table.report(diags, row_idx, column, id, format!("unknown {what}: not in {}{hint}", catalog.file_name));
    None
}

// ---------------------------------------------------------------------------------------------
// items

/// Reads items.csv: every item in file order (configurable products too, whose rows become
/// `products`), and the catalog other tables resolve ids against.
fn read_items(dir: &Path, diags: &mut Diagnostics) -> (Vec<Item>, Option<ItemCatalog>, Vec<Configurable>) {
    let Some(table) = load_required(dir, &ITEMS, diags) else {
        return (Vec::new(), None, Vec::new());
    };
    if table.height() == 0 {
        diags.push(Diagnostic::file(
            table.file_name(),
            "the table has no items; a plan needs at least one row (item, kind)",
        ));
    }
    let ids = table.ids("item", Need::Required, diags);
    let kinds = table.choices("kind", &["make", "buy"], Need::Required, diags);
    let non_negative =
        |column: &str, diags: &mut Diagnostics| table.numbers(column, NumberRule::NonNegative, Need::Optional, diags);
    let unit_cost = non_negative("unit_cost", diags);
    let holding_cost = non_negative("holding_cost", diags);
    let backlog_cost = non_negative("backlog_cost", diags);
    let unmet_cost = non_negative("unmet_cost", diags);
    let lead_time = table.whole_numbers("lead_time", WholeRange { min: 0, max: None }, Need::Optional, diags);
    let initial_inventory = non_negative("initial_inventory", diags);
    let safety_stock = non_negative("safety_stock", diags);
    let safety_stock_penalty = non_negative("safety_stock_penalty", diags);
    let min_lot = non_negative("min_lot", diags);
    let max_lot = table.numbers("max_lot", NumberRule::Positive, Need::Optional, diags);
    let lot_multiple = table.numbers("lot_multiple", NumberRule::Positive, Need::Optional, diags);
    let order_cost = non_negative("order_cost", diags);
    let attributes = table.ids("attributes", Need::Optional, diags);

    let mut catalog = ItemCatalog { ids: Catalog::new(table.file_name()), kinds: Vec::new(), product: Vec::new() };
    let mut products = Vec::new();
    let mut items = Vec::with_capacity(table.height());
    let mut first_row = Vec::new();
    for row_idx in 0..table.height() {
        let Some(Cell::Value(id)) = ids.get(row_idx).copied() else {
            continue;
        };
        if let Err(first_idx) = catalog.ids.insert(id) {
            let first = first_row.get(first_idx).copied().unwrap_or(0);
            table.report(diags, row_idx, "item", id, format!("duplicate item id; first given in row {first}"));
            continue;
        }
        first_row.push(table.row_number(row_idx));
        let kind =
            cell_at(&kinds, row_idx).value().map(|choice| if choice == 0 { ItemKind::Make } else { ItemKind::Buy });
        catalog.kinds.push(kind);
        let mut item = Item::new(id, kind.unwrap_or(ItemKind::Make));
        item.unit_cost = cell_at(&unit_cost, row_idx).or_default(0.0).unwrap_or(0.0);
        item.holding_cost = cell_at(&holding_cost, row_idx).or_default(0.0).unwrap_or(0.0);
        item.backlog_cost = cell_at(&backlog_cost, row_idx).value();
        item.unmet_cost = cell_at(&unmet_cost, row_idx).or_default(0.0).unwrap_or(0.0);
        item.lead_time = cell_at(&lead_time, row_idx).value().and_then(|v| usize::try_from(v).ok()).unwrap_or(0);
        item.initial_inventory = cell_at(&initial_inventory, row_idx).or_default(0.0).unwrap_or(0.0);
        item.safety_stock = cell_at(&safety_stock, row_idx).or_default(0.0).unwrap_or(0.0);
        item.safety_stock_penalty = cell_at(&safety_stock_penalty, row_idx).or_default(0.0).unwrap_or(0.0);
        item.min_lot = cell_at(&min_lot, row_idx).or_default(0.0).unwrap_or(0.0);
        item.max_lot = cell_at(&max_lot, row_idx).value();
        item.lot_multiple = cell_at(&lot_multiple, row_idx).value();
        item.order_cost = cell_at(&order_cost, row_idx).or_default(0.0).unwrap_or(0.0);
        check_lot_rules(&table, diags, row_idx, &item);
        let product = cell_at(&attributes, row_idx).value().map(|text| {
            let names = attribute_names(&table, diags, row_idx, text, &item);
            products.push(Configurable::new(item.clone(), names));
            products.len() - 1
        });
        catalog.product.push(product);
        items.push(item);
    }
    (items, Some(catalog), products)
}

/// The attribute names of a configurable product's row (`colour;size;design`), reporting a
/// malformed name and what a configurable product cannot be or have (spec section 1.5). The
/// valid names are returned even then, so that the other tables are read as the product's.
fn attribute_names(table: &Table, diags: &mut Diagnostics, row_idx: usize, text: &str, item: &Item) -> Vec<String> {
    let id = &item.id;
    let mut names: Vec<String> = Vec::new();
    for name in text.split(';').map(str::trim) {
        let problem = if name.is_empty() {
            Some("an empty attribute name: separate names by `;`, as colour;size".to_string())
        } else if name.contains(['=', '{', '}', '|', '[', ']']) {
            Some(format!("attribute name `{name}` may not hold `=`, `|`, braces or brackets"))
        } else if names.iter().any(|n| n == name) {
            Some(format!("attribute {name} is named twice"))
        } else {
            None
        };
        match problem {
            Some(message) => table.report(diags, row_idx, "attributes", text, message),
            None => names.push(name.to_string()),
        }
    }
    if item.kind == ItemKind::Buy {
        table.report(diags, row_idx, "kind", "buy", format!("configurable product {id} must be kind=make"));
    }
    for (column, value) in [("initial_inventory", item.initial_inventory), ("safety_stock", item.safety_stock)] {
        if value != 0.0 {
            table.report(
                diags,
                row_idx,
                column,
                value.to_string(),
                format!(
                    "configurable product {id} has no {column}: stock is held per planning class (give finished \
                     stock of a class as a period-1 receipt naming its class id)"
                ),
            );
        }
    }
    names
}

/// Rules between columns of one item row.
fn check_lot_rules(table: &Table, diags: &mut Diagnostics, row_idx: usize, item: &Item) {
    if let Some(max_lot) = item.max_lot {
        if item.min_lot > max_lot {
            table.report(
                diags,
                row_idx,
                "min_lot",
                item.min_lot.to_string(),
                format!("min_lot is larger than max_lot {max_lot}: no lot can satisfy both"),
            );
        }
    }
}

/// The items others refer to, with their kinds (`None` where the kind cell was invalid) and,
/// for a configurable product, its index into the products.
struct ItemCatalog {
    ids: Catalog,
    kinds: Vec<Option<ItemKind>>,
    product: Vec<Option<usize>>,
}

impl ItemCatalog {
    fn kind(&self, item_idx: usize) -> Option<ItemKind> {
        self.kinds.get(item_idx).copied().flatten()
    }

    /// The product index of a configurable item.
    fn product(&self, item_idx: usize) -> Option<usize> {
        self.product.get(item_idx).copied().flatten()
    }
}

fn cell_at<T: Copy>(cells: &[Cell<T>], row_idx: usize) -> Cell<T> {
    cells.get(row_idx).copied().unwrap_or(Cell::Invalid)
}

fn resolve_item(
    table: &Table,
    diags: &mut Diagnostics,
    row_idx: usize,
    column: &str,
    id: &str,
    catalog: Option<&ItemCatalog>,
) -> Option<usize> {
    resolve(table, diags, row_idx, column, id, "item", catalog.map(|items| &items.ids))
}

// ---------------------------------------------------------------------------------------------
// bom

fn read_bom(
    dir: &Path,
    items: &[Item],
    catalog: Option<&ItemCatalog>,
    products: &mut [Configurable],
    diags: &mut Diagnostics,
) -> Vec<BomEdge> {
    let Some(table) = load_optional(dir, &BOM, diags) else {
        return Vec::new();
    };
    let parents = table.ids("parent", Need::Required, diags);
    let components = table.ids("component", Need::Required, diags);
    let quantities = table.numbers("quantity", NumberRule::Positive, Need::Required, diags);
    let conditions = table.ids("when", Need::Optional, diags);
    let mut edges = Vec::with_capacity(table.height());
    let mut seen: HashMap<(usize, usize), usize> = HashMap::new();
    let mut seen_lines: HashMap<(usize, &str, &str), usize> = HashMap::new();
    for row_idx in 0..table.height() {
        let parent = cell_at(&parents, row_idx)
            .value()
            .and_then(|id| resolve_item(&table, diags, row_idx, "parent", id, catalog));
        let when = cell_at(&conditions, row_idx).value();
        if let Some(product_idx) = parent.and_then(|parent| catalog.and_then(|catalog| catalog.product(parent))) {
            let (Some(component), Some(product)) =
                (cell_at(&components, row_idx).value(), products.get_mut(product_idx))
            else {
                continue;
            };
            let when = when.unwrap_or("");
            let key = (product_idx, component, when);
            if let Some(first_row) = seen_lines.get(&key) {
                table.report(
                    diags,
                    row_idx,
                    "component",
                    component,
                    format!("duplicate BOM row: this parent, component and when are already given in row {first_row}"),
                );
                continue;
            }
            seen_lines.insert(key, table.row_number(row_idx));
            if let Some(line) = product_bom_line(&table, diags, row_idx, product, component, when, catalog) {
                if let Some(quantity) = cell_at(&quantities, row_idx).value() {
                    product.bom.push(ConfigBomLine { quantity, ..line });
                }
            }
            continue;
        }
        if let Some(condition) = when {
            table.report(
                diags,
                row_idx,
                "when",
                condition,
                "a `when` condition needs a configurable parent (an item with `attributes` in items.csv)",
            );
        }
        let component = cell_at(&components, row_idx)
            .value()
            .and_then(|id| resolve_item(&table, diags, row_idx, "component", id, catalog));
        let quantity = cell_at(&quantities, row_idx).value();
        let (Some(parent), Some(component)) = (parent, component) else {
            continue;
        };
        let parent_id = items.get(parent).map(|item| item.id.as_str()).unwrap_or("");
        if catalog.and_then(|catalog| catalog.kind(parent)) == Some(ItemKind::Buy) {
            table.report(
                diags,
                row_idx,
                "parent",
                parent_id,
                format!("buy item {parent_id} cannot have components; make it kind=make or remove the BOM rows"),
            );
        }
        if parent == component {
            table.report(diags, row_idx, "component", parent_id, "an item cannot be a component of itself");
            continue;
        }
        if catalog.and_then(|catalog| catalog.product(component)).is_some() {
            let component_id = items.get(component).map_or("", |item| item.id.as_str());
            table.report(
                diags,
                row_idx,
                "component",
                component_id,
                format!("{component_id} is a configurable product, which is never a component"),
            );
            continue;
        }
        if let Some(first_row) = seen.get(&(parent, component)) {
            let component_id = items.get(component).map(|item| item.id.as_str()).unwrap_or("");
            table.report(
                diags,
                row_idx,
                "component",
                component_id,
                format!("duplicate BOM row: {parent_id} -> {component_id} is already given in row {first_row}"),
            );
            continue;
        }
        seen.insert((parent, component), table.row_number(row_idx));
        if let Some(quantity) = quantity {
            edges.push(BomEdge { parent, component, quantity });
        }
    }
    edges
}

/// A configurable product's bom row as written (quantity 0 until the caller sets it), once its
/// condition and component parse; a component without placeholders must be an ordinary item.
fn product_bom_line(
    table: &Table,
    diags: &mut Diagnostics,
    row_idx: usize,
    product: &Configurable,
    component: &str,
    when: &str,
    catalog: Option<&ItemCatalog>,
) -> Option<ConfigBomLine> {
    let parent_id = &product.item.id;
    if let Err(message) = Condition::parse(when, &product.attributes) {
        table.report(diags, row_idx, "when", when, format!("{message} (a condition on {parent_id}'s attributes)"));
        return None;
    }
    let template = match Template::parse(component, &product.attributes) {
        Ok(template) => template,
        Err(message) => {
            table.report(diags, row_idx, "component", component, message);
            return None;
        }
    };
    if !template.has_placeholders() {
        let component_idx = resolve_item(table, diags, row_idx, "component", component, catalog)?;
        if catalog.and_then(|catalog| catalog.product(component_idx)).is_some() {
            table.report(
                diags,
                row_idx,
                "component",
                component,
                format!("{component} is a configurable product, which is never a component"),
            );
            return None;
        }
    }
    Some(ConfigBomLine {
        row: table.row_number(row_idx),
        component: component.to_string(),
        quantity: 0.0,
        when: when.to_string(),
    })
}

// ---------------------------------------------------------------------------------------------
// resources and capacity overrides

fn read_resources(dir: &Path, n_periods: Option<usize>, diags: &mut Diagnostics) -> (Vec<Resource>, Option<Catalog>) {
    let table = match load(dir, &RESOURCES, diags) {
        Loaded::Ready(table) => table,
        Loaded::Absent => return (Vec::new(), Some(Catalog::new("resources.csv"))),
        Loaded::Unusable => return (Vec::new(), None),
    };
    let ids = table.ids("resource", Need::Required, diags);
    let capacities = table.numbers("capacity", NumberRule::NonNegative, Need::Required, diags);
    let overtime_max = table.numbers("overtime_max", NumberRule::NonNegative, Need::Optional, diags);
    let overtime_cost = table.numbers("overtime_cost", NumberRule::NonNegative, Need::Optional, diags);
    let mut catalog = Catalog::new(table.file_name());
    let mut first_row = Vec::new();
    let mut resources = Vec::with_capacity(table.height());
    for row_idx in 0..table.height() {
        let Some(id) = cell_at(&ids, row_idx).value() else {
            continue;
        };
        if let Err(first_idx) = catalog.insert(id) {
            let first = first_row.get(first_idx).copied().unwrap_or(0);
            table.report(diags, row_idx, "resource", id, format!("duplicate resource id; first given in row {first}"));
            continue;
        }
        first_row.push(table.row_number(row_idx));
        let capacity = cell_at(&capacities, row_idx).value().unwrap_or(0.0);
        resources.push(Resource {
            id: id.to_string(),
            capacity: vec![capacity; n_periods.unwrap_or(0)],
            overtime_max: cell_at(&overtime_max, row_idx).or_default(0.0).unwrap_or(0.0),
            overtime_cost: cell_at(&overtime_cost, row_idx).or_default(0.0).unwrap_or(0.0),
        });
    }
    (resources, Some(catalog))
}

/// The period rule: a whole number from 1 to T (only `>= 1` when T is unknown).
fn period_range(n_periods: Option<usize>) -> WholeRange {
    WholeRange { min: 1, max: n_periods.map(|n| n as u64) }
}

fn read_capacity(
    dir: &Path,
    n_periods: Option<usize>,
    resources: &mut [Resource],
    catalog: Option<&Catalog>,
    diags: &mut Diagnostics,
) {
    let Some(table) = load_optional(dir, &CAPACITY, diags) else {
        return;
    };
    let ids = table.ids("resource", Need::Required, diags);
    let periods = table.whole_numbers("period", period_range(n_periods), Need::Required, diags);
    let capacities = table.numbers("capacity", NumberRule::NonNegative, Need::Required, diags);
    let mut seen: HashMap<(usize, u64), usize> = HashMap::new();
    for row_idx in 0..table.height() {
        let resource = cell_at(&ids, row_idx)
            .value()
            .and_then(|id| resolve(&table, diags, row_idx, "resource", id, "resource", catalog));
        let (Some(resource_idx), Some(period)) = (resource, cell_at(&periods, row_idx).value()) else {
            continue;
        };
        if let Some(first_row) = seen.insert((resource_idx, period), table.row_number(row_idx)) {
            table.report(
                diags,
                row_idx,
                "period",
                period.to_string(),
                format!("duplicate capacity override for this resource and period; first given in row {first_row}"),
            );
            seen.insert((resource_idx, period), first_row);
            continue;
        }
        let slot = resources
            .get_mut(resource_idx)
            .and_then(|resource| resource.capacity.get_mut((period as usize).wrapping_sub(1)));
        if let (Some(slot), Some(capacity)) = (slot, cell_at(&capacities, row_idx).value()) {
            *slot = capacity;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// routings, with the setup families they name and the routes they form

/// A list of spreadsheet rows for a message: `row 2`, `rows 2, 3 and 5`, at most six named.
fn rows_text(rows: &[usize]) -> String {
    const SHOWN: usize = 6;
    let named: Vec<String> = rows.iter().take(SHOWN).map(usize::to_string).collect();
    match (rows.len(), named.as_slice()) {
        (0, _) => String::new(),
        (1, _) => format!("row {}", named.join("")),
        (n, _) if n > SHOWN => format!("rows {} and {} more", named.join(", "), n - SHOWN),
        (_, [init @ .., last]) => format!("rows {} and {last}", init.join(", ")),
        (_, []) => String::new(),
    }
}

/// `; did you mean `X`?` when a candidate is close to `word`, else empty.
fn did_you_mean<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> String {
    closest(word, candidates).map(|suggestion| format!("; did you mean `{suggestion}`?")).unwrap_or_default()
}

/// `families.csv` as read before the routings, and which of its rows they use.
struct FamiliesRead {
    /// The table, when it was loaded with its required columns.
    table: Option<Table>,
    /// True when neither families.csv nor families.parquet exists.
    absent: bool,
    /// Where the table was looked for (for the message when it is missing).
    dir: String,
    /// The families, in file order.
    families: Vec<Family>,
    /// The data row (0-based) of each family.
    row_idx: Vec<usize>,
    /// Family index by (family id, resource index).
    index: HashMap<(String, usize), usize>,
    /// Whether a routing row names each family.
    used: Vec<bool>,
    /// (family id, resource) pairs that routing rows name but that have no row.
    unmatched: Vec<(String, usize)>,
    /// Whether the missing families.csv was reported already (once).
    missing_reported: bool,
    /// Rows whose family has placeholders (configurable products'), as written, with their
    /// row index and whether a routing row uses them.
    templates: Vec<(Family, usize, bool)>,
}

/// What a routing row's family refers to.
enum FamilyLookup {
    /// The family on the row's resource.
    Found(usize),
    /// families.csv has no row for it (reported by the caller).
    NoRow,
    /// There is no families.csv at all.
    FileMissing,
    /// families.csv could not be read: nothing can be checked.
    Unknown,
}

impl FamiliesRead {
    fn empty(dir: &Path, absent: bool) -> Self {
        FamiliesRead {
            table: None,
            absent,
            dir: dir.display().to_string(),
            families: Vec::new(),
            row_idx: Vec::new(),
            index: HashMap::new(),
            used: Vec::new(),
            unmatched: Vec::new(),
            missing_reported: false,
            templates: Vec::new(),
        }
    }

    /// The row of `family` on `resource`; a configurable product's family with placeholders
    /// (`template`) is looked up as written among the rows with placeholders.
    fn lookup(&mut self, family: &str, resource: usize, template: bool) -> FamilyLookup {
        if self.table.is_none() {
            return if self.absent { FamilyLookup::FileMissing } else { FamilyLookup::Unknown };
        }
        if template {
            let found = self
                .templates
                .iter_mut()
                .enumerate()
                .find(|(_, (row, _, _))| row.id == family && row.resource == resource);
            return match found {
                Some((idx, (_, _, used))) => {
                    *used = true;
                    FamilyLookup::Found(idx)
                }
                None => {
                    self.unmatched.push((family.to_string(), resource));
                    FamilyLookup::NoRow
                }
            };
        }
        match self.index.get(&(family.to_string(), resource)) {
            Some(&family_idx) => {
                if let Some(used) = self.used.get_mut(family_idx) {
                    *used = true;
                }
                FamilyLookup::Found(family_idx)
            }
            None => {
                self.unmatched.push((family.to_string(), resource));
                FamilyLookup::NoRow
            }
        }
    }

    /// The ids of the families listed for `resource`.
    fn ids_on(&self, resource: usize) -> impl Iterator<Item = &str> {
        self.families.iter().filter(move |family| family.resource == resource).map(|family| family.id.as_str())
    }

    /// Reports every row no routing row uses (when the routings could be read) and returns the
    /// families without placeholders and the rows with them (with their file name and row).
    fn finish(
        self,
        routings_read: bool,
        resources: &[Resource],
        diags: &mut Diagnostics,
    ) -> (Vec<Family>, Vec<(Family, String, usize)>) {
        let listed = self.families.iter().zip(&self.used).zip(&self.row_idx).map(|((f, &u), &r)| (f, u, r));
        let templates = self.templates.iter().map(|(f, r, u)| (f, *u, *r));
        if let (Some(table), true) = (&self.table, routings_read) {
            for (family, used, row_idx) in listed.chain(templates) {
                if used {
                    continue;
                }
                let resource_id = resources.get(family.resource).map_or("", |resource| resource.id.as_str());
                let named_there = self
                    .unmatched
                    .iter()
                    .filter(|(_, resource)| *resource == family.resource)
                    .map(|(id, _)| id.as_str());
                let hint = did_you_mean(&family.id, named_there);
                table.report(
                    diags,
                    row_idx,
                    "family",
                    family.id.as_str(),
                    format!(
                        "no routing row uses family {} on resource {resource_id} (a typo?); name it in the \
                         `family` column of routings.csv or remove the row{hint}",
                        family.id
                    ),
                );
            }
        }
        let file = self.table.as_ref().map_or_else(|| "families.csv".to_string(), |t| t.file_name().to_string());
        let templates = self
            .templates
            .into_iter()
            .map(|(family, row_idx, _)| {
                let row = self.table.as_ref().map_or(0, |t| t.row_number(row_idx));
                (family, file.clone(), row)
            })
            .collect();
        (self.families, templates)
    }
}

fn read_families(dir: &Path, resource_catalog: Option<&Catalog>, diags: &mut Diagnostics) -> FamiliesRead {
    let table = match load(dir, &FAMILIES, diags) {
        Loaded::Ready(table) => table,
        Loaded::Absent => return FamiliesRead::empty(dir, true),
        Loaded::Unusable => return FamiliesRead::empty(dir, false),
    };
    let ids = table.ids("family", Need::Required, diags);
    let resources = table.ids("resource", Need::Required, diags);
    let setup_time = table.numbers("setup_time", NumberRule::NonNegative, Need::Optional, diags);
    let setup_cost = table.numbers("setup_cost", NumberRule::NonNegative, Need::Optional, diags);
    let mut read = FamiliesRead::empty(dir, false);
    for row_idx in 0..table.height() {
        let id = cell_at(&ids, row_idx).value();
        let resource = cell_at(&resources, row_idx).value().and_then(|resource_id| {
            resolve(&table, diags, row_idx, "resource", resource_id, "resource", resource_catalog)
        });
        let (Some(id), Some(resource)) = (id, resource) else {
            continue;
        };
        let family = Family {
            id: id.to_string(),
            resource,
            setup_time: cell_at(&setup_time, row_idx).or_default(0.0).unwrap_or(0.0),
            setup_cost: cell_at(&setup_cost, row_idx).or_default(0.0).unwrap_or(0.0),
        };
        if id.contains('{') {
            if let Some((_, first, _)) = read.templates.iter().find(|(f, _, _)| f.id == id && f.resource == resource) {
                let first_row = table.row_number(*first);
                table.report(
                    diags,
                    row_idx,
                    "family",
                    id,
                    format!("duplicate row for this family and resource; first given in row {first_row}"),
                );
            } else {
                read.templates.push((family, row_idx, false));
            }
            continue;
        }
        if let Some(&first_idx) = read.index.get(&(id.to_string(), resource)) {
            let first_row = read.row_idx.get(first_idx).map_or(0, |&first| table.row_number(first));
            table.report(
                diags,
                row_idx,
                "family",
                id,
                format!("duplicate row for this family and resource; first given in row {first_row}"),
            );
            continue;
        }
        // A row with a bad number still names its family: the routings that use it are fine.
        read.index.insert((id.to_string(), resource), read.families.len());
        read.families.push(family);
        read.row_idx.push(row_idx);
        read.used.push(false);
    }
    read.table = Some(table);
    read
}

/// What reading `routings.csv` gives: the rows, the named routes they form (with the items'
/// values until `routes.csv` is read), and the routes by (item, route id).
struct RoutingsRead {
    routings: Vec<Routing>,
    routes: Vec<Route>,
    /// `None` when routings.csv could not be read (its routes are unknown).
    route_index: Option<IdMap<(usize, String), usize>>,
    /// False when routings.csv could not be read (its families are unknown).
    read: bool,
}

/// The rows of one item in routings.csv: the data rows that name a route and those that do not.
struct RouteNaming {
    item: usize,
    named: Vec<usize>,
    unnamed: Vec<usize>,
}

fn read_routings(
    dir: &Path,
    item_catalog: Option<&ItemCatalog>,
    resource_catalog: Option<&Catalog>,
    families: &mut FamiliesRead,
    products: &mut [Configurable],
    diags: &mut Diagnostics,
) -> RoutingsRead {
    let table = match load(dir, &ROUTINGS, diags) {
        Loaded::Ready(table) => table,
        Loaded::Absent => {
            return RoutingsRead {
                routings: Vec::new(),
                routes: Vec::new(),
                route_index: Some(IdMap::default()),
                read: true,
            }
        }
        Loaded::Unusable => {
            return RoutingsRead { routings: Vec::new(), routes: Vec::new(), route_index: None, read: false }
        }
    };
    let items = table.ids("item", Need::Required, diags);
    let resources = table.ids("resource", Need::Required, diags);
    let unit_time = table.numbers("unit_time", NumberRule::NonNegative, Need::Optional, diags);
    let setup_time = table.numbers("setup_time", NumberRule::NonNegative, Need::Optional, diags);
    let setup_cost = table.numbers("setup_cost", NumberRule::NonNegative, Need::Optional, diags);
    let route_ids = table.ids("route", Need::Optional, diags);
    let family_ids = table.ids("family", Need::Optional, diags);
    let conditions = table.ids("when", Need::Optional, diags);
    let mut seen: HashMap<(usize, Option<usize>, usize), usize> = HashMap::new();
    let mut seen_product_rows: HashMap<(usize, Option<&str>, usize, &str), usize> = HashMap::new();
    let mut routes: Vec<Route> = Vec::new();
    let mut route_index: IdMap<(usize, String), usize> = IdMap::default();
    let mut naming: Vec<RouteNaming> = Vec::new();
    let mut naming_of_item: HashMap<usize, usize> = HashMap::new();
    let mut routings = Vec::with_capacity(table.height());
    for row_idx in 0..table.height() {
        let item_id = cell_at(&items, row_idx).value();
        let item = item_id.and_then(|id| resolve_item(&table, diags, row_idx, "item", id, item_catalog));
        let resource_id = cell_at(&resources, row_idx).value();
        let resource =
            resource_id.and_then(|id| resolve(&table, diags, row_idx, "resource", id, "resource", resource_catalog));
        if let (Some(item_idx), Some(id)) = (item, item_id) {
            if item_catalog.and_then(|catalog| catalog.kind(item_idx)) == Some(ItemKind::Buy) {
                table.report(
                    diags,
                    row_idx,
                    "item",
                    id,
                    format!("buy item {id} cannot have a routing; make it kind=make or remove the routing row"),
                );
            }
        }
        let product = item.and_then(|item_idx| item_catalog.and_then(|catalog| catalog.product(item_idx)));
        let route_cell = cell_at(&route_ids, row_idx);
        // Every distinct (item, route id) is one route, in the order of its first row.
        let route = match (item, route_cell.value()) {
            (Some(item_idx), Some(route_id)) if product.is_none() => {
                let next = routes.len();
                let route_idx = *route_index.entry((item_idx, route_id.to_string())).or_insert(next);
                if route_idx == next {
                    routes.push(Route { item: item_idx, id: route_id.to_string(), terms: LotTerms::default() });
                }
                Some(route_idx)
            }
            _ => None,
        };
        let family_cell = cell_at(&family_ids, row_idx).value();
        let mut template = false;
        if let (Some(family_id), Some(product)) = (family_cell, product.and_then(|p| products.get(p))) {
            match Template::parse(family_id, &product.attributes) {
                Ok(parsed) => template = parsed.has_placeholders(),
                Err(message) => {
                    table.report(diags, row_idx, "family", family_id, message);
                    continue;
                }
            }
        }
        let family = match (family_cell, resource, resource_id) {
            (Some(family_id), Some(resource_idx), Some(resource_id)) => {
                routing_family(&table, diags, row_idx, families, family_id, resource_idx, resource_id, template)
            }
            _ => None,
        };
        let when = cell_at(&conditions, row_idx).value();
        match (when, product.and_then(|p| products.get(p))) {
            (Some(condition), None) => {
                table.report(
                    diags,
                    row_idx,
                    "when",
                    condition,
                    "a `when` condition needs a configurable item (one with `attributes` in items.csv)",
                );
                continue;
            }
            (Some(condition), Some(product)) => {
                if let Err(message) = Condition::parse(condition, &product.attributes) {
                    let id = &product.item.id;
                    table.report(
                        diags,
                        row_idx,
                        "when",
                        condition,
                        format!("{message} (a condition on {id}'s attributes)"),
                    );
                    continue;
                }
            }
            (None, _) => {}
        }
        let (Some(item), Some(resource), false) = (item, resource, route_cell == Cell::Invalid) else {
            continue;
        };
        let slot = *naming_of_item.entry(item).or_insert_with(|| {
            naming.push(RouteNaming { item, named: Vec::new(), unnamed: Vec::new() });
            naming.len() - 1
        });
        if let Some(rows) = naming.get_mut(slot) {
            if route.is_some() { &mut rows.named } else { &mut rows.unnamed }.push(row_idx);
        }
        if let Some(product) = product.and_then(|p| products.get_mut(p)) {
            let key = (item, route_cell.value(), resource, when.unwrap_or(""));
            if let Some(&first_row) = seen_product_rows.get(&key) {
                table.report(
                    diags,
                    row_idx,
                    "resource",
                    resource_id.unwrap_or(""),
                    format!(
                        "duplicate routing for this item, route, resource and when; first given in row {first_row}"
                    ),
                );
                continue;
            }
            seen_product_rows.insert(key, table.row_number(row_idx));
            let route = route_cell.value().map(str::to_string);
            if let Some(route_id) = &route {
                if !product.routes.iter().any(|r| &r.id == route_id) {
                    product.routes.push(ProductRoute { id: route_id.clone(), terms: LotTerms::default() });
                }
            }
            product.routings.push(ConfigRouting {
                row: table.row_number(row_idx),
                resource,
                unit_time: cell_at(&unit_time, row_idx).or_default(0.0).unwrap_or(0.0),
                setup_time: cell_at(&setup_time, row_idx).or_default(0.0).unwrap_or(0.0),
                setup_cost: cell_at(&setup_cost, row_idx).or_default(0.0).unwrap_or(0.0),
                route,
                family: family_cell.map(str::to_string),
                when: when.unwrap_or("").to_string(),
            });
            continue;
        }
        if let Some(&first_row) = seen.get(&(item, route, resource)) {
            let what = match route_cell.value() {
                Some(route_id) => format!("item, route {route_id} and resource"),
                None => "item and resource".to_string(),
            };
            table.report(
                diags,
                row_idx,
                "resource",
                resource_id.unwrap_or(""),
                format!("duplicate routing for this {what}; first given in row {first_row}"),
            );
            continue;
        }
        seen.insert((item, route, resource), table.row_number(row_idx));
        routings.push(Routing {
            route,
            family,
            ..Routing::new(
                item,
                resource,
                cell_at(&unit_time, row_idx).or_default(0.0).unwrap_or(0.0),
                cell_at(&setup_time, row_idx).or_default(0.0).unwrap_or(0.0),
                cell_at(&setup_cost, row_idx).or_default(0.0).unwrap_or(0.0),
            )
        });
    }
    report_mixed_route_naming(&table, diags, &naming, &route_ids, item_catalog);
    RoutingsRead { routings, routes, route_index: Some(route_index), read: true }
}

/// The family of a routing row on its resource, reporting one that families.csv lacks (and,
/// once, a families.csv that does not exist).
#[allow(clippy::too_many_arguments)]
fn routing_family(
    table: &Table,
    diags: &mut Diagnostics,
    row_idx: usize,
    families: &mut FamiliesRead,
    family_id: &str,
    resource_idx: usize,
    resource_id: &str,
    template: bool,
) -> Option<usize> {
    match families.lookup(family_id, resource_idx, template) {
        FamilyLookup::Found(family_idx) => Some(family_idx),
        FamilyLookup::NoRow => {
            let elsewhere: Vec<usize> = families
                .families
                .iter()
                .filter(|family| family.id == family_id && family.resource != resource_idx)
                .map(|family| family.resource)
                .collect();
            let hint = if elsewhere.is_empty() {
                did_you_mean(family_id, families.ids_on(resource_idx))
            } else {
                "; families.csv lists it for another resource only".to_string()
            };
            table.report(
                diags,
                row_idx,
                "family",
                family_id,
                format!(
                    "no families.csv row for family {family_id} on resource {resource_id}; add one \
                     (family, resource, setup_time, setup_cost){hint}"
                ),
            );
            None
        }
        FamilyLookup::FileMissing => {
            if !families.missing_reported {
                families.missing_reported = true;
                diags.push(Diagnostic::file(
                    "families.csv",
                    format!(
                        "required table not found: no families.csv or families.parquet in {}; {} names a setup \
                         family (first in row {}: family {family_id} on resource {resource_id}), and each \
                         (family, resource) needs a row with its setup_time and setup_cost",
                        families.dir,
                        table.file_name(),
                        table.row_number(row_idx)
                    ),
                ));
            }
            None
        }
        FamilyLookup::Unknown => None,
    }
}

/// An item's routing rows must all name a route or none: one problem per item that mixes them,
/// at its first row of the kind that came second.
fn report_mixed_route_naming(
    table: &Table,
    diags: &mut Diagnostics,
    naming: &[RouteNaming],
    route_ids: &[Cell<&str>],
    item_catalog: Option<&ItemCatalog>,
) {
    for rows in naming {
        let (Some(&first_named), Some(&first_unnamed)) = (rows.named.first(), rows.unnamed.first()) else {
            continue;
        };
        let item_id = item_catalog.and_then(|catalog| catalog.ids.ids.get(rows.item)).map_or("", String::as_str);
        let row_numbers =
            |row_idxs: &[usize]| -> Vec<usize> { row_idxs.iter().map(|&row_idx| table.row_number(row_idx)).collect() };
        let at = first_named.max(first_unnamed);
        let message = format!(
            "item {item_id} has routing rows with a route ({}) and rows without one ({}); name a route in \
             every routing row of {item_id} or in none",
            rows_text(&row_numbers(&rows.named)),
            rows_text(&row_numbers(&rows.unnamed))
        );
        diags.push(Diagnostic {
            file: table.file_name().to_string(),
            row: Some(table.row_number(at)),
            column: Some("route".to_string()),
            value: cell_at(route_ids, at).value().map(str::to_string),
            message,
        });
    }
}

// ---------------------------------------------------------------------------------------------
// routes, sources and suppliers: lot values per route or supplier (empty = the item's)

/// The six lot-value columns of `routes.csv` and `sources.csv`, with items.csv's rules.
struct TermColumns {
    unit_cost: Vec<Cell<f64>>,
    lead_time: Vec<Cell<u64>>,
    min_lot: Vec<Cell<f64>>,
    max_lot: Vec<Cell<f64>>,
    lot_multiple: Vec<Cell<f64>>,
    order_cost: Vec<Cell<f64>>,
}

impl TermColumns {
    fn read(table: &Table, diags: &mut Diagnostics) -> Self {
        let non_negative = |column: &str, diags: &mut Diagnostics| {
            table.numbers(column, NumberRule::NonNegative, Need::Optional, diags)
        };
        TermColumns {
            unit_cost: non_negative("unit_cost", diags),
            lead_time: table.whole_numbers("lead_time", WholeRange { min: 0, max: None }, Need::Optional, diags),
            min_lot: non_negative("min_lot", diags),
            max_lot: table.numbers("max_lot", NumberRule::Positive, Need::Optional, diags),
            lot_multiple: table.numbers("lot_multiple", NumberRule::Positive, Need::Optional, diags),
            order_cost: non_negative("order_cost", diags),
        }
    }

    /// The row's values (`None` when a cell is invalid, already reported).
    fn at(&self, row_idx: usize) -> Option<LotTerms> {
        let lead_time = match cell_at(&self.lead_time, row_idx).optional()? {
            Some(lead_time) => Some(usize::try_from(lead_time).ok()?),
            None => None,
        };
        Some(LotTerms {
            unit_cost: cell_at(&self.unit_cost, row_idx).optional()?,
            lead_time,
            min_lot: cell_at(&self.min_lot, row_idx).optional()?,
            max_lot: cell_at(&self.max_lot, row_idx).optional()?,
            lot_multiple: cell_at(&self.lot_multiple, row_idx).optional()?,
            order_cost: cell_at(&self.order_cost, row_idx).optional()?,
        })
    }
}

/// items.csv's lot rule for a route or source row, once the item's values fill its gaps: a
/// min_lot above the max_lot leaves no lot. (Both from the item: reported in items.csv.)
fn check_term_lot_rules(table: &Table, diags: &mut Diagnostics, row_idx: usize, terms: &LotTerms, item: &Item) {
    let min_lot = terms.min_lot.unwrap_or(item.min_lot);
    let Some(max_lot) = terms.max_lot.or(item.max_lot) else {
        return;
    };
    if min_lot <= max_lot {
        return;
    }
    let (column, value, message) = match (terms.min_lot, terms.max_lot) {
        (Some(_), Some(_)) => {
            ("min_lot", min_lot, format!("min_lot is larger than max_lot {max_lot}: no lot can satisfy both"))
        }
        (Some(_), None) => (
            "min_lot",
            min_lot,
            format!(
                "min_lot is larger than the item's max_lot {max_lot} (items.csv): no lot can satisfy both; give \
                 this row its own max_lot"
            ),
        ),
        (None, Some(_)) => (
            "max_lot",
            max_lot,
            format!(
                "max_lot is smaller than the item's min_lot {min_lot} (items.csv): no lot can satisfy both; give \
                 this row its own min_lot"
            ),
        ),
        (None, None) => return,
    };
    table.report(diags, row_idx, column, value.to_string(), message);
}

fn read_routes(
    dir: &Path,
    items: &[Item],
    item_catalog: Option<&ItemCatalog>,
    routes: &mut [Route],
    route_index: Option<&IdMap<(usize, String), usize>>,
    products: &mut [Configurable],
    diags: &mut Diagnostics,
) {
    let Some(table) = load_optional(dir, &ROUTES, diags) else {
        return;
    };
    let item_cells = table.ids("item", Need::Required, diags);
    let route_cells = table.ids("route", Need::Required, diags);
    let terms = TermColumns::read(&table, diags);
    let mut first_rows: HashMap<usize, usize> = HashMap::new();
    let mut first_product_rows: HashMap<(usize, &str), usize> = HashMap::new();
    for row_idx in 0..table.height() {
        let item = cell_at(&item_cells, row_idx)
            .value()
            .and_then(|id| resolve_item(&table, diags, row_idx, "item", id, item_catalog));
        let Some(item_idx) = item else {
            continue;
        };
        if let Some(product_idx) = item_catalog.and_then(|catalog| catalog.product(item_idx)) {
            let (Some(route_id), Some(product)) =
                (cell_at(&route_cells, row_idx).value(), products.get_mut(product_idx))
            else {
                continue;
            };
            let id = product.item.id.clone();
            let Some(route) = product.routes.iter_mut().find(|route| route.id == route_id) else {
                table.report(
                    diags,
                    row_idx,
                    "route",
                    route_id,
                    format!("unknown route: no routing row of {id} names route {route_id} in routings.csv"),
                );
                continue;
            };
            if let Some(&first_row) = first_product_rows.get(&(product_idx, route_id)) {
                table.report(
                    diags,
                    row_idx,
                    "route",
                    route_id,
                    format!("duplicate row for this item and route; first given in row {first_row}"),
                );
                continue;
            }
            first_product_rows.insert((product_idx, route_id), table.row_number(row_idx));
            if let Some(terms) = terms.at(row_idx) {
                check_term_lot_rules(&table, diags, row_idx, &terms, &product.item);
                route.terms = terms;
            }
            continue;
        }
        let item_id = items.get(item_idx).map_or("", |item| item.id.as_str());
        if item_catalog.and_then(|catalog| catalog.kind(item_idx)) == Some(ItemKind::Buy) {
            table.report(
                diags,
                row_idx,
                "item",
                item_id,
                format!(
                    "buy item {item_id} has no routes: routes.csv is for make items (the suppliers of a buy item \
                     go in sources.csv)"
                ),
            );
            continue;
        }
        let (Some(route_id), Some(route_index)) = (cell_at(&route_cells, row_idx).value(), route_index) else {
            continue;
        };
        let Some(&route_idx) = route_index.get(&(item_idx, route_id.to_string())) else {
            let names: Vec<&str> =
                routes.iter().filter(|route| route.item == item_idx).map(|route| route.id.as_str()).collect();
            let message = if names.is_empty() {
                format!("unknown route: no routing row of {item_id} names a route in routings.csv")
            } else {
                let hint = match closest(route_id, names.iter().copied()) {
                    Some(suggestion) => format!("did you mean `{suggestion}`?"),
                    None => format!("its routes are {}", backticked(names.iter().copied())),
                };
                format!("unknown route: {item_id} has no route {route_id} in routings.csv; {hint}")
            };
            table.report(diags, row_idx, "route", route_id, message);
            continue;
        };
        if let Some(&first_row) = first_rows.get(&route_idx) {
            table.report(
                diags,
                row_idx,
                "route",
                route_id,
                format!("duplicate row for this item and route; first given in row {first_row}"),
            );
            continue;
        }
        first_rows.insert(route_idx, table.row_number(row_idx));
        let (Some(terms), Some(item), Some(route)) =
            (terms.at(row_idx), items.get(item_idx), routes.get_mut(route_idx))
        else {
            continue;
        };
        check_term_lot_rules(&table, diags, row_idx, &terms, item);
        route.terms = terms;
    }
}

/// Reads `sources.csv`: the sources, the suppliers they name (in order of first appearance,
/// without joint costs yet) and those suppliers as a catalog (`None` when the table could not
/// be read; empty when it is absent).
fn read_sources(
    dir: &Path,
    items: &[Item],
    item_catalog: Option<&ItemCatalog>,
    diags: &mut Diagnostics,
) -> (Vec<Source>, Vec<Supplier>, Option<Catalog>) {
    let table = match load(dir, &SOURCES, diags) {
        Loaded::Ready(table) => table,
        Loaded::Absent => return (Vec::new(), Vec::new(), Some(Catalog::new("sources.csv"))),
        Loaded::Unusable => return (Vec::new(), Vec::new(), None),
    };
    let item_cells = table.ids("item", Need::Required, diags);
    let supplier_cells = table.ids("supplier", Need::Required, diags);
    let terms = TermColumns::read(&table, diags);
    let max_per_period = table.numbers("max_per_period", NumberRule::NonNegative, Need::Optional, diags);
    let mut catalog = Catalog::new(table.file_name());
    let mut first_rows: HashMap<(usize, usize), usize> = HashMap::new();
    let mut sources = Vec::with_capacity(table.height());
    for row_idx in 0..table.height() {
        let item = cell_at(&item_cells, row_idx)
            .value()
            .and_then(|id| resolve_item(&table, diags, row_idx, "item", id, item_catalog));
        let supplier_id = cell_at(&supplier_cells, row_idx).value();
        let supplier = supplier_id.map(|id| catalog.insert(id).unwrap_or_else(|first| first));
        let (Some(item_idx), Some(supplier), Some(supplier_id)) = (item, supplier, supplier_id) else {
            continue;
        };
        if let Some(&first_row) = first_rows.get(&(item_idx, supplier)) {
            table.report(
                diags,
                row_idx,
                "supplier",
                supplier_id,
                format!("duplicate source for this item and supplier; first given in row {first_row}"),
            );
            continue;
        }
        first_rows.insert((item_idx, supplier), table.row_number(row_idx));
        if item_catalog.and_then(|catalog| catalog.product(item_idx)).is_some() {
            let id = items.get(item_idx).map_or("", |item| item.id.as_str());
            table.report(
                diags,
                row_idx,
                "item",
                id,
                format!("configurable product {id} is made to order and has no suppliers; buy its components instead"),
            );
            continue;
        }
        let (Some(terms), Some(max_per_period), Some(item)) =
            (terms.at(row_idx), cell_at(&max_per_period, row_idx).optional(), items.get(item_idx))
        else {
            continue;
        };
        check_term_lot_rules(&table, diags, row_idx, &terms, item);
        sources.push(Source { item: item_idx, supplier, terms, max_per_period });
    }
    let suppliers = catalog.ids.iter().map(|id| Supplier { id: id.clone(), order_cost: 0.0 }).collect();
    (sources, suppliers, Some(catalog))
}

/// Reads `suppliers.csv`: each supplier's joint order cost. Every supplier must be named in
/// `sources.csv` (`catalog`; `None` when that could not be read: nothing is checked).
fn read_suppliers(dir: &Path, suppliers: &mut [Supplier], catalog: Option<&Catalog>, diags: &mut Diagnostics) {
    let Some(table) = load_optional(dir, &SUPPLIERS, diags) else {
        return;
    };
    let ids = table.ids("supplier", Need::Required, diags);
    let order_costs = table.numbers("order_cost", NumberRule::NonNegative, Need::Optional, diags);
    let mut first_rows: HashMap<&str, usize> = HashMap::new();
    for row_idx in 0..table.height() {
        let Some(id) = cell_at(&ids, row_idx).value() else {
            continue;
        };
        if let Some(&first_row) = first_rows.get(id) {
            table.report(diags, row_idx, "supplier", id, format!("duplicate supplier; first given in row {first_row}"));
            continue;
        }
        first_rows.insert(id, table.row_number(row_idx));
        let Some(supplier_idx) = resolve(&table, diags, row_idx, "supplier", id, "supplier", catalog) else {
            continue;
        };
        if let (Some(supplier), Some(order_cost)) =
            (suppliers.get_mut(supplier_idx), cell_at(&order_costs, row_idx).or_default(0.0))
        {
            supplier.order_cost = order_cost;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// receipts and forecast

/// What a receipts or forecast row names: an item (a configurable product too) or a planning
/// class by its class id (`TEE[colour=navy;size=M]`: the product and its relevant values).
enum ItemRef {
    Item(usize),
    Class(usize, Vec<String>),
}

/// Resolves an `item` cell that may be a class id; reports an unknown item or a malformed
/// class id.
fn resolve_item_or_class(
    table: &Table,
    diags: &mut Diagnostics,
    row_idx: usize,
    id: &str,
    catalog: Option<&ItemCatalog>,
    products: &[Configurable],
) -> Option<ItemRef> {
    let class = configure::split_class_id(id).and_then(|(product_id, inner)| {
        let item_idx = catalog?.ids.get(product_id)?;
        Some((catalog?.product(item_idx)?, inner))
    });
    let Some((product_idx, inner)) = class else {
        return resolve_item(table, diags, row_idx, "item", id, catalog).map(ItemRef::Item);
    };
    let product = products.get(product_idx)?;
    let relevant = configure::relevant_attributes(product);
    match configure::class_values(inner, &product.attributes, &relevant) {
        Ok(values) => Some(ItemRef::Class(product_idx, values)),
        Err(message) => {
            table.report(diags, row_idx, "item", id, format!("not a class id of {}: {message}", product.item.id));
            None
        }
    }
}

/// The common shape of receipts and forecast rows: (item, 0-based period, quantity).
fn read_item_period_quantities(
    table: &Table,
    n_periods: Option<usize>,
    quantity_rule: NumberRule,
    catalog: Option<&ItemCatalog>,
    products: &[Configurable],
    diags: &mut Diagnostics,
) -> Vec<(ItemRef, usize, f64, usize)> {
    let items = table.ids("item", Need::Required, diags);
    let periods = table.whole_numbers("period", period_range(n_periods), Need::Required, diags);
    let quantities = table.numbers("quantity", quantity_rule, Need::Required, diags);
    let mut rows = Vec::with_capacity(table.height());
    for row_idx in 0..table.height() {
        let item = cell_at(&items, row_idx)
            .value()
            .and_then(|id| resolve_item_or_class(table, diags, row_idx, id, catalog, products));
        let period = cell_at(&periods, row_idx).value().and_then(|p| usize::try_from(p).ok());
        let quantity = cell_at(&quantities, row_idx).value();
        if let (Some(item), Some(period), Some(quantity)) = (item, period, quantity) {
            rows.push((item, period.saturating_sub(1), quantity, row_idx));
        }
    }
    rows
}

/// Reads receipts.csv: receipts of ordinary items, and receipts naming a planning class.
fn read_receipts(
    dir: &Path,
    n_periods: Option<usize>,
    catalog: Option<&ItemCatalog>,
    products: &[Configurable],
    diags: &mut Diagnostics,
) -> (Vec<Receipt>, Vec<ClassReceipt>) {
    let Some(table) = load_optional(dir, &RECEIPTS, diags) else {
        return (Vec::new(), Vec::new());
    };
    let mut receipts = Vec::new();
    let mut class_receipts = Vec::new();
    for (item, period, quantity, row_idx) in
        read_item_period_quantities(&table, n_periods, NumberRule::Positive, catalog, products, diags)
    {
        match item {
            ItemRef::Item(item) => match catalog.and_then(|catalog| catalog.product(item)) {
                Some(product_idx) => {
                    let product = products.get(product_idx);
                    let id = product.map_or("", |p| p.item.id.as_str());
                    let example = product.map(|p| {
                        let relevant = configure::relevant_attributes(p);
                        let values: Vec<String> = relevant.iter().map(|_| "…".to_string()).collect();
                        configure::class_id(id, &p.attributes, &relevant, &values)
                    });
                    table.report(
                        diags,
                        row_idx,
                        "item",
                        id,
                        format!(
                            "{id} is configurable: a receipt names one of its planning classes by its class id, as \
                             {}",
                            example.unwrap_or_default()
                        ),
                    );
                }
                None => receipts.push(Receipt { item, period, quantity }),
            },
            ItemRef::Class(product, values) => class_receipts.push(ClassReceipt {
                product,
                values,
                period,
                quantity,
                origin: Origin::Receipt { file: table.file_name().to_string(), row: table.row_number(row_idx) },
            }),
        }
    }
    (receipts, class_receipts)
}

/// Reads forecast.csv: the ordinary items' rows, and a configurable product's forecast for the
/// product as a whole (into its `forecast`, one value per period).
fn read_forecast(
    dir: &Path,
    n_periods: Option<usize>,
    catalog: Option<&ItemCatalog>,
    products: &mut [Configurable],
    diags: &mut Diagnostics,
) -> Vec<ForecastEntry> {
    let Some(table) = load_optional(dir, &FORECAST, diags) else {
        return Vec::new();
    };
    let rows = read_item_period_quantities(&table, n_periods, NumberRule::NonNegative, catalog, products, diags);
    let mut seen: HashMap<(usize, usize), usize> = HashMap::new();
    let mut forecast = Vec::with_capacity(rows.len());
    for (item, period, quantity, row_idx) in rows {
        let item = match item {
            ItemRef::Item(item) => item,
            ItemRef::Class(product, values) => {
                let Some(product) = products.get(product) else {
                    continue;
                };
                let id = &product.item.id;
                let class =
                    configure::class_id(id, &product.attributes, &configure::relevant_attributes(product), &values);
                table.report(
                    diags,
                    row_idx,
                    "item",
                    class,
                    format!("forecast configurable product {id} as a whole; mix.csv spreads it over its classes"),
                );
                continue;
            }
        };
        if let Some(&first_row) = seen.get(&(item, period)) {
            table.report(
                diags,
                row_idx,
                "period",
                (period + 1).to_string(),
                format!("duplicate forecast for this item and period; first given in row {first_row}"),
            );
            continue;
        }
        seen.insert((item, period), table.row_number(row_idx));
        match catalog.and_then(|catalog| catalog.product(item)).and_then(|p| products.get_mut(p)) {
            Some(product) => {
                if product.forecast.is_empty() {
                    product.forecast = vec![0.0; n_periods.unwrap_or(0)];
                }
                if let Some(cell) = product.forecast.get_mut(period) {
                    *cell = quantity;
                }
            }
            None => forecast.push(ForecastEntry { item, period, quantity }),
        }
    }
    forecast
}

// ---------------------------------------------------------------------------------------------
// orders

/// Reads the orders; returns them with each one's row. An order of a configurable product
/// gets its options (the `options` text and any `opt_<attribute>` columns, merged) and, until
/// the products are expanded, the product's own item index.
fn read_orders(
    table: &Table,
    catalog: Option<&ItemCatalog>,
    products: &[Configurable],
    diags: &mut Diagnostics,
) -> (Vec<Order>, Vec<usize>) {
    let order_ids = table.ids("order_id", Need::Required, diags);
    let items = table.ids("item", Need::Required, diags);
    let quantities = table.numbers("quantity", NumberRule::Positive, Need::Required, diags);
    let due_dates = table.dates("due_date", Need::Required, diags);
    let markets = table.ids("market", Need::Optional, diags);
    let options = table.ids("options", Need::Optional, diags);
    let attribute_columns = attribute_columns(table, products, diags);
    let mut first_rows: IdMap<&str, usize> = IdMap::with_capacity_and_hasher(table.height(), Default::default());
    let mut orders = Vec::with_capacity(table.height());
    let mut rows = Vec::with_capacity(table.height());
    for row_idx in 0..table.height() {
        let mut order_id = cell_at(&order_ids, row_idx).value();
        if let Some(id) = order_id {
            if let Some(&first_row) = first_rows.get(id) {
                table.report(
                    diags,
                    row_idx,
                    "order_id",
                    id,
                    format!("duplicate order_id; first given in row {first_row}"),
                );
                order_id = None;
            } else {
                first_rows.insert(id, table.row_number(row_idx));
            }
        }
        let item =
            cell_at(&items, row_idx).value().and_then(|id| resolve_item(table, diags, row_idx, "item", id, catalog));
        let quantity = cell_at(&quantities, row_idx).value();
        let due_date = cell_at(&due_dates, row_idx).value();
        let text = cell_at(&options, row_idx).value();
        let product = item.and_then(|item| catalog.and_then(|catalog| catalog.product(item)));
        let configured = match (product.and_then(|p| products.get(p).map(|product| (p, product))), item) {
            (Some((p, product)), _) => match order_options(table, diags, row_idx, product, text, &attribute_columns) {
                Some(text) => Some(OrderOptions { product: p, text }),
                None => continue,
            },
            (None, Some(item)) => {
                let given = text.map(|t| ("options", t)).into_iter().chain(attribute_columns.iter().filter_map(
                    |(column, _, cells)| cell_at(cells, row_idx).value().map(|value| (column.as_str(), value)),
                ));
                if let Some((column, value)) = given.into_iter().next() {
                    let id = catalog.and_then(|catalog| catalog.ids.ids.get(item)).map_or("", String::as_str);
                    table.report(
                        diags,
                        row_idx,
                        column,
                        value,
                        format!("{id} is not configurable (no `attributes` in items.csv): leave its options empty"),
                    );
                    continue;
                }
                None
            }
            (None, None) => None,
        };
        if let (Some(id), Some(item), Some(quantity), Some(due_date)) = (order_id, item, quantity, due_date) {
            let market = cell_at(&markets, row_idx).value().map(str::to_string);
            orders.push(Order { id: id.to_string(), item, quantity, due_date, market, options: configured });
            rows.push(table.row_number(row_idx));
        }
    }
    (orders, rows)
}

/// The `opt_<attribute>` columns of an orders table: column name, attribute, cells. A column
/// naming an attribute no configurable product has is reported.
fn attribute_columns<'t>(
    table: &'t Table,
    products: &[Configurable],
    diags: &mut Diagnostics,
) -> Vec<(String, String, Vec<Cell<&'t str>>)> {
    let mut columns = Vec::new();
    for name in table.column_names() {
        let Some(attribute) = name.strip_prefix("opt_") else {
            continue;
        };
        if !products.iter().any(|product| product.attributes.iter().any(|a| a == attribute)) {
            let known: Vec<&str> =
                products.iter().flat_map(|product| product.attributes.iter().map(String::as_str)).collect();
            diags.push(Diagnostic {
                file: table.file_name().to_string(),
                row: None,
                column: Some(name.clone()),
                value: None,
                message: format!(
                    "column {name} names attribute {attribute}, which no configurable product has{}",
                    did_you_mean(attribute, known)
                ),
            });
            continue;
        }
        let cells = table.ids(&name, Need::Optional, diags);
        columns.push((name.clone(), attribute.to_string(), cells));
    }
    columns
}

/// A configurable product's order options in its attribute order, from the `options` text and
/// the `opt_<attribute>` columns; `None` after reporting what is wrong.
fn order_options<'t>(
    table: &Table,
    diags: &mut Diagnostics,
    row_idx: usize,
    product: &Configurable,
    text: Option<&'t str>,
    attribute_columns: &'t [(String, String, Vec<Cell<&'t str>>)],
) -> Option<String> {
    let id = &product.item.id;
    let values = match configure::option_values(text, attribute_columns, row_idx, &product.attributes) {
        Ok(values) => values,
        Err(problem) => {
            let message = format!("{} (an order of {id})", problem.message);
            table.report(diags, row_idx, problem.column, problem.value, message);
            return None;
        }
    };
    match configure::options_text(&product.attributes, &values) {
        Ok(text) => Some(text),
        Err(message) => {
            table.report(diags, row_idx, "options", text.unwrap_or(""), format!("{message} (an order of {id})"));
            None
        }
    }
}

// ---------------------------------------------------------------------------------------------
// mix

/// Reads mix.csv into the products' `mix`: each row's product, attribute, value and share;
/// the shares of one attribute must sum to 1.
fn read_mix(dir: &Path, catalog: Option<&ItemCatalog>, products: &mut [Configurable], diags: &mut Diagnostics) {
    let Some(table) = load_optional(dir, &MIX, diags) else {
        return;
    };
    let items = table.ids("item", Need::Required, diags);
    let attributes = table.ids("attribute", Need::Required, diags);
    let values = table.ids("value", Need::Required, diags);
    let shares = table.numbers("share", NumberRule::Positive, Need::Required, diags);
    let mut first_rows: HashMap<(usize, &str, &str), usize> = HashMap::new();
    // (product, attribute) -> (first row index, sum of shares)
    let mut sums: Vec<((usize, &str), usize, f64)> = Vec::new();
    for row_idx in 0..table.height() {
        let item =
            cell_at(&items, row_idx).value().and_then(|id| resolve_item(&table, diags, row_idx, "item", id, catalog));
        let Some(item) = item else {
            continue;
        };
        let Some(product_idx) = catalog.and_then(|catalog| catalog.product(item)) else {
            let id = catalog.and_then(|catalog| catalog.ids.ids.get(item)).map_or("", String::as_str);
            table.report(diags, row_idx, "item", id, format!("{id} is not configurable (no `attributes` in items.csv): a mix spreads a configurable product's forecast"));
            continue;
        };
        let (Some(attribute), Some(value), Some(product)) =
            (cell_at(&attributes, row_idx).value(), cell_at(&values, row_idx).value(), products.get_mut(product_idx))
        else {
            continue;
        };
        if !product.attributes.iter().any(|a| a == attribute) {
            let id = &product.item.id;
            let hint = did_you_mean(attribute, product.attributes.iter().map(String::as_str));
            table.report(diags, row_idx, "attribute", attribute, format!("{id} has no attribute {attribute}{hint}"));
            continue;
        }
        if value.contains([';', '=', '|']) {
            table.report(diags, row_idx, "value", value, "a value may not hold `;`, `=` or `|`");
            continue;
        }
        if let Some(first_row) = first_rows.get(&(product_idx, attribute, value)) {
            table.report(
                diags,
                row_idx,
                "value",
                value,
                format!("duplicate share for this item, attribute and value; first given in row {first_row}"),
            );
            continue;
        }
        first_rows.insert((product_idx, attribute, value), table.row_number(row_idx));
        let Some(share) = cell_at(&shares, row_idx).value() else {
            continue;
        };
        match sums.iter_mut().find(|(key, _, _)| *key == (product_idx, attribute)) {
            Some((_, _, sum)) => *sum += share,
            None => sums.push(((product_idx, attribute), row_idx, share)),
        }
        product.mix.push(MixShare { attribute: attribute.to_string(), value: value.to_string(), share });
    }
    for ((product_idx, attribute), row_idx, sum) in sums {
        if (sum - 1.0).abs() > 1e-6 {
            let id = products.get(product_idx).map_or("", |p| p.item.id.as_str());
            table.report(
                diags,
                row_idx,
                "share",
                format!("{sum}"),
                format!("the shares of {id}'s {attribute} sum to {sum}, not 1 (within 1e-6)"),
            );
        }
    }
}

/// A configurable product with a forecast needs a mix for each of its relevant attributes.
fn check_mix_coverage(products: &[Configurable], diags: &mut Diagnostics) {
    for product in products.iter().filter(|product| !product.forecast.is_empty()) {
        for a in configure::relevant_attributes(product) {
            let attribute = &product.attributes[a];
            if !product.mix.iter().any(|share| &share.attribute == attribute) {
                let id = &product.item.id;
                diags.push(Diagnostic::file(
                    "mix.csv",
                    format!(
                        "{id} has a forecast (forecast.csv) but mix.csv gives no shares for its attribute \
                         {attribute}, which its bom or routing rows depend on; add rows item={id}, \
                         attribute={attribute}, value, share"
                    ),
                ));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The previous plan (replanning, spec section 1.6)

/// The previous plan's `lots.csv` as `plan` writes it (version 1 without `route`/`supplier`).
const PREVIOUS_LOTS: TableSchema = TableSchema {
    name: "lots",
    required: &["item", "start_date", "quantity"],
    optional: &["kind", "route", "supplier", "period", "available_period"],
};

/// The replanning in force (`flags` over plan.toml's `toml`) with the previous plan's lots;
/// `None` without a previous plan. Problems are recorded.
fn read_replan(
    input: &PlanInput,
    flags: &ReplanSettings,
    toml: &ReplanSettings,
    diags: &mut Diagnostics,
) -> Option<Replan> {
    let settings = flags.or(toml);
    let Some(previous) = settings.previous.clone() else {
        if !settings.is_empty() {
            diags.push(Diagnostic::file(
                "plan.toml",
                "replanning values are given without a previous plan: set `previous` in [replan] or pass --previous",
            ));
        }
        return None;
    };
    let periods = input.n_periods();
    let frozen_periods = settings.frozen_periods.unwrap_or(0);
    if frozen_periods > periods {
        let (file, column) = match flags.frozen_periods {
            Some(_) => ("command line", "--frozen"),
            None => ("plan.toml", "replan.frozen_periods"),
        };
        diags.push(Diagnostic {
            file: file.to_string(),
            row: None,
            column: Some(column.to_string()),
            value: Some(frozen_periods.to_string()),
            message: format!(
                "the frozen fence is longer than the horizon of {periods} periods (use {periods} to freeze every period)"
            ),
        });
        return None;
    }
    let lots = read_previous_lots(&previous, diags)?;
    let replan = Replan {
        previous,
        frozen_periods,
        change_cost: settings.change_cost.unwrap_or(0.0),
        new_lot_cost: settings.new_lot_cost.unwrap_or(0.0),
        lots,
    };
    check_frozen_lots(input, &replan, diags);
    Some(replan)
}

/// The rows of the previous plan folder's lots table, or `None` (recorded) when `folder` is not
/// a plan folder or its lots cannot be read.
fn read_previous_lots(folder: &Path, diags: &mut Diagnostics) -> Option<Vec<PreviousLot>> {
    let shown = folder.display().to_string();
    let not_a_plan = |what: &str| {
        Diagnostic::file(
            shown.clone(),
            format!("the previous plan folder {what} (expected a folder written by `flexplan plan`, holding lots.csv and summary.json)"),
        )
    };
    if !folder.is_dir() {
        diags.push(not_a_plan("is not found"));
        return None;
    }
    if !folder.join("summary.json").is_file() {
        diags.push(not_a_plan("has no summary.json, so it is not a plan"));
        return None;
    }
    let mut file = match find_table(folder, PREVIOUS_LOTS.name) {
        Ok(Some(file)) => file,
        Ok(None) => {
            diags.push(not_a_plan("has no lots.csv or lots.parquet, so it is not a plan"));
            return None;
        }
        Err(diagnostic) => {
            diags.push(Diagnostic { file: format!("{shown}/{}", diagnostic.file), ..diagnostic });
            return None;
        }
    };
    file.file_name = format!("{shown}/{}", file.file_name);
    let table = load_table(&file, diags)?;
    if !table.check_header(&PREVIOUS_LOTS, diags) {
        return None;
    }
    let items = table.ids("item", Need::Required, diags);
    let routes = table.ids("route", Need::Optional, diags);
    let suppliers = table.ids("supplier", Need::Optional, diags);
    let dates = table.dates("start_date", Need::Required, diags);
    let quantities = table.numbers("quantity", NumberRule::Positive, Need::Required, diags);
    let mut lots = Vec::with_capacity(table.height());
    for row_idx in 0..table.height() {
        let (Cell::Value(item), Cell::Value(start_date), Cell::Value(quantity)) =
            (cell_at(&items, row_idx), cell_at(&dates, row_idx), cell_at(&quantities, row_idx))
        else {
            continue;
        };
        let (Some(route), Some(supplier)) =
            (cell_at(&routes, row_idx).or_default(""), cell_at(&suppliers, row_idx).or_default(""))
        else {
            continue;
        };
        lots.push(PreviousLot {
            row: table.row_number(row_idx),
            item: item.to_string(),
            route: route.to_string(),
            supplier: supplier.to_string(),
            start_date,
            quantity,
        });
    }
    Some(lots)
}

/// Records every previous lot inside the frozen fence whose item, route or supplier no longer
/// exists (spec section 1.6: an input error naming it). Lots after the fence are only compared.
fn check_frozen_lots(input: &PlanInput, replan: &Replan, diags: &mut Diagnostics) {
    let fence = replan.frozen_periods; // `input.replan` is not set yet; at most `T` here
    if fence == 0 {
        return;
    }
    let options = Options::new(input);
    let item_of = input.item_index_map();
    let file = format!("{}/lots.csv", replan.previous.display());
    for lot in &replan.lots {
        let PeriodOf::InHorizon(t) = input.horizon.locate(lot.start_date) else { continue };
        if t >= fence {
            continue;
        }
        let frozen =
            format!("a frozen lot (starting {} in period {} of the {fence}-period fence)", lot.start_date, t + 1);
        let Some(&i) = item_of.get(lot.item.as_str()) else {
            diags.push(Diagnostic::cell(
                file.clone(),
                lot.row,
                "item",
                lot.item.clone(),
                format!("{frozen} of an item that no longer exists in items.csv"),
            ));
            continue;
        };
        if options.named(input, i, &lot.route, &lot.supplier).is_some() {
            continue;
        }
        let ways: Vec<String> = options
            .of_item(i)
            .map(|o| match options.way_ids(input, o) {
                ("", "") if options.get(o).is_made() => "its own route".to_string(),
                ("", "") => "its own supplier".to_string(),
                (route, "") => format!("route {route}"),
                (_, supplier) => format!("supplier {supplier}"),
            })
            .collect();
        let (column, value, what) = match (lot.route.is_empty(), lot.supplier.is_empty()) {
            (false, _) => ("route", lot.route.clone(), "route"),
            (true, false) => ("supplier", lot.supplier.clone(), "supplier"),
            (true, true) => ("item", lot.item.clone(), "unnamed route or supplier"),
        };
        diags.push(Diagnostic::cell(
            file.clone(),
            lot.row,
            column,
            value,
            format!("{frozen} of a {what} that {} no longer has; its ways now: {}", lot.item, ways.join(", ")),
        ));
    }
}

// ---------------------------------------------------------------------------------------------
// plan.toml

const HORIZON_KEYS: &[&str] = &["start", "bucket", "periods"];
const SOLVER_KEYS: &[&str] = &["time_limit_s", "mip_gap", "threads"];
const REPLAN_KEYS: &[&str] = &["previous", "frozen_periods", "change_cost", "new_lot_cost"];
const SECTIONS: &[&str] = &["horizon", "solver", "replan"];

/// What plan.toml holds.
struct TomlPlan {
    horizon: Horizon,
    solver: SolverConfig,
    /// `[replan]`, with `previous` as written (relative to plan.toml's folder).
    replan: ReplanSettings,
}

/// Diagnostics of one plan.toml, sorted by line before they are recorded.
struct TomlReport<'t> {
    file_name: String,
    text: &'t str,
    found: Vec<Diagnostic>,
}

impl<'t> TomlReport<'t> {
    fn line_of(&self, offset: usize) -> usize {
        1 + self.text.as_bytes().iter().take(offset).filter(|&&byte| byte == b'\n').count()
    }

    /// A problem with the value of `key` (`horizon.start`).
    fn value_problem(&mut self, key: &str, value: &Spanned<DeValue<'_>>, message: impl Into<String>) {
        let shown = match value.get_ref() {
            DeValue::String(text) => text.to_string(),
            _ => self.text.get(value.span()).unwrap_or("").trim().to_string(),
        };
        self.found.push(Diagnostic {
            file: self.file_name.clone(),
            row: Some(self.line_of(value.span().start)),
            column: Some(key.to_string()),
            value: Some(shown),
            message: message.into(),
        });
    }

    /// A problem located on a line only.
    fn line_problem(&mut self, offset: Option<usize>, message: impl Into<String>) {
        let row = offset.map(|offset| self.line_of(offset));
        self.found.push(Diagnostic {
            file: self.file_name.clone(),
            row,
            column: None,
            value: None,
            message: message.into(),
        });
    }

    fn unknown_key(&mut self, key: &Spanned<std::borrow::Cow<'_, str>>, section: Option<&str>, known: &[&str]) {
        let name = key.get_ref().as_ref();
        let hint = match closest(name, known.iter().copied()) {
            Some(suggestion) => format!("did you mean `{suggestion}`?"),
            None => format!("the known keys are {}", backticked(known.iter().copied())),
        };
        let message = match section {
            Some(section) => format!("unknown key `{name}` in [{section}]; {hint}"),
            None => format!("unknown section or key `{name}`; {}", hint.replace("known keys", "known sections")),
        };
        self.line_problem(Some(key.span().start), message);
    }
}

/// Reads plan.toml; every problem is recorded. `None` when no horizon could be built.
fn plan_toml(path: &Path, diags: &mut Diagnostics) -> Option<TomlPlan> {
    let file_name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) => {
            let where_ = path.parent().map(|dir| dir.display().to_string()).unwrap_or_default();
            let message = if err.kind() == std::io::ErrorKind::NotFound {
                format!(
                    "required file not found in {where_}; it must hold a [horizon] table with start, bucket and periods"
                )
            } else {
                format!("cannot read the file: {err}")
            };
            diags.push(Diagnostic::file(file_name, message));
            return None;
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut report = TomlReport { file_name, text, found: Vec::new() };
    let plan = match DeTable::parse(text) {
        Ok(root) => plan_from_table(root.get_ref(), &mut report),
        Err(err) => {
            let offset = err.span().map(|span| span.start);
            report.line_problem(offset, format!("TOML syntax error: {}", err.message().trim()));
            None
        }
    };
    report.found.sort_by_key(|diagnostic| diagnostic.row);
    report.found.into_iter().for_each(|diagnostic| diags.push(diagnostic));
    plan
}

fn plan_from_table(root: &DeTable<'_>, report: &mut TomlReport<'_>) -> Option<TomlPlan> {
    let mut horizon_value = None;
    let mut solver_value = None;
    let mut replan_value = None;
    for (key, value) in root.iter() {
        match key.get_ref().as_ref() {
            "horizon" => horizon_value = Some(value),
            "solver" => solver_value = Some(value),
            "replan" => replan_value = Some(value),
            _ => report.unknown_key(key, None, SECTIONS),
        }
    }
    let solver = match solver_value {
        Some(value) => solver_config(value, report),
        None => SolverConfig::default(),
    };
    let replan = match replan_value {
        Some(value) => replan_settings(value, report),
        None => ReplanSettings::default(),
    };
    let Some(horizon_value) = horizon_value else {
        report.line_problem(None, "missing [horizon] table with start, bucket and periods");
        return None;
    };
    horizon(horizon_value, report).map(|horizon| TomlPlan { horizon, solver, replan })
}

/// `[replan]` (spec section 1.6). `previous` without a value is reported once the flags are
/// known (they may give it).
fn replan_settings(value: &Spanned<DeValue<'_>>, report: &mut TomlReport<'_>) -> ReplanSettings {
    let mut settings = ReplanSettings::default();
    let Some(entries) = section_entries("replan", value, REPLAN_KEYS, report) else {
        return settings;
    };
    if let Some(value) = entries.get("previous") {
        settings.previous = match value.get_ref() {
            DeValue::String(text) if !text.trim().is_empty() => Some(PathBuf::from(text.trim())),
            _ => None,
        };
        if settings.previous.is_none() {
            report.value_problem(
                "replan.previous",
                value,
                "expected the path of a plan folder written by `flexplan plan` (e.g. \"../out/monday\")",
            );
        }
    }
    if let Some(value) = entries.get("frozen_periods") {
        settings.frozen_periods = toml_integer(value.get_ref()).and_then(|periods| usize::try_from(periods).ok());
        if settings.frozen_periods.is_none() {
            report.value_problem("replan.frozen_periods", value, "expected a whole number of periods >= 0");
        }
    }
    for (key, slot) in [("change_cost", &mut settings.change_cost), ("new_lot_cost", &mut settings.new_lot_cost)] {
        if let Some(value) = entries.get(key) {
            *slot = toml_number(value.get_ref()).filter(|cost| cost.is_finite() && *cost >= 0.0);
            if slot.is_none() {
                report.value_problem(&format!("replan.{key}"), value, "expected a cost >= 0 (e.g. 0.5)");
            }
        }
    }
    settings
}

/// The entries of a `[section]`, or `None` (reported) when the value is not a table.
fn section_entries<'v, 'i>(
    name: &str,
    value: &'v Spanned<DeValue<'i>>,
    known: &[&'static str],
    report: &mut TomlReport<'_>,
) -> Option<HashMap<&'static str, &'v Spanned<DeValue<'i>>>> {
    let DeValue::Table(table) = value.get_ref() else {
        report.value_problem(name, value, format!("expected a table [{name}]"));
        return None;
    };
    let mut entries = HashMap::new();
    for (key, entry) in table.iter() {
        match known.iter().find(|known_key| **known_key == key.get_ref().as_ref()) {
            Some(known_key) => {
                entries.insert(*known_key, entry);
            }
            None => report.unknown_key(key, Some(name), known),
        }
    }
    Some(entries)
}

fn horizon(value: &Spanned<DeValue<'_>>, report: &mut TomlReport<'_>) -> Option<Horizon> {
    let entries = section_entries("horizon", value, HORIZON_KEYS, report)?;
    let section_line = Some(value.span().start);
    let missing = |key: &str, example: &str, report: &mut TomlReport<'_>| {
        report.line_problem(section_line, format!("missing key `{key}` in [horizon] (e.g. {example})"));
    };
    let start = match entries.get("start") {
        Some(value) => horizon_start(value, report),
        None => {
            missing("start", "start = \"2026-01-05\", the first day of period 1", report);
            None
        }
    };
    let bucket = match entries.get("bucket") {
        Some(value) => horizon_bucket(value, report),
        None => {
            missing("bucket", "bucket = \"week\"", report);
            None
        }
    };
    let periods = match entries.get("periods") {
        Some(value) => horizon_periods(value, report),
        None => {
            missing("periods", "periods = 12", report);
            None
        }
    };
    let (start, bucket, periods) = (start?, bucket?, periods?);
    if bucket == Bucket::Month && start.day() != 1 {
        if let Some(start_value) = entries.get("start") {
            let first = start.with_day(1).map(|date| date.to_string()).unwrap_or_default();
            report.value_problem(
                "horizon.start",
                start_value,
                format!("with bucket = \"month\" the horizon must start on the 1st of a month (e.g. {first})"),
            );
        }
        return None;
    }
    let horizon = Horizon { start, bucket, periods };
    if horizon.end().is_none() {
        report.value_problem("horizon.periods", entries.get("periods")?, "the horizon ends beyond the supported dates");
        return None;
    }
    Some(horizon)
}

fn horizon_start(value: &Spanned<DeValue<'_>>, report: &mut TomlReport<'_>) -> Option<NaiveDate> {
    let date = match value.get_ref() {
        DeValue::String(text) => parse_iso_date(text.trim()),
        DeValue::Datetime(datetime) if datetime.time.is_none() && datetime.offset.is_none() => datetime
            .date
            .and_then(|date| NaiveDate::from_ymd_opt(i32::from(date.year), u32::from(date.month), u32::from(date.day))),
        _ => None,
    };
    if date.is_none() {
        report.value_problem("horizon.start", value, "expected an ISO date such as \"2026-01-05\"");
    }
    date
}

fn horizon_bucket(value: &Spanned<DeValue<'_>>, report: &mut TomlReport<'_>) -> Option<Bucket> {
    let bucket = match value.get_ref() {
        DeValue::String(text) => match text.trim() {
            "day" => Some(Bucket::Day),
            "week" => Some(Bucket::Week),
            "month" => Some(Bucket::Month),
            _ => None,
        },
        _ => None,
    };
    if bucket.is_none() {
        report.value_problem("horizon.bucket", value, format!("expected {}", or_list(&["day", "week", "month"])));
    }
    bucket
}

fn toml_integer(value: &DeValue<'_>) -> Option<i128> {
    match value {
        DeValue::Integer(integer) => i128::from_str_radix(integer.as_str(), integer.radix()).ok(),
        _ => None,
    }
}

fn toml_number(value: &DeValue<'_>) -> Option<f64> {
    match value {
        DeValue::Integer(_) => toml_integer(value).map(|integer| integer as f64),
        DeValue::Float(float) => float.as_str().parse::<f64>().ok().filter(|number| number.is_finite()),
        _ => None,
    }
}

/// Largest number of periods accepted: a longer horizon would only exhaust memory (per-period
/// capacities, model variables) long before the solver could use it.
pub(crate) const MAX_PERIODS: usize = 100_000;

fn horizon_periods(value: &Spanned<DeValue<'_>>, report: &mut TomlReport<'_>) -> Option<usize> {
    let periods = toml_integer(value.get_ref()).filter(|periods| *periods >= 1);
    match periods.map(usize::try_from) {
        Some(Ok(periods)) if periods <= MAX_PERIODS => Some(periods),
        Some(_) => {
            report.value_problem(
                "horizon.periods",
                value,
                format!("at most {MAX_PERIODS} periods are supported; use a longer bucket"),
            );
            None
        }
        None => {
            report.value_problem("horizon.periods", value, "expected a whole number >= 1 (the number of periods T)");
            None
        }
    }
}

/// The most solver threads accepted (more only slows HiGHS down on any real machine).
pub(crate) const MAX_THREADS: u32 = 256;

fn solver_config(value: &Spanned<DeValue<'_>>, report: &mut TomlReport<'_>) -> SolverConfig {
    let mut config = SolverConfig::default();
    let Some(entries) = section_entries("solver", value, SOLVER_KEYS, report) else {
        return config;
    };
    if let Some(value) = entries.get("time_limit_s") {
        config.time_limit_s = toml_number(value.get_ref()).filter(|seconds| *seconds > 0.0);
        if config.time_limit_s.is_none() {
            report.value_problem("solver.time_limit_s", value, "expected a number of seconds > 0");
        }
    }
    if let Some(value) = entries.get("mip_gap") {
        config.mip_gap = toml_number(value.get_ref()).filter(|gap| (0.0..1.0).contains(gap));
        if config.mip_gap.is_none() {
            report.value_problem("solver.mip_gap", value, "expected a number >= 0 and < 1 (e.g. 0.0001)");
        }
    }
    if let Some(value) = entries.get("threads") {
        config.threads = toml_integer(value.get_ref())
            .and_then(|threads| u32::try_from(threads).ok())
            .filter(|threads| *threads <= MAX_THREADS);
        if config.threads.is_none() {
            report.value_problem("solver.threads", value, "expected a whole number from 0 to 256 (0 = solver default)");
        }
    }
    config
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    fn write_files(dir: &Path, files: &[(&str, &str)]) {
        for (name, content) in files {
            std::fs::write(dir.join(name), content).expect("write test file");
        }
    }

    fn toml_problems(text: &str) -> Result<(Horizon, SolverConfig), Vec<String>> {
        let dir = tempfile::tempdir().expect("tempdir");
        write_files(dir.path(), &[("plan.toml", text)]);
        read_plan_toml(&dir.path().join("plan.toml"))
            .map_err(|err| err.problems().into_iter().flat_map(|p| &p.diagnostics).map(ToString::to_string).collect())
    }

    #[test]
    fn plan_toml_accepts_a_toml_date_and_defaults_the_solver() {
        let (horizon, solver) =
            toml_problems("\u{feff}[horizon]\nstart = 2026-03-01\nbucket = \"month\"\nperiods = 0x0c\n")
                .expect("valid");
        assert_eq!(horizon.start, NaiveDate::from_ymd_opt(2026, 3, 1).expect("date"));
        assert_eq!((horizon.bucket, horizon.periods), (Bucket::Month, 12));
        assert_eq!(solver, SolverConfig::default());
    }

    #[test]
    fn plan_toml_problems_are_located_by_line() {
        let problems = toml_problems("[solver]\nthreads = 1.5\n\n[horizon]\nstart = 20260105\n").expect_err("bad");
        assert_eq!(
            problems,
            [
                "plan.toml, row 2, column solver.threads, value \"1.5\": expected a whole number from 0 to 256 (0 = solver default)",
                "plan.toml, row 4: missing key `bucket` in [horizon] (e.g. bucket = \"week\")",
                "plan.toml, row 4: missing key `periods` in [horizon] (e.g. periods = 12)",
                "plan.toml, row 5, column horizon.start, value \"20260105\": expected an ISO date such as \"2026-01-05\"",
            ]
        );
        assert_eq!(toml_problems("horizon = 3\n").expect_err("not a table").len(), 1);
        assert_eq!(
            toml_problems("[solver]\n").expect_err("no horizon"),
            ["plan.toml: missing [horizon] table with start, bucket and periods"]
        );
    }

    /// A small deterministic generator (no dependency on rand's API for a test).
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, bound: u64) -> u64 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (self.0 >> 33) % bound
        }
    }

    /// Writes a plan with `n_orders` random orders; returns the orders as written.
    fn random_plan(dir: &Path, n_orders: usize, seed: u64) -> Vec<(String, usize, f64, NaiveDate)> {
        let mut rng = Lcg(seed);
        let start = NaiveDate::from_ymd_opt(2026, 1, 5).expect("date");
        let mut items = String::from("item,kind,unit_cost\n");
        for item_idx in 0..50 {
            let _ =
                writeln!(items, "SKU-{item_idx:03},{},{}", if item_idx % 3 == 0 { "buy" } else { "make" }, item_idx);
        }
        let mut orders = String::from("order_id,item,quantity,due_date,market\n");
        let mut written = Vec::with_capacity(n_orders);
        for order_idx in 0..n_orders {
            let item_idx = rng.below(50) as usize;
            let quantity = (rng.below(400) + 1) as f64 / 4.0;
            let due = start + chrono::Days::new(rng.below(120));
            let market = ["EU", "US", ""][rng.below(3) as usize];
            let _ = writeln!(orders, "ORD-{order_idx},SKU-{item_idx:03},{quantity},{due},{market}");
            written.push((format!("ORD-{order_idx}"), item_idx, quantity, due));
        }
        write_files(
            dir,
            &[
                ("plan.toml", "[horizon]\nstart = \"2026-01-05\"\nbucket = \"week\"\nperiods = 12\n"),
                ("items.csv", &items),
                ("orders.csv", &orders),
            ],
        );
        written
    }

    #[test]
    fn random_orders_read_back_as_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        let written = random_plan(dir.path(), 2_000, 7);
        let plan = read_plan_dir(dir.path()).expect("valid plan");
        assert_eq!(plan.items.len(), 50);
        assert_eq!(plan.items[3].kind, ItemKind::Buy);
        assert_eq!(plan.items[4].unit_cost, 4.0);
        let read: Vec<(String, usize, f64, NaiveDate)> =
            plan.orders.iter().map(|order| (order.id.clone(), order.item, order.quantity, order.due_date)).collect();
        assert_eq!(read, written);
    }

    /// A plan directory of item `TEE` made on routes `DTG` and `SCREEN` (4 weeks from
    /// 2026-01-12) with `plan_toml_tail` appended to plan.toml, and a previous plan folder
    /// `prev` beside it holding `lots` (its lots.csv) and a summary.json.
    fn replanning_dirs(plan_toml_tail: &str, lots: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        let plan = dir.path().join("plan");
        let prev = dir.path().join("prev");
        std::fs::create_dir_all(&plan).expect("plan dir");
        std::fs::create_dir_all(&prev).expect("prev dir");
        let toml = format!("[horizon]\nstart = \"2026-01-12\"\nbucket = \"week\"\nperiods = 4\n{plan_toml_tail}");
        write_files(
            &plan,
            &[
                ("plan.toml", &toml),
                ("items.csv", "item,kind\nTEE,make\n"),
                ("orders.csv", "order_id,item,quantity,due_date\n"),
                ("resources.csv", "resource,capacity\nR1,8\nR2,8\n"),
                ("routings.csv", "item,resource,unit_time,route\nTEE,R1,1,DTG\nTEE,R2,1,SCREEN\n"),
            ],
        );
        write_files(&prev, &[("lots.csv", lots), ("summary.json", "{}\n")]);
        dir
    }

    fn replanning_problems(dir: &Path, flags: &ReplanSettings) -> Vec<String> {
        match read_plan_dir_replanning(&dir.join("plan"), flags) {
            Ok(_) => Vec::new(),
            Err(err) => err.problems().into_iter().flat_map(|p| &p.diagnostics).map(ToString::to_string).collect(),
        }
    }

    const PREVIOUS_LOTS_CSV: &str = "item,kind,route,supplier,period,start_date,available_period,quantity\n\
        TEE,make,DTG,,1,2026-01-05,1,10\n\
        TEE,make,DTG,,2,2026-01-12,2,20\n\
        TEE,make,SCREEN,,3,2026-01-21,3,30\n";

    #[test]
    fn replan_reads_the_previous_lots_with_plan_toml_settings_and_flags_over_them() {
        let dir = replanning_dirs(
            "[replan]\nprevious = \"../prev\"\nfrozen_periods = 1\nchange_cost = 0.5\n",
            PREVIOUS_LOTS_CSV,
        );
        let plan = read_plan_dir(&dir.path().join("plan")).expect("valid plan");
        let replan = plan.replan.expect("replanning");
        assert_eq!(replan.previous, dir.path().join("plan").join("../prev"));
        assert_eq!((replan.frozen_periods, replan.change_cost, replan.new_lot_cost), (1, 0.5, 0.0));
        assert_eq!(replan.lots.len(), 3);
        assert_eq!((replan.lots[2].row, replan.lots[2].route.as_str(), replan.lots[2].quantity), (4, "SCREEN", 30.0));
        let flags = ReplanSettings { frozen_periods: Some(4), new_lot_cost: Some(10.0), ..ReplanSettings::default() };
        let plan = read_plan_dir_replanning(&dir.path().join("plan"), &flags).expect("valid plan");
        let replan = plan.replan.expect("replanning");
        assert_eq!((replan.frozen_periods, replan.change_cost, replan.new_lot_cost), (4, 0.5, 10.0));
    }

    #[test]
    fn replan_errors_name_the_folder_the_row_and_the_setting() {
        let dir = replanning_dirs("", &PREVIOUS_LOTS_CSV.replace("SCREEN", "SILK"));
        let prev = dir.path().join("prev");
        let shown = prev.display().to_string();
        // A frozen lot of a route the item no longer has; the lot before the horizon (row 2)
        // and the one after the fence are not looked at.
        let flags =
            ReplanSettings { previous: Some(prev.clone()), frozen_periods: Some(3), ..ReplanSettings::default() };
        assert_eq!(
            replanning_problems(dir.path(), &flags),
            [format!(
                "{shown}/lots.csv, row 4, column route, value \"SILK\": a frozen lot (starting 2026-01-21 in period 2 of the \
                 3-period fence) of a route that TEE no longer has; its ways now: route DTG, route SCREEN"
            )]
        );
        let flags = ReplanSettings { frozen_periods: Some(1), ..flags };
        assert_eq!(replanning_problems(dir.path(), &flags), Vec::<String>::new());
        let flags = ReplanSettings { frozen_periods: Some(5), ..flags };
        assert_eq!(
            replanning_problems(dir.path(), &flags),
            ["command line, column --frozen, value \"5\": the frozen fence is longer than the horizon of 4 periods (use 4 to freeze every period)"]
        );
        std::fs::remove_file(prev.join("summary.json")).expect("remove");
        let flags = ReplanSettings { frozen_periods: None, ..flags };
        assert_eq!(
            replanning_problems(dir.path(), &flags),
            [format!(
                "{shown}: the previous plan folder has no summary.json, so it is not a plan (expected a folder written by \
                 `flexplan plan`, holding lots.csv and summary.json)"
            )]
        );
        let missing = ReplanSettings { previous: Some(dir.path().join("nowhere")), ..ReplanSettings::default() };
        let problems = replanning_problems(dir.path(), &missing);
        assert!(problems.len() == 1 && problems[0].contains("the previous plan folder is not found"), "{problems:?}");
        let without_previous = ReplanSettings { change_cost: Some(1.0), ..ReplanSettings::default() };
        assert_eq!(
            replanning_problems(dir.path(), &without_previous),
            ["plan.toml: replanning values are given without a previous plan: set `previous` in [replan] or pass --previous"]
        );
    }

    #[test]
    fn replan_keys_in_plan_toml_are_checked() {
        let problems = toml_problems(
            "[horizon]\nstart = \"2026-01-05\"\nbucket = \"week\"\nperiods = 4\n[replan]\nprevious = 3\nfrozen_periods = -1\nchange_cost = -2\nfrozen_period = 1\n",
        )
        .expect_err("bad [replan]");
        assert_eq!(
            problems,
            [
                "plan.toml, row 6, column replan.previous, value \"3\": expected the path of a plan folder written by `flexplan plan` (e.g. \"../out/monday\")",
                "plan.toml, row 7, column replan.frozen_periods, value \"-1\": expected a whole number of periods >= 0",
                "plan.toml, row 8, column replan.change_cost, value \"-2\": expected a cost >= 0 (e.g. 0.5)",
                "plan.toml, row 9: unknown key `frozen_period` in [replan]; did you mean `frozen_periods`?",
            ]
        );
    }

    #[test]
    fn optional_tables_absent_are_empty_and_resources_get_t_capacities() {
        let dir = tempfile::tempdir().expect("tempdir");
        write_files(
            dir.path(),
            &[
                ("plan.toml", "[horizon]\nstart = \"2026-01-05\"\nbucket = \"day\"\nperiods = 3\n"),
                ("items.csv", "item,kind\nA,make\n"),
                ("orders.csv", "order_id,item,quantity,due_date\n"),
                ("resources.csv", "resource,capacity\nR,8\n"),
                ("capacity.csv", "resource,period,capacity\nR,3,0\n"),
            ],
        );
        let plan = read_plan_dir(dir.path()).expect("valid plan");
        assert!(plan.bom.is_empty() && plan.routings.is_empty() && plan.receipts.is_empty());
        assert!(plan.forecast.is_empty() && plan.orders.is_empty());
        assert_eq!(plan.resources[0].capacity, [8.0, 8.0, 0.0]);
    }

    #[test]
    fn row_lists_name_at_most_six_rows() {
        assert_eq!(rows_text(&[4]), "row 4");
        assert_eq!(rows_text(&[2, 3]), "rows 2 and 3");
        assert_eq!(rows_text(&[2, 3, 9]), "rows 2, 3 and 9");
        assert_eq!(rows_text(&[2, 3, 4, 5, 6, 7, 8, 9]), "rows 2, 3, 4, 5, 6, 7 and 2 more");
    }

    #[test]
    fn a_missing_directory_is_one_problem() {
        let err = read_plan_dir(Path::new("/nonexistent/flexplan-plan")).expect_err("no dir");
        let err = err.problems().expect("located problems");
        assert_eq!(err.diagnostics.len(), 1);
        assert!(err.diagnostics[0].message.starts_with("plan directory not found"));
    }

    #[test]
    fn a_flood_of_bad_rows_is_capped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut orders = String::from("order_id,item,quantity,due_date\n");
        for order_idx in 0..500 {
            let _ = writeln!(orders, "O{order_idx},NOPE,1,2026-01-05");
        }
        write_files(
            dir.path(),
            &[
                ("plan.toml", "[horizon]\nstart = \"2026-01-05\"\nbucket = \"week\"\nperiods = 2\n"),
                ("items.csv", "item,kind\nA,make\n"),
                ("orders.csv", &orders),
            ],
        );
        let err = read_plan_dir(dir.path()).expect_err("unknown items");
        let err = err.problems().expect("located problems");
        assert_eq!((err.diagnostics.len(), err.more), (MAX_DIAGNOSTICS, 500 - MAX_DIAGNOSTICS));
    }

    /// Timing for 1,000,000 orders; meaningful in a release build:
    /// `cargo test --release --lib read::tests::million -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn million_orders_read_quickly() {
        let dir = tempfile::tempdir().expect("tempdir");
        let written = random_plan(dir.path(), 1_000_000, 11);
        let started = std::time::Instant::now();
        let plan = read_plan_dir(dir.path()).expect("valid plan");
        let elapsed = started.elapsed();
        assert_eq!(plan.orders.len(), written.len());
        eprintln!("read + validated 1,000,000 orders in {elapsed:?}");
        if !cfg!(debug_assertions) {
            assert!(elapsed.as_secs_f64() < 1.0, "too slow: {elapsed:?}");
        }
    }
}
