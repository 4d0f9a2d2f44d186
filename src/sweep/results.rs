//! Result rows, the per-KPI summary, and the atomic writing of `results.csv`,
//! `results.parquet` and `summary.json`.

use crate::costs::CostBreakdown;
use crate::error::{Error, Result};
use crate::format::snap;
use crate::format::{csv_field, fmt_float};
use crate::sweep::evaluate::Kpis;
use polars::prelude::{Column, DataFrame, ParquetWriter};
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::LazyLock;

/// Number of cost terms, one result column each.
const N_TERMS: usize = CostBreakdown::NAMES.len();

/// A row's cost by term, in the order of [`CostBreakdown::NAMES`]: one column `cost_<term>`
/// each in the results and one key each in a journal row, so a new term of the objective is a
/// new column without new code here. A term is `None` when the row has no figures, or when the
/// row was journaled by a flexplan that did not know the term yet (it reads back empty).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CostColumns(pub [Option<f64>; N_TERMS]);

impl CostColumns {
    /// Every term of `costs`.
    pub fn of(costs: &CostBreakdown) -> Self {
        CostColumns(costs.values().map(Some))
    }

    /// The term called `name` (as [`CostBreakdown::NAMES`] spells it).
    pub fn get(&self, name: &str) -> Option<f64> {
        CostBreakdown::NAMES.iter().position(|&n| n == name).and_then(|k| self.0[k])
    }
}

/// The column names of the cost terms, `cost_<term>` in the order of [`CostBreakdown::NAMES`].
pub fn cost_columns() -> &'static [String] {
    static NAMES: LazyLock<Vec<String>> =
        LazyLock::new(|| CostBreakdown::NAMES.iter().map(|n| format!("cost_{n}")).collect());
    &NAMES
}

impl Serialize for CostColumns {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(N_TERMS))?;
        for (name, value) in cost_columns().iter().zip(&self.0) {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for CostColumns {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct Columns;
        impl<'de> Visitor<'de> for Columns {
            type Value = CostColumns;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("cost columns cost_<term>")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<CostColumns, A::Error> {
                let mut out = CostColumns::default();
                while let Some(key) = map.next_key::<String>()? {
                    match cost_columns().iter().position(|c| *c == key) {
                        Some(k) => out.0[k] = map.next_value()?,
                        None => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(Columns)
    }
}

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
    /// Cost by term, columns `cost_unit` ... `cost_unmet` (flattened: one key per term).
    #[serde(flatten)]
    pub costs: CostColumns,
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
            costs: CostColumns::default(),
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
        self.costs = CostColumns::of(&c);
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
        for v in self.figures_mut() {
            *v = v.map(snap);
        }
        self.gap = self.gap.map(|g| (g * 1e9).round() / 1e9);
        self.seconds = (self.seconds * 1e3).round() / 1e3;
        self
    }

    /// The figures snapped to 1e-6: every float column but the gap.
    fn figures_mut(&mut self) -> impl Iterator<Item = &mut Option<f64>> {
        std::iter::once(&mut self.objective).chain(self.costs.0.iter_mut()).chain([
            &mut self.demand,
            &mut self.shipped,
            &mut self.unshipped,
            &mut self.fill_rate,
            &mut self.on_time_fill_rate,
            &mut self.peak_utilization,
            &mut self.overtime,
            &mut self.capacity_excess,
            &mut self.material_shortage,
        ])
    }

    /// The float columns' values, in the order of [`float_columns`].
    fn floats(&self) -> Vec<Option<f64>> {
        let mut out = Vec::with_capacity(float_columns().len());
        out.push(self.objective);
        out.extend(self.costs.0);
        out.extend([
            self.demand,
            self.shipped,
            self.unshipped,
            self.fill_rate,
            self.on_time_fill_rate,
            self.peak_utilization,
            self.overtime,
            self.capacity_excess,
            self.material_shortage,
            self.gap,
        ]);
        out
    }

    /// The KPIs summarised, in the order of [`kpi_names`]: the objective, every cost term,
    /// service, load and the gap.
    pub fn kpis(&self) -> Vec<Option<f64>> {
        let mut out = Vec::with_capacity(kpi_names().len());
        out.push(self.objective);
        out.extend(self.costs.0);
        out.extend([
            self.fill_rate,
            self.on_time_fill_rate,
            self.unshipped,
            self.peak_utilization,
            self.overtime,
            self.gap,
        ]);
        out
    }
}

/// The names of the KPIs that `summary.json` summarises (see [`ResultRow::kpis`]).
pub fn kpi_names() -> &'static [String] {
    static NAMES: LazyLock<Vec<String>> = LazyLock::new(|| {
        let mut names = vec!["objective".to_string()];
        names.extend(cost_columns().iter().cloned());
        names.extend(
            ["fill_rate", "on_time_fill_rate", "unshipped", "peak_utilization", "overtime", "gap"].map(String::from),
        );
        names
    });
    &NAMES
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
    let base = rows.iter().find(|r| r.kind == "base").map(ResultRow::kpis);
    let mut kpis = BTreeMap::new();
    let names = kpi_names();
    let mut columns: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    for r in rows {
        for (column, value) in columns.iter_mut().zip(r.kpis()) {
            column.extend(value);
        }
    }
    for ((position, name), mut values) in names.iter().enumerate().zip(columns) {
        values.sort_by(f64::total_cmp);
        let mean = (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64);
        let base_value = base.as_ref().and_then(|b| b[position]);
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

/// The float columns of the results, in order: the objective, `cost_<term>` for every term
/// of [`CostBreakdown::NAMES`], then demand, service, load, shortage and the gap.
pub fn float_columns() -> &'static [String] {
    static NAMES: LazyLock<Vec<String>> = LazyLock::new(|| {
        let mut names = vec!["objective".to_string()];
        names.extend(cost_columns().iter().cloned());
        names.extend(
            [
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
            ]
            .map(String::from),
        );
        names
    });
    &NAMES
}

/// Column names of `results.csv` / `results.parquet`, in order: index, name, kind,
/// parameters, status, stop_reason, the [`float_columns`], nodes, seconds, message, mode.
pub fn result_columns() -> &'static [String] {
    static NAMES: LazyLock<Vec<String>> = LazyLock::new(|| {
        let mut names: Vec<String> =
            ["index", "name", "kind", "parameters", "status", "stop_reason"].map(String::from).to_vec();
        names.extend(float_columns().iter().cloned());
        names.extend(["nodes", "seconds", "message", "mode"].map(String::from));
        names
    });
    &NAMES
}

fn results_csv(rows: &[ResultRow], mode: &str) -> String {
    let mut out = result_columns().join(",");
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
        cells.extend(r.floats().into_iter().map(opt));
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
    let floats: Vec<Vec<Option<f64>>> = rows.iter().map(ResultRow::floats).collect();
    for (position, name) in float_columns().iter().enumerate() {
        columns.push(Column::new(name.into(), floats.iter().map(|f| f[position]).collect::<Vec<_>>()));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> ResultRow {
        let mut row = ResultRow::new(3, "s", "named", "{}".into(), "optimal");
        let costs = CostBreakdown { unit: 1.5, family_setup: 2.0, joint_order: 3.0, unmet: 4.0, ..Default::default() };
        row.set_kpis(&Kpis { costs, demand: 10.0, ..Default::default() });
        row
    }

    #[test]
    fn every_cost_term_is_a_column_and_a_journal_key_in_order() {
        let row = row();
        let json = serde_json::to_string(&row).expect("serialises");
        // The quoted words in order (keys and string values; only keys start with cost_).
        let keys: Vec<&str> = json.split('"').skip(1).step_by(2).filter(|k| k.starts_with("cost_")).collect();
        assert_eq!(keys, cost_columns());
        assert!(json.contains(r#""objective":10.5,"cost_unit":1.5,"#), "{json}");
        assert!(json.contains(r#""cost_unmet":4.0,"cost_change":0.0,"cost_new_lot":0.0,"demand":10.0"#), "{json}");
        assert_eq!(serde_json::from_str::<ResultRow>(&json).expect("reads back"), row);
        assert_eq!(row.costs.get("joint_order"), Some(3.0));
        let header = result_columns().join(",");
        assert!(header.contains(
            "objective,cost_unit,cost_holding,cost_backlog,cost_safety_stock,cost_ordering,cost_setup,cost_overtime,cost_family_setup,cost_joint_order,cost_unmet,cost_change,cost_new_lot,demand,"
        ));
        let csv = results_csv(&[row], "reoptimize");
        let line = csv.lines().nth(1).expect("a row");
        assert_eq!(line.split(',').count(), result_columns().len(), "{line}");
        assert!(line.contains(",10.5,1.5,0,0,0,0,0,0,2,3,4,0,0,10,"), "{line}");
    }

    /// A journal written before the version-2 terms had their columns: its rows read back,
    /// the new terms empty.
    #[test]
    fn a_row_journaled_without_the_new_terms_reads_back_with_them_empty() {
        let old = r#"{"index":0,"name":"base","kind":"base","parameters":"{}","status":"optimal","stop_reason":"completed","objective":17.5,"cost_unit":16.0,"cost_holding":1.5,"cost_backlog":0.0,"cost_safety_stock":0.0,"cost_ordering":0.0,"cost_setup":0.0,"cost_overtime":0.0,"demand":13.0,"shipped":13.0,"unshipped":0.0,"fill_rate":1.0,"on_time_fill_rate":1.0,"peak_utilization":1.0,"overtime":0.0,"capacity_excess":0.0,"material_shortage":0.0,"gap":0.0,"nodes":1,"seconds":0.25,"message":null}"#;
        let row: ResultRow = serde_json::from_str(old).expect("an old row reads");
        assert_eq!(row.objective, Some(17.5));
        assert_eq!(row.costs.get("unit"), Some(16.0));
        assert_eq!(row.costs.get("holding"), Some(1.5));
        for term in ["family_setup", "joint_order", "unmet"] {
            assert_eq!(row.costs.get(term), None, "{term}");
        }
        assert_eq!((row.nodes, row.seconds), (Some(1), 0.25));
    }

    #[test]
    fn the_summary_has_every_cost_term() {
        let summary = summarize(&[row()]);
        for name in cost_columns() {
            assert!(summary.kpis.contains_key(name), "{name}");
        }
        assert_eq!(summary.kpis["cost_unmet"].mean, Some(4.0));
    }
}
