//! What a sweep's report shows, computed from the sweep's journal (every scenario's row, as
//! `results.csv` has them): KPI distributions, cost against service, the effect of each
//! parameter, the best scenarios.

use crate::error::Result;
use crate::sweep::journal::{read_journal, JOURNAL_FILE};
use crate::sweep::results::ResultRow;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Scenarios listed in the best-scenarios table.
pub const BEST_ROWS: usize = 15;
/// Values of one parameter shown in its effect chart (the most frequent).
const EFFECT_VALUES: usize = 12;

/// Everything the sweep report shows.
#[derive(Debug, Clone, Serialize)]
pub struct SweepReport {
    /// The sweep folder's name.
    pub title: String,
    /// `reoptimize` or `evaluate`.
    pub mode: String,
    /// Scenarios in the journal.
    pub scenarios: usize,
    /// Scenarios per status.
    pub statuses: Vec<(String, usize)>,
    /// Every scenario with figures, by index.
    pub points: Vec<ScenarioPoint>,
    /// Per parameter a grid varies: mean cost and fill rate per value, over the grid's scenarios.
    pub effects: Vec<ParameterEffect>,
    /// The cheapest scenarios with a fill rate of at least the median, cheapest first.
    pub best: Vec<ScenarioPoint>,
}

/// One scenario's figures.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioPoint {
    /// Scenario index (0 is the base).
    pub index: usize,
    /// Its name.
    pub name: String,
    /// `base`, `named`, `grid` or `monte_carlo`.
    pub kind: String,
    /// What it changes (the `parameters` column).
    pub parameters: String,
    /// Its status.
    pub status: String,
    /// Total cost.
    pub objective: f64,
    /// Units shipped / demanded.
    pub fill_rate: f64,
    /// Units shipped on time / demanded.
    pub on_time: f64,
    /// The solve's gap (none in evaluate mode).
    pub gap: Option<f64>,
    /// The link to the report of its plan, when the sweep kept it (`--keep-plans`).
    pub plan: Option<String>,
}

/// How one parameter's values move the cost and the service.
#[derive(Debug, Clone, Serialize)]
pub struct ParameterEffect {
    /// The parameter, as a path into `parameters`: `capacity_scale.SEWING`.
    pub parameter: String,
    /// `(value, scenarios, mean cost, mean fill rate)`, in value order.
    pub values: Vec<(String, usize, f64, f64)>,
}

/// True when `dir` holds a sweep's journal.
pub fn is_sweep_folder(dir: &Path) -> bool {
    dir.join(JOURNAL_FILE).is_file()
}

/// Reads the sweep in `dir` and computes its report.
pub fn read_sweep_report(dir: &Path, title: &str) -> Result<SweepReport> {
    let (header, mut rows, _) = read_journal(&dir.join(JOURNAL_FILE))?;
    rows.sort_by_key(|r| r.index);
    Ok(sweep_report(title, &header.mode, &rows))
}

/// Writes the report of every plan the sweep in `sweep_dir` kept (`--keep-plans`) and links
/// each point to it: relative to `out_dir` when it is the sweep folder, else by absolute path.
pub(crate) fn link_kept_plans(report: &mut SweepReport, sweep_dir: &Path, out_dir: &Path) -> Result<()> {
    let plans = sweep_dir.join(crate::sweep::PLANS_DIR);
    if !plans.is_dir() {
        return Ok(());
    }
    let same = std::fs::canonicalize(sweep_dir).ok().is_some_and(|s| std::fs::canonicalize(out_dir).ok() == Some(s));
    let mut kept = Vec::new();
    for point in report.points.iter_mut() {
        let dir = crate::sweep::kept_plan_dir(&plans, point.index);
        let (input_dir, plan_dir) = (dir.join("input"), dir.join("plan"));
        if !plan_dir.join("summary.json").is_file() {
            continue;
        }
        let input = crate::input::read_plan_dir(&input_dir)?;
        let written = super::write_plan_report(&input, &input_dir, &plan_dir)?;
        let link = match same {
            true => written.strip_prefix(sweep_dir).map(Path::to_path_buf).unwrap_or(written),
            false => std::fs::canonicalize(&written).unwrap_or(written),
        };
        point.plan = Some(link.display().to_string());
        kept.push((point.index, point.plan.clone()));
    }
    for best in report.best.iter_mut() {
        best.plan = kept.iter().find(|k| k.0 == best.index).and_then(|k| k.1.clone());
    }
    Ok(())
}

/// The report of a sweep's rows.
pub fn sweep_report(title: &str, mode: &str, rows: &[ResultRow]) -> SweepReport {
    let mut statuses: BTreeMap<String, usize> = BTreeMap::new();
    for row in rows {
        *statuses.entry(row.status.clone()).or_default() += 1;
    }
    let points: Vec<ScenarioPoint> = rows
        .iter()
        .filter_map(|r| {
            Some(ScenarioPoint {
                index: r.index,
                name: r.name.clone(),
                kind: r.kind.clone(),
                parameters: r.parameters.clone(),
                status: r.status.clone(),
                objective: r.objective?,
                fill_rate: r.fill_rate?,
                on_time: r.on_time_fill_rate.unwrap_or(0.0),
                gap: r.gap,
                plan: None,
            })
        })
        .collect();
    let mut fills: Vec<f64> = points.iter().map(|p| p.fill_rate).collect();
    fills.sort_by(f64::total_cmp);
    let median_fill = fills.get(fills.len() / 2).copied().unwrap_or(0.0);
    let mut best: Vec<ScenarioPoint> = points.iter().filter(|p| p.fill_rate >= median_fill).cloned().collect();
    best.sort_by(|a, b| a.objective.total_cmp(&b.objective).then(a.index.cmp(&b.index)));
    best.truncate(BEST_ROWS);
    SweepReport {
        title: title.to_string(),
        mode: mode.to_string(),
        scenarios: rows.len(),
        statuses: statuses.into_iter().collect(),
        effects: effects(&points.iter().filter(|p| p.kind == "grid").cloned().collect::<Vec<_>>()),
        points,
        best,
    }
}

/// The leaves of a `parameters` JSON as `path = value` pairs.
fn leaves(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                leaves(&path, v, out);
            }
        }
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

/// Per parameter that takes at least two values among `points` (the grid scenarios; a point
/// that does not name it counts as "unchanged"), the mean cost and fill rate per value.
fn effects(points: &[ScenarioPoint]) -> Vec<ParameterEffect> {
    let per_point: Vec<BTreeMap<String, String>> = points
        .iter()
        .map(|p| {
            let mut pairs = Vec::new();
            if let Ok(value) = serde_json::from_str::<serde_json::Value>(&p.parameters) {
                leaves("", &value, &mut pairs);
            }
            pairs.into_iter().collect()
        })
        .collect();
    let names: std::collections::BTreeSet<&String> = per_point.iter().flat_map(|m| m.keys()).collect();
    let mut out = Vec::new();
    for name in names {
        let mut groups: BTreeMap<String, (usize, f64, f64)> = BTreeMap::new();
        for (p, params) in points.iter().zip(&per_point) {
            let value = params.get(name).cloned().unwrap_or_else(|| "unchanged".to_string());
            let g = groups.entry(value).or_default();
            g.0 += 1;
            g.1 += p.objective;
            g.2 += p.fill_rate;
        }
        if groups.len() < 2 {
            continue;
        }
        let mut values: Vec<(String, usize, f64, f64)> = groups
            .into_iter()
            .map(|(v, (n, cost, fill))| {
                (v, n, crate::format::snap(cost / n as f64), crate::format::snap(fill / n as f64))
            })
            .collect();
        values.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        values.truncate(EFFECT_VALUES);
        values.sort_by(|a, b| a.0.cmp(&b.0));
        out.push(ParameterEffect { parameter: name.clone(), values });
    }
    out
}
