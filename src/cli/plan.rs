//! `flexplan plan`: solve, write the plan folder, say how it went.

use super::check::load;
use super::exit::{self, Failure};
use super::{plan_config, OutFormat, PlanArgs};
use flexplan::input::bom::BomGraph;
use flexplan::input::{PlanInput, SolverConfig};
use flexplan::internals::thousands;
use flexplan::output::TableFormat;
use flexplan::plan::SolveOptions;
use std::path::Path;

pub(super) fn run(args: PlanArgs) -> Result<i32, Failure> {
    let PlanArgs {
        plan_dir,
        out,
        time_limit,
        gap,
        threads,
        node_limit,
        format,
        verbose,
        formulation,
        heuristic,
        html,
        replan,
    } = args;
    // The time limit bounds the whole run, reading the input included.
    let clock_started = std::time::Instant::now();
    let (input, bom) = load(&plan_dir, &replan.settings())?;
    let read_seconds = clock_started.elapsed().as_secs_f64();
    let flags = SolverConfig { time_limit_s: time_limit, mip_gap: gap, threads };
    let options = SolveOptions {
        node_limit,
        verbose,
        clock_started: Some(clock_started),
        ..SolveOptions::from_settings(flags, input.solver)
    };
    let format = match format {
        OutFormat::Csv => TableFormat::Csv,
        OutFormat::Parquet => TableFormat::Parquet,
    };
    let written = Written { dir: &out, format, html: html.then_some(plan_dir.as_path()) };
    plan(&input, &bom, &options, &plan_config(formulation, heuristic), &written, read_seconds)
}

/// Where and how the plan is written.
struct Written<'a> {
    /// The plan folder.
    dir: &'a Path,
    /// Its tables' format.
    format: TableFormat,
    /// `--html`: the plan directory, to write `report.html` of the plan into the folder.
    html: Option<&'a Path>,
}

fn plan(
    input: &PlanInput,
    bom: &BomGraph,
    options: &SolveOptions,
    config: &flexplan::plan::PlanConfig,
    written_to: &Written,
    read_seconds: f64,
) -> Result<i32, Failure> {
    let out = written_to.dir;
    for order in flexplan::check::unusual_orders(input) {
        eprintln!("{}", order.warning());
    }
    for lot in flexplan::check::work_in_progress(input) {
        eprintln!("{}", lot.warning());
    }
    let mut outcome = flexplan::plan::plan_configured(input, bom, options, config)?;
    outcome.timings.read = read_seconds;
    let write_started = std::time::Instant::now();
    let (summary, written) = flexplan::output::write_outcome(input, &outcome, options, out, written_to.format)?;
    let write_seconds = write_started.elapsed().as_secs_f64();
    sayln!("{}", flexplan::output::headline(&summary, options));
    if !summary.suppliers.is_empty() {
        sayln!("suppliers: {}", suppliers_line(&summary.suppliers));
    }
    if let (Some(replan), Some(solution)) = (&summary.replan, &outcome.solution) {
        for line in changes_lines(input, &outcome.options, replan, summary.costs, &solution.lots) {
            sayln!("{line}");
        }
    }
    if let Some(diagnosis) = &outcome.diagnosis {
        for f in &diagnosis.findings {
            sayln!("  - {}", f.message);
        }
        if let Some(note) = &diagnosis.incomplete {
            sayln!("  (diagnosis incomplete: {note})");
        }
    }
    if written {
        sayln!("plan written to {}", out.display());
        if let Some(plan_dir) = written_to.html {
            let report = flexplan::report::write_plan_report(input, plan_dir, out)?;
            sayln!("report written to {}", report.display());
        }
    } else {
        sayln!("nothing written; {} left as it was", out.display());
    }
    let t = &outcome.timings;
    sayln!(
        "time: {:.2} s in all (read {:.2}, build {:.2}, warm start {:.2}, polish {:.2}, LP bound {:.2}, solve {:.2}, re-solve {:.2}, repair {:.2}, diagnose {:.2}, write {:.2})",
        options.clock_started.map_or(0.0, |s| s.elapsed().as_secs_f64()),
        t.read,
        t.build,
        t.construct,
        t.polish,
        t.lp_bound,
        t.solve,
        t.resolve,
        t.repair,
        t.diagnose,
        write_seconds
    );
    Ok(exit::for_status(outcome.status))
}

/// The biggest changes listed after the `changes:` line.
const CHANGES_SHOWN: usize = 5;

/// What changed since the previous plan, in words: the counts, the share of the units planned,
/// the cost of stability, and the biggest changes.
fn changes_lines(
    input: &PlanInput,
    options: &flexplan::input::Options,
    replan: &flexplan::output::ReplanSummary,
    costs: Option<flexplan::plan::CostBreakdown>,
    lots: &flexplan::grid::Grid<f64>,
) -> Vec<String> {
    let planned: f64 = lots.cells().iter().sum();
    let share = if planned > 0.0 { 100.0 * replan.units_changed / planned } else { 0.0 };
    let fence = match replan.frozen_periods {
        0 => "no period frozen".to_string(),
        1 => "period 1 frozen".to_string(),
        f => format!("periods 1-{f} frozen"),
    };
    let stability = costs.map_or(0.0, |c| c.change + c.new_lot);
    let mut lines = vec![format!(
        "changes since {}: {} lot{} added, {} removed, {} changed; {} units changed of {} planned ({share:.1} %); {fence}; cost of stability {}",
        replan.previous,
        replan.lots_added,
        if replan.lots_added == 1 { "" } else { "s" },
        replan.lots_removed,
        replan.lots_changed,
        thousands(replan.units_changed, 0),
        thousands(planned, 0),
        thousands(stability, 2),
    )];
    let Some(mut changed) = flexplan::output::lot_changes(options, lots) else { return lines };
    // The biggest first; ties in the order of the lots (option, then period), which the list
    // already has.
    changed.sort_by(|a, b| (b.quantity - b.previous).abs().total_cmp(&(a.quantity - a.previous).abs()));
    for change in changed.iter().take(CHANGES_SHOWN) {
        let (o, t, x, xp) = (change.option, change.period, change.quantity, change.previous);
        let item = &input.items[options.get(o).item].id;
        let way = match options.way_ids(input, o) {
            ("", "") => String::new(),
            (route, "") => format!(" on {route}"),
            (_, supplier) => format!(" from {supplier}"),
        };
        let what = match (xp > 0.0, x > 0.0) {
            (false, _) => format!("new lot of {}", thousands(x, 2)),
            (true, false) => format!("lot of {} removed", thousands(xp, 2)),
            (true, true) => format!("{} -> {}", thousands(xp, 2), thousands(x, 2)),
        };
        lines.push(format!("  - {item}{way}, period {}: {what}", t + 1));
    }
    if changed.len() > CHANGES_SHOWN {
        lines.push(format!("  (and {} more in changes.csv)", changed.len() - CHANGES_SHOWN));
    }
    lines
}

/// Suppliers listed one by one on the `suppliers:` line; with more, the biggest spenders.
const SUPPLIERS_SHOWN: usize = 6;

/// The `suppliers:` line: what the plan buys from each supplier, in `suppliers.csv` order; with
/// more than [`SUPPLIERS_SHOWN`], the biggest spenders and a count of the rest.
fn suppliers_line(suppliers: &[flexplan::output::SupplierSpend]) -> String {
    let describe = |v: &flexplan::output::SupplierSpend| match v.lots {
        0 => format!("{} nothing", v.supplier),
        lots => format!(
            "{} {} units ({lots} lot{} in {} order{}) for {}",
            v.supplier,
            v.units,
            if lots == 1 { "" } else { "s" },
            v.orders,
            if v.orders == 1 { "" } else { "s" },
            v.spend
        ),
    };
    if suppliers.len() <= SUPPLIERS_SHOWN {
        return suppliers.iter().map(describe).collect::<Vec<_>>().join("; ");
    }
    let mut biggest: Vec<&flexplan::output::SupplierSpend> = suppliers.iter().collect();
    biggest.sort_by(|a, b| b.spend.total_cmp(&a.spend).then(a.supplier.cmp(&b.supplier)));
    let shown: Vec<String> = biggest.iter().take(SUPPLIERS_SHOWN - 1).map(|v| describe(v)).collect();
    format!(
        "{}; and {} more suppliers (summary.json lists each)",
        shown.join("; "),
        suppliers.len() - (SUPPLIERS_SHOWN - 1)
    )
}
