//! Self-contained HTML reports (`flexplan report`, `flexplan plan --html`): one `report.html`
//! that opens offline, with inline SVG charts (plotters, `charts.rs`), inline CSS and a few
//! lines of inline script (table search and paging), rendered by a minijinja template that
//! escapes every value (an id such as `<script>` is shown as text).
//!
//! - `data.rs`: a plan's report from the plan directory and the written plan folder (the rows
//!   `validate` reads), serializable for snapshot tests.
//! - `sweep.rs`: a sweep's report from its journal.
//! - `charts.rs`: the charts.
//!
//! The report reads what the planner wrote; it never re-plans.

pub mod charts;
pub mod data;
pub mod sweep;

use self::charts::{Cell, Line, Stack};
use self::data::{PlanReport, ResourceView};
use self::sweep::SweepReport;
use crate::error::{Error, Result};
use crate::input::PlanInput;
use minijinja::value::Serde;
use minijinja::{context, Environment, Value};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The report's file name inside the plan or sweep folder.
pub const REPORT_FILE: &str = "report.html";

const PLAN_TEMPLATE: &str = include_str!("plan.html");
const SWEEP_TEMPLATE: &str = include_str!("sweep.html");
const STYLE: &str = include_str!("style.css");
const SCRIPT: &str = include_str!("tables.js");

/// Which inputs and which flexplan made a report (its last lines).
#[derive(Debug, Clone, Serialize)]
pub struct Provenance {
    /// This flexplan's version.
    pub report_version: &'static str,
    /// The version that wrote the plan (`summary.json`), when known.
    pub plan_version: Option<String>,
    /// The folder the report is of, as given.
    pub folder: String,
    /// The inputs: the plan directory as given, and per file its size and FNV-1a hash.
    pub inputs: String,
    /// `(file, bytes, hash)` of every input file.
    pub files: Vec<(String, u64, String)>,
    /// Scenario plans the sweep kept and the report links to (0 for a plan's report).
    pub kept_plans: usize,
}

/// FNV-1a, 64 bits: a fingerprint that tells two versions of an input apart (not a security hash).
fn fnv1a(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// The files of `dir` (not recursing), sorted, with their sizes and fingerprints.
fn input_files(dir: &Path) -> Vec<(String, u64, String)> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<(String, u64, String)> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| {
            let bytes = std::fs::read(e.path()).ok()?;
            Some((e.file_name().to_string_lossy().into_owned(), bytes.len() as u64, fnv1a(&bytes)))
        })
        .collect();
    files.sort();
    files
}

fn folder_name(dir: &Path) -> String {
    dir.file_name().map_or_else(|| dir.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// Reads the plan folder `plan_dir` written for the plan directory `input_dir` (read as
/// `input`) and writes `plan_dir/report.html`; returns its path.
pub fn write_plan_report(input: &PlanInput, input_dir: &Path, plan_dir: &Path) -> Result<PathBuf> {
    let rows = crate::validate::read_plan_rows(plan_dir)?;
    let summary = data::read_summary(plan_dir)?;
    let mut report = data::plan_report(input, &folder_name(input_dir), &rows, &summary);
    if let Some(changes) = crate::validate::read_changes(plan_dir)? {
        report.changes = Some(data::changes_view(input.n_periods(), &changes.rows, &summary));
    }
    let provenance = Provenance {
        report_version: env!("CARGO_PKG_VERSION"),
        plan_version: summary.get("flexplan_version").and_then(|v| v.as_str()).map(String::from),
        folder: plan_dir.display().to_string(),
        inputs: input_dir.display().to_string(),
        files: input_files(input_dir),
        kept_plans: 0,
    };
    let html = render_plan(&report, &provenance);
    write_html(plan_dir, &html)
}

/// Reads the sweep folder `sweep_dir` and writes `out_dir/report.html` (`out_dir` is created
/// when missing); returns its path.
pub fn write_sweep_report(sweep_dir: &Path, out_dir: &Path) -> Result<PathBuf> {
    let mut report = sweep::read_sweep_report(sweep_dir, &folder_name(sweep_dir))?;
    std::fs::create_dir_all(out_dir).map_err(|source| Error::Output { path: out_dir.to_path_buf(), source })?;
    sweep::link_kept_plans(&mut report, sweep_dir, out_dir)?;
    let provenance = Provenance {
        report_version: env!("CARGO_PKG_VERSION"),
        plan_version: None,
        folder: sweep_dir.display().to_string(),
        inputs: sweep_dir.display().to_string(),
        files: input_files(sweep_dir).into_iter().filter(|f| f.0 != REPORT_FILE).collect(),
        kept_plans: report.points.iter().filter(|p| p.plan.is_some()).count(),
    };
    let html = render_sweep(&report, &provenance);
    write_html(out_dir, &html)
}

fn write_html(dir: &Path, html: &str) -> Result<PathBuf> {
    crate::files::write_file_atomically(dir, REPORT_FILE, |w| w.write_all(html.as_bytes()))?;
    Ok(dir.join(REPORT_FILE))
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.add_filter("num", |v: Option<f64>, decimals: Option<usize>| match v {
        Some(v) => crate::format::thousands(v, decimals.unwrap_or(2)),
        None => "-".to_string(),
    });
    env.add_filter("pct", |v: Option<f64>| match v {
        Some(v) => format!("{:.2} %", v * 100.0),
        None => "-".to_string(),
    });
    env
}

fn render(name: &str, source: &str, ctx: Value) -> String {
    let mut env = environment();
    // Templates are part of the binary: an error in one is a bug, shown in the page.
    match env.add_template(name, source).and_then(|_| env.get_template(name)).and_then(|t| t.render(ctx)) {
        Ok(html) => html,
        Err(e) => format!("<!doctype html><title>report error</title><pre>{}</pre>", escape(&e.to_string())),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn safe(svg: String) -> Value {
    Value::from_safe_string(svg)
}

/// The capacity chart of one resource: run, setup and overtime hours against capacity.
fn capacity_chart(view: &ResourceView) -> String {
    let within: Vec<f64> = view.run_time.iter().zip(&view.overtime).map(|(r, o)| (r - o).max(0.0)).collect();
    let stacks = [
        Stack { label: "run", values: &within },
        Stack { label: "setup", values: &view.setup_time },
        Stack { label: "overtime", values: &view.overtime },
    ];
    charts::stacked_bars(&stacks, Some(("capacity", &view.capacity)), &view.overloaded, "hours")
}

/// The lot chart of one resource, coloured by family, or by route where no lot has a family.
fn lot_chart(view: &ResourceView, n_periods: usize) -> String {
    let by_family = view.lots.iter().any(|c| c.family != "-" && c.family != "mixed");
    let key_of = |c: &data::LotCell| if by_family { c.family.clone() } else { c.route.clone() };
    let mut keys: Vec<String> = Vec::new();
    for cell in view.lots.iter().filter(|c| c.family != "mixed") {
        let key = key_of(cell);
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    let cells: Vec<Cell> = view
        .lots
        .iter()
        .map(|c| Cell {
            row: c.row,
            period: c.period,
            hours: c.hours,
            key: keys.iter().position(|k| *k == key_of(c)).unwrap_or(usize::MAX),
            other: c.family == "mixed",
        })
        .collect();
    let named: Vec<String> = keys
        .iter()
        .map(|k| match (by_family, k.as_str()) {
            (true, "-") => "no family".to_string(),
            (true, k) => format!("family {k}"),
            (false, "-") => "the item's route".to_string(),
            (false, k) => format!("route {k}"),
        })
        .collect();
    charts::lot_chart(&view.lot_rows, n_periods, &cells, &named)
}

/// The plan report as one HTML page.
pub fn render_plan(report: &PlanReport, provenance: &Provenance) -> String {
    let n = report.periods.len();
    let weeks = |values: &[f64]| values.iter().enumerate().map(|(t, &v)| ((t + 1) as f64, v)).collect::<Vec<_>>();
    let cost_labels: Vec<String> = report.costs.iter().map(|c| c.0.clone()).collect();
    let cost_values: Vec<f64> = report.costs.iter().map(|c| c.1).collect();
    let names: Vec<String> = report.resources.iter().map(|r| r.resource.clone()).collect();
    let shares: Vec<Vec<f64>> =
        report.resources.iter().map(|r| (0..n).map(|t| data::utilization(r, t)).collect()).collect();
    let resources: Vec<Value> = report
        .resources
        .iter()
        .enumerate()
        .filter(|(_, view)| view.detailed)
        .map(|(k, view)| {
            context! {
                id => format!("r{k}"),
                resource => view.resource.clone(),
                overloaded => view.overloaded.clone(),
                capacity_chart => safe(capacity_chart(view)),
                lot_chart => safe(lot_chart(view, n)),
            }
        })
        .collect();
    let stock: Vec<Value> = report
        .stock
        .iter()
        .map(|s| {
            let series = [
                Line { label: "inventory", points: weeks(&s.inventory), dashed: false },
                Line { label: "backlog", points: weeks(&s.backlog), dashed: true },
                Line { label: "below safety stock", points: weeks(&s.safety_shortfall), dashed: true },
            ];
            context! { item => s.item.clone(), chart => safe(charts::lines(&series, "week", "units", true, (370, 220))) }
        })
        .collect();
    let purchase_stacks: Vec<Stack> =
        report.purchases.iter().map(|p| Stack { label: &p.supplier, values: &p.spend }).collect();
    let purchases_chart = if purchase_stacks.is_empty() {
        String::new()
    } else {
        charts::stacked_bars(&purchase_stacks, None, &[], "spend")
    };
    let incumbent: Vec<(f64, f64)> = report.progress.iter().filter_map(|p| Some((p.0, p.1?))).collect();
    let bound: Vec<(f64, f64)> = report.progress.iter().filter_map(|p| Some((p.0, p.2?))).collect();
    let progress_chart = if incumbent.is_empty() && bound.is_empty() {
        String::new()
    } else {
        let series = [
            Line { label: "best plan (incumbent)", points: incumbent, dashed: false },
            Line { label: "proven bound", points: bound, dashed: true },
        ];
        charts::lines(&series, "seconds", "cost", false, (760, 260))
    };
    let changes_chart = match &report.changes {
        Some(changes) => {
            let stacks = [
                Stack { label: "units added to lots", values: &changes.more },
                Stack { label: "units taken from lots", values: &changes.less },
            ];
            charts::stacked_bars(&stacks, None, &[], "units changed")
        }
        None => String::new(),
    };
    let ctx = context! {
        report => Value::from(Serde(report)),
        changes_chart => safe(changes_chart),
        provenance => Value::from(Serde(provenance)),
        style => safe(STYLE.to_string()),
        script => safe(SCRIPT.to_string()),
        costs_chart => safe(charts::bars(&cost_labels, &cost_values, "cost", true)),
        resources => resources,
        utilization_chart => safe(charts::heatmap(&names, &shares, n)),
        stock => stock,
        purchases_chart => safe(purchases_chart),
        progress_chart => safe(progress_chart),
    };
    render("plan.html", PLAN_TEMPLATE, ctx)
}

/// The sweep report as one HTML page.
pub fn render_sweep(report: &SweepReport, provenance: &Provenance) -> String {
    let objective: Vec<f64> = report.points.iter().map(|p| p.objective).collect();
    let fill: Vec<f64> = report.points.iter().map(|p| p.fill_rate * 100.0).collect();
    let on_time: Vec<f64> = report.points.iter().map(|p| p.on_time * 100.0).collect();
    let best: Vec<usize> = report.best.iter().map(|p| p.index).collect();
    let highlight: Vec<bool> = report.points.iter().map(|p| best.contains(&p.index)).collect();
    let scatter: Vec<(f64, f64)> = report.points.iter().map(|p| (p.objective, p.fill_rate)).collect();
    let effects: Vec<Value> = report
        .effects
        .iter()
        .map(|e| {
            let labels: Vec<String> = e.values.iter().map(|v| format!("{} ({}x)", v.0, v.1)).collect();
            let costs: Vec<f64> = e.values.iter().map(|v| v.2).collect();
            context! { parameter => e.parameter.clone(), values => e.values.clone(), chart => safe(charts::bars(&labels, &costs, "mean cost", false)) }
        })
        .collect();
    let ctx = context! {
        report => Value::from(Serde(report)),
        provenance => Value::from(Serde(provenance)),
        style => safe(STYLE.to_string()),
        script => safe(SCRIPT.to_string()),
        cost_histogram => safe(charts::histogram(&objective, 12, "total cost")),
        fill_histogram => safe(charts::histogram(&fill, 12, "fill rate %")),
        on_time_histogram => safe(charts::histogram(&on_time, 12, "on-time fill %")),
        scatter_chart => safe(charts::scatter(&scatter, &highlight, "total cost", "fill rate")),
        effects => effects,
    };
    render("sweep.html", SWEEP_TEMPLATE, ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        assert_eq!(fnv1a(b""), "cbf29ce484222325");
        assert_eq!(fnv1a(b"a"), "af63dc4c8601ec8c");
    }
}
