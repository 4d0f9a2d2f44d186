//! What a plan's report shows, computed from the plan directory and the written plan folder
//! (the same rows `validate` reads): the data behind every chart and table, serializable so
//! tests snapshot it rather than pixels.

use crate::error::Result;
use crate::input::{Options, PlanInput};
use crate::validate::PlanRows;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Items drawn one by one in the stock charts (the rest are in the table).
pub const TOP_ITEMS: usize = 6;
/// Items drawn one by one in a resource's lot chart (the rest are one "other items" row).
pub const LOT_CHART_ITEMS: usize = 12;
/// Suppliers drawn one by one in the purchases chart (the rest are one "other suppliers").
pub const TOP_SUPPLIERS: usize = 7;
/// Resources drawn with their load and lot charts (the busiest; all are in the heatmap).
pub const DETAIL_RESOURCES: usize = 12;
/// Late orders listed (the worst first); the rest are counted.
pub const LATE_ORDER_ROWS: usize = 200;
/// A load at or above this share of capacity counts as full in a late order's reason.
const FULL: f64 = 0.98;

/// Everything the plan report shows.
#[derive(Debug, Clone, Serialize)]
pub struct PlanReport {
    /// The plan directory's name.
    pub title: String,
    /// One label per period: `W1 2026-01-05`.
    pub periods: Vec<String>,
    /// Status, objective, gap, service.
    pub headline: Headline,
    /// The objective by term, largest first (terms of 0 left out).
    pub costs: Vec<(String, f64)>,
    /// Load and lots per resource, in `resources.csv` order.
    pub resources: Vec<ResourceView>,
    /// Every item, costliest first.
    pub items: Vec<ItemLine>,
    /// Stock over time for the [`TOP_ITEMS`] costliest items.
    pub stock: Vec<ItemStock>,
    /// Purchases per supplier and period (spend), the biggest first.
    pub purchases: Vec<SupplierPurchases>,
    /// For every item with more than one way (routes, partner factories, suppliers): the units
    /// each way supplies, by item.
    pub ways: Vec<WayShare>,
    /// Late or unshipped orders, the latest first (at most [`LATE_ORDER_ROWS`]).
    pub late_orders: Vec<LateOrder>,
    /// All late or unshipped orders.
    pub late_orders_total: usize,
    /// The solve's incumbent and bound over time (`summary.json`'s `progress`).
    pub progress: Vec<(f64, Option<f64>, Option<f64>)>,
    /// Replanning: what changed since the previous plan (`changes.csv` and `summary.json`'s
    /// `replan`); absent for a plan made from scratch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<ChangesView>,
}

/// Changed lots listed in the report (the biggest first); the rest are in changes.csv.
pub const CHANGE_ROWS: usize = 200;

/// What changed since the previous plan.
#[derive(Debug, Clone, Serialize)]
pub struct ChangesView {
    /// The previous plan folder, as `summary.json` names it.
    pub previous: String,
    /// Frozen periods.
    pub frozen_periods: u64,
    /// Lots where the previous plan had none.
    pub lots_added: u64,
    /// Previous lots no longer planned.
    pub lots_removed: u64,
    /// Lots kept with another quantity.
    pub lots_changed: u64,
    /// Units changed in all.
    pub units_changed: f64,
    /// Per period, the units added to lots (more than the previous plan had).
    pub more: Vec<f64>,
    /// Per period, the units taken from lots.
    pub less: Vec<f64>,
    /// The biggest changes (at most [`CHANGE_ROWS`]).
    pub rows: Vec<ChangeLine>,
    /// All rows of changes.csv.
    pub rows_total: usize,
}

/// One changed lot.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeLine {
    /// Item id.
    pub item: String,
    /// Route or supplier (empty for the item's unnamed way).
    pub way: String,
    /// 1-based period.
    pub period: i64,
    /// The previous plan's quantity.
    pub previous: f64,
    /// This plan's quantity.
    pub quantity: f64,
}

/// The changes view of a replanned plan over `n_periods`: `changes` (changes.csv's rows) and
/// the counts of `summary.json`'s `replan` (0 where it has none).
pub(crate) fn changes_view(
    n_periods: usize,
    changes: &[crate::validate::ChangeRow],
    summary: &serde_json::Value,
) -> ChangesView {
    let replan = summary.get("replan").cloned().unwrap_or_default();
    let count = |key: &str| replan.get(key).and_then(serde_json::Value::as_u64).unwrap_or(0);
    let (mut more, mut less) = (vec![0.0; n_periods], vec![0.0; n_periods]);
    for row in changes {
        let Some(t) = usize::try_from(row.period - 1).ok().filter(|&t| t < n_periods) else { continue };
        let delta = row.quantity - row.previous_quantity;
        if delta > 0.0 {
            more[t] += delta;
        } else {
            less[t] -= delta;
        }
    }
    let mut biggest: Vec<&crate::validate::ChangeRow> = changes.iter().collect();
    let size = |row: &crate::validate::ChangeRow| (row.quantity - row.previous_quantity).abs();
    biggest.sort_by(|a, b| size(b).total_cmp(&size(a)));
    ChangesView {
        previous: replan.get("previous").and_then(serde_json::Value::as_str).unwrap_or("").to_string(),
        frozen_periods: count("frozen_periods"),
        lots_added: count("lots_added"),
        lots_removed: count("lots_removed"),
        lots_changed: count("lots_changed"),
        units_changed: number(&replan, "units_changed").unwrap_or(0.0),
        more: more.into_iter().map(crate::format::snap).collect(),
        less: less.into_iter().map(crate::format::snap).collect(),
        rows: biggest
            .into_iter()
            .take(CHANGE_ROWS)
            .map(|row| ChangeLine {
                item: row.item.clone(),
                way: if row.route.is_empty() { row.supplier.clone() } else { row.route.clone() },
                period: row.period,
                previous: row.previous_quantity,
                quantity: row.quantity,
            })
            .collect(),
        rows_total: changes.len(),
    }
}

/// The report's first lines.
#[derive(Debug, Clone, Serialize)]
pub struct Headline {
    /// `optimal`, `feasible`, `infeasible`, `no_solution_found`.
    pub status: String,
    /// What ended the solve.
    pub stop_reason: String,
    /// The plan's cost.
    pub objective: Option<f64>,
    /// The best proven lower bound.
    pub best_bound: Option<f64>,
    /// Relative gap between the two.
    pub gap: Option<f64>,
    /// Units shipped / demanded.
    pub fill_rate: Option<f64>,
    /// Orders shipped on time / planned orders.
    pub on_time_rate: Option<f64>,
    /// Planned orders.
    pub orders: usize,
    /// Why the plan is infeasible, in the planner's words (empty otherwise).
    pub diagnosis: Vec<String>,
}

/// One resource: its load per period and what runs on it.
#[derive(Debug, Clone, Serialize)]
pub struct ResourceView {
    /// The resource's id.
    pub resource: String,
    /// Capacity per period.
    pub capacity: Vec<f64>,
    /// Run time per period.
    pub run_time: Vec<f64>,
    /// Setup time (item and family setups) per period.
    pub setup_time: Vec<f64>,
    /// Overtime per period.
    pub overtime: Vec<f64>,
    /// Periods (1-based) whose run and setup time exceed the capacity (overtime used).
    pub overloaded: Vec<usize>,
    /// Largest (run + setup) / capacity over the periods (0 without load).
    pub peak_utilization: f64,
    /// Among the [`DETAIL_RESOURCES`] busiest (most overloaded weeks, then highest peak and
    /// mean utilization): drawn with its load and lot charts.
    pub detailed: bool,
    /// The lot chart's rows: the items with the most hours here, then "other items".
    pub lot_rows: Vec<String>,
    /// The lot chart's cells.
    pub lots: Vec<LotCell>,
}

/// Hours one row of a lot chart takes in one period.
#[derive(Debug, Clone, Serialize)]
pub struct LotCell {
    /// Index into [`ResourceView::lot_rows`].
    pub row: usize,
    /// 1-based period.
    pub period: usize,
    /// Run and item setup hours.
    pub hours: f64,
    /// The setup family (`-` without), or `mixed` in the other-items row.
    pub family: String,
    /// The route (`-` for the unnamed one), or `mixed`.
    pub route: String,
}

/// One item of the all-items table.
#[derive(Debug, Clone, Serialize)]
pub struct ItemLine {
    /// The item's id.
    pub item: String,
    /// `make` or `buy`.
    pub kind: &'static str,
    /// Unit, order and setup costs of its lots plus its holding, backlog and safety-stock costs.
    pub cost: f64,
    /// Units made.
    pub made: f64,
    /// Units bought.
    pub bought: f64,
    /// Mean end-of-period inventory.
    pub mean_inventory: f64,
    /// Largest backlog.
    pub max_backlog: f64,
    /// Periods below safety stock.
    pub short_periods: usize,
    /// Its orders shipped late or not at all.
    pub late_orders: usize,
}

/// Stock of one item over time.
#[derive(Debug, Clone, Serialize)]
pub struct ItemStock {
    /// The item's id.
    pub item: String,
    /// End-of-period inventory.
    pub inventory: Vec<f64>,
    /// Backlog.
    pub backlog: Vec<f64>,
    /// Shortfall below the safety stock.
    pub safety_shortfall: Vec<f64>,
}

/// What the plan buys from one supplier.
#[derive(Debug, Clone, Serialize)]
pub struct SupplierPurchases {
    /// The supplier (`items' own suppliers` for version-1 bought items, `other suppliers`).
    pub supplier: String,
    /// Spend per period: units times unit cost plus each lot's order cost.
    pub spend: Vec<f64>,
    /// Units per period.
    pub units: Vec<f64>,
}

/// What one of an item's ways supplies over the horizon.
#[derive(Debug, Clone, Serialize)]
pub struct WayShare {
    /// The item's id.
    pub item: String,
    /// `route R` or `supplier S` (`the item's route` / `the item's supplier` when unnamed).
    pub way: String,
    /// Units over the horizon.
    pub units: f64,
    /// Its share of the item's units (0 when the item gets none).
    pub share: f64,
    /// Lots.
    pub lots: usize,
}

/// An order shipped late or not at all.
#[derive(Debug, Clone, Serialize)]
pub struct LateOrder {
    /// The order's id.
    pub order: String,
    /// Its item.
    pub item: String,
    /// Units.
    pub quantity: f64,
    /// Due period (1-based).
    pub due: i64,
    /// Promised period (none: not shipped within the horizon).
    pub promised: Option<i64>,
    /// Periods late (none: not shipped).
    pub periods_late: Option<i64>,
    /// Why, in the planner's words.
    pub reason: String,
}

/// `summary.json` of the plan folder `plan_dir`, as JSON: the report reads its fields leniently
/// (a field that is missing, as in a plan written by an older flexplan, is shown as unknown).
pub fn read_summary(plan_dir: &Path) -> Result<serde_json::Value> {
    let path = plan_dir.join("summary.json");
    let text = std::fs::read_to_string(&path).map_err(|source| crate::Error::Read { path: path.clone(), source })?;
    serde_json::from_str(&text).map_err(|e| crate::Error::Plan {
        dir: plan_dir.to_path_buf(),
        problems: crate::InputError::single(crate::Diagnostic::file("summary.json", format!("invalid JSON: {e}"))),
    })
}

/// The report of a written plan: its folder's `rows` and `summary`, for the plan directory read
/// as `input` (the report's `title`, usually the directory's name).
pub fn plan_report(input: &PlanInput, title: &str, rows: &PlanRows, summary: &serde_json::Value) -> PlanReport {
    let n = input.n_periods();
    let options = Options::new(input);
    let item_index = input.item_index_map();
    let periods = (0..n)
        .map(|t| match input.horizon.period_start(t) {
            Some(date) => format!("W{} {date}", t + 1),
            None => format!("W{}", t + 1),
        })
        .collect();
    let period_of = |p: i64| usize::try_from(p - 1).ok().filter(|&t| t < n);

    // Lots per option and period (summed over rows naming the same way).
    let mut lots: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for row in &rows.lots {
        let (Some(&i), Some(t)) = (item_index.get(row.item.as_str()), period_of(row.period)) else { continue };
        if let Some(o) = options.named(input, i, &row.route, &row.supplier) {
            *lots.entry((o, t)).or_default() += row.quantity;
        }
    }

    let mut items: Vec<ItemLine> = input
        .items
        .iter()
        .map(|item| ItemLine {
            item: item.id.clone(),
            kind: item.kind.as_str(),
            cost: 0.0,
            made: 0.0,
            bought: 0.0,
            mean_inventory: 0.0,
            max_backlog: 0.0,
            short_periods: 0,
            late_orders: 0,
        })
        .collect();
    for (&(o, _), &x) in &lots {
        let option = options.get(o);
        let line = &mut items[option.item];
        let setup: f64 = option.routings().iter().map(|&r| input.routings[r].setup_cost).sum();
        line.cost += option.unit_cost * x + option.order_cost + setup;
        if option.is_made() {
            line.made += x;
        } else {
            line.bought += x;
        }
    }
    let mut stock: Vec<Option<ItemStock>> = vec![None; input.items.len()];
    for row in &rows.inventory {
        let (Some(&i), Some(t)) = (item_index.get(row.item.as_str()), period_of(row.period)) else { continue };
        let item = &input.items[i];
        let v = &row.values;
        let line = &mut items[i];
        line.cost += item.holding_cost * v.inventory
            + item.backlog_cost.unwrap_or(0.0) * v.backlog
            + item.safety_stock_penalty * v.safety_shortfall;
        line.mean_inventory += v.inventory / n.max(1) as f64;
        line.max_backlog = line.max_backlog.max(v.backlog);
        line.short_periods += usize::from(v.safety_shortfall > 0.0);
        let series = stock[i].get_or_insert_with(|| ItemStock {
            item: item.id.clone(),
            inventory: vec![0.0; n],
            backlog: vec![0.0; n],
            safety_shortfall: vec![0.0; n],
        });
        series.inventory[t] = v.inventory;
        series.backlog[t] = v.backlog;
        series.safety_shortfall[t] = v.safety_shortfall;
    }

    let resources = resource_views(input, &options, rows, &lots);
    let (late_orders, late_orders_total) = late_orders(input, &options, rows, &resources, &mut items);
    let purchases = purchases(input, &options, &lots);
    let ways = ways(input, &options, &lots);

    for line in &mut items {
        line.cost = crate::format::snap(line.cost);
        line.mean_inventory = crate::format::snap(line.mean_inventory);
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| items[b].cost.total_cmp(&items[a].cost).then(a.cmp(&b)));
    let stock = order.iter().filter_map(|&i| stock[i].clone()).take(TOP_ITEMS).collect();
    let items = order.iter().map(|&i| items[i].clone()).collect();

    PlanReport {
        title: title.to_string(),
        periods,
        headline: headline(summary),
        costs: costs(summary),
        resources,
        items,
        stock,
        purchases,
        ways,
        late_orders,
        late_orders_total,
        progress: progress(summary),
        changes: None,
    }
}

fn number(value: &serde_json::Value, key: &str) -> Option<f64> {
    value.get(key).and_then(serde_json::Value::as_f64)
}

fn text(value: &serde_json::Value, key: &str) -> String {
    value.get(key).and_then(serde_json::Value::as_str).unwrap_or("unknown").to_string()
}

fn headline(summary: &serde_json::Value) -> Headline {
    let diagnosis = summary
        .get("diagnosis")
        .and_then(|d| d.get("findings"))
        .and_then(serde_json::Value::as_array)
        .map(|findings| {
            findings
                .iter()
                .filter_map(|f| f.get("message").and_then(serde_json::Value::as_str))
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    Headline {
        status: text(summary, "status"),
        stop_reason: text(summary, "stop_reason"),
        objective: number(summary, "objective"),
        best_bound: number(summary, "best_bound"),
        gap: number(summary, "gap"),
        fill_rate: number(summary, "fill_rate"),
        on_time_rate: number(summary, "on_time_rate"),
        orders: summary.get("orders").and_then(|o| o.get("planned")).and_then(serde_json::Value::as_u64).unwrap_or(0)
            as usize,
        diagnosis,
    }
}

fn costs(summary: &serde_json::Value) -> Vec<(String, f64)> {
    let mut terms: Vec<(String, f64)> = summary
        .get("costs")
        .and_then(serde_json::Value::as_object)
        .map(|terms| {
            terms.iter().filter_map(|(k, v)| Some((k.clone(), v.as_f64()?))).filter(|(_, v)| *v != 0.0).collect()
        })
        .unwrap_or_default();
    terms.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    terms
}

fn progress(summary: &serde_json::Value) -> Vec<(f64, Option<f64>, Option<f64>)> {
    let Some(points) = summary.get("progress").and_then(serde_json::Value::as_array) else { return Vec::new() };
    points.iter().filter_map(|p| Some((number(p, "seconds")?, number(p, "incumbent"), number(p, "bound")))).collect()
}

/// Load, overloads and the lot chart of every resource.
fn resource_views(
    input: &PlanInput,
    options: &Options,
    rows: &PlanRows,
    lots: &BTreeMap<(usize, usize), f64>,
) -> Vec<ResourceView> {
    let n = input.n_periods();
    let mut views: Vec<ResourceView> = input
        .resources
        .iter()
        .map(|r| ResourceView {
            resource: r.id.clone(),
            capacity: r.capacity.clone(),
            run_time: vec![0.0; n],
            setup_time: vec![0.0; n],
            overtime: vec![0.0; n],
            overloaded: Vec::new(),
            peak_utilization: 0.0,
            detailed: false,
            lot_rows: Vec::new(),
            lots: Vec::new(),
        })
        .collect();
    for row in &rows.resources {
        let (Some(r), Ok(t)) = (input.resource_idx(&row.resource), usize::try_from(row.period - 1)) else { continue };
        let Some(view) = views.get_mut(r).filter(|_| t < n) else { continue };
        view.capacity[t] = row.values.capacity;
        view.run_time[t] = row.values.run_time;
        view.setup_time[t] = row.values.setup_time;
        view.overtime[t] = row.values.overtime;
    }
    for view in &mut views {
        view.overloaded = (0..n)
            .filter(|&t| view.run_time[t] + view.setup_time[t] > view.capacity[t] + 1e-6 * view.capacity[t].max(1.0))
            .map(|t| t + 1)
            .collect();
        view.peak_utilization = crate::format::snap((0..n).map(|t| utilization(view, t)).fold(0.0, f64::max));
    }
    let mean = |v: &ResourceView| (0..n).map(|t| utilization(v, t)).sum::<f64>();
    let mut busiest: Vec<usize> = (0..views.len()).collect();
    busiest.sort_by(|&a, &b| {
        let (va, vb) = (&views[a], &views[b]);
        (vb.overloaded.len().cmp(&va.overloaded.len()))
            .then(vb.peak_utilization.total_cmp(&va.peak_utilization))
            .then(mean(vb).total_cmp(&mean(va)))
            .then(a.cmp(&b))
    });
    for &r in busiest.iter().take(DETAIL_RESOURCES) {
        views[r].detailed = true;
    }
    // Per resource and item: (period, hours, family, route) of each lot.
    type Lots = BTreeMap<usize, Vec<(usize, f64, String, String)>>;
    let mut hours: Vec<Lots> = vec![BTreeMap::new(); views.len()];
    for (&(o, t), &x) in lots {
        let option = options.get(o);
        let (route, _) = options.way_ids(input, o);
        for &row in option.routings() {
            let routing = &input.routings[row];
            let h = x * routing.unit_time + routing.setup_time;
            let family = routing.family.map_or("-".to_string(), |f| input.families[f].id.clone());
            let route = if route.is_empty() { "-".to_string() } else { route.to_string() };
            hours[routing.resource].entry(option.item).or_default().push((t, h, family, route));
        }
    }
    for (view, by_item) in views.iter_mut().zip(hours) {
        let mut ranked: Vec<(usize, f64)> =
            by_item.iter().map(|(&i, cells)| (i, cells.iter().map(|c| c.1).sum::<f64>())).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut other = vec![0.0; n];
        for (rank, (i, _)) in ranked.iter().enumerate() {
            let cells = &by_item[i];
            if rank < LOT_CHART_ITEMS {
                view.lot_rows.push(input.items[*i].id.clone());
                for (t, h, family, route) in cells {
                    view.lots.push(LotCell {
                        row: rank,
                        period: t + 1,
                        hours: crate::format::snap(*h),
                        family: family.clone(),
                        route: route.clone(),
                    });
                }
            } else {
                for (t, h, _, _) in cells {
                    other[*t] += h;
                }
            }
        }
        if ranked.len() > LOT_CHART_ITEMS {
            let row = view.lot_rows.len();
            view.lot_rows.push(format!("{} other items", ranked.len() - LOT_CHART_ITEMS));
            for (t, h) in other.iter().enumerate().filter(|(_, h)| **h > 0.0) {
                let (family, route) = ("mixed".to_string(), "mixed".to_string());
                view.lots.push(LotCell { row, period: t + 1, hours: crate::format::snap(*h), family, route });
            }
        }
    }
    views
}

/// (Run + setup) / capacity of `view` in period `t` (load without capacity counts as full).
pub fn utilization(view: &ResourceView, t: usize) -> f64 {
    let load = view.run_time[t] + view.setup_time[t];
    match view.capacity[t] {
        c if c > 0.0 => load / c,
        _ if load > 0.0 => 1.0,
        _ => 0.0,
    }
}

/// Spend and units per supplier and period, the biggest spenders first.
fn purchases(input: &PlanInput, options: &Options, lots: &BTreeMap<(usize, usize), f64>) -> Vec<SupplierPurchases> {
    let n = input.n_periods();
    let mut by_supplier: BTreeMap<String, SupplierPurchases> = BTreeMap::new();
    for (&(o, t), &x) in lots {
        let option = options.get(o);
        if option.is_made() {
            continue;
        }
        let (_, supplier) = options.way_ids(input, o);
        let name = if supplier.is_empty() { "items' own suppliers" } else { supplier };
        let entry = by_supplier.entry(name.to_string()).or_insert_with(|| SupplierPurchases {
            supplier: name.to_string(),
            spend: vec![0.0; n],
            units: vec![0.0; n],
        });
        entry.spend[t] += option.unit_cost * x + option.order_cost;
        entry.units[t] += x;
    }
    let mut list: Vec<SupplierPurchases> = by_supplier.into_values().collect();
    let total = |s: &SupplierPurchases| s.spend.iter().sum::<f64>();
    list.sort_by(|a, b| total(b).total_cmp(&total(a)).then(a.supplier.cmp(&b.supplier)));
    if list.len() > TOP_SUPPLIERS {
        let rest = list.split_off(TOP_SUPPLIERS - 1);
        let mut other = SupplierPurchases {
            supplier: format!("{} other suppliers", rest.len()),
            spend: vec![0.0; n],
            units: vec![0.0; n],
        };
        for s in rest {
            for t in 0..n {
                other.spend[t] += s.spend[t];
                other.units[t] += s.units[t];
            }
        }
        list.push(other);
    }
    for s in &mut list {
        s.spend.iter_mut().chain(s.units.iter_mut()).for_each(|v| *v = crate::format::snap(*v));
    }
    list
}

/// Per item with several ways, the units, share and lots of each way, in the item's order.
fn ways(input: &PlanInput, options: &Options, lots: &BTreeMap<(usize, usize), f64>) -> Vec<WayShare> {
    let mut out = Vec::new();
    for (i, item) in input.items.iter().enumerate() {
        let of_item = options.of_item(i);
        if of_item.len() < 2 {
            continue;
        }
        let first = out.len();
        for o in of_item {
            let (route, supplier) = options.way_ids(input, o);
            let way = match (options.get(o).is_made(), route, supplier) {
                (true, "", _) => "the item's route".to_string(),
                (true, r, _) => format!("route {r}"),
                (false, _, "") => "the item's supplier".to_string(),
                (false, _, v) => format!("supplier {v}"),
            };
            let (units, count) = (0..input.n_periods())
                .filter_map(|t| lots.get(&(o, t)))
                .fold((0.0, 0), |(u, n), &x| (u + x, n + usize::from(x > 0.0)));
            out.push(WayShare {
                item: item.id.clone(),
                way,
                units: crate::format::snap(units),
                share: 0.0,
                lots: count,
            });
        }
        let total: f64 = out[first..].iter().map(|w| w.units).sum();
        for w in &mut out[first..] {
            w.share = if total > 0.0 { crate::format::snap(w.units / total) } else { 0.0 };
        }
    }
    out
}

/// The late and unshipped orders with a reason each, and their count; counts each item's.
fn late_orders(
    input: &PlanInput,
    options: &Options,
    rows: &PlanRows,
    resources: &[ResourceView],
    items: &mut [ItemLine],
) -> (Vec<LateOrder>, usize) {
    let item_index = input.item_index_map();
    let mut late: Vec<(LateOrder, usize)> = Vec::new();
    for row in &rows.promises {
        let is_late = row.promised_period.is_none() || row.periods_late.is_some_and(|p| p > 0);
        if !is_late {
            continue;
        }
        // A configurable order's item is its product; it is planned (and late) as its class.
        let planned = row.class.as_deref().unwrap_or(row.item.as_str());
        let Some(&i) = item_index.get(planned) else { continue };
        items[i].late_orders += 1;
        let order = LateOrder {
            order: row.order_id.clone(),
            item: planned.to_string(),
            quantity: row.quantity,
            due: row.due_period,
            promised: row.promised_period,
            periods_late: row.periods_late,
            reason: String::new(),
        };
        late.push((order, i));
    }
    let total = late.len();
    late.sort_by(|(a, _), (b, _)| {
        let lateness = |o: &LateOrder| o.periods_late.unwrap_or(i64::MAX);
        lateness(b).cmp(&lateness(a)).then(a.due.cmp(&b.due)).then(a.order.cmp(&b.order))
    });
    late.truncate(LATE_ORDER_ROWS);
    // Reasons only for the orders listed (a big plan has thousands of late orders).
    let late = late
        .into_iter()
        .map(|(order, i)| LateOrder { reason: late_reason(input, options, resources, i, order.due), ..order })
        .collect();
    (late, total)
}

/// The fewest periods from the horizon start until a lot of item `i` can be available: its
/// fastest way's lead time, plus for a made way the slowest component that has no stock or
/// receipt to start from (`None`: no way at all).
fn cumulative_lead_time(input: &PlanInput, options: &Options, i: usize, depth: usize) -> Option<usize> {
    options
        .of_item(i)
        .map(|o| {
            let option = options.get(o);
            let components = if option.is_made() && depth < input.items.len() {
                input
                    .bom
                    .iter()
                    .filter(|e| e.parent == i && e.quantity > 0.0)
                    .filter(|e| {
                        input.items[e.component].initial_inventory <= 0.0
                            && !input.receipts.iter().any(|r| r.item == e.component && r.quantity > 0.0)
                    })
                    .filter_map(|e| cumulative_lead_time(input, options, e.component, depth + 1))
                    .max()
                    .unwrap_or(0)
            } else {
                0
            };
            option.lead_time + components
        })
        .min()
}

/// Why an order of item `i` due in `due` (1-based) is late: the fastest way's lead time is
/// longer than the time to the due date, or every route's resources are full in the periods
/// a lot would have to start, or else backlog was the cheaper choice.
fn late_reason(input: &PlanInput, options: &Options, resources: &[ResourceView], i: usize, due: i64) -> String {
    let ways: Vec<usize> = options.of_item(i).collect();
    let Some(fastest) = cumulative_lead_time(input, options, i, 0) else {
        return "the item has no way to be made or bought".to_string();
    };
    let due_t = usize::try_from(due - 1).unwrap_or(0);
    if due_t < fastest {
        return format!(
            "due in week {due}; its fastest way, with its components' lead times, delivers from week {} on",
            fastest + 1
        );
    }
    let mut blocked = Vec::new();
    for &o in &ways {
        let option = options.get(o);
        let Some(last_start) = due_t.checked_sub(option.lead_time) else { continue };
        let full: Vec<&str> = option
            .routings()
            .iter()
            .map(|&row| input.routings[row].resource)
            .filter(|&r| {
                let view = &resources[r];
                let load = |t: usize| view.run_time[t] + view.setup_time[t];
                (last_start.saturating_sub(1)..=last_start).all(|t| load(t) >= FULL * view.capacity[t])
            })
            .map(|r| resources[r].resource.as_str())
            .collect();
        if !full.is_empty() {
            blocked.push(full.join(", "));
        }
    }
    if !blocked.is_empty() {
        blocked.dedup();
        return format!("{} full in the weeks before the due date", blocked.join("; "));
    }
    "late by choice: the backlog cost is below the cost of making it on time".to_string()
}
