//! Writing a plan: the output tables of spec section 3, `summary.json`, and order promises.
//!
//! A plan folder is complete or absent: every file is first written into a staging folder
//! beside `OUT_DIR`, which then replaces `OUT_DIR` by renames. A failed or interrupted run leaves
//! the earlier plan in place (at worst, after a crash between the two renames, under the
//! hidden name `.NAME.flexplan-old-PID` next to it).

use crate::error::Error;
use crate::files::write_dir_atomically;
use crate::format::{csv_field, fmt_float, snap};
use crate::input::{ItemKind, Options, PlanInput};
use crate::plan::demand::Demand;
use crate::plan::solve::SolveStatus;
use crate::plan::{PlanOutcome, PlanSolution, SolverInfo};
use polars::prelude::{Column, DataFrame, ParquetWriter};
use serde::Serialize;
use std::fs;
use std::io::Write;
use std::path::Path;

pub use crate::input::table::TableFormat;

/// The names of every file a plan folder may hold (anything else in OUT_DIR is not ours).
pub const PLAN_FILES: [&str; 12] = [
    "lots.csv",
    "inventory.csv",
    "resources.csv",
    "order_promises.csv",
    "changes.csv",
    "lots.parquet",
    "inventory.parquet",
    "resources.parquet",
    "order_promises.parquet",
    "changes.parquet",
    "summary.json",
    // Written by `flexplan report` / `plan --html` into the plan folder; a new plan replaces
    // the whole folder, so an old report never describes a newer plan.
    "report.html",
];

/// One row of `order_promises.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrderPromise {
    /// Index into `input.orders`.
    pub order_idx: usize,
    /// 0-based due period (past-due orders: 0).
    pub due_period: usize,
    /// 0-based period in which the last unit ships; `None` when not within the horizon.
    pub promised_period: Option<usize>,
}

impl OrderPromise {
    /// Periods late (`None` when not shipped within the horizon).
    pub fn periods_late(&self) -> Option<usize> {
        self.promised_period.map(|p| p.saturating_sub(self.due_period))
    }
}

/// Allocates each item's shipments to its firm orders, earliest due first (ties by order id),
/// before any forecast-only demand. An order is promised in the period its last unit ships.
pub fn order_promises(input: &PlanInput, demand: &Demand, solution: &PlanSolution) -> Vec<OrderPromise> {
    let n_periods = solution.n_periods();
    let mut by_item: Vec<Vec<usize>> = vec![Vec::new(); input.items.len()];
    for (o, order) in input.orders.iter().enumerate() {
        if demand.order_period(o).is_some() {
            by_item[order.item].push(o);
        }
    }
    let mut promises = Vec::new();
    for (i, orders) in by_item.iter_mut().enumerate() {
        orders.sort_by(|&a, &b| {
            demand
                .order_period(a)
                .cmp(&demand.order_period(b))
                .then_with(|| input.orders[a].id.cmp(&input.orders[b].id))
        });
        let mut remaining: Vec<f64> = orders.iter().map(|&o| input.orders[o].quantity).collect();
        let mut promised: Vec<Option<usize>> = vec![None; orders.len()];
        let mut next = 0; // first order not fully served
        for t in 0..n_periods {
            let mut available = solution.shipped[(i, t)];
            while next < orders.len() && demand.order_period(orders[next]).is_some_and(|p| p <= t) {
                // Served when what is left is within the feasibility tolerance the plan's
                // numbers are written to (the checker's documented rule).
                let tol = 1e-6 + 1e-9 * input.orders[orders[next]].quantity.abs();
                if remaining[next] > tol && available > 0.0 {
                    let take = remaining[next].min(available);
                    remaining[next] -= take;
                    available -= take;
                }
                if remaining[next] > tol {
                    break;
                }
                promised[next] = Some(t);
                next += 1;
            }
        }
        for (j, &o) in orders.iter().enumerate() {
            promises.push(OrderPromise {
                order_idx: o,
                due_period: demand.order_period(o).unwrap_or(0),
                promised_period: promised[j],
            });
        }
    }
    promises.sort_by_key(|p| p.order_idx);
    promises
}

/// `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// `optimal`, `feasible`, `infeasible` or `no_solution_found`.
    pub status: SolveStatus,
    /// Which limit ended the solve.
    pub stop_reason: crate::plan::solve::StopReason,
    /// Objective of the written plan (the spec's sum).
    pub objective: Option<f64>,
    /// Best proven lower bound.
    pub best_bound: Option<f64>,
    /// Relative gap between objective and bound.
    pub gap: Option<f64>,
    /// The requested relative gap.
    pub mip_gap_target: f64,
    /// Objective by term.
    pub costs: Option<crate::plan::CostBreakdown>,
    /// Units shipped / units demanded within the horizon.
    pub fill_rate: Option<f64>,
    /// Share of planned orders shipped by their due period.
    pub on_time_rate: Option<f64>,
    /// Order counts.
    pub orders: OrderCounts,
    /// Model size.
    pub model: crate::plan::model::ModelSize,
    /// Seconds to build the model (timing: differs between runs).
    pub build_seconds: f64,
    /// Seconds in the solver (timing: differs between runs).
    pub solve_seconds: f64,
    /// Seconds by step of the run (timing: differs between runs). Writing the files, which
    /// follows, is printed by `flexplan plan`.
    pub seconds: crate::plan::Timings,
    /// Branch-and-bound nodes.
    pub nodes: Option<u64>,
    /// Solver name and version.
    pub solver: SolverInfo,
    /// flexplan version.
    pub flexplan_version: &'static str,
    /// Why the plan is infeasible.
    pub diagnosis: Option<crate::plan::diagnose::Diagnosis>,
    /// The solve's incumbent and bound over time (timing: differs between runs), for the
    /// report's progress chart.
    pub progress: Vec<ProgressEntry>,
    /// Per supplier of `sources.csv`, what the plan buys from it (absent without suppliers, so
    /// version-1 summaries are unchanged).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppliers: Vec<SupplierSpend>,
    /// Replanning: the settings and what changed since the previous plan (absent without
    /// replanning).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replan: Option<ReplanSummary>,
}

/// `summary.json`'s `replan`: the settings in force and what changed since the previous plan,
/// over every (way, period) of the horizon (`xp` the previous quantity, `x` the new one).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReplanSummary {
    /// The previous plan folder, as given.
    pub previous: String,
    /// `F`.
    pub frozen_periods: usize,
    /// Cost per unit changed after the fence.
    pub change_cost: f64,
    /// Cost per new lot after the fence.
    pub new_lot_cost: f64,
    /// Lots where the previous plan had none (`xp = 0 < x`).
    pub lots_added: usize,
    /// Previous lots no longer planned (`x = 0 < xp`).
    pub lots_removed: usize,
    /// Lots kept with another quantity (`0 < x != xp > 0`).
    pub lots_changed: usize,
    /// `Σ |x - xp|`.
    pub units_changed: f64,
}

/// One (way, period) whose lot differs from the previous plan's (`xp`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LotChange {
    /// The option (a row of the plan's lots).
    pub option: usize,
    /// 0-based period.
    pub period: usize,
    /// `xp[o,t]` (0: no previous lot).
    pub previous: f64,
    /// `x[o,t]` (0: no lot tonight).
    pub quantity: f64,
}

/// Every (way, period) where `lots` differ from the previous plan, in the order of the lots'
/// cells (option, then period); `None` without replanning. The one comparison behind
/// `changes.csv`, `summary.json`'s `replan` counts and `plan`'s closing lines.
pub fn lot_changes(options: &Options, lots: &crate::grid::Grid<f64>) -> Option<Vec<LotChange>> {
    let previous = options.previous()?;
    let mut changes = Vec::new();
    for o in 0..lots.rows() {
        for t in 0..lots.periods() {
            let (quantity, previous) = (lots[(o, t)], previous[(o, t)]);
            if quantity != previous {
                changes.push(LotChange { option: o, period: t, previous, quantity });
            }
        }
    }
    Some(changes)
}

/// What changed between the previous plan `xp` and `lots` ([`ReplanSummary`]); `None` without
/// replanning.
pub fn replan_summary(input: &PlanInput, options: &Options, lots: &crate::grid::Grid<f64>) -> Option<ReplanSummary> {
    let replan = input.replan.as_ref()?;
    let changes = lot_changes(options, lots)?;
    let mut summary = ReplanSummary {
        previous: replan.previous.display().to_string(),
        frozen_periods: replan.frozen_periods,
        change_cost: replan.change_cost,
        new_lot_cost: replan.new_lot_cost,
        lots_added: 0,
        lots_removed: 0,
        lots_changed: 0,
        units_changed: 0.0,
    };
    for change in &changes {
        match (change.previous > 0.0, change.quantity > 0.0) {
            (false, true) => summary.lots_added += 1,
            (true, false) => summary.lots_removed += 1,
            _ => summary.lots_changed += 1,
        }
        summary.units_changed += (change.quantity - change.previous).abs();
    }
    summary.units_changed = snap(summary.units_changed);
    Some(summary)
}

/// One point of `summary.json`'s `progress`: when the solver found a better plan or bound.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProgressEntry {
    /// Seconds since the solve began.
    pub seconds: f64,
    /// Objective of the best plan so far (null before the first).
    pub incumbent: Option<f64>,
    /// Best proven lower bound so far (null before the first).
    pub bound: Option<f64>,
}

/// What a plan buys from one supplier (`summary.json`'s `suppliers`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SupplierSpend {
    /// The supplier's id.
    pub supplier: String,
    /// Units bought over the horizon (all its items).
    pub units: f64,
    /// Purchase lots (one per item and period).
    pub lots: usize,
    /// Periods with at least one lot: the joint orders placed.
    pub orders: usize,
    /// What the plan pays the supplier: units times their unit cost, each lot's `order_cost`,
    /// and the supplier's joint `order_cost` per period with an order.
    pub spend: f64,
}

/// Per supplier, the units, lots, joint orders and spend of the plan's lots (`lots` per option,
/// as [`PlanSolution::lots`]); empty when the plan has no suppliers.
pub fn supplier_spend(input: &PlanInput, options: &Options, lots: &crate::grid::Grid<f64>) -> Vec<SupplierSpend> {
    let mut bought_from = vec![Vec::new(); input.suppliers.len()];
    for (o, option) in options.all().iter().enumerate() {
        if let Some(list) = option.supplier().and_then(|v| bought_from.get_mut(v)) {
            list.push(o);
        }
    }
    let ordering = crate::plan::solution::joint_orders(input, options, lots);
    input
        .suppliers
        .iter()
        .zip(&bought_from)
        .enumerate()
        .map(|(v, (supplier, bought))| {
            let mut spend = SupplierSpend { supplier: supplier.id.clone(), units: 0.0, lots: 0, orders: 0, spend: 0.0 };
            for t in 0..input.n_periods() {
                for &o in bought.iter().filter(|&&o| lots[(o, t)] > 0.0) {
                    let x = lots[(o, t)];
                    spend.units += x;
                    spend.lots += 1;
                    spend.spend += options.get(o).unit_cost * x + options.get(o).order_cost;
                }
                if ordering[(v, t)] {
                    spend.orders += 1;
                    spend.spend += supplier.order_cost;
                }
            }
            spend.units = snap(spend.units);
            spend.spend = snap(spend.spend);
            spend
        })
        .collect()
}

/// Order counts in the summary.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct OrderCounts {
    /// All orders read.
    pub total: usize,
    /// Orders planned (due before the end of the horizon, past due included).
    pub planned: usize,
    /// Orders due before the horizon start (planned as due in period 1).
    pub past_due: usize,
    /// Orders due on or after the end of the horizon (left out).
    pub beyond_horizon: usize,
    /// Units of those orders.
    pub beyond_horizon_quantity: f64,
    /// Planned orders shipped late.
    pub late: usize,
    /// Planned orders not fully shipped within the horizon.
    pub unshipped: usize,
}

/// Builds the summary of an outcome.
pub fn summarize(input: &PlanInput, outcome: &PlanOutcome, promises: &[OrderPromise], mip_gap: f64) -> Summary {
    let counts = outcome.demand.counts();
    let late = promises.iter().filter(|p| p.periods_late().is_some_and(|l| l > 0)).count();
    let unshipped = promises.iter().filter(|p| p.promised_period.is_none()).count();
    let fill_rate = outcome.solution.as_ref().map(|s| {
        let demanded: f64 = s.demand.cells().iter().sum();
        let shipped: f64 = s.shipped.cells().iter().sum();
        if demanded > 0.0 {
            snap(shipped / demanded)
        } else {
            1.0
        }
    });
    let on_time_rate = outcome.solution.as_ref().map(|_| {
        if promises.is_empty() {
            1.0
        } else {
            let on_time = promises.iter().filter(|p| p.periods_late() == Some(0)).count();
            snap(on_time as f64 / promises.len() as f64)
        }
    });
    Summary {
        status: outcome.status,
        stop_reason: outcome.stop_reason,
        objective: outcome.costs.map(|c| snap(c.total())),
        best_bound: outcome.best_bound.map(snap),
        gap: outcome.gap.map(|g| (g * 1e9).round() / 1e9),
        mip_gap_target: mip_gap,
        costs: outcome.costs.map(|c| c.map(snap)),
        fill_rate,
        on_time_rate,
        orders: OrderCounts {
            total: input.orders.len(),
            planned: promises.len(),
            past_due: counts.past_due,
            beyond_horizon: counts.beyond_horizon,
            beyond_horizon_quantity: snap(counts.quantity_beyond_horizon),
            late,
            unshipped,
        },
        model: outcome.size,
        build_seconds: outcome.build_seconds,
        solve_seconds: outcome.solve_seconds,
        seconds: outcome.timings,
        nodes: outcome.nodes,
        solver: outcome.solver.clone(),
        flexplan_version: env!("CARGO_PKG_VERSION"),
        diagnosis: outcome.diagnosis.clone(),
        progress: outcome
            .progress
            .iter()
            .map(|p| ProgressEntry {
                seconds: (p.seconds * 1e3).round() / 1e3,
                incumbent: p.incumbent.is_finite().then(|| snap(p.incumbent)),
                bound: p.bound.is_finite().then(|| snap(p.bound)),
            })
            .collect(),
        suppliers: outcome
            .solution
            .as_ref()
            .map(|s| supplier_spend(input, &outcome.options, &s.lots))
            .unwrap_or_default(),
        replan: outcome.solution.as_ref().and_then(|s| replan_summary(input, &outcome.options, &s.lots)),
    }
}

/// A table as plain columns: the one shape written as CSV or Parquet.
struct Table {
    name: &'static str,
    columns: Vec<(&'static str, Cells)>,
}

enum Cells {
    Text(Vec<String>),
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
}

impl Cells {
    fn render(&self, row: usize) -> String {
        match self {
            Cells::Text(v) => csv_field(&v[row]),
            Cells::Int(v) => v[row].map(|x| x.to_string()).unwrap_or_default(),
            Cells::Float(v) => v[row].map(fmt_float).unwrap_or_default(),
        }
    }
    fn len(&self) -> usize {
        match self {
            Cells::Text(v) => v.len(),
            Cells::Int(v) => v.len(),
            Cells::Float(v) => v.len(),
        }
    }
}

fn period(t: usize) -> Option<i64> {
    i64::try_from(t + 1).ok()
}

fn plan_tables(input: &PlanInput, options: &Options, s: &PlanSolution, promises: &[OrderPromise]) -> Vec<Table> {
    let n_periods = s.n_periods();
    let (mut item, mut kind, mut route, mut supplier) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut per, mut start, mut avail, mut qty) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    // Lots item by item (an item's options are listed together), each item's lots by period.
    for (i, it) in input.items.iter().enumerate() {
        for t in 0..n_periods {
            for o in options.of_item(i) {
                let x = s.lots[(o, t)];
                if x <= 0.0 {
                    continue;
                }
                let option = options.get(o);
                item.push(it.id.clone());
                kind.push(if option.is_made() { ItemKind::Make } else { ItemKind::Buy }.as_str().to_string());
                let (route_id, supplier_id) = options.way_ids(input, o);
                route.push(route_id.to_string());
                supplier.push(supplier_id.to_string());
                per.push(period(t));
                start.push(input.horizon.period_start(t).map(|d| d.to_string()).unwrap_or_default());
                avail.push(period(t + option.lead_time));
                qty.push(Some(x));
            }
        }
    }
    let lots = Table {
        name: "lots",
        columns: vec![
            ("item", Cells::Text(item)),
            ("kind", Cells::Text(kind)),
            ("route", Cells::Text(route)),
            ("supplier", Cells::Text(supplier)),
            ("period", Cells::Int(per)),
            ("start_date", Cells::Text(start)),
            ("available_period", Cells::Int(avail)),
            ("quantity", Cells::Float(qty)),
        ],
    };
    let mut cols: [Vec<Option<f64>>; 5] = Default::default();
    let (mut item, mut per) = (Vec::new(), Vec::new());
    for (i, it) in input.items.iter().enumerate() {
        for t in 0..n_periods {
            let k = (i, t);
            item.push(it.id.clone());
            per.push(period(t));
            for (c, v) in cols.iter_mut().zip([s.demand[k], s.shipped[k], s.inventory[k], s.backlog[k], s.shortfall[k]])
            {
                c.push(Some(v));
            }
        }
    }
    let [demand, shipped, inventory, backlog, shortfall] = cols;
    let inventory_table = Table {
        name: "inventory",
        columns: vec![
            ("item", Cells::Text(item)),
            ("period", Cells::Int(per)),
            ("demand", Cells::Float(demand)),
            ("shipped", Cells::Float(shipped)),
            ("inventory", Cells::Float(inventory)),
            ("backlog", Cells::Float(backlog)),
            ("safety_shortfall", Cells::Float(shortfall)),
        ],
    };
    let mut cols: [Vec<Option<f64>>; 5] = Default::default();
    let (mut res, mut per) = (Vec::new(), Vec::new());
    for (r, resource) in input.resources.iter().enumerate() {
        for t in 0..n_periods {
            let k = (r, t);
            let cap = resource.capacity[t];
            let load = s.run_time[k] + s.setup_time[k];
            res.push(resource.id.clone());
            per.push(period(t));
            let utilization = (cap > 0.0).then(|| snap(load / cap));
            for (c, v) in cols.iter_mut().zip([
                Some(cap),
                Some(s.run_time[k]),
                Some(s.setup_time[k]),
                Some(s.overtime[k]),
                utilization,
            ]) {
                c.push(v);
            }
        }
    }
    let [cap, run, setup, overtime, utilization] = cols;
    let resources = Table {
        name: "resources",
        columns: vec![
            ("resource", Cells::Text(res)),
            ("period", Cells::Int(per)),
            ("capacity", Cells::Float(cap)),
            ("run_time", Cells::Float(run)),
            ("setup_time", Cells::Float(setup)),
            ("overtime", Cells::Float(overtime)),
            ("utilization", Cells::Float(utilization)),
        ],
    };
    let mut ids = Vec::new();
    let mut items = Vec::new();
    let mut quantity = Vec::new();
    let (mut due, mut promised, mut late) = (Vec::new(), Vec::new(), Vec::new());
    let (mut order_options, mut classes) = (Vec::new(), Vec::new());
    for p in promises {
        let order = &input.orders[p.order_idx];
        ids.push(order.id.clone());
        items.push(input.ordered_item(order).to_string());
        order_options.push(order.options.as_ref().map_or_else(String::new, |options| options.text.clone()));
        classes.push(input.items[order.item].id.clone());
        quantity.push(Some(order.quantity));
        due.push(period(p.due_period));
        promised.push(p.promised_period.and_then(period));
        late.push(p.periods_late().and_then(|l| i64::try_from(l).ok()));
    }
    let promises_table = Table {
        name: "order_promises",
        columns: vec![
            ("order_id", Cells::Text(ids)),
            ("item", Cells::Text(items)),
            ("options", Cells::Text(order_options)),
            ("class", Cells::Text(classes)),
            ("quantity", Cells::Float(quantity)),
            ("due_period", Cells::Int(due)),
            ("promised_period", Cells::Int(promised)),
            ("periods_late", Cells::Int(late)),
        ],
    };
    let mut tables = vec![lots, inventory_table, resources, promises_table];
    tables.extend(changes_table(input, options, s));
    tables
}

/// `changes.csv` of replanning: one row per (way, period) whose quantity differs from the
/// previous plan's, in the order of `lots.csv` (item, period, way).
fn changes_table(input: &PlanInput, options: &Options, s: &PlanSolution) -> Option<Table> {
    let mut changes = lot_changes(options, &s.lots)?;
    // An item's options are contiguous, so (item, period, option) is lots.csv's order.
    changes.sort_by_key(|c| (options.get(c.option).item, c.period, c.option));
    let (mut item, mut route, mut supplier, mut per) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut before, mut after) = (Vec::new(), Vec::new());
    for c in &changes {
        let (route_id, supplier_id) = options.way_ids(input, c.option);
        item.push(input.items[options.get(c.option).item].id.clone());
        route.push(route_id.to_string());
        supplier.push(supplier_id.to_string());
        per.push(period(c.period));
        before.push(Some(c.previous));
        after.push(Some(c.quantity));
    }
    Some(Table {
        name: "changes",
        columns: vec![
            ("item", Cells::Text(item)),
            ("route", Cells::Text(route)),
            ("supplier", Cells::Text(supplier)),
            ("period", Cells::Int(per)),
            ("previous_quantity", Cells::Float(before)),
            ("quantity", Cells::Float(after)),
        ],
    })
}

fn write_csv(table: &Table, path: &Path) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(fs::File::create(path)?);
    let header: Vec<&str> = table.columns.iter().map(|(n, _)| *n).collect();
    writeln!(out, "{}", header.join(","))?;
    let n_rows = table.columns.first().map(|(_, c)| c.len()).unwrap_or(0);
    let mut line = String::new();
    for row in 0..n_rows {
        line.clear();
        for (c, (_, cells)) in table.columns.iter().enumerate() {
            if c > 0 {
                line.push(',');
            }
            line.push_str(&cells.render(row));
        }
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    out.into_inner().map_err(|e| e.into_error())?.sync_all()
}

fn write_parquet(table: &Table, path: &Path) -> std::io::Result<()> {
    let to_io = |e: polars::error::PolarsError| std::io::Error::other(e.to_string());
    let columns: Vec<Column> = table
        .columns
        .iter()
        .map(|(name, cells)| match cells {
            Cells::Text(v) => Column::new((*name).into(), v.as_slice()),
            Cells::Int(v) => Column::new((*name).into(), v.as_slice()),
            Cells::Float(v) => Column::new((*name).into(), v.iter().map(|x| x.map(snap)).collect::<Vec<_>>()),
        })
        .collect();
    let height = table.columns.first().map(|(_, c)| c.len()).unwrap_or(0);
    let mut df = DataFrame::new(height, columns).map_err(to_io)?;
    let file = fs::File::create(path)?;
    ParquetWriter::new(file).finish(&mut df).map_err(to_io)?;
    Ok(())
}

/// Writes a complete plan folder atomically. `solution` may be `None` (infeasible or no
/// solution): then nothing is written and `Ok(false)` is returned, leaving OUT_DIR untouched.
pub fn write_plan(
    input: &PlanInput,
    outcome: &PlanOutcome,
    summary: &Summary,
    promises: &[OrderPromise],
    out_dir: &Path,
    format: TableFormat,
) -> Result<bool, Error> {
    let Some(solution) = &outcome.solution else {
        return Ok(false);
    };
    let tables = plan_tables(input, &outcome.options, solution, promises);
    let summary_json = serde_json::to_string_pretty(summary)
        .map_err(|e| Error::Output { path: out_dir.join("summary.json"), source: std::io::Error::other(e) })?;
    write_dir_atomically(out_dir, &PLAN_FILES, |staging| {
        for table in &tables {
            match format {
                TableFormat::Csv => write_csv(table, &staging.join(format!("{}.csv", table.name)))?,
                TableFormat::Parquet => write_parquet(table, &staging.join(format!("{}.parquet", table.name)))?,
            }
        }
        fs::write(staging.join("summary.json"), format!("{summary_json}\n"))
    })?;
    Ok(true)
}

/// The one-line human summary of a `plan` run.
pub fn headline(summary: &Summary, options: &crate::plan::solve::SolveOptions) -> String {
    // Percentages with two significant decimals at least: a 1e-4 gap target reads "0.01%".
    let pct = |v: f64| {
        let p = v * 100.0;
        if p == 0.0 || p.abs() >= 0.1 {
            format!("{p:.1}%")
        } else {
            format!("{}%", fmt_float((p * 1e4).round() / 1e4))
        }
    };
    let money = |v: f64| fmt_float((v * 100.0).round() / 100.0);
    let limit = match summary.stop_reason {
        crate::plan::solve::StopReason::TimeLimit => {
            format!("time limit of {} s", options.time_limit_s.map(fmt_float).unwrap_or_default())
        }
        crate::plan::solve::StopReason::NodeLimit => {
            format!("node limit of {}", options.node_limit.unwrap_or_default())
        }
        _ => "a solver limit".to_string(),
    };
    let why = match summary.stop_reason {
        crate::plan::solve::StopReason::Completed => {
            "the written plan's cost is above the proven bound by more than the gap target".to_string()
        }
        _ => format!("stopped by the {limit}"),
    };
    let service = |s: &Summary| {
        format!(
            "fill rate {}, on time {} ({} of {} orders late, {} unshipped)",
            pct(s.fill_rate.unwrap_or(0.0)),
            pct(s.on_time_rate.unwrap_or(0.0)),
            s.orders.late,
            s.orders.planned,
            s.orders.unshipped
        )
    };
    match summary.status {
        SolveStatus::Optimal => format!(
            "optimal: cost {} (gap {} <= target {}), {} in {:.2} s",
            money(summary.objective.unwrap_or(0.0)),
            pct(summary.gap.unwrap_or(0.0)),
            pct(summary.mip_gap_target),
            service(summary),
            summary.solve_seconds
        ),
        SolveStatus::Feasible => format!(
            "feasible, not proven optimal: {why}; cost {}, best bound {}, gap {}; {}",
            money(summary.objective.unwrap_or(0.0)),
            summary.best_bound.map(money).unwrap_or_else(|| "unknown".into()),
            summary.gap.map(pct).unwrap_or_else(|| "unknown".into()),
            service(summary)
        ),
        SolveStatus::Infeasible => "infeasible: no plan meets every hard constraint. Why:".to_string(),
        SolveStatus::NoSolutionFound => {
            format!("no plan found: stopped by the {limit} before any feasible plan was found")
        }
    }
}

/// Promises, summary and (when there is a plan) the plan folder, in one call: what
/// `flexplan plan` writes. Returns the summary and whether a plan was written.
pub fn write_outcome(
    input: &PlanInput,
    outcome: &PlanOutcome,
    options: &crate::plan::solve::SolveOptions,
    out_dir: &Path,
    format: TableFormat,
) -> Result<(Summary, bool), Error> {
    let promises = match &outcome.solution {
        Some(s) => order_promises(input, &outcome.demand, s),
        None => Vec::new(),
    };
    let summary = summarize(input, outcome, &promises, options.mip_gap);
    let written = write_plan(input, outcome, &summary, &promises, out_dir, format)?;
    Ok((summary, written))
}
