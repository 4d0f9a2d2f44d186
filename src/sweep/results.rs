//! Result rows, the per-KPI summary, and the atomic writing of `results.csv`,
//! `results.parquet` and `summary.json`.

use crate::error::{Error, Result};
use crate::format::snap;
use crate::format::{csv_field, fmt_float};
use crate::sweep::evaluate::Kpis;
use polars::prelude::{Column, DataFrame, ParquetWriter};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// One row of the results: one scenario, whatever happened to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultRow {
    /// Scenario index (rows are sorted by it).
    pub index: usize,
    /// Scenario name.
    pub name: String,
    /// `base`, `named`, `grid` or `monte_carlo`.
    pub kind: String,
    /// What the scenario changes, as compact JSON.
    pub parameters: String,
    /// `optimal`, `feasible`, `infeasible`, `no_solution_found` (reoptimize), `evaluated`
    /// (evaluate), or `error`.
    pub status: String,
    /// Which limit ended the solve (`completed`, `time_limit`, `node_limit`, `other_limit`).
    pub stop_reason: Option<String>,
    /// Objective (total cost).
    pub objective: Option<f64>,
    /// Unit cost term.
    pub cost_unit: Option<f64>,
    /// Holding cost term.
    pub cost_holding: Option<f64>,
    /// Backlog cost term.
    pub cost_backlog: Option<f64>,
    /// Safety-stock penalty term.
    pub cost_safety_stock: Option<f64>,
    /// Order cost term.
    pub cost_ordering: Option<f64>,
    /// Setup cost term.
    pub cost_setup: Option<f64>,
    /// Overtime cost term.
    pub cost_overtime: Option<f64>,
    /// Planned demand.
    pub demand: Option<f64>,
    /// Shipped within the horizon.
    pub shipped: Option<f64>,
    /// Not shipped within the horizon.
    pub unshipped: Option<f64>,
    /// Shipped / demand.
    pub fill_rate: Option<f64>,
    /// Units shipped by their due period / units demanded.
    pub on_time_fill_rate: Option<f64>,
    /// Largest load / capacity.
    pub peak_utilization: Option<f64>,
    /// Overtime hours.
    pub overtime: Option<f64>,
    /// Load above capacity plus overtime_max (evaluate mode).
    pub capacity_excess: Option<f64>,
    /// Unit-periods of components short (evaluate mode).
    pub material_shortage: Option<f64>,
    /// Relative MIP gap of the solve.
    pub gap: Option<f64>,
    /// Branch-and-bound nodes.
    pub nodes: Option<u64>,
    /// Wall-clock seconds of the scenario (the one column that differs between runs).
    pub seconds: f64,
    /// Why there are no figures (error, infeasibility diagnosis).
    pub message: Option<String>,
}

impl ResultRow {
    /// A row with identity and status only.
    pub fn new(index: usize, name: &str, kind: &str, parameters: String, status: &str) -> Self {
        ResultRow {
            index,
            name: name.to_string(),
            kind: kind.to_string(),
            parameters,
            status: status.to_string(),
            stop_reason: None,
            objective: None,
            cost_unit: None,
            cost_holding: None,
            cost_backlog: None,
            cost_safety_stock: None,
            cost_ordering: None,
            cost_setup: None,
            cost_overtime: None,
            demand: None,
            shipped: None,
            unshipped: None,
            fill_rate: None,
            on_time_fill_rate: None,
            peak_utilization: None,
            overtime: None,
            capacity_excess: None,
            material_shortage: None,
            gap: None,
            nodes: None,
            seconds: 0.0,
            message: None,
        }
    }

    /// Fills the figures from `kpis`.
    pub fn set_kpis(&mut self, k: &Kpis) {
        let c = k.costs;
        self.objective = Some(c.total());
        self.cost_unit = Some(c.unit);
        self.cost_holding = Some(c.holding);
        self.cost_backlog = Some(c.backlog);
        self.cost_safety_stock = Some(c.safety_stock);
        self.cost_ordering = Some(c.ordering);
        self.cost_setup = Some(c.setup);
        self.cost_overtime = Some(c.overtime);
        self.demand = Some(k.demand);
        self.shipped = Some(k.shipped);
        self.unshipped = Some(k.unshipped);
        self.fill_rate = Some(k.fill_rate);
        self.on_time_fill_rate = Some(k.on_time_fill_rate);
        self.peak_utilization = k.peak_utilization;
        self.overtime = Some(k.overtime);
        self.capacity_excess = Some(k.capacity_excess);
        self.material_shortage = Some(k.material_shortage);
    }

    /// Rounds every figure to 1e-6 (gap to 1e-9), so a row read back from the journal is
    /// bit-identical to the row computed.
    pub fn snapped(mut self) -> Self {
        for v in self.kpi_fields_mut() {
            *v = v.map(snap);
        }
        self.gap = self.gap.map(|g| (g * 1e9).round() / 1e9);
        self.seconds = (self.seconds * 1e3).round() / 1e3;
        self
    }

    fn kpi_fields_mut(&mut self) -> [&mut Option<f64>; 17] {
        [
            &mut self.objective,
            &mut self.cost_unit,
            &mut self.cost_holding,
            &mut self.cost_backlog,
            &mut self.cost_safety_stock,
            &mut self.cost_ordering,
            &mut self.cost_setup,
            &mut self.cost_overtime,
            &mut self.demand,
            &mut self.shipped,
            &mut self.unshipped,
            &mut self.fill_rate,
            &mut self.on_time_fill_rate,
            &mut self.peak_utilization,
            &mut self.overtime,
            &mut self.capacity_excess,
            &mut self.material_shortage,
        ]
    }

    /// The KPIs summarised, by name.
    pub fn kpis(&self) -> [(&'static str, Option<f64>); 13] {
        [
            ("objective", self.objective),
            ("cost_unit", self.cost_unit),
            ("cost_holding", self.cost_holding),
            ("cost_backlog", self.cost_backlog),
            ("cost_ordering", self.cost_ordering),
            ("cost_setup", self.cost_setup),
            ("cost_overtime", self.cost_overtime),
            ("fill_rate", self.fill_rate),
            ("on_time_fill_rate", self.on_time_fill_rate),
            ("unshipped", self.unshipped),
            ("peak_utilization", self.peak_utilization),
            ("overtime", self.overtime),
            ("gap", self.gap),
        ]
    }
}

/// Summary statistics of one KPI over the scenarios that have it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiSummary {
    /// Scenarios with a value.
    pub count: usize,
    /// Mean.
    pub mean: Option<f64>,
    /// 5th percentile (nearest rank).
    pub p5: Option<f64>,
    /// Median (nearest rank).
    pub p50: Option<f64>,
    /// 95th percentile (nearest rank).
    pub p95: Option<f64>,
    /// Value in the base scenario.
    pub base: Option<f64>,
    /// `mean - base`.
    pub delta_mean_vs_base: Option<f64>,
}

/// `summary.json`: counts by status and the statistics of every KPI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepSummary {
    /// Scenarios in the results.
    pub scenarios: usize,
    /// Scenarios per status.
    pub statuses: BTreeMap<String, usize>,
    /// Statistics per KPI.
    pub kpis: BTreeMap<String, KpiSummary>,
}

/// The nearest-rank percentile `q` (0..=1) of sorted values.
pub fn percentile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len()) - 1).copied()
}

/// Summarises rows (sorted by index; the base is the row of kind `base`).
pub fn summarize(rows: &[ResultRow]) -> SweepSummary {
    let mut statuses = BTreeMap::new();
    for r in rows {
        *statuses.entry(r.status.clone()).or_insert(0) += 1;
    }
    let base = rows.iter().find(|r| r.kind == "base");
    let mut kpis = BTreeMap::new();
    let names = ResultRow::new(0, "", "", String::new(), "").kpis().map(|(n, _)| n);
    for (position, name) in names.iter().enumerate() {
        let mut values: Vec<f64> = rows.iter().filter_map(|r| r.kpis()[position].1).collect();
        values.sort_by(f64::total_cmp);
        let mean = (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64);
        let base_value = base.and_then(|b| b.kpis()[position].1);
        let round = |v: f64| snap(v);
        kpis.insert(
            name.to_string(),
            KpiSummary {
                count: values.len(),
                mean: mean.map(round),
                p5: percentile(&values, 0.05),
                p50: percentile(&values, 0.5),
                p95: percentile(&values, 0.95),
                base: base_value,
                delta_mean_vs_base: mean.zip(base_value).map(|(m, b)| round(m - b)),
            },
        );
    }
    SweepSummary { scenarios: rows.len(), statuses, kpis }
}

/// The summary as a text table (what `flexplan sweep` prints).
pub fn summary_text(summary: &SweepSummary) -> String {
    let mut out = String::new();
    let statuses: Vec<String> = summary.statuses.iter().map(|(s, n)| format!("{n} {s}")).collect();
    out.push_str(&format!("{} scenarios: {}\n", summary.scenarios, statuses.join(", ")));
    out.push_str(&format!(
        "{:<18} {:>14} {:>14} {:>14} {:>14} {:>14} {:>14}\n",
        "kpi", "mean", "p5", "p50", "p95", "base", "delta vs base"
    ));
    let cell = |v: Option<f64>| v.map(|x| format!("{:.4}", x)).unwrap_or_else(|| "-".into());
    for (name, k) in &summary.kpis {
        out.push_str(&format!(
            "{:<18} {:>14} {:>14} {:>14} {:>14} {:>14} {:>14}\n",
            name,
            cell(k.mean),
            cell(k.p5),
            cell(k.p50),
            cell(k.p95),
            cell(k.base),
            cell(k.delta_mean_vs_base)
        ));
    }
    out
}

/// Column names of `results.csv` / `results.parquet`, in order.
pub const RESULT_COLUMNS: [&str; 28] = [
    "index",
    "name",
    "kind",
    "parameters",
    "status",
    "stop_reason",
    "objective",
    "cost_unit",
    "cost_holding",
    "cost_backlog",
    "cost_safety_stock",
    "cost_ordering",
    "cost_setup",
    "cost_overtime",
    "demand",
    "shipped",
    "unshipped",
    "fill_rate",
    "on_time_fill_rate",
    "peak_utilization",
    "overtime",
    "capacity_excess",
    "material_shortage",
    "gap",
    "nodes",
    "seconds",
    "message",
    "mode",
];

fn floats(r: &ResultRow) -> [Option<f64>; 18] {
    [
        r.objective,
        r.cost_unit,
        r.cost_holding,
        r.cost_backlog,
        r.cost_safety_stock,
        r.cost_ordering,
        r.cost_setup,
        r.cost_overtime,
        r.demand,
        r.shipped,
        r.unshipped,
        r.fill_rate,
        r.on_time_fill_rate,
        r.peak_utilization,
        r.overtime,
        r.capacity_excess,
        r.material_shortage,
        r.gap,
    ]
}

fn results_csv(rows: &[ResultRow], mode: &str) -> String {
    let mut out = RESULT_COLUMNS.join(",");
    out.push('\n');
    let opt = |v: Option<f64>| v.map(fmt_float).unwrap_or_default();
    for r in rows {
        let mut cells = vec![
            r.index.to_string(),
            csv_field(&r.name),
            r.kind.clone(),
            csv_field(&r.parameters),
            r.status.clone(),
            r.stop_reason.clone().unwrap_or_default(),
        ];
        cells.extend(floats(r).map(opt));
        cells.push(r.nodes.map(|n| n.to_string()).unwrap_or_default());
        cells.push(fmt_float(r.seconds));
        cells.push(r.message.as_deref().map(csv_field).unwrap_or_default());
        cells.push(mode.to_string());
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

fn results_frame(rows: &[ResultRow], mode: &str) -> Result<DataFrame, polars::error::PolarsError> {
    let text = |name: &str, f: &dyn Fn(&ResultRow) -> Option<String>| {
        Column::new(name.into(), rows.iter().map(f).collect::<Vec<_>>())
    };
    let mut columns = vec![
        Column::new("index".into(), rows.iter().map(|r| r.index as u64).collect::<Vec<_>>()),
        text("name", &|r| Some(r.name.clone())),
        text("kind", &|r| Some(r.kind.clone())),
        text("parameters", &|r| Some(r.parameters.clone())),
        text("status", &|r| Some(r.status.clone())),
        text("stop_reason", &|r| r.stop_reason.clone()),
    ];
    for (position, name) in RESULT_COLUMNS[6..24].iter().enumerate() {
        columns.push(Column::new((*name).into(), rows.iter().map(|r| floats(r)[position]).collect::<Vec<_>>()));
    }
    columns.push(Column::new("nodes".into(), rows.iter().map(|r| r.nodes).collect::<Vec<_>>()));
    columns.push(Column::new("seconds".into(), rows.iter().map(|r| r.seconds).collect::<Vec<_>>()));
    columns.push(text("message", &|r| r.message.clone()));
    columns.push(text("mode", &|_| Some(mode.to_string())));
    DataFrame::new(rows.len(), columns)
}

/// Writes `results.csv`, `results.parquet` and `summary.json` into `out_dir`, each atomically
/// (a file that cannot be made or written is an [`Error::Output`] naming it).
pub fn write_results(out_dir: &Path, rows: &[ResultRow], summary: &SweepSummary, mode: &str) -> Result<()> {
    let not_made =
        |name: &str, reason: String| Error::Output { path: out_dir.join(name), source: std::io::Error::other(reason) };
    let csv = results_csv(rows, mode);
    let write = |name: &str, body: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>| {
        crate::files::write_file_atomically(out_dir, name, |out| body(out))
    };
    write("results.csv", &mut |f| f.write_all(csv.as_bytes()))?;
    let mut frame = results_frame(rows, mode).map_err(|e| not_made("results.parquet", e.to_string()))?;
    write("results.parquet", &mut |f| {
        ParquetWriter::new(f).finish(&mut frame).map(|_| ()).map_err(|e| std::io::Error::other(e.to_string()))
    })?;
    let json = serde_json::to_string_pretty(summary).map_err(|e| not_made("summary.json", e.to_string()))?;
    write("summary.json", &mut |f| f.write_all(format!("{json}\n").as_bytes()))
}
