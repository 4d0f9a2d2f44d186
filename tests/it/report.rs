//! The HTML report: its data on the example (a snapshot, not pixels), hand-worked loads and
//! costs, escaping of hostile ids, the sweep report's parameter effects, and the command.
//!
//! `UPDATE_EXPECT=1 cargo test --test it report::` rewrites
//! `tests/fixtures/report/example_report.json` from the current output; review the diff.
//! The browser test (rendering in headless Chromium) is `scripts/test-reports`, run by `.ci/run`.

use flexplan::input::read_plan_dir;
use flexplan::report::data::{plan_report, read_summary, PlanReport};
use flexplan::report::sweep::sweep_report;
use flexplan::sweep::results::ResultRow;
use flexplan::validate::read_plan_rows;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The report data of the plan folder `plan` written for the plan directory `dir`.
fn report_of(dir: &Path, plan: &Path) -> PlanReport {
    let input = read_plan_dir(dir).expect("the plan directory is valid");
    let rows = read_plan_rows(plan).expect("the plan folder is readable");
    let summary = read_summary(plan).expect("summary.json is readable");
    plan_report(&input, "test", &rows, &summary)
}

/// Plans `dir` with `flexplan plan --html` into a temporary folder.
fn plan_with_html(dir: &Path) -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("temp dir");
    let status = Command::new(env!("CARGO_BIN_EXE_flexplan"))
        .args(["plan", dir.to_str().expect("utf-8"), "--out"])
        .arg(out.path().join("plan"))
        .arg("--html")
        .output()
        .expect("flexplan runs");
    assert!(status.status.success(), "plan --html failed: {}", String::from_utf8_lossy(&status.stderr));
    out
}

#[test]
fn example_report_data_matches_the_snapshot() {
    // The example's expected plan files (tests/fixtures/plans/example/expected, checked by
    // plan_cases against a fresh plan of data/example): no solve needed here.
    let plan = root().join("tests/fixtures/plans/example/expected");
    let report = report_of(&root().join("data/example"), &plan);
    assert_snapshot(
        "example_report.json",
        &format!("{}\n", serde_json::to_string_pretty(&report).expect("serializes")),
    );
    // What the snapshot must say whatever else changes: every resource, every item, the cost
    // terms summing to the objective.
    let input = read_plan_dir(&root().join("data/example")).expect("valid");
    assert_eq!(report.resources.len(), input.resources.len());
    assert_eq!(report.items.len(), input.items.len());
    let terms: f64 = report.costs.iter().map(|c| c.1).sum();
    let objective = report.headline.objective.expect("the example has a plan");
    assert!((terms - objective).abs() < 1e-3, "cost terms {terms} vs objective {objective}");
}

/// Compares `actual` with the snapshot `name` in tests/fixtures/report (UPDATE_EXPECT=1
/// rewrites it).
fn assert_snapshot(name: &str, actual: &str) {
    let path = root().join("tests/fixtures/report").join(name);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, actual).expect("write the snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).expect("the snapshot exists (UPDATE_EXPECT=1 writes it)");
    assert!(expected == actual, "{name} changed; UPDATE_EXPECT=1 rewrites {}", path.display());
}

#[test]
fn example_sweep_report_data_matches_the_snapshot() {
    // The browser test's sweep of data/example (7 scenarios, 20 nodes per solve: deterministic).
    let dir = root().join("data/example");
    let input = read_plan_dir(&dir).expect("valid");
    let bom = flexplan::input::bom::BomGraph::new(&input).expect("acyclic");
    let scenarios = root().join("tests/fixtures/report/scenarios.toml");
    let text = std::fs::read_to_string(&scenarios).expect("scenarios");
    let file = flexplan::sweep::scenario::parse_scenarios(&text, "scenarios.toml", &input).expect("valid scenarios");
    let out = tempfile::tempdir().expect("temp dir");
    let options = flexplan::sweep::SweepOptions { jobs: 2, ..Default::default() };
    flexplan::sweep::run_sweep(&input, &bom, &file, &options, out.path()).expect("the sweep runs");
    let report = flexplan::report::sweep::read_sweep_report(out.path(), "example-sweep").expect("readable");
    assert_eq!(report.scenarios, 7);
    assert_eq!(report.effects.len(), 2, "the grid's two parameters");
    assert_snapshot(
        "example_sweep_report.json",
        &format!("{}\n", serde_json::to_string_pretty(&report).expect("serializes")),
    );
}

#[test]
fn a_family_shared_by_three_items_loads_its_resource_as_worked_by_hand() {
    // family_shared_by_three: DARK-A, -B, -C, 5 units each at 1 h/unit on PRINT, one family
    // setup of 3 h: run 15 h, setup 3 h, capacity 20, no overload; each item costs its minor
    // setup of 2; the family's 30 is a cost term, not an item's.
    let dir = root().join("tests/fixtures/plans/family_shared_by_three");
    let out = plan_with_html(&dir);
    let report = report_of(&dir, &out.path().join("plan"));
    let print = &report.resources[0];
    assert_eq!(print.resource, "PRINT");
    assert_eq!(
        (print.run_time.clone(), print.setup_time.clone(), print.capacity.clone()),
        (vec![15.0], vec![3.0], vec![20.0])
    );
    assert!(print.overloaded.is_empty());
    assert_eq!(print.lot_rows, vec!["DARK-A", "DARK-B", "DARK-C"]);
    assert!(print.lots.iter().all(|c| c.hours == 5.0 && c.family == "DARK" && c.period == 1));
    assert!(report.items.iter().all(|i| i.cost == 2.0 && i.made == 5.0), "{:?}", report.items);
    assert!(report.costs.contains(&("family_setup".to_string(), 30.0)));
    assert!(report.costs.contains(&("setup".to_string(), 6.0)));
    assert_eq!(report.headline.objective, Some(36.0));
    assert!(report.late_orders.is_empty());
}

#[test]
fn a_supplier_limit_split_shows_each_suppliers_share() {
    // supplier_limit_split: 80 BLANKs due in week 1, MILL-A (1 per unit) delivers at most 50,
    // MILL-B (2 per unit) the other 30: shares 62.5 % and 37.5 %, spend 50 and 60.
    let dir = root().join("tests/fixtures/plans/supplier_limit_split");
    let report = report_of(&dir, &dir.join("expected"));
    let ways: Vec<(&str, &str, f64, f64, usize)> =
        report.ways.iter().map(|w| (w.item.as_str(), w.way.as_str(), w.units, w.share, w.lots)).collect();
    assert_eq!(ways, vec![("BLANK", "supplier MILL-A", 50.0, 0.625, 1), ("BLANK", "supplier MILL-B", 30.0, 0.375, 1)]);
    let spend: Vec<(&str, f64)> = report.purchases.iter().map(|p| (p.supplier.as_str(), p.spend[0])).collect();
    assert_eq!(spend, vec![("MILL-B", 60.0), ("MILL-A", 50.0)]);
}

#[test]
fn hostile_ids_are_shown_as_text() {
    let dir = root().join("tests/fixtures/report/hostile");
    let out = plan_with_html(&dir);
    let html = std::fs::read_to_string(out.path().join("plan/report.html")).expect("report.html written");
    // The report's own script is the one script element.
    assert_eq!(html.matches("<script>").count(), 1, "a script element from an input id");
    for raw in ["<script>alert(", "<img src=x", "<b>MILL</b>", "<i>PRESS</i>", "<u>DARK</u>"] {
        assert!(!html.contains(raw), "{raw} is in the HTML unescaped");
    }
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;")
            || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
    assert!(html.contains("&amp;amp;&lt;u&gt;DARK&lt;"), "the family id is shown as typed");
    // The late order (due in week 1; the bought component takes a week) gets its reason.
    let report = report_of(&dir, &out.path().join("plan"));
    assert_eq!(report.late_orders.len(), 1);
    assert!(report.late_orders[0].reason.contains("delivers from week 2"), "{}", report.late_orders[0].reason);
}

fn row(index: usize, kind: &str, parameters: &str, objective: f64, fill: f64) -> ResultRow {
    let mut row = ResultRow::new(index, &format!("s{index}"), kind, parameters.to_string(), "optimal");
    row.objective = Some(objective);
    row.fill_rate = Some(fill);
    row.on_time_fill_rate = Some(fill);
    row
}

#[test]
fn the_sweep_report_averages_each_grid_parameter_by_value() {
    let rows = [
        row(0, "base", "{}", 100.0, 1.0),
        row(1, "named", r#"{"lead_time":{"FAB":2}}"#, 500.0, 0.5),
        row(2, "grid", r#"{"demand_scale":0.8,"capacity_scale":{"PRESS":0.9}}"#, 80.0, 1.0),
        row(3, "grid", r#"{"demand_scale":1.2,"capacity_scale":{"PRESS":0.9}}"#, 130.0, 0.9),
        row(4, "grid", r#"{"demand_scale":0.8}"#, 70.0, 1.0),
        row(5, "grid", r#"{"demand_scale":1.2}"#, 120.0, 0.95),
    ];
    let report = sweep_report("t", "reoptimize", &rows);
    assert_eq!(report.scenarios, 6);
    assert_eq!(report.points.len(), 6);
    // Only grid rows count; a grid row that does not name a parameter has it "unchanged".
    let names: Vec<&str> = report.effects.iter().map(|e| e.parameter.as_str()).collect();
    assert_eq!(names, vec!["capacity_scale.PRESS", "demand_scale"]);
    let capacity = &report.effects[0].values;
    assert_eq!(capacity, &vec![("0.9".to_string(), 2, 105.0, 0.95), ("unchanged".to_string(), 2, 95.0, 0.975)]);
    let demand = &report.effects[1].values;
    assert_eq!(demand, &vec![("0.8".to_string(), 2, 75.0, 1.0), ("1.2".to_string(), 2, 125.0, 0.925)]);
    // Best: fill rate at least the median (1.0 here: the sorted fills are .5 .9 .95 1 1 1),
    // cheapest first.
    let best: Vec<usize> = report.best.iter().map(|p| p.index).collect();
    assert_eq!(best, vec![4, 2, 0]);
}

#[test]
fn report_of_a_folder_that_is_not_a_plan_names_the_missing_file() {
    let out = tempfile::tempdir().expect("temp dir");
    let output = Command::new(env!("CARGO_BIN_EXE_flexplan"))
        .args(["report", root().join("data/example").to_str().expect("utf-8")])
        .arg(out.path())
        .output()
        .expect("flexplan runs");
    // Exit 1, as `validate` of such a folder: the plan folder cannot be used.
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("lots.csv: the plan file is missing"), "{stderr}");
    assert!(!out.path().join("report.html").exists());
}

#[test]
fn a_new_plan_replaces_the_folder_and_its_stale_report() {
    let dir = root().join("tests/fixtures/report/hostile");
    let out = plan_with_html(&dir);
    let plan = out.path().join("plan");
    assert!(plan.join("report.html").is_file());
    let again = Command::new(env!("CARGO_BIN_EXE_flexplan"))
        .args(["plan", dir.to_str().expect("utf-8"), "--out"])
        .arg(&plan)
        .output()
        .expect("flexplan runs");
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    assert!(!plan.join("report.html").exists(), "the old report would describe the old plan");
}

#[test]
fn absurd_numbers_in_a_damaged_plan_folder_still_give_a_report() {
    // A lot of 1e308 and a capacity of 1e300: plotters' axis ticks never finished on such
    // ranges (the report hung); charts now draw values clamped to 1e15.
    let dir = root().join("tests/fixtures/plans/supplier_limit_split");
    let plan = tempfile::tempdir().expect("temp dir");
    for file in ["lots.csv", "inventory.csv", "resources.csv", "order_promises.csv", "summary.json"] {
        let text = std::fs::read_to_string(dir.join("expected").join(file)).expect("expected file");
        let text = if file == "lots.csv" { text.replace(",50\n", ",1e308\n") } else { text };
        std::fs::write(plan.path().join(file), text).expect("write");
    }
    let input = read_plan_dir(&dir).expect("valid");
    let html = flexplan::report::write_plan_report(&input, &dir, plan.path()).expect("a report");
    let html = std::fs::read_to_string(html).expect("written");
    assert!(html.contains("chart-purchases"));
}

/// A late order of a configurable product is listed under its planning class (the item it is
/// planned as), with the class's reason; the class's line counts it. Here the printer has 4 h a
/// week (8 tees at 0.5 h, less the setups) and the partner none: O1's 10 navy M tees in week 2
/// cannot all be made in time.
#[test]
fn a_late_configured_order_is_shown_under_its_class() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("shop");
    std::fs::create_dir(&dir).expect("created");
    let base = root().join("tests/fixtures/valid/configurable");
    for entry in std::fs::read_dir(&base).expect("fixture") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, dir.join(path.file_name().expect("a name"))).expect("copied");
    }
    std::fs::write(dir.join("resources.csv"), "resource,capacity\nPRINTER,4\nPARTNER,0\n").expect("written");
    let out = plan_with_html(&dir);
    let report = report_of(&dir, &out.path().join("plan"));
    let late = report.late_orders.iter().find(|o| o.order == "O1").expect("O1 is late");
    assert_eq!(late.item, "TEE[colour=navy;size=M]");
    let line = report.items.iter().find(|i| i.item == "TEE[colour=navy;size=M]").expect("the class's line");
    assert!(line.late_orders >= 1);
}
