//! End-to-end tests of the `flexplan` binary: exit codes, files written (or not), messages.
//!
//! Every test runs the real binary in temporary folders. Expected values come from the input
//! files themselves (row counts, the spec's headers) or from a second run, never from the
//! library code under test. Instances are small so the whole file runs in well under a minute
//! in a debug build.

use polars::prelude::{AnyValue, DataFrame, DataType, ParquetReader, SerReader};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// The documented exit codes (README "Exit codes"), spelled out here rather than imported.
mod code {
    pub const OK: i32 = 0;
    pub const ERROR: i32 = 1;
    pub const USAGE: i32 = 2;
    pub const INVALID_INPUT: i32 = 3;
    pub const FEASIBLE: i32 = 4;
    pub const INFEASIBLE: i32 = 5;
    pub const NO_SOLUTION: i32 = 6;
    pub const VIOLATIONS: i32 = 7;
    pub const OUTPUT: i32 = 8;
}

/// The plan tables of spec section 3 with their headers, in the spec's column order.
const PLAN_TABLES: [(&str, &str); 4] = [
    ("lots", "item,kind,route,supplier,period,start_date,available_period,quantity"),
    ("inventory", "item,period,demand,shipped,inventory,backlog,safety_shortfall"),
    ("resources", "resource,period,capacity,run_time,setup_time,overtime,utilization"),
    ("order_promises", "order_id,item,options,class,quantity,due_period,promised_period,periods_late"),
];

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn example_dir() -> PathBuf {
    repo_root().join("data").join("example")
}

/// Runs `flexplan` with `args` from the repository root and waits for it.
fn flexplan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flexplan"))
        .args(args)
        .current_dir(repo_root())
        .output()
        .expect("the flexplan binary runs")
}

fn path_arg(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts the exit code, showing both streams when it differs.
fn assert_exit(output: &Output, expected: i32) {
    assert_eq!(
        output.status.code(),
        Some(expected),
        "unexpected exit code\n--- stdout\n{}\n--- stderr\n{}",
        stdout(output),
        stderr(output)
    );
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary folder")
}

/// Writes a plan directory from (file name, content) pairs.
fn write_files(dir: &Path, files: &[(&str, &str)]) {
    fs::create_dir_all(dir).expect("create plan dir");
    for (name, content) in files {
        fs::write(dir.join(name), content).expect("write plan file");
    }
}

/// Every file of a folder (not recursive) by name, with its bytes: a snapshot to compare.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in fs::read_dir(dir).expect("read folder") {
        let entry = entry.expect("folder entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        files.insert(name, fs::read(entry.path()).expect("read file"));
    }
    files
}

/// The names in a folder (files and folders), sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("read folder")
        .map(|entry| entry.expect("folder entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create copy");
    for (name, bytes) in snapshot(from) {
        fs::write(to.join(name), bytes).expect("copy file");
    }
}

fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).expect("read json");
    serde_json::from_str(&text).expect("valid json")
}

/// `summary.json` without the fields that are timings.
fn summary_without_timings(dir: &Path) -> Value {
    let mut summary = read_json(&dir.join("summary.json"));
    let object = summary.as_object_mut().expect("summary.json is an object");
    assert!(object.remove("build_seconds").is_some(), "summary.json has build_seconds");
    assert!(object.remove("solve_seconds").is_some(), "summary.json has solve_seconds");
    assert!(object.remove("seconds").is_some(), "summary.json has seconds");
    assert!(object.remove("progress").is_some(), "summary.json has progress");
    summary
}

/// Splits one CSV line into fields, honouring double quotes (no line breaks inside fields).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut in_quotes = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        let field = fields.last_mut().expect("at least one field");
        match (c, in_quotes) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => in_quotes = !in_quotes,
            (',', false) => fields.push(String::new()),
            _ => field.push(c),
        }
    }
    fields
}

/// A CSV file as its header and rows of fields.
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = fs::read_to_string(path).expect("read csv");
    let mut lines = text.lines();
    let header = csv_fields(lines.next().expect("a header row"));
    let rows = lines.map(csv_fields).collect();
    (header, rows)
}

/// Number of data rows of a CSV input table (header excluded).
fn csv_row_count(path: &Path) -> usize {
    read_csv(path).1.len()
}

/// The column `name` of a CSV table.
fn csv_column(path: &Path, name: &str) -> Vec<String> {
    let (header, rows) = read_csv(path);
    let c = header.iter().position(|h| h == name).expect("column present");
    rows.into_iter().map(|mut r| r.swap_remove(c)).collect()
}

/// The example's planning classes, worked out from its tables alone: one per product and the
/// colour and size its orders name (a tote has no size; designs make no class). Returns the
/// number of classes and how many of them are dark (navy or black: one more BOM line, the
/// white underbase ink).
fn example_classes() -> (usize, usize) {
    let items = csv_column(&example_dir().join("orders.csv"), "item");
    let options = csv_column(&example_dir().join("orders.csv"), "options");
    let mut classes = std::collections::BTreeSet::new();
    for (item, options) in items.iter().zip(&options) {
        let value = |name: &str| {
            options.split(';').find_map(|pair| pair.strip_prefix(&format!("{name}="))).unwrap_or("").to_string()
        };
        classes.insert((item.clone(), value("colour"), value("size")));
    }
    let dark = classes.iter().filter(|(_, colour, _)| colour == "navy" || colour == "black").count();
    (classes.len(), dark)
}

/// The number of configurable products of the example (items.csv rows with `attributes`).
fn example_products() -> usize {
    csv_column(&example_dir().join("items.csv"), "attributes").iter().filter(|a| !a.is_empty()).count()
}

/// Generates a synthetic plan directory with the binary.
fn generate(dir: &Path, seed: u64, items: usize, orders: usize, periods: usize) {
    let output = flexplan(&[
        "generate",
        "--seed",
        &seed.to_string(),
        "--items",
        &items.to_string(),
        "--orders",
        &orders.to_string(),
        "--periods",
        &periods.to_string(),
        path_arg(dir),
    ]);
    assert_exit(&output, code::OK);
}

/// The plan of `data/example`, made once per test run (several tests need an "earlier plan").
fn example_plan() -> &'static Path {
    static PLAN: OnceLock<PathBuf> = OnceLock::new();
    PLAN.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-example-plan");
        let _ = fs::remove_dir_all(&dir);
        let output = flexplan(&["plan", path_arg(&example_dir()), "--out", path_arg(&dir)]);
        assert_exit(&output, code::OK);
        dir
    })
}

/// A plan directory whose only order cannot be met: 40 units of a bought item with a lead
/// time of 2 due in period 1, no stock, no receipts, and no backlog_cost (no late shipment).
fn write_infeasible_plan(dir: &Path) {
    write_files(
        dir,
        &[
            ("plan.toml", "[horizon]\nstart = \"2026-01-05\"\nbucket = \"week\"\nperiods = 4\n"),
            ("items.csv", "item,kind,lead_time,unit_cost\nCAP,buy,2,3\n"),
            ("orders.csv", "order_id,item,quantity,due_date\nO1,CAP,40,2026-01-06\n"),
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// 1. The happy path
// ---------------------------------------------------------------------------------------------

#[test]
fn plan_on_the_example_writes_the_five_spec_files_and_validate_accepts_them() {
    let out = example_plan();
    let expected_files = ["inventory.csv", "lots.csv", "order_promises.csv", "resources.csv", "summary.json"];
    assert_eq!(names_in(out), expected_files);
    for (table, header) in PLAN_TABLES {
        let text = fs::read_to_string(out.join(format!("{table}.csv"))).expect("plan table");
        assert_eq!(text.lines().next(), Some(header), "{table}.csv header");
    }

    // Row counts follow from the input tables: one inventory row per item and period, one
    // resource row per resource and period, one promise per order inside the horizon. The
    // configurable products are planned as their classes.
    let n_items = csv_row_count(&example_dir().join("items.csv")) - example_products() + example_classes().0;
    let n_resources = csv_row_count(&example_dir().join("resources.csv"));
    let n_orders = csv_row_count(&example_dir().join("orders.csv"));
    let n_periods = 12; // data/example/plan.toml
    assert_eq!(csv_row_count(&out.join("inventory.csv")), n_items * n_periods);
    assert_eq!(csv_row_count(&out.join("resources.csv")), n_resources * n_periods);

    let summary = read_json(&out.join("summary.json"));
    assert_eq!(summary["status"], "optimal");
    for key in [
        "objective",
        "best_bound",
        "gap",
        "costs",
        "fill_rate",
        "on_time_rate",
        "orders",
        "model",
        "solve_seconds",
        "solver",
    ] {
        assert!(summary.get(key).is_some(), "summary.json lacks `{key}`");
    }
    assert_eq!(summary["solver"]["name"], "HiGHS");
    let orders = &summary["orders"];
    assert_eq!(orders["total"].as_u64(), Some(n_orders as u64));
    let planned = orders["planned"].as_u64().expect("planned count");
    let beyond = orders["beyond_horizon"].as_u64().expect("beyond-horizon count");
    assert_eq!(planned + beyond, n_orders as u64);
    assert_eq!(csv_row_count(&out.join("order_promises.csv")) as u64, planned);
    // The objective is the sum of the cost terms.
    let terms: f64 = summary["costs"].as_object().expect("costs").values().map(|v| v.as_f64().expect("number")).sum();
    let objective = summary["objective"].as_f64().expect("objective");
    assert!((terms - objective).abs() <= 1e-5 * objective.abs().max(1.0), "terms {terms} vs objective {objective}");

    let validate = flexplan(&["validate", path_arg(&example_dir()), path_arg(out)]);
    assert_exit(&validate, code::OK);
    assert!(stdout(&validate).contains("OK, no violations"), "{}", stdout(&validate));
}

#[test]
fn check_on_the_example_exits_0_and_its_json_counts_match_the_input_tables() {
    let text = flexplan(&["check", path_arg(&example_dir())]);
    assert_exit(&text, code::OK);
    assert!(!stdout(&text).is_empty());

    let json = flexplan(&["check", path_arg(&example_dir()), "--format", "json"]);
    assert_exit(&json, code::OK);
    let report: Value = serde_json::from_str(&stdout(&json)).expect("check --format json prints JSON");

    // Items: the ordinary rows of items.csv and the classes of the configurable products
    // (make items); BOM edges: per class its blank, the CMYK ink and the mailer, and the white
    // ink for a dark colour (the example's bom.csv has only the products' lines).
    let kinds = csv_column(&example_dir().join("items.csv"), "kind");
    let (classes, dark) = example_classes();
    let products = example_products();
    let n_make = kinds.iter().filter(|k| k.as_str() == "make").count() - products + classes;
    let n_buy = kinds.iter().filter(|k| k.as_str() == "buy").count();
    assert_eq!(report["items"]["total"].as_u64(), Some((kinds.len() - products + classes) as u64));
    assert_eq!(report["items"]["make"].as_u64(), Some(n_make as u64));
    assert_eq!(report["items"]["buy"].as_u64(), Some(n_buy as u64));
    assert_eq!(report["bom"]["edges"].as_u64(), Some((3 * classes + dark) as u64));
    assert_eq!(report["products"].as_array().map(Vec::len), Some(products));
    assert_eq!(report["resources"].as_u64(), Some(csv_row_count(&example_dir().join("resources.csv")) as u64));

    // Orders: count them by due date against the horizon 2026-01-05 + 12 weeks, by hand.
    let due_dates = csv_column(&example_dir().join("orders.csv"), "due_date");
    let start = "2026-01-05";
    let end = "2026-03-30"; // 2026-01-05 + 84 days
    let past_due = due_dates.iter().filter(|d| d.as_str() < start).count() as u64;
    let beyond = due_dates.iter().filter(|d| d.as_str() >= end).count() as u64;
    let orders = &report["orders"];
    assert_eq!(orders["orders"].as_u64(), Some(due_dates.len() as u64));
    assert_eq!(orders["past_due"].as_u64(), Some(past_due));
    assert_eq!(orders["beyond_horizon"].as_u64(), Some(beyond));
    assert_eq!(orders["in_horizon"].as_u64(), Some(due_dates.len() as u64 - past_due - beyond));
    assert_eq!(report["demand"].as_array().map(Vec::len), Some(12));
}

// ---------------------------------------------------------------------------------------------
// 2. Invalid input
// ---------------------------------------------------------------------------------------------

#[test]
fn invalid_input_exits_3_names_file_row_column_value_and_creates_no_output() {
    let tmp = temp_dir();
    let plan_dir = tmp.path().join("bad");
    write_files(
        &plan_dir,
        &[
            ("plan.toml", "[horizon]\nstart = \"2026-01-05\"\nbucket = \"week\"\nperiods = 4\n"),
            ("items.csv", "item,kind,holding_cost,lead_tme\nFG,make,1,0\nSUB,make,-2,0\nRM,buy,0.5,1\n"),
            ("bom.csv", "parent,component,quantity\nFG,SUB,1\nSUB,RM,1\n"),
            ("orders.csv", "order_id,item,quantity,due_date\nO1,FG,5,2026-01-06\n"),
        ],
    );
    let out = tmp.path().join("out");
    let output = flexplan(&["plan", path_arg(&plan_dir), "--out", path_arg(&out)]);
    assert_exit(&output, code::INVALID_INPUT);
    let err = stderr(&output);
    // The negative number: file, spreadsheet row (header = 1), column and value.
    assert!(err.contains("items.csv, row 3, column holding_cost, value \"-2\""), "{err}");
    // The misspelt column, with a did-you-mean.
    assert!(err.contains("items.csv, row 1: unknown column `lead_tme`; did you mean `lead_time`?"), "{err}");
    assert!(!out.exists(), "OUT_DIR must not be created for invalid input");
    assert!(stdout(&output).is_empty(), "nothing on stdout: {}", stdout(&output));

    // `check` refuses the same directory with the same code.
    assert_exit(&flexplan(&["check", path_arg(&plan_dir)]), code::INVALID_INPUT);
}

#[test]
fn a_bom_cycle_exits_3_with_the_cycle_path_and_creates_no_output() {
    let tmp = temp_dir();
    let plan_dir = tmp.path().join("cycle");
    write_files(
        &plan_dir,
        &[
            ("plan.toml", "[horizon]\nstart = \"2026-01-05\"\nbucket = \"week\"\nperiods = 4\n"),
            ("items.csv", "item,kind\nFG,make\nSUB,make\nRM,buy\n"),
            ("bom.csv", "parent,component,quantity\nFG,SUB,1\nSUB,FG,2\nSUB,RM,1\n"),
            ("orders.csv", "order_id,item,quantity,due_date\nO1,FG,5,2026-01-06\n"),
        ],
    );
    let out = tmp.path().join("out");
    let output = flexplan(&["plan", path_arg(&plan_dir), "--out", path_arg(&out)]);
    assert_exit(&output, code::INVALID_INPUT);
    let err = stderr(&output);
    assert!(err.contains("bom.csv"), "{err}");
    assert!(err.contains("FG -> SUB -> FG"), "cycle path missing: {err}");
    assert!(!out.exists());
}

// ---------------------------------------------------------------------------------------------
// 3. Infeasible input
// ---------------------------------------------------------------------------------------------

#[test]
fn infeasible_input_exits_5_with_a_diagnosis_and_leaves_an_earlier_plan_byte_identical() {
    let tmp = temp_dir();
    let plan_dir = tmp.path().join("infeasible");
    write_infeasible_plan(&plan_dir);
    let out = tmp.path().join("out");
    copy_dir(example_plan(), &out);
    let before = snapshot(&out);

    let output = flexplan(&["plan", path_arg(&plan_dir), "--out", path_arg(&out)]);
    assert_exit(&output, code::INFEASIBLE);
    let text = stdout(&output);
    assert!(text.starts_with("infeasible"), "{text}");
    // The diagnosis in a planner's words: item, quantity, due period, earliest supply.
    assert!(text.contains("CAP: 40 of 40 units due in period 1"), "{text}");
    assert!(text.contains("earliest possible supply period 3"), "{text}");
    assert!(text.contains("lead time of CAP"), "{text}");
    assert!(text.contains("nothing written"), "{text}");
    assert_eq!(snapshot(&out), before, "the earlier plan must be left byte-identical");
    assert_eq!(names_in(tmp.path()), ["infeasible", "out"], "no staging leftovers");

    // Into a fresh OUT_DIR: nothing is created.
    let fresh = tmp.path().join("fresh");
    let output = flexplan(&["plan", path_arg(&plan_dir), "--out", path_arg(&fresh)]);
    assert_exit(&output, code::INFEASIBLE);
    assert!(!fresh.exists());
}

// ---------------------------------------------------------------------------------------------
// 4. Limits
// ---------------------------------------------------------------------------------------------

#[test]
fn a_node_limit_stops_at_a_plan_exits_4_and_reports_the_gap() {
    let tmp = temp_dir();
    let plan_dir = tmp.path().join("gen");
    // A small generated instance whose root node does not close the gap without the warm
    // start (checked: 6.6% at the root, optimal only after branching; with the constructed
    // start the root closes it).
    generate(&plan_dir, 2, 10, 150, 6);
    let out = tmp.path().join("out");
    let output =
        flexplan(&["plan", path_arg(&plan_dir), "--out", path_arg(&out), "--node-limit", "1", "--heuristic", "none"]);
    assert_exit(&output, code::FEASIBLE);
    let text = stdout(&output);
    assert!(text.starts_with("feasible, not proven optimal: stopped by the node limit of 1"), "{text}");
    assert!(text.contains("best bound"), "{text}");
    assert!(text.contains("gap"), "{text}");

    let summary = read_json(&out.join("summary.json"));
    assert_eq!(summary["status"], "feasible");
    assert_eq!(summary["stop_reason"], "node_limit");
    let objective = summary["objective"].as_f64().expect("objective");
    let bound = summary["best_bound"].as_f64().expect("best bound");
    let gap = summary["gap"].as_f64().expect("gap");
    let target = summary["mip_gap_target"].as_f64().expect("gap target");
    assert!(bound <= objective, "bound {bound} above objective {objective}");
    assert!(gap > target, "a plan stopped by a limit has a gap above the target");
    assert!((gap - (objective - bound) / objective).abs() < 1e-5, "gap {gap} is not (objective - bound) / objective");

    // The plan found at the limit is a real plan.
    assert_exit(&flexplan(&["validate", path_arg(&plan_dir), path_arg(&out)]), code::OK);
}

#[test]
fn a_tiny_time_limit_on_a_large_instance_writes_the_constructed_plan_and_exits_4() {
    // 0.05 s is far less than HiGHS's presolve of this model: the solver ends with no plan of
    // its own, and the plan flexplan built before the solve is written rather than lost.
    let tmp = temp_dir();
    let plan_dir = tmp.path().join("gen");
    generate(&plan_dir, 7, 300, 5000, 26);
    let out = tmp.path().join("out");
    let output =
        flexplan(&["plan", path_arg(&plan_dir), "--out", path_arg(&out), "--time-limit", "0.05", "--threads", "1"]);
    let text = stdout(&output);
    assert_exit(&output, code::FEASIBLE);
    assert!(text.starts_with("feasible, not proven optimal: stopped by the time limit of 0.05 s"), "{text}");
    assert!(text.contains("plan written to"), "{text}");
    // The closing line says where the time went.
    let time_line = text.lines().find(|l| l.starts_with("time: ")).expect("a time line");
    for step in ["read", "build", "warm start", "solve", "re-solve", "repair", "write"] {
        assert!(time_line.contains(step), "{time_line}");
    }
    let summary = read_json(&out.join("summary.json"));
    assert_eq!(summary["status"], "feasible");
    assert_eq!(summary["stop_reason"], "time_limit");
    for step in ["read", "build", "construct", "polish", "lp_bound", "solve", "resolve", "repair"] {
        assert!(summary["seconds"][step].as_f64().is_some(), "seconds.{step} in {summary}");
    }
    let validated = flexplan(&["validate", path_arg(&plan_dir), path_arg(&out)]);
    assert_exit(&validated, code::OK);
}

#[test]
fn a_tiny_time_limit_without_a_warm_start_exits_6_and_writes_nothing() {
    // Without the construction only HiGHS can find a plan, and 0.05 s ends it in presolve.
    let tmp = temp_dir();
    let plan_dir = tmp.path().join("gen");
    generate(&plan_dir, 7, 300, 5000, 26);
    let out = tmp.path().join("out");
    let output = flexplan(&[
        "plan",
        path_arg(&plan_dir),
        "--out",
        path_arg(&out),
        "--time-limit",
        "0.05",
        "--threads",
        "1",
        "--heuristic",
        "none",
    ]);
    let text = stdout(&output);
    assert_exit(&output, code::NO_SOLUTION);
    assert!(text.starts_with("no plan found: stopped by the time limit of 0.05 s"), "{text}");
    assert!(text.contains("nothing written"), "{text}");
    assert!(!out.exists(), "nothing may be written without a plan");
}

// ---------------------------------------------------------------------------------------------
// 5. Determinism
// ---------------------------------------------------------------------------------------------

/// Plans `plan_dir` into `out` with the given extra flags and returns its snapshot.
fn plan_snapshot(plan_dir: &Path, out: &Path, extra: &[&str]) -> (BTreeMap<String, Vec<u8>>, Value) {
    let mut args = vec!["plan", path_arg(plan_dir), "--out", path_arg(out)];
    args.extend_from_slice(extra);
    let output = flexplan(&args);
    assert_exit(&output, code::OK);
    let mut files = snapshot(out);
    files.remove("summary.json");
    (files, summary_without_timings(out))
}

#[test]
fn plans_are_byte_identical_with_1_or_2_threads_and_across_runs() {
    let tmp = temp_dir();
    let example = example_dir();
    let one = plan_snapshot(&example, &tmp.path().join("ex1"), &["--threads", "1"]);
    let two = plan_snapshot(&example, &tmp.path().join("ex2"), &["--threads", "2"]);
    let again = plan_snapshot(&example, &tmp.path().join("ex1b"), &["--threads", "1"]);
    assert_eq!(one.0.len(), 4, "four CSV tables");
    assert!(one == two, "data/example: threads 1 and 2 differ");
    assert!(one == again, "data/example: two runs with the same settings differ");

    // A generated instance solved to a 2% gap (no wall-clock limit anywhere).
    let generated = tmp.path().join("gen");
    generate(&generated, 1, 12, 200, 8);
    let one = plan_snapshot(&generated, &tmp.path().join("g1"), &["--threads", "1", "--gap", "0.02"]);
    let two = plan_snapshot(&generated, &tmp.path().join("g2"), &["--threads", "2", "--gap", "0.02"]);
    assert!(one == two, "generated: threads 1 and 2 differ");
}

#[test]
fn generate_with_one_seed_writes_identical_files_and_another_seed_differs() {
    let tmp = temp_dir();
    let (a, b, c) = (tmp.path().join("a"), tmp.path().join("b"), tmp.path().join("c"));
    generate(&a, 42, 40, 800, 10);
    generate(&b, 42, 40, 800, 10);
    generate(&c, 43, 40, 800, 10);
    let first = snapshot(&a);
    assert!(first.contains_key("plan.toml") && first.contains_key("items.csv") && first.contains_key("orders.csv"));
    assert_eq!(csv_row_count(&a.join("items.csv")), 40);
    assert_eq!(csv_row_count(&a.join("orders.csv")), 800);
    assert!(first == snapshot(&b), "same seed, different files");
    assert!(first != snapshot(&c), "another seed gave the same files");
}

/// `generate --adversarial --flexible` writes a version-2 plan (the same files for the same
/// seed) that `check` accepts; `--flexible` alone is a wrong command line.
#[test]
fn generate_flexible_adversarial_writes_a_version_2_plan_that_check_accepts() {
    let tmp = temp_dir();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for dir in [&a, &b] {
        let output = flexplan(&["generate", "--adversarial", "--flexible", "--seed", "5", path_arg(dir)]);
        assert_exit(&output, code::OK);
        assert!(stdout(&output).contains("setup families"), "{}", stdout(&output));
    }
    let files = snapshot(&a);
    assert!(files == snapshot(&b), "same seed, different files");
    assert!(files.contains_key("routings.csv") && files.contains_key("sources.csv"), "{:?}", files.keys());
    assert_exit(&flexplan(&["check", path_arg(&a)]), code::OK);
    let output = flexplan(&["generate", "--flexible", path_arg(&tmp.path().join("c"))]);
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("--adversarial"), "{}", stderr(&output));
}

/// `generate --storefront` writes a plan with configurable products as written (items with
/// attributes, bom and routing lines with placeholders and `when`, orders with options), the
/// same files for the same seed, that `check` accepts; its flags need `--storefront`, a spec
/// the generator cannot serve exits 1. `--adversarial --configurable` writes a small one.
#[test]
fn generate_storefront_writes_a_configured_plan_that_check_accepts() {
    let tmp = temp_dir();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let args = |dir: &Path| -> Vec<String> {
        let flags =
            "generate --storefront --seed 2 --products 4 --colours 3 --sizes 2 --designs 30 --orders 300 --periods 6";
        let mut args: Vec<String> = flags.split(' ').map(str::to_string).collect();
        args.push(path_arg(dir).to_string());
        args
    };
    for dir in [&a, &b] {
        let args = args(dir);
        let output = flexplan(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert_exit(&output, code::OK);
        assert!(stdout(&output).contains("4 configurable products"), "{}", stdout(&output));
    }
    let files = snapshot(&a);
    assert!(files == snapshot(&b), "same seed, different files");
    assert_eq!(csv_row_count(&a.join("orders.csv")), 300);
    let attributes = csv_column(&a.join("items.csv"), "attributes");
    assert_eq!(
        attributes.iter().filter(|v| !v.is_empty()).collect::<Vec<_>>(),
        ["colour;size;design", "colour;size;design", "colour;size;design", "colour;design"]
    );
    assert!(csv_column(&a.join("orders.csv"), "options").iter().all(|o| o.starts_with("colour=")));
    assert!(csv_column(&a.join("bom.csv"), "component").iter().any(|c| c == "BLANK-TEE-{colour}-{size}"));
    assert!(csv_column(&a.join("routings.csv"), "when").iter().any(|w| w == "colour=black|navy"));
    assert_exit(&flexplan(&["check", path_arg(&a)]), code::OK);

    let other = tmp.path().join("other");
    assert_exit(&flexplan(&["generate", "--products", "4", path_arg(&other)]), code::USAGE);
    assert_exit(&flexplan(&["generate", "--storefront", "--items", "4", path_arg(&other)]), code::USAGE);
    let output = flexplan(&["generate", "--storefront", "--colours", "17", path_arg(&other)]);
    assert_exit(&output, code::ERROR);
    assert!(stderr(&output).contains("at most 16 colours"), "{}", stderr(&output));
    assert!(!other.exists());

    let small = tmp.path().join("small");
    let output = flexplan(&["generate", "--adversarial", "--configurable", "--seed", "3", path_arg(&small)]);
    assert_exit(&output, code::OK);
    assert!(stdout(&output).contains("configurable product"), "{}", stdout(&output));
    assert_exit(&flexplan(&["check", path_arg(&small)]), code::OK);
    assert_exit(&flexplan(&["generate", "--configurable", path_arg(&other)]), code::USAGE);
}

// ---------------------------------------------------------------------------------------------
// 6. Parquet output
// ---------------------------------------------------------------------------------------------

fn read_parquet(path: &Path) -> DataFrame {
    let file = fs::File::open(path).expect("open parquet");
    ParquetReader::new(file).finish().expect("read parquet")
}

/// Asserts that a Parquet cell holds what the CSV cell says: same text, same number, or null
/// for an empty cell.
fn assert_same_cell(value: &AnyValue, csv: &str, at: &str) {
    match value {
        AnyValue::Null => assert_eq!(csv, "", "{at}: null in Parquet, {csv:?} in CSV"),
        AnyValue::String(s) => assert_eq!(*s, csv, "{at}"),
        AnyValue::StringOwned(s) => assert_eq!(s.as_str(), csv, "{at}"),
        other => {
            let number = other.extract::<f64>().unwrap_or_else(|| panic!("{at}: unexpected Parquet value {other:?}"));
            let expected: f64 = csv.parse().unwrap_or_else(|_| panic!("{at}: CSV cell {csv:?} is not a number"));
            assert_eq!(number, expected, "{at}");
        }
    }
}

#[test]
fn parquet_output_holds_the_csv_values_and_validate_accepts_it() {
    let tmp = temp_dir();
    let out = tmp.path().join("pq");
    let output = flexplan(&["plan", path_arg(&example_dir()), "--out", path_arg(&out), "--format", "parquet"]);
    assert_exit(&output, code::OK);
    assert_eq!(
        names_in(&out),
        ["inventory.parquet", "lots.parquet", "order_promises.parquet", "resources.parquet", "summary.json"]
    );
    let csv_plan = example_plan();
    for (table, header) in PLAN_TABLES {
        let frame = read_parquet(&out.join(format!("{table}.parquet")));
        let (csv_header, csv_rows) = read_csv(&csv_plan.join(format!("{table}.csv")));
        let names: Vec<String> = frame.get_column_names().iter().map(|n| n.to_string()).collect();
        assert_eq!(names.join(","), header, "{table}.parquet columns");
        assert_eq!(names, csv_header);
        assert_eq!(frame.height(), csv_rows.len(), "{table}: row count");
        for (c, column) in frame.columns().iter().enumerate() {
            assert!(
                matches!(column.dtype(), DataType::String | DataType::Int64 | DataType::Float64),
                "{table}.{}: type {:?}",
                column.name(),
                column.dtype()
            );
            for (row, csv_row) in csv_rows.iter().enumerate() {
                let value = column.get(row).expect("cell in range");
                assert_same_cell(&value, &csv_row[c], &format!("{table} row {} column {}", row + 2, column.name()));
            }
        }
    }
    assert_eq!(summary_without_timings(&out), summary_without_timings(csv_plan));

    let validate = flexplan(&["validate", path_arg(&example_dir()), path_arg(&out)]);
    assert_exit(&validate, code::OK);
}

// ---------------------------------------------------------------------------------------------
// 7. A tampered plan
// ---------------------------------------------------------------------------------------------

#[test]
fn validate_exits_7_on_a_tampered_lot_and_names_its_item_and_period() {
    let tmp = temp_dir();
    let out = tmp.path().join("tampered");
    copy_dir(example_plan(), &out);
    let (header, mut rows) = read_csv(&out.join("lots.csv"));
    let col = |name: &str| header.iter().position(|h| h == name).expect("lots.csv column");
    let (item_col, period_col, available_col, quantity_col) =
        (col("item"), col("period"), col("available_period"), col("quantity"));
    // The first lot of a made item with no lead time, so it lands in its own period.
    let row =
        rows.iter().position(|r| r[col("kind")] == "make" && r[period_col] == r[available_col]).expect("a make lot");
    let item = rows[row][item_col].clone();
    let period = rows[row][period_col].clone();
    let quantity: f64 = rows[row][quantity_col].parse().expect("quantity");
    rows[row][quantity_col] = (quantity + 7.0).to_string();
    let mut text = header.join(",") + "\n";
    for r in &rows {
        text.push_str(&r.join(","));
        text.push('\n');
    }
    fs::write(out.join("lots.csv"), text).expect("write tampered lots.csv");

    let output = flexplan(&["validate", path_arg(&example_dir()), path_arg(&out)]);
    assert_exit(&output, code::VIOLATIONS);
    let report = stdout(&output);
    assert!(report.contains("FAILED"), "{report}");
    let balance_line = format!("[balance] {item} period {period}: inventory balance off by -7");
    assert!(report.contains(&balance_line), "expected `{balance_line}` in\n{report}");
    assert!(report.contains("[objective]"), "the objective no longer matches summary.json:\n{report}");
}

// ---------------------------------------------------------------------------------------------
// 8. An OUT_DIR flexplan did not write
// ---------------------------------------------------------------------------------------------

#[test]
fn an_out_dir_holding_a_foreign_file_exits_8_and_leaves_it_untouched() {
    let tmp = temp_dir();
    let out = tmp.path().join("mine");
    fs::create_dir(&out).expect("create OUT_DIR");
    fs::write(out.join("notes.txt"), "my own notes\n").expect("write foreign file");

    let output = flexplan(&["plan", path_arg(&example_dir()), "--out", path_arg(&out)]);
    assert_exit(&output, code::OUTPUT);
    let err = stderr(&output);
    assert!(err.contains("notes.txt"), "the refused file is named: {err}");
    assert_eq!(names_in(&out), ["notes.txt"]);
    assert_eq!(fs::read(out.join("notes.txt")).expect("read"), b"my own notes\n");
    assert_eq!(names_in(tmp.path()), ["mine"], "no staging leftovers");
}

// ---------------------------------------------------------------------------------------------
// 9. A killed run
// ---------------------------------------------------------------------------------------------

#[test]
fn a_run_killed_mid_solve_leaves_the_earlier_plan_intact() {
    let tmp = temp_dir();
    let plan_dir = tmp.path().join("gen");
    // Takes seconds to prove optimal (--gap 0; generated plans ask for 1 % by default).
    generate(&plan_dir, 2, 12, 200, 8);
    let work = tmp.path().join("work");
    let out = work.join("plan");
    copy_dir(example_plan(), &out);
    let before = snapshot(&out);

    let mut child = Command::new(env!("CARGO_BIN_EXE_flexplan"))
        .args(["plan", path_arg(&plan_dir), "--out", path_arg(&out), "--gap", "0"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start flexplan");
    let started = Instant::now();
    std::thread::sleep(Duration::from_millis(300));
    let still_running = child.try_wait().expect("poll child").is_none();
    child.kill().expect("kill -9"); // SIGKILL on Unix
    let status = child.wait().expect("reap child");
    assert!(still_running, "the run finished in {:?}, before it could be killed", started.elapsed());
    assert_eq!(status.code(), None, "killed by a signal");

    assert_eq!(snapshot(&out), before, "the earlier plan must be byte-identical");
    let visible: Vec<String> = names_in(&work).into_iter().filter(|n| !n.starts_with('.')).collect();
    assert_eq!(visible, ["plan"], "no visible partial files beside OUT_DIR");
}

// ---------------------------------------------------------------------------------------------
// 10. The command line itself
// ---------------------------------------------------------------------------------------------

#[test]
fn help_exits_0_for_every_command_and_a_wrong_command_line_exits_2() {
    let top = flexplan(&["--help"]);
    assert_exit(&top, code::OK);
    for command in ["check", "plan", "validate", "generate"] {
        assert!(stdout(&top).contains(command), "`{command}` missing from --help");
        let help = flexplan(&[command, "--help"]);
        assert_exit(&help, code::OK);
        assert!(stdout(&help).contains("Usage: flexplan"), "{command} --help: {}", stdout(&help));
    }
    assert_exit(&flexplan(&["--version"]), code::OK);

    let unknown_flag = flexplan(&["plan", path_arg(&example_dir()), "--out", "unused", "--bogus"]);
    assert_exit(&unknown_flag, code::USAGE);
    assert!(stderr(&unknown_flag).contains("--bogus"), "{}", stderr(&unknown_flag));
    assert!(!repo_root().join("unused").exists());

    assert_exit(&flexplan(&[]), code::USAGE);
    assert_exit(&flexplan(&["plan", path_arg(&example_dir())]), code::USAGE); // --out missing
    assert_exit(&flexplan(&["frobnicate"]), code::USAGE);
}

/// Solver flags out of range are usage errors (exit 2) naming the rule, before any solve:
/// `--gap nan` used to solve for 21 s and print "target NaN%", `--threads 100000` to hang.
#[test]
fn solver_flags_out_of_range_are_usage_errors() {
    let out = temp_dir();
    let target = out.path().join("plan");
    let example = example_dir();
    for (flag, value, words) in [
        ("--gap", "nan", "relative gap >= 0 and < 1"),
        ("--gap", "-0.5", "relative gap >= 0 and < 1"),
        ("--time-limit", "nan", "seconds > 0"),
        ("--time-limit", "-1", "seconds > 0"),
        ("--threads", "100000", "0..=256"),
    ] {
        let output = flexplan(&["plan", path_arg(&example), "--out", path_arg(&target), &format!("{flag}={value}")]);
        assert_exit(&output, 2);
        assert!(stderr(&output).contains(words), "{flag}={value}: {}", stderr(&output));
        assert!(!target.exists());
    }
    for flag in ["--items", "--periods"] {
        let output = flexplan(&["generate", flag, "0", path_arg(&target)]);
        assert_exit(&output, 2);
        assert!(stderr(&output).contains("whole number >= 1"), "{}", stderr(&output));
    }
}

/// A malformed benchmark file is invalid input (3) and names the file and line; a missing one
/// is an unreadable file (1); neither writes the plan directory.
#[test]
fn import_errors_have_the_documented_exit_codes_and_write_nothing() {
    let tmp = temp_dir();
    let out = tmp.path().join("plan");
    let bad_dat = tmp.path().join("bad.DAT");
    fs::write(&bad_dat, "1 2\n1\n-5\n").unwrap();
    let output = flexplan(&["import", "trigeiro", path_arg(&bad_dat), path_arg(&out)]);
    assert_exit(&output, code::INVALID_INPUT);
    assert!(stderr(&output).contains("bad.DAT: line 3: the capacity must be >= 0, found -5"), "{}", stderr(&output));

    let badly_named = tmp.path().join("plan.cap");
    fs::write(&badly_named, "1 100\n").unwrap();
    let output = flexplan(&["import", "tempelmeier", path_arg(&badly_named), path_arg(&out)]);
    assert_exit(&output, code::INVALID_INPUT);
    assert!(stderr(&output).contains("expected a capacity file named like `1AA1_11.cap`"), "{}", stderr(&output));

    let lonely = tmp.path().join("1AA1_11.cap");
    fs::write(&lonely, "1 100\n").unwrap();
    let output = flexplan(&["import", "tempelmeier", path_arg(&lonely), path_arg(&out)]);
    assert_exit(&output, 1);
    let message = stderr(&output);
    assert!(message.contains("cannot read") && message.contains("1AA.dat"), "{message}");
    assert!(!out.exists());
}

/// `bench --instances` runs only the named instances and writes the CSV (with each solve's
/// trajectory) and the Markdown table; a name that matches nothing is an error, not an empty
/// success. A two-file G folder of hand-worked instances stands in for the benchmark data.
#[test]
fn bench_runs_the_named_instances_and_writes_their_trajectories() {
    let tmp = temp_dir();
    let g = tmp.path().join("data").join("trigeiro1989").join("G");
    fs::create_dir_all(&g).unwrap();
    // One item, three periods of demand 5, capacity 12, setup time 2, setup cost 6, holding 1:
    // optimum 17 (tests/it/import.rs works it by hand). HAND2 is the same with setup cost 100.
    fs::write(g.join("HAND1.DAT"), "1 3\n1\n12\n1 1 2 6\n5\n5\n5\n").unwrap();
    fs::write(g.join("HAND2.DAT"), "1 3\n1\n12\n1 1 2 100\n5\n5\n5\n").unwrap();
    let data = tmp.path().join("data");
    let out = tmp.path().join("bench.csv");
    let output = flexplan(&[
        "bench",
        "trigeiro-g",
        "--time-limit",
        "10",
        "--threads",
        "1",
        "--instances",
        "HAND1",
        "--data",
        path_arg(&data),
        "--out",
        path_arg(&out),
    ]);
    assert_exit(&output, code::OK);
    let csv = fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[0].ends_with(",checked,note,trajectory"), "{csv}");
    assert!(lines[1].starts_with("trigeiro-g,HAND1,1x3,optimal,17,"), "{csv}");
    assert!(lines[1].ends_with(":17:17"), "{csv}");
    assert!(fs::read_to_string(tmp.path().join("bench.md")).unwrap().contains("| HAND1 |"));

    let nothing = tmp.path().join("nothing.csv");
    let output = flexplan(&[
        "bench",
        "trigeiro-g",
        "--time-limit",
        "10",
        "--instances",
        "G1",
        "--data",
        path_arg(&data),
        "--out",
        path_arg(&nothing),
    ]);
    assert_exit(&output, code::USAGE);
    assert!(!nothing.exists(), "a usage error writes no table");
    assert!(stderr(&output).contains("no instance of trigeiro-g matched --instances"), "{}", stderr(&output));
    let output = flexplan(&["bench", "trigeiro-q", "--time-limit", "10"]);
    assert_exit(&output, code::USAGE);
    assert!(stderr(&output).contains("unknown suite trigeiro-q"), "{}", stderr(&output));
}

// ---------------------------------------------------------------------------------------------
// 11. Error exit paths of the other commands
// ---------------------------------------------------------------------------------------------

/// A scenario file (evaluate mode: the example's base plan is solved once, then simulated).
fn write_scenarios(path: &Path, body: &str) {
    fs::write(path, format!("[sweep]\nmode = \"evaluate\"\n{body}")).expect("write scenario file");
}

/// An invalid scenario file is invalid input (3) naming the scenario and key; an unreadable
/// one is an unreadable file (1). Neither writes OUT_DIR.
#[test]
fn sweep_with_an_invalid_scenario_file_exits_3_and_with_a_missing_one_exits_1() {
    let tmp = temp_dir();
    let scenarios = tmp.path().join("scenarios.toml");
    write_scenarios(&scenarios, "[[scenario]]\nname = \"a\"\ncapacity_scale = { PRES = 0.5 }\n");
    let out = tmp.path().join("sweep");
    let example = example_dir();
    let output = flexplan(&["sweep", path_arg(&example), "--scenarios", path_arg(&scenarios), "--out", path_arg(&out)]);
    assert_exit(&output, code::INVALID_INPUT);
    let err = stderr(&output);
    assert!(err.contains("invalid scenario file"), "{err}");
    assert!(err.contains("scenario \"a\", key \"capacity_scale.PRES\": unknown resource \"PRES\""), "{err}");
    assert!(!out.exists());

    let missing = tmp.path().join("missing.toml");
    let output = flexplan(&["sweep", path_arg(&example), "--scenarios", path_arg(&missing), "--out", path_arg(&out)]);
    assert_exit(&output, code::ERROR);
    assert!(stderr(&output).contains("missing.toml"), "{}", stderr(&output));
    assert!(!out.exists());
}

/// A `--shard` that is not K/N with 1 <= K <= N is refused before any scenario runs, with
/// exit code 1 (not clap's 2: the library parses it).
#[test]
fn sweep_with_a_bad_shard_exits_1_and_writes_nothing() {
    let tmp = temp_dir();
    let scenarios = tmp.path().join("scenarios.toml");
    write_scenarios(&scenarios, "[[scenario]]\nname = \"more\"\ndemand_scale = 1.1\n");
    let out = tmp.path().join("sweep");
    for shard in ["0/2", "3/2", "abc"] {
        let output = flexplan(&[
            "sweep",
            path_arg(&example_dir()),
            "--scenarios",
            path_arg(&scenarios),
            "--out",
            path_arg(&out),
            "--shard",
            shard,
        ]);
        assert_exit(&output, code::ERROR);
        let err = stderr(&output);
        assert!(err.contains(&format!("\"{shard}\"")) && err.contains("expected K/N"), "{shard}: {err}");
        assert!(!out.exists());
    }
}

/// A journal already in OUT_DIR is refused without --resume (1), and shard folders that do
/// not make a whole sweep cannot be merged (1).
#[test]
fn sweep_refuses_a_finished_journal_and_an_incomplete_merge_with_exit_1() {
    let tmp = temp_dir();
    let scenarios = tmp.path().join("scenarios.toml");
    write_scenarios(&scenarios, "[[scenario]]\nname = \"more\"\ndemand_scale = 1.1\n");
    let shard = tmp.path().join("shard-1");
    let args = |out: &Path| {
        flexplan(&[
            "sweep",
            path_arg(&example_dir()),
            "--scenarios",
            path_arg(&scenarios),
            "--out",
            path_arg(out),
            "--shard",
            "1/2",
            "--quiet",
        ])
    };
    assert_exit(&args(&shard), code::OK);
    let journal = fs::read(shard.join("journal.jsonl")).expect("journal written");

    let again = args(&shard);
    assert_exit(&again, code::ERROR);
    assert!(stderr(&again).contains("pass --resume"), "{}", stderr(&again));
    assert_eq!(fs::read(shard.join("journal.jsonl")).expect("journal kept"), journal, "the journal is untouched");

    let merged = tmp.path().join("merged");
    let output = flexplan(&["sweep", "merge", path_arg(&shard), "--out", path_arg(&merged)]);
    assert_exit(&output, code::ERROR);
    assert!(stderr(&output).contains("cannot merge: shards missing: 2/2"), "{}", stderr(&output));
    assert!(!merged.exists());
}

/// A plan folder with a file missing or malformed cannot be checked: exit 1 (7 is for a plan
/// that reads but breaks a rule), naming the file.
#[test]
fn validate_exits_1_when_a_plan_file_is_missing_or_malformed() {
    let tmp = temp_dir();
    let out = tmp.path().join("plan");
    copy_dir(example_plan(), &out);
    fs::remove_file(out.join("summary.json")).expect("remove summary.json");
    let output = flexplan(&["validate", path_arg(&example_dir()), path_arg(&out)]);
    assert_exit(&output, code::ERROR);
    assert!(stderr(&output).contains("summary.json"), "{}", stderr(&output));

    copy_dir(example_plan(), &out);
    let lots = fs::read_to_string(out.join("lots.csv")).expect("read lots.csv");
    let mut lines: Vec<String> = lots.lines().map(str::to_string).collect();
    let last = lines[1].rfind(',').expect("a quantity column");
    lines[1].replace_range(last + 1.., "abc");
    fs::write(out.join("lots.csv"), lines.join("\n") + "\n").expect("write lots.csv");
    let output = flexplan(&["validate", path_arg(&example_dir()), path_arg(&out)]);
    assert_exit(&output, code::ERROR);
    let err = stderr(&output);
    assert!(err.contains("lots.csv, row 2, column quantity, value \"abc\""), "{err}");
}

/// A generate request clap accepts but the generator cannot serve (a month bucket that does
/// not start on the 1st) exits 1; an OUT_DIR that cannot be created exits 8.
#[test]
fn generate_exits_1_for_a_spec_out_of_range_and_8_for_an_unwritable_out_dir() {
    let tmp = temp_dir();
    let out = tmp.path().join("gen");
    let output = flexplan(&["generate", "--bucket", "month", "--start", "2026-01-05", path_arg(&out)]);
    assert_exit(&output, code::ERROR);
    assert!(stderr(&output).contains("must start on the 1st of a month"), "{}", stderr(&output));
    assert!(!out.exists());

    let blocker = tmp.path().join("a-file");
    fs::write(&blocker, "not a folder\n").expect("write a file");
    let output = flexplan(&["generate", "--items", "3", "--orders", "5", path_arg(&blocker.join("gen"))]);
    assert_exit(&output, code::OUTPUT);
    assert!(stderr(&output).contains("cannot write"), "{}", stderr(&output));
}

/// `generate`'s version-2 flags write the version-2 tables, which `check` accepts; `--unmet-cost`
/// takes its factor only with `=`, so it never swallows OUT_DIR; a joint order cost without
/// suppliers exits 1, a share above 1 is a usage error, and `--adversarial` takes none of them.
#[test]
fn generate_flexible_flags_write_version_2_tables_that_check_accepts() {
    let tmp = temp_dir();
    let out = tmp.path().join("flex");
    let output = flexplan(&[
        "generate",
        "--items",
        "40",
        "--orders",
        "400",
        "--periods",
        "6",
        "--routes",
        "2",
        "--subcontract",
        "0.5",
        "--suppliers",
        "2",
        "--joint-order-cost",
        "120",
        "--families",
        "2",
        "--unmet-cost",
        path_arg(&out),
    ]);
    assert_exit(&output, code::OK);
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("version 2: "),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    for table in ["routes.csv", "sources.csv", "suppliers.csv", "families.csv"] {
        assert!(out.join(table).exists(), "no {table}");
    }
    assert!(csv_column(&out.join("items.csv"), "unmet_cost").iter().any(|v| !v.is_empty() && v != "0"));
    assert_exit(&flexplan(&["check", path_arg(&out)]), code::OK);

    let factor = tmp.path().join("factor");
    assert_exit(&flexplan(&["generate", "--items", "10", "--unmet-cost=3", path_arg(&factor)]), code::OK);
    let no_suppliers = tmp.path().join("no-suppliers");
    let output = flexplan(&["generate", "--joint-order-cost", "50", path_arg(&no_suppliers)]);
    assert_exit(&output, code::ERROR);
    assert!(stderr(&output).contains("a joint order cost needs suppliers"), "{}", stderr(&output));
    assert!(!no_suppliers.exists());
    assert_exit(&flexplan(&["generate", "--subcontract", "2", path_arg(&no_suppliers)]), code::USAGE);
    assert_exit(&flexplan(&["generate", "--adversarial", "--routes", "2", path_arg(&no_suppliers)]), code::USAGE);
}

/// `forecast`: an invalid history and a plan directory with another bucket are invalid input
/// (3); a `--by` that is neither `item` nor `item,market` exits 1.
#[test]
fn forecast_error_paths_have_their_exit_codes() {
    let tmp = temp_dir();
    let history = repo_root().join("tests").join("fixtures").join("forecast").join("series.csv");
    let out = tmp.path().join("forecast");

    let output =
        flexplan(&["forecast", path_arg(&history), "--horizon", "4", "--out", path_arg(&out), "--by", "store"]);
    assert_exit(&output, code::ERROR);
    assert!(stderr(&output).contains("--by takes `item` or `item,market`, not `store`"), "{}", stderr(&output));

    let negative = tmp.path().join("negative.csv");
    fs::write(&negative, "unique_id,ds,y\nA,2026-01-05,-3\n").expect("write history");
    let output = flexplan(&["forecast", path_arg(&negative), "--horizon", "4", "--out", path_arg(&out)]);
    assert_exit(&output, code::INVALID_INPUT);
    assert!(stderr(&output).starts_with("error: invalid input in "), "{}", stderr(&output));
    assert!(stderr(&output).contains("negative.csv"), "{}", stderr(&output));

    let plan_dir = tmp.path().join("plan");
    copy_dir(&example_dir(), &plan_dir);
    let before = snapshot(&plan_dir);
    let output = flexplan(&[
        "forecast",
        path_arg(&history),
        "--horizon",
        "4",
        "--out",
        path_arg(&out),
        "--plan-dir",
        path_arg(&plan_dir),
        "--bucket",
        "day",
    ]);
    assert_exit(&output, code::INVALID_INPUT);
    assert!(stderr(&output).contains("forecast it with --bucket week"), "{}", stderr(&output));
    assert_eq!(snapshot(&plan_dir), before, "the plan directory is untouched");
    assert!(!out.exists());
}

/// `solve-mps`: a gzipped file is read by flexplan, so a missing one is an unreadable file
/// (1); a plain `.mps` is read by HiGHS, so a missing or malformed one is a file HiGHS cannot
/// read: invalid input (3), naming the file.
#[test]
fn solve_mps_error_paths_have_their_exit_codes() {
    let tmp = temp_dir();
    let missing = tmp.path().join("missing.mps.gz");
    let output = flexplan(&["solve-mps", path_arg(&missing)]);
    assert_exit(&output, code::ERROR);
    let err = stderr(&output);
    assert!(err.contains("cannot read") && err.contains("missing.mps.gz"), "{err}");

    let malformed = tmp.path().join("malformed.mps");
    fs::write(&malformed, "garbage\n").expect("write mps");
    for file in [malformed, tmp.path().join("missing.mps")] {
        let output = flexplan(&["solve-mps", path_arg(&file)]);
        assert_exit(&output, code::INVALID_INPUT);
        let err = stderr(&output);
        assert!(err.contains("HiGHS could not read the MPS file"), "{err}");
    }
}

#[test]
fn a_closed_stdout_does_not_lose_the_plan() {
    // `flexplan plan ... | head -1`: the reader is gone before flexplan prints a line.
    let out = temp_dir();
    let plan_dir = out.path().join("plan");
    let case = repo_root().join("tests/fixtures/plans/wagner_whitin_three_periods");
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let output = Command::new(env!("CARGO_BIN_EXE_flexplan"))
        .args(["plan", path_arg(&case), "--out", path_arg(&plan_dir)])
        .stdout(writer)
        .output()
        .expect("the flexplan binary runs");
    assert_exit(&output, 0);
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
    assert!(plan_dir.join("lots.csv").is_file(), "the plan is written: {:?}", names_in(out.path()));
}

#[test]
fn plan_says_what_it_buys_from_each_supplier() {
    // Hand-worked in tests/fixtures/plans/joint_order_together: INK and DYE both in week 1 from
    // CHEM, one shipment of 100 (their unit costs are 0).
    let out = temp_dir();
    let plan_dir = out.path().join("plan");
    let case = repo_root().join("tests/fixtures/plans/joint_order_together");
    let output = flexplan(&["plan", path_arg(&case), "--out", path_arg(&plan_dir)]);
    assert_exit(&output, 0);
    assert!(
        stdout(&output).contains("\nsuppliers: CHEM 20 units (2 lots in 1 order) for 100\n"),
        "{}",
        stdout(&output)
    );
}
