//! Writes a [`PlanInput`] as a plan directory (spec section 1, CSV tables).
//!
//! The output is lean and deterministic: optional tables are written only when they hold rows,
//! optional columns only when some row differs from the default, and numbers with Rust's `{}`
//! formatting of `f64` (the shortest text that reads back to the same value). Periods are
//! 1-based in the files. The version-2 tables (`routes.csv`, `sources.csv`, `suppliers.csv`,
//! `families.csv`) and columns (`unmet_cost`; `route` and `family` in `routings.csv`) follow
//! the same rule, so a version-1 plan is written exactly as before they existed. A resource's capacity is written as its most frequent per-period
//! value (ties: the smallest) in `resources.csv`, with the other periods as `capacity.csv`
//! overrides.
//!
//! A plan with configurable products (spec section 1.5) is written as written, not as its
//! expansion: `items.csv` holds the ordinary items (the items before
//! [`Configuration::first_class_item`]) and then each product's row with its `attributes`
//! (`colour;size;design`); `bom.csv` and `routings.csv` hold the ordinary rows and then the
//! products' rows as written (placeholders, families with placeholders, a `when` column when
//! some row has a condition); `routes.csv` the ordinary routes and then the products' routes
//! with values of their own; `families.csv` the listed families
//! ([`Configuration::listed_families`]) and then the rows with placeholders;
//! `forecast.csv` the ordinary rows and then one row per period for each product with a
//! forecast (zeros included, so that it keeps having one); `mix.csv` each product's shares;
//! `orders.csv` the product an order names (`PlanInput::ordered_item`) with its options (an
//! `options` column when some order has them); `receipts.csv` a class's receipts under its class
//! id. Reading that folder expands the products into the same classes again.
//!
//! Every file is written to a temporary file in the same folder and then renamed over its
//! final name, so a reader never sees half a file. Optional tables that a previous write left
//! in the folder (`bom.csv`, ...) and that this plan does not have are removed, so that the
//! folder always reads back as `input`.

use crate::error::Error;
use crate::files::write_file_atomically;
use crate::format::csv_field;
use crate::input::{BomEdge, Configurable, Family, Item, LotTerms, Order, PlanInput, Resource, Routing};
use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// Names of the optional CSV tables this writer may produce.
const OPTIONAL_TABLES: [&str; 11] = [
    "bom.csv",
    "resources.csv",
    "capacity.csv",
    "routings.csv",
    "routes.csv",
    "sources.csv",
    "suppliers.csv",
    "families.csv",
    "receipts.csv",
    "forecast.csv",
    "mix.csv",
];

/// Writes `input` as a plan directory (spec section 1, CSV), creating `dir` if needed.
///
/// Writes `plan.toml`, `items.csv` and `orders.csv` (header-only when there are no orders),
/// and `bom.csv`, `resources.csv`, `capacity.csv`, `routings.csv`, `routes.csv` (routes with
/// values of their own), `sources.csv`, `suppliers.csv` (when some supplier has a joint order
/// cost), `families.csv`, `receipts.csv`, `forecast.csv` and `mix.csv` only when they have
/// rows. Configurable products are written as written, not as their planning classes (the
/// module doc). An index out of range in `input` (which a validated input never has) is
/// reported as an [`Error::Output`] of kind `InvalidInput` naming the file being written.
pub fn write_plan_dir(input: &PlanInput, dir: &Path) -> Result<(), Error> {
    fs::create_dir_all(dir).map_err(|source| Error::Output { path: dir.to_path_buf(), source })?;
    let resource_bases: Vec<f64> =
        input.resources.iter().map(|resource| most_frequent_value(&resource.capacity)).collect();
    let products = &input.configuration.products;

    let mut written: Vec<&str> = Vec::new();
    write_file_atomically(dir, "plan.toml", |out| write_plan_toml(input, out))?;
    write_file_atomically(dir, "items.csv", |out| write_items(ordinary_items(input), products, out))?;
    write_file_atomically(dir, "orders.csv", |out| write_orders(input, out))?;
    if ordinary_bom(input).next().is_some() || products.iter().any(|product| !product.bom.is_empty()) {
        write_file_atomically(dir, "bom.csv", |out| write_bom(input, out))?;
        written.push("bom.csv");
    }
    if !input.resources.is_empty() {
        write_file_atomically(dir, "resources.csv", |out| write_resources(&input.resources, &resource_bases, out))?;
        written.push("resources.csv");
    }
    if has_capacity_overrides(&input.resources, &resource_bases) {
        write_file_atomically(dir, "capacity.csv", |out| {
            write_capacity_overrides(&input.resources, &resource_bases, out)
        })?;
        written.push("capacity.csv");
    }
    if ordinary_routings(input).next().is_some() || products.iter().any(|product| !product.routings.is_empty()) {
        write_file_atomically(dir, "routings.csv", |out| write_routings(input, out))?;
        written.push("routings.csv");
    }
    if route_rows(input).next().is_some() {
        write_file_atomically(dir, "routes.csv", |out| write_routes(input, out))?;
        written.push("routes.csv");
    }
    if !input.sources.is_empty() {
        write_file_atomically(dir, "sources.csv", |out| write_sources(input, out))?;
        written.push("sources.csv");
    }
    if input.suppliers.iter().any(|supplier| supplier.order_cost != 0.0) {
        write_file_atomically(dir, "suppliers.csv", |out| write_suppliers(input, out))?;
        written.push("suppliers.csv");
    }
    if family_rows(input).next().is_some() {
        write_file_atomically(dir, "families.csv", |out| write_families(input, out))?;
        written.push("families.csv");
    }
    if !input.receipts.is_empty() {
        let rows = input.receipts.iter().map(|r| Ok((item_id(input, r.item)?, r.period, r.quantity)));
        write_file_atomically(dir, "receipts.csv", |out| write_item_period_rows(rows, out))?;
        written.push("receipts.csv");
    }
    if !input.forecast.is_empty() || products.iter().any(|product| !product.forecast.is_empty()) {
        write_file_atomically(dir, "forecast.csv", |out| write_forecast(input, out))?;
        written.push("forecast.csv");
    }
    if products.iter().any(|product| !product.mix.is_empty()) {
        write_file_atomically(dir, "mix.csv", |out| write_mix(products, out))?;
        written.push("mix.csv");
    }
    remove_stale_tables(dir, &written)
}

/// The ordinary items: every item before the first planning class (spec section 1.5).
fn ordinary_items(input: &PlanInput) -> &[Item] {
    let n_ordinary = input.configuration.first_class_item(input.items.len());
    input.items.get(..n_ordinary).unwrap_or(&input.items)
}

/// True when `item_idx` is a planning class (its rows are written as its product's).
fn is_class(input: &PlanInput, item_idx: usize) -> bool {
    item_idx >= input.configuration.first_class_item(input.items.len())
}

/// The BOM edges of ordinary parents (a class's edges are its product's lines).
fn ordinary_bom(input: &PlanInput) -> impl Iterator<Item = &BomEdge> {
    input.bom.iter().filter(|edge| !is_class(input, edge.parent))
}

/// The routing rows of ordinary items (a class's rows are its product's).
fn ordinary_routings(input: &PlanInput) -> impl Iterator<Item = &Routing> {
    input.routings.iter().filter(|routing| !is_class(input, routing.item))
}

/// The rows of `routes.csv`: (item, route, values) of every route with values of its own, the
/// ordinary items' routes, then the products' (a class's routes are its product's).
fn route_rows(input: &PlanInput) -> impl Iterator<Item = io::Result<(&str, &str, &LotTerms)>> {
    let ordinary = input
        .routes
        .iter()
        .filter(|route| !is_class(input, route.item) && route.terms != LotTerms::default())
        .map(|route| Ok((item_id(input, route.item)?, route.id.as_str(), &route.terms)));
    let products = input.configuration.products.iter().flat_map(|product| {
        product
            .routes
            .iter()
            .filter(|route| route.terms != LotTerms::default())
            .map(move |route| Ok((product.item.id.as_str(), route.id.as_str(), &route.terms)))
    });
    ordinary.chain(products)
}

/// The rows of `families.csv`: the listed families (a plan without products lists all), then
/// the rows with placeholders as written.
fn family_rows(input: &PlanInput) -> impl Iterator<Item = &Family> {
    let configuration = &input.configuration;
    let listed = if configuration.is_empty() { input.families.len() } else { configuration.listed_families };
    let listed = input.families.get(..listed).unwrap_or(&input.families);
    listed.iter().chain(&configuration.family_templates)
}

/// Removes optional tables from an earlier write that this plan does not have.
fn remove_stale_tables(dir: &Path, written: &[&str]) -> Result<(), Error> {
    for name in OPTIONAL_TABLES.iter().filter(|name| !written.contains(name)) {
        let path = dir.join(name);
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(source) => return Err(Error::Output { path, source }),
        }
    }
    Ok(())
}

/// An `InvalidInput` error for an index that points outside its table.
fn bad_index(what: &str, index: usize, len: usize) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, format!("{what} index {index} is out of range (the plan has {len})"))
}

/// The id of item `item_idx`, or an `InvalidInput` error.
fn item_id(input: &PlanInput, item_idx: usize) -> io::Result<&str> {
    input.items.get(item_idx).map(|item| item.id.as_str()).ok_or_else(|| bad_index("item", item_idx, input.items.len()))
}

/// The id of resource `resource_idx`, or an `InvalidInput` error.
fn resource_id(input: &PlanInput, resource_idx: usize) -> io::Result<&str> {
    input
        .resources
        .get(resource_idx)
        .map(|resource| resource.id.as_str())
        .ok_or_else(|| bad_index("resource", resource_idx, input.resources.len()))
}

/// Writes one CSV field ([`csv_field`]).
fn write_field(out: &mut dyn Write, text: &str) -> io::Result<()> {
    out.write_all(csv_field(text).as_bytes())
}

/// Writes a number with `{}` (shortest round trip); `-0` is written as `0`.
fn write_number(out: &mut dyn Write, value: f64) -> io::Result<()> {
    if value == 0.0 {
        out.write_all(b"0")
    } else {
        write!(out, "{value}")
    }
}

/// Writes an optional number; `None` is an empty cell.
fn write_optional_number(out: &mut dyn Write, value: Option<f64>) -> io::Result<()> {
    match value {
        Some(value) => write_number(out, value),
        None => Ok(()),
    }
}

/// Writes a header row from column names.
fn write_header(out: &mut dyn Write, columns: &[&str]) -> io::Result<()> {
    out.write_all(columns.join(",").as_bytes())?;
    out.write_all(b"\n")
}

/// A float for TOML: always with a decimal point or exponent (`{:?}`), so it reads as a float.
fn toml_float(value: f64) -> String {
    format!("{value:?}")
}

/// Writes `plan.toml`: the horizon, and `[solver]` with only the settings that are set.
fn write_plan_toml(input: &PlanInput, out: &mut dyn Write) -> io::Result<()> {
    let horizon = &input.horizon;
    writeln!(out, "[horizon]")?;
    writeln!(out, "start = \"{}\"", horizon.start)?;
    writeln!(out, "bucket = \"{}\"", horizon.bucket.as_str())?;
    writeln!(out, "periods = {}", horizon.periods)?;
    let solver = &input.solver;
    if solver.time_limit_s.is_none() && solver.mip_gap.is_none() && solver.threads.is_none() {
        return Ok(());
    }
    writeln!(out, "\n[solver]")?;
    if let Some(time_limit_s) = solver.time_limit_s {
        writeln!(out, "time_limit_s = {}", toml_float(time_limit_s))?;
    }
    if let Some(mip_gap) = solver.mip_gap {
        writeln!(out, "mip_gap = {}", toml_float(mip_gap))?;
    }
    if let Some(threads) = solver.threads {
        writeln!(out, "threads = {threads}")?;
    }
    Ok(())
}

/// The optional columns of `items.csv`, in the spec's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ItemColumn {
    UnitCost,
    HoldingCost,
    BacklogCost,
    UnmetCost,
    LeadTime,
    InitialInventory,
    SafetyStock,
    SafetyStockPenalty,
    MinLot,
    MaxLot,
    LotMultiple,
    OrderCost,
}

impl ItemColumn {
    /// Every optional column, in the order they are written.
    const ALL: [ItemColumn; 12] = [
        ItemColumn::UnitCost,
        ItemColumn::HoldingCost,
        ItemColumn::BacklogCost,
        ItemColumn::UnmetCost,
        ItemColumn::LeadTime,
        ItemColumn::InitialInventory,
        ItemColumn::SafetyStock,
        ItemColumn::SafetyStockPenalty,
        ItemColumn::MinLot,
        ItemColumn::MaxLot,
        ItemColumn::LotMultiple,
        ItemColumn::OrderCost,
    ];

    /// The column name in `items.csv`.
    fn name(self) -> &'static str {
        match self {
            ItemColumn::UnitCost => "unit_cost",
            ItemColumn::HoldingCost => "holding_cost",
            ItemColumn::BacklogCost => "backlog_cost",
            ItemColumn::UnmetCost => "unmet_cost",
            ItemColumn::LeadTime => "lead_time",
            ItemColumn::InitialInventory => "initial_inventory",
            ItemColumn::SafetyStock => "safety_stock",
            ItemColumn::SafetyStockPenalty => "safety_stock_penalty",
            ItemColumn::MinLot => "min_lot",
            ItemColumn::MaxLot => "max_lot",
            ItemColumn::LotMultiple => "lot_multiple",
            ItemColumn::OrderCost => "order_cost",
        }
    }

    /// True when `item` has the default value in this column.
    fn is_default(self, item: &Item) -> bool {
        match self {
            ItemColumn::UnitCost => item.unit_cost == 0.0,
            ItemColumn::HoldingCost => item.holding_cost == 0.0,
            ItemColumn::BacklogCost => item.backlog_cost.is_none(),
            ItemColumn::UnmetCost => item.unmet_cost == 0.0,
            ItemColumn::LeadTime => item.lead_time == 0,
            ItemColumn::InitialInventory => item.initial_inventory == 0.0,
            ItemColumn::SafetyStock => item.safety_stock == 0.0,
            ItemColumn::SafetyStockPenalty => item.safety_stock_penalty == 0.0,
            ItemColumn::MinLot => item.min_lot == 0.0,
            ItemColumn::MaxLot => item.max_lot.is_none(),
            ItemColumn::LotMultiple => item.lot_multiple.is_none(),
            ItemColumn::OrderCost => item.order_cost == 0.0,
        }
    }

    /// Writes `item`'s cell in this column (empty for `None`).
    fn write_cell(self, item: &Item, out: &mut dyn Write) -> io::Result<()> {
        match self {
            ItemColumn::UnitCost => write_number(out, item.unit_cost),
            ItemColumn::HoldingCost => write_number(out, item.holding_cost),
            ItemColumn::BacklogCost => write_optional_number(out, item.backlog_cost),
            ItemColumn::UnmetCost => write_number(out, item.unmet_cost),
            ItemColumn::LeadTime => write!(out, "{}", item.lead_time),
            ItemColumn::InitialInventory => write_number(out, item.initial_inventory),
            ItemColumn::SafetyStock => write_number(out, item.safety_stock),
            ItemColumn::SafetyStockPenalty => write_number(out, item.safety_stock_penalty),
            ItemColumn::MinLot => write_number(out, item.min_lot),
            ItemColumn::MaxLot => write_optional_number(out, item.max_lot),
            ItemColumn::LotMultiple => write_optional_number(out, item.lot_multiple),
            ItemColumn::OrderCost => write_number(out, item.order_cost),
        }
    }
}

/// Writes `items.csv`: `item`, `kind`, then the optional columns some item does not default;
/// the ordinary `items`, then the configurable `products` with an `attributes` column (only
/// when there are products).
fn write_items(items: &[Item], products: &[Configurable], out: &mut dyn Write) -> io::Result<()> {
    let rows = || {
        let ordinary = items.iter().map(|item| (item, None));
        ordinary.chain(products.iter().map(|product| (&product.item, Some(product.attributes.as_slice()))))
    };
    let columns: Vec<ItemColumn> =
        ItemColumn::ALL.into_iter().filter(|column| rows().any(|(item, _)| !column.is_default(item))).collect();
    let with_attributes = !products.is_empty();
    let mut header = vec!["item", "kind"];
    header.extend(columns.iter().map(|column| column.name()));
    if with_attributes {
        header.push("attributes");
    }
    write_header(out, &header)?;
    for (item, attributes) in rows() {
        write_field(out, &item.id)?;
        out.write_all(b",")?;
        out.write_all(item.kind.as_str().as_bytes())?;
        for column in &columns {
            out.write_all(b",")?;
            column.write_cell(item, out)?;
        }
        if with_attributes {
            out.write_all(b",")?;
            if let Some(attributes) = attributes {
                write_field(out, &attributes.join(";"))?;
            }
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The item an order names in `orders.csv`: its configurable product, else its item.
fn ordered_item_id<'a>(input: &'a PlanInput, order: &Order) -> io::Result<&'a str> {
    match &order.options {
        Some(options) => {
            let products = &input.configuration.products;
            products
                .get(options.product)
                .map(|product| product.item.id.as_str())
                .ok_or_else(|| bad_index("product", options.product, products.len()))
        }
        None => item_id(input, order.item),
    }
}

/// Writes `orders.csv`; the `market` column only when some order has a market, `options` only
/// when some order has options (an order of a configurable product names the product).
fn write_orders(input: &PlanInput, out: &mut dyn Write) -> io::Result<()> {
    let with_market = input.orders.iter().any(|order| order.market.is_some());
    let with_options = input.orders.iter().any(|order| order.options.is_some());
    let mut header = vec!["order_id", "item", "quantity", "due_date"];
    if with_market {
        header.push("market");
    }
    if with_options {
        header.push("options");
    }
    write_header(out, &header)?;
    for order in &input.orders {
        write_field(out, &order.id)?;
        out.write_all(b",")?;
        write_field(out, ordered_item_id(input, order)?)?;
        out.write_all(b",")?;
        write_number(out, order.quantity)?;
        write!(out, ",{}", order.due_date)?;
        if with_market {
            out.write_all(b",")?;
            if let Some(market) = &order.market {
                write_field(out, market)?;
            }
        }
        if with_options {
            out.write_all(b",")?;
            if let Some(options) = &order.options {
                write_field(out, &options.text)?;
            }
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes `bom.csv`: the ordinary edges, then the products' lines as written; `when` only when
/// some line has a condition.
fn write_bom(input: &PlanInput, out: &mut dyn Write) -> io::Result<()> {
    let products = &input.configuration.products;
    let with_when = products.iter().flat_map(|product| &product.bom).any(|line| !line.when.is_empty());
    let mut header = vec!["parent", "component", "quantity"];
    if with_when {
        header.push("when");
    }
    write_header(out, &header)?;
    let ordinary = ordinary_bom(input).map(|edge| -> io::Result<_> {
        Ok((item_id(input, edge.parent)?, item_id(input, edge.component)?, edge.quantity, ""))
    });
    let lines = products.iter().flat_map(|product| {
        let parent = product.item.id.as_str();
        product.bom.iter().map(move |line| Ok((parent, line.component.as_str(), line.quantity, line.when.as_str())))
    });
    for row in ordinary.chain(lines) {
        let (parent, component, quantity, when) = row?;
        write_field(out, parent)?;
        out.write_all(b",")?;
        write_field(out, component)?;
        out.write_all(b",")?;
        write_number(out, quantity)?;
        if with_when {
            out.write_all(b",")?;
            write_field(out, when)?;
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The most frequent value of `values` (ties: the smallest); 0 for an empty slice.
///
/// `-0` counts as `0`. This is the capacity written in `resources.csv`; the periods with
/// other values become `capacity.csv` overrides.
pub(crate) fn most_frequent_value(values: &[f64]) -> f64 {
    let mut sorted: Vec<f64> = values.iter().map(|&v| if v == 0.0 { 0.0 } else { v }).collect();
    sorted.sort_by(f64::total_cmp);
    let mut best: Option<(f64, usize)> = None;
    for run in sorted.chunk_by(|a, b| a == b) {
        let is_better = best.is_none_or(|(_, best_count)| run.len() > best_count);
        if let (true, Some(&value)) = (is_better, run.first()) {
            best = Some((value, run.len()));
        }
    }
    best.map_or(0.0, |(value, _)| value)
}

/// Writes `resources.csv` with each resource's base capacity; the overtime columns only when
/// some resource has overtime.
fn write_resources(resources: &[Resource], bases: &[f64], out: &mut dyn Write) -> io::Result<()> {
    let with_overtime_max = resources.iter().any(|r| r.overtime_max != 0.0);
    let with_overtime_cost = resources.iter().any(|r| r.overtime_cost != 0.0);
    let mut header = vec!["resource", "capacity"];
    if with_overtime_max {
        header.push("overtime_max");
    }
    if with_overtime_cost {
        header.push("overtime_cost");
    }
    write_header(out, &header)?;
    for (resource, &base) in resources.iter().zip(bases) {
        write_field(out, &resource.id)?;
        out.write_all(b",")?;
        write_number(out, base)?;
        if with_overtime_max {
            out.write_all(b",")?;
            write_number(out, resource.overtime_max)?;
        }
        if with_overtime_cost {
            out.write_all(b",")?;
            write_number(out, resource.overtime_cost)?;
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The 0-based periods where `resource`'s capacity differs from `base`, with that capacity.
fn capacity_overrides(resource: &Resource, base: f64) -> impl Iterator<Item = (usize, f64)> + '_ {
    resource.capacity.iter().copied().enumerate().filter(move |&(_, capacity)| capacity != base)
}

/// True when some resource has a period whose capacity differs from its base.
fn has_capacity_overrides(resources: &[Resource], bases: &[f64]) -> bool {
    resources.iter().zip(bases).any(|(resource, &base)| capacity_overrides(resource, base).next().is_some())
}

/// Writes `capacity.csv`: one row per period whose capacity differs from the base.
fn write_capacity_overrides(resources: &[Resource], bases: &[f64], out: &mut dyn Write) -> io::Result<()> {
    write_header(out, &["resource", "period", "capacity"])?;
    for (resource, &base) in resources.iter().zip(bases) {
        for (period, capacity) in capacity_overrides(resource, base) {
            write_field(out, &resource.id)?;
            write!(out, ",{},", period + 1)?;
            write_number(out, capacity)?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// The id of route `route_idx`, or an `InvalidInput` error.
fn route_id(input: &PlanInput, route_idx: usize) -> io::Result<&str> {
    input
        .routes
        .get(route_idx)
        .map(|route| route.id.as_str())
        .ok_or_else(|| bad_index("route", route_idx, input.routes.len()))
}

/// One row of `routings.csv` with its ids resolved: an ordinary item's row, or a configurable
/// product's as written.
struct RoutingRow<'a> {
    item: &'a str,
    route: Option<&'a str>,
    resource: usize,
    unit_time: f64,
    setup_time: f64,
    setup_cost: f64,
    family: Option<&'a str>,
    when: &'a str,
}

/// The rows of `routings.csv`: the ordinary items' rows, then the products' as written.
fn routing_rows(input: &PlanInput) -> io::Result<Vec<RoutingRow<'_>>> {
    let mut rows = Vec::new();
    for routing in ordinary_routings(input) {
        let route = routing.route.map(|route_idx| route_id(input, route_idx)).transpose()?;
        let family = routing
            .family
            .map(|family_idx| {
                let family = input.families.get(family_idx);
                family
                    .map(|family| family.id.as_str())
                    .ok_or_else(|| bad_index("family", family_idx, input.families.len()))
            })
            .transpose()?;
        rows.push(RoutingRow {
            item: item_id(input, routing.item)?,
            route,
            resource: routing.resource,
            unit_time: routing.unit_time,
            setup_time: routing.setup_time,
            setup_cost: routing.setup_cost,
            family,
            when: "",
        });
    }
    for product in &input.configuration.products {
        for row in &product.routings {
            rows.push(RoutingRow {
                item: &product.item.id,
                route: row.route.as_deref(),
                resource: row.resource,
                unit_time: row.unit_time,
                setup_time: row.setup_time,
                setup_cost: row.setup_cost,
                family: row.family.as_deref(),
                when: &row.when,
            });
        }
    }
    Ok(rows)
}

/// Writes `routings.csv`; each of `unit_time`, `setup_time`, `setup_cost` only when some
/// routing has a non-zero value in it, `route` (after `item`), `family` and `when` (last) only
/// when some routing names one.
fn write_routings(input: &PlanInput, out: &mut dyn Write) -> io::Result<()> {
    let routings = routing_rows(input)?;
    let with_route = routings.iter().any(|r| r.route.is_some());
    let with_unit_time = routings.iter().any(|r| r.unit_time != 0.0);
    let with_setup_time = routings.iter().any(|r| r.setup_time != 0.0);
    let with_setup_cost = routings.iter().any(|r| r.setup_cost != 0.0);
    let with_family = routings.iter().any(|r| r.family.is_some());
    let with_when = routings.iter().any(|r| !r.when.is_empty());
    let mut header = vec!["item"];
    if with_route {
        header.push("route");
    }
    header.push("resource");
    let optional = [(with_unit_time, "unit_time"), (with_setup_time, "setup_time"), (with_setup_cost, "setup_cost")];
    header.extend(optional.iter().filter(|(on, _)| *on).map(|(_, name)| *name));
    if with_family {
        header.push("family");
    }
    if with_when {
        header.push("when");
    }
    write_header(out, &header)?;
    for routing in &routings {
        write_field(out, routing.item)?;
        out.write_all(b",")?;
        if with_route {
            if let Some(route) = routing.route {
                write_field(out, route)?;
            }
            out.write_all(b",")?;
        }
        write_field(out, resource_id(input, routing.resource)?)?;
        let values = [
            (with_unit_time, routing.unit_time),
            (with_setup_time, routing.setup_time),
            (with_setup_cost, routing.setup_cost),
        ];
        for (_, value) in values.iter().filter(|(on, _)| *on) {
            out.write_all(b",")?;
            write_number(out, *value)?;
        }
        for (on, text) in [(with_family, routing.family.unwrap_or("")), (with_when, routing.when)] {
            if on {
                out.write_all(b",")?;
                write_field(out, text)?;
            }
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// One lot-value cell of a route or source row (`None`: the item's value, an empty cell).
enum TermCell {
    Number(Option<f64>),
    Whole(Option<usize>),
}

impl TermCell {
    /// The six cells of `terms`, in items.csv's column order.
    fn of(terms: &LotTerms) -> [TermCell; 6] {
        [
            TermCell::Number(terms.unit_cost),
            TermCell::Whole(terms.lead_time),
            TermCell::Number(terms.min_lot),
            TermCell::Number(terms.max_lot),
            TermCell::Number(terms.lot_multiple),
            TermCell::Number(terms.order_cost),
        ]
    }

    fn is_set(&self) -> bool {
        match self {
            TermCell::Number(value) => value.is_some(),
            TermCell::Whole(value) => value.is_some(),
        }
    }

    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        match *self {
            TermCell::Number(value) => write_optional_number(out, value),
            TermCell::Whole(Some(value)) => write!(out, "{value}"),
            TermCell::Whole(None) => Ok(()),
        }
    }
}

/// The lot-value columns of `routes.csv` and `sources.csv` that some row sets.
struct TermColumns([bool; 6]);

impl TermColumns {
    const NAMES: [&'static str; 6] = ["unit_cost", "lead_time", "min_lot", "max_lot", "lot_multiple", "order_cost"];

    fn used_by<'t>(rows: impl Iterator<Item = &'t LotTerms>) -> Self {
        let mut used = [false; 6];
        for terms in rows {
            for (on, cell) in used.iter_mut().zip(TermCell::of(terms)) {
                *on |= cell.is_set();
            }
        }
        TermColumns(used)
    }

    fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        Self::NAMES.iter().zip(self.0).filter(|(_, on)| *on).map(|(name, _)| *name)
    }

    /// Writes `,value` (empty for the item's value) for every used column.
    fn write_cells(&self, terms: &LotTerms, out: &mut dyn Write) -> io::Result<()> {
        for (on, cell) in self.0.iter().zip(TermCell::of(terms)) {
            if *on {
                out.write_all(b",")?;
                cell.write(out)?;
            }
        }
        Ok(())
    }
}

/// Writes `routes.csv`: one row per route with values of its own, the ordinary items' and then
/// the products'.
fn write_routes(input: &PlanInput, out: &mut dyn Write) -> io::Result<()> {
    let rows = route_rows(input).collect::<io::Result<Vec<_>>>()?;
    let columns = TermColumns::used_by(rows.iter().map(|(_, _, terms)| *terms));
    let mut header = vec!["item", "route"];
    header.extend(columns.names());
    write_header(out, &header)?;
    for (item, route, terms) in rows {
        write_field(out, item)?;
        out.write_all(b",")?;
        write_field(out, route)?;
        columns.write_cells(terms, out)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The id of supplier `supplier_idx`, or an `InvalidInput` error.
fn supplier_id(input: &PlanInput, supplier_idx: usize) -> io::Result<&str> {
    input
        .suppliers
        .get(supplier_idx)
        .map(|supplier| supplier.id.as_str())
        .ok_or_else(|| bad_index("supplier", supplier_idx, input.suppliers.len()))
}

/// Writes `sources.csv`; `max_per_period` only when some source has one.
fn write_sources(input: &PlanInput, out: &mut dyn Write) -> io::Result<()> {
    let columns = TermColumns::used_by(input.sources.iter().map(|source| &source.terms));
    let with_max_per_period = input.sources.iter().any(|source| source.max_per_period.is_some());
    let mut header = vec!["item", "supplier"];
    header.extend(columns.names());
    if with_max_per_period {
        header.push("max_per_period");
    }
    write_header(out, &header)?;
    for source in &input.sources {
        write_field(out, item_id(input, source.item)?)?;
        out.write_all(b",")?;
        write_field(out, supplier_id(input, source.supplier)?)?;
        columns.write_cells(&source.terms, out)?;
        if with_max_per_period {
            out.write_all(b",")?;
            write_optional_number(out, source.max_per_period)?;
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes `suppliers.csv`: every supplier with its joint order cost.
fn write_suppliers(input: &PlanInput, out: &mut dyn Write) -> io::Result<()> {
    write_header(out, &["supplier", "order_cost"])?;
    for supplier in &input.suppliers {
        write_field(out, &supplier.id)?;
        out.write_all(b",")?;
        write_number(out, supplier.order_cost)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes `families.csv` ([`family_rows`]); `setup_time` and `setup_cost` only when some
/// family has one.
fn write_families(input: &PlanInput, out: &mut dyn Write) -> io::Result<()> {
    let with_setup_time = family_rows(input).any(|family| family.setup_time != 0.0);
    let with_setup_cost = family_rows(input).any(|family| family.setup_cost != 0.0);
    let mut header = vec!["family", "resource"];
    if with_setup_time {
        header.push("setup_time");
    }
    if with_setup_cost {
        header.push("setup_cost");
    }
    write_header(out, &header)?;
    for family in family_rows(input) {
        write_field(out, &family.id)?;
        out.write_all(b",")?;
        write_field(out, resource_id(input, family.resource)?)?;
        for (on, value) in [(with_setup_time, family.setup_time), (with_setup_cost, family.setup_cost)] {
            if on {
                out.write_all(b",")?;
                write_number(out, value)?;
            }
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes `forecast.csv`: the ordinary items' rows, then one row per period for each product
/// with a forecast (zeros included: the product keeps having a forecast, so its mix applies).
fn write_forecast(input: &PlanInput, out: &mut dyn Write) -> io::Result<()> {
    let ordinary = input.forecast.iter().map(|f| Ok((item_id(input, f.item)?, f.period, f.quantity)));
    let products = input.configuration.products.iter().flat_map(|product| {
        let id = product.item.id.as_str();
        product.forecast.iter().enumerate().map(move |(period, &quantity)| Ok((id, period, quantity)))
    });
    write_item_period_rows(ordinary.chain(products), out)
}

/// Writes `mix.csv`: each product's shares, in the order read.
fn write_mix(products: &[Configurable], out: &mut dyn Write) -> io::Result<()> {
    write_header(out, &["item", "attribute", "value", "share"])?;
    for product in products {
        for share in &product.mix {
            write_field(out, &product.item.id)?;
            out.write_all(b",")?;
            write_field(out, &share.attribute)?;
            out.write_all(b",")?;
            write_field(out, &share.value)?;
            out.write_all(b",")?;
            write_number(out, share.share)?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// Writes an `item, period, quantity` table (receipts, forecast) with 1-based periods.
fn write_item_period_rows<'a>(
    rows: impl Iterator<Item = io::Result<(&'a str, usize, f64)>>,
    out: &mut dyn Write,
) -> io::Result<()> {
    write_header(out, &["item", "period", "quantity"])?;
    for row in rows {
        let (item, period, quantity) = row?;
        write_field(out, item)?;
        write!(out, ",{},", period + 1)?;
        write_number(out, quantity)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{BomEdge, Bucket, ForecastEntry, Horizon, ItemKind, Order, Receipt, Routing, SolverConfig};
    use chrono::NaiveDate;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
    }

    /// A small plan with awkward ids, every optional table and a few optional columns.
    fn sample_plan() -> PlanInput {
        let mut tee = Item::new("Tee, \"Sunset\"", ItemKind::Make);
        tee.unit_cost = 7.5;
        tee.backlog_cost = Some(1.25);
        tee.lead_time = 1;
        let mut ink = Item::new("Tinte-Ü", ItemKind::Buy);
        ink.unit_cost = 0.1;
        ink.min_lot = 50.0;
        ink.lot_multiple = Some(25.0);
        PlanInput {
            solver: SolverConfig { time_limit_s: None, mip_gap: Some(0.001), threads: None },
            items: vec![tee, ink],
            bom: vec![BomEdge { parent: 0, component: 1, quantity: 0.3 }],
            resources: vec![
                Resource {
                    id: "DTG".into(),
                    capacity: vec![8.0, 8.0, 5.0, 8.0],
                    overtime_max: 0.0,
                    overtime_cost: 0.0,
                },
                Resource {
                    id: "Pack".into(),
                    capacity: vec![6.0, 4.0, 6.0, 4.0],
                    overtime_max: 2.0,
                    overtime_cost: 0.0,
                },
            ],
            routings: vec![Routing::new(0, 0, 0.05, 0.0, 12.0)],
            receipts: vec![Receipt { item: 1, period: 0, quantity: 100.0 }],
            orders: vec![
                Order {
                    id: "SO-1".into(),
                    item: 0,
                    quantity: 3.0,
                    due_date: date(2026, 1, 7),
                    market: Some("DE".into()),
                    options: None,
                },
                Order {
                    id: "SO-2".into(),
                    item: 0,
                    quantity: 1.5,
                    due_date: date(2025, 12, 31),
                    market: None,
                    options: None,
                },
            ],
            forecast: vec![ForecastEntry { item: 0, period: 3, quantity: 10.0 }],
            ..PlanInput::new(Horizon { start: date(2026, 1, 5), bucket: Bucket::Week, periods: 4 })
        }
    }

    fn read(dir: &Path, name: &str) -> String {
        fs::read_to_string(dir.join(name)).unwrap_or_else(|e| format!("<cannot read {name}: {e}>"))
    }

    #[test]
    fn writes_every_table_with_exact_contents() {
        let dir = tempfile::tempdir().expect("temp dir");
        write_plan_dir(&sample_plan(), dir.path()).expect("write");
        let d = dir.path();
        assert_eq!(
            read(d, "plan.toml"),
            "[horizon]\nstart = \"2026-01-05\"\nbucket = \"week\"\nperiods = 4\n\n\
             [solver]\nmip_gap = 0.001\n"
        );
        assert_eq!(
            read(d, "items.csv"),
            "item,kind,unit_cost,backlog_cost,lead_time,min_lot,lot_multiple\n\
             \"Tee, \"\"Sunset\"\"\",make,7.5,1.25,1,0,\n\
             Tinte-Ü,buy,0.1,,0,50,25\n"
        );
        assert_eq!(
            read(d, "orders.csv"),
            "order_id,item,quantity,due_date,market\n\
             SO-1,\"Tee, \"\"Sunset\"\"\",3,2026-01-07,DE\n\
             SO-2,\"Tee, \"\"Sunset\"\"\",1.5,2025-12-31,\n"
        );
        assert_eq!(read(d, "bom.csv"), "parent,component,quantity\n\"Tee, \"\"Sunset\"\"\",Tinte-Ü,0.3\n");
        // DTG: 8 three times -> base 8, period 3 overrides. Pack: 6 and 4 twice each -> the
        // smaller, 4, is the base and periods 1 and 3 are overrides.
        assert_eq!(read(d, "resources.csv"), "resource,capacity,overtime_max\nDTG,8,0\nPack,4,2\n");
        assert_eq!(read(d, "capacity.csv"), "resource,period,capacity\nDTG,3,5\nPack,1,6\nPack,3,6\n");
        assert_eq!(
            read(d, "routings.csv"),
            "item,resource,unit_time,setup_cost\n\"Tee, \"\"Sunset\"\"\",DTG,0.05,12\n"
        );
        assert_eq!(read(d, "receipts.csv"), "item,period,quantity\nTinte-Ü,1,100\n");
        assert_eq!(read(d, "forecast.csv"), "item,period,quantity\n\"Tee, \"\"Sunset\"\"\",4,10\n");
        let leftovers: Vec<String> = fs::read_dir(d)
            .expect("list")
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "temporary files left behind: {leftovers:?}");
    }

    #[test]
    fn minimal_plan_writes_only_required_files_and_removes_stale_tables() {
        let dir = tempfile::tempdir().expect("temp dir");
        write_plan_dir(&sample_plan(), dir.path()).expect("first write");
        let minimal = PlanInput {
            items: vec![Item::new("A", ItemKind::Buy)],
            ..PlanInput::new(Horizon { start: date(2026, 2, 1), bucket: Bucket::Month, periods: 1 })
        };
        write_plan_dir(&minimal, dir.path()).expect("second write");
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .expect("list")
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["items.csv", "orders.csv", "plan.toml"]);
        assert_eq!(
            read(dir.path(), "plan.toml"),
            "[horizon]\nstart = \"2026-02-01\"\nbucket = \"month\"\nperiods = 1\n"
        );
        assert_eq!(read(dir.path(), "items.csv"), "item,kind\nA,buy\n");
        assert_eq!(read(dir.path(), "orders.csv"), "order_id,item,quantity,due_date\n");
    }

    #[test]
    fn creates_nested_directories_and_writes_all_solver_settings() {
        let dir = tempfile::tempdir().expect("temp dir");
        let nested = dir.path().join("a").join("b");
        let mut plan = sample_plan();
        plan.solver = SolverConfig { time_limit_s: Some(60.0), mip_gap: Some(1e-7), threads: Some(2) };
        write_plan_dir(&plan, &nested).expect("write");
        assert_eq!(
            read(&nested, "plan.toml"),
            "[horizon]\nstart = \"2026-01-05\"\nbucket = \"week\"\nperiods = 4\n\n\
             [solver]\ntime_limit_s = 60.0\nmip_gap = 1e-7\nthreads = 2\n"
        );
        let parsed: toml::Table = read(&nested, "plan.toml").parse().expect("valid TOML");
        let solver = parsed.get("solver").and_then(|s| s.as_table()).expect("solver table");
        assert_eq!(solver.get("mip_gap").and_then(|v| v.as_float()), Some(1e-7));
        assert_eq!(solver.get("time_limit_s").and_then(|v| v.as_float()), Some(60.0));
    }

    #[test]
    fn bad_index_is_an_output_error_naming_the_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut plan = sample_plan();
        plan.bom[0].component = 9;
        match write_plan_dir(&plan, dir.path()) {
            Err(Error::Output { path, source }) => {
                assert_eq!(path, dir.path().join("bom.csv"));
                assert_eq!(source.kind(), io::ErrorKind::InvalidInput);
                assert!(source.to_string().contains("item index 9"), "{source}");
            }
            other => panic!("expected an output error, got {other:?}"),
        }
        assert!(!dir.path().join("bom.csv").exists());
    }

    #[test]
    fn unwritable_directory_is_an_output_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("not-a-dir");
        fs::write(&file, "x").expect("write file");
        let result = write_plan_dir(&sample_plan(), &file.join("plan"));
        assert!(matches!(result, Err(Error::Output { .. })), "{result:?}");
    }

    #[test]
    fn field_quoting() {
        let cases = [
            ("plain", "plain"),
            ("T恤-红", "T恤-红"),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("two\nlines", "\"two\nlines\""),
            (" padded", "\" padded\""),
            ("\"", "\"\"\"\""),
        ];
        for (text, expected) in cases {
            let mut out = Vec::new();
            write_field(&mut out, text).expect("write to Vec");
            assert_eq!(String::from_utf8_lossy(&out), expected, "field {text:?}");
        }
    }

    #[test]
    fn numbers_round_trip_and_negative_zero_is_zero() {
        for value in [0.1, 1.0 / 3.0, 1e-9, 123456789.125, 5.0, -0.0, 1e21] {
            let mut out = Vec::new();
            write_number(&mut out, value).expect("write to Vec");
            let text = String::from_utf8_lossy(&out).into_owned();
            assert!(!text.contains('e') && !text.starts_with('-'), "{text}");
            assert_eq!(text.parse::<f64>().ok(), Some(if value == 0.0 { 0.0 } else { value }));
        }
    }

    #[test]
    fn most_frequent_value_breaks_ties_by_the_smallest() {
        // Brute force: count each distinct value directly.
        let cases: [&[f64]; 6] = [
            &[],
            &[3.0],
            &[5.0, 2.0, 5.0, 2.0],
            &[1.0, 7.0, 7.0, 1.0, 7.0],
            &[-0.0, 0.0, 4.0, 4.0, 9.0],
            &[2.5, 1.5, 0.5],
        ];
        for values in cases {
            let mut expected = (0usize, 0.0f64);
            for &candidate in values {
                let count = values.iter().filter(|&&v| v == candidate).count();
                let candidate = if candidate == 0.0 { 0.0 } else { candidate };
                if count > expected.0 || (count == expected.0 && candidate < expected.1) {
                    expected = (count, candidate);
                }
            }
            let got = most_frequent_value(values);
            assert_eq!(got.to_bits(), expected.1.to_bits(), "values {values:?}");
        }
    }
}
