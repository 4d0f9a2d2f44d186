//! The fixture catalog: every `tests/fixtures/invalid/<case>/` must be refused with exactly the
//! text in its `expected.txt`, every `tests/fixtures/valid/<case>/` must be accepted.
//!
//! `UPDATE_EXPECT=1 cargo test --test it fixtures::` rewrites the expected.txt files; review the diff
//! by eye: each message must be one a planner can act on.
//!
//! The Parquet fixtures are committed binary files written by the ignored test
//! `generate_parquet_fixtures` (`cargo test --test it generate_parquet_fixtures -- --ignored`); see
//! `tests/fixtures/README.md`.

use chrono::NaiveDate;
use flexplan::input::{read_plan_dir, read_plan_dir_with_orders};
use flexplan::input::{Bucket, ItemKind, PlanInput};
use flexplan::Error;
use polars::prelude::*;
use std::path::{Path, PathBuf};

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("fixtures")
}

fn case_dirs(kind: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures_root().join(kind))
        .expect("fixture folder exists")
        .map(|entry| entry.expect("readable fixture entry").path())
        .filter(|path| path.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// What the acceptance test runs: the reader, then the BOM graph (which finds cycles).
fn read_and_build_graph(dir: &Path) -> Result<PlanInput, Error> {
    read_plan_dir(dir).and_then(|plan| flexplan::input::bom::BomGraph::new(&plan).map(|_| plan))
}

/// The error text with the machine-specific fixture path replaced by `<dir>`.
fn portable(text: &str, dir: &Path) -> String {
    text.replace(&dir.display().to_string(), "<dir>")
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("valid test date")
}

#[test]
fn invalid_fixtures_give_the_expected_errors() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let cases = case_dirs("invalid");
    assert!(cases.len() >= 30, "the catalog needs at least 30 invalid cases, found {}", cases.len());
    let mut failures = Vec::new();
    for dir in &cases {
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let actual = match read_and_build_graph(dir) {
            Ok(_) => "ACCEPTED (expected an error)\n".to_string(),
            Err(err) => portable(&err.to_string(), dir),
        };
        let expected_path = dir.join("expected.txt");
        if update {
            // An accepted case is never written: it keeps a hand-written expectation (the BOM
            // cycles, which only `bom::BomGraph` finds) from being overwritten.
            if actual.starts_with("ACCEPTED") {
                eprintln!("{name}: accepted, expected.txt left as it is");
            } else {
                std::fs::write(&expected_path, &actual).expect("write expected.txt");
            }
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            failures.push(format!("--- {name}\nexpected:\n{expected}actual:\n{actual}"));
        }
    }
    assert!(failures.is_empty(), "{} fixture(s) differ:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn valid_fixtures_are_accepted() {
    for dir in case_dirs("valid") {
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let plan = match name.as_str() {
            "orders_from_frame" => read_plan_dir_with_orders(&dir, &orders_frame()),
            _ => read_and_build_graph(&dir),
        };
        let plan = plan.unwrap_or_else(|err| panic!("{name} was refused:\n{err}"));
        check_valid_case(&name, &plan);
    }
}

/// A few values of each valid case, worked out by hand from its files.
fn check_valid_case(name: &str, plan: &PlanInput) {
    let item_ids: Vec<&str> = plan.items.iter().map(|item| item.id.as_str()).collect();
    match name {
        "utf8_bom_crlf" => {
            assert_eq!(item_ids, ["A", "B"]);
            assert_eq!(plan.items[0].unit_cost, 10.0);
            assert_eq!(plan.orders[0].id, "O1");
            assert_eq!(plan.orders[0].due_date, date(2026, 1, 12));
        }
        "quoted_fields_with_commas" => {
            assert_eq!(item_ids, ["A, large", "B \"deluxe\""]);
            assert_eq!(plan.items[0].unit_cost, 1.5);
            assert_eq!(plan.orders[0].market.as_deref(), Some("Lyon, FR"));
            assert_eq!(plan.orders[1].item, 1);
        }
        "unicode_ids" => {
            assert_eq!(item_ids, ["T恤-红", "Ünïcødé"]);
            assert_eq!(plan.bom.len(), 1);
            assert_eq!((plan.bom[0].parent, plan.bom[0].component, plan.bom[0].quantity), (0, 1, 2.0));
            assert_eq!(plan.orders[0].id, "订单-1");
            assert_eq!(plan.orders[0].item, 0, "the id ` T恤-红 ` is trimmed");
            assert_eq!(plan.orders[0].market.as_deref(), Some("中国"));
        }
        "extra_x_columns" => {
            assert_eq!(plan.items[1].unit_cost, 2.0);
            assert_eq!(plan.orders.len(), 1);
        }
        "header_only_orders" => {
            assert!(plan.orders.is_empty());
            assert_eq!(plan.items.len(), 2);
            assert_eq!(plan.items[0].backlog_cost, Some(5.0));
            assert_eq!(plan.items[1].backlog_cost, None);
            assert_eq!(plan.items[1].lead_time, 1);
        }
        "full_plan" => check_full_plan(plan),
        "orders_from_frame" => {
            assert_eq!(plan.orders.len(), 2);
            assert_eq!(plan.orders[0].id, "F1");
            assert_eq!(plan.orders[0].quantity, 4.0);
            assert_eq!(plan.orders[0].due_date, date(2026, 1, 13));
            assert_eq!(plan.orders[1].item, 1);
            assert_eq!(plan.orders[1].market, None);
        }
        "parquet_tables" => {
            assert_eq!(item_ids, ["A", "B"]);
            assert_eq!(plan.items[0].kind, ItemKind::Make);
            assert_eq!(plan.items[0].lead_time, 2);
            assert_eq!(plan.items[0].backlog_cost, Some(5.0));
            assert_eq!(plan.items[1].backlog_cost, None);
            assert_eq!(plan.items[1].unit_cost, 2.5);
            assert_eq!(plan.orders.len(), 2);
            assert_eq!(plan.orders[0].due_date, date(2026, 1, 12));
            assert_eq!(plan.orders[1].quantity, 7.0);
            assert_eq!(plan.orders[1].market, None);
        }
        other => panic!("valid case `{other}` has no assertions; add some to check_valid_case"),
    }
}

fn check_full_plan(plan: &PlanInput) {
    assert_eq!(plan.horizon.start, date(2026, 2, 1));
    assert_eq!(plan.horizon.bucket, Bucket::Month);
    assert_eq!(plan.n_periods(), 3);
    assert_eq!(plan.solver.time_limit_s, Some(30.0));
    assert_eq!(plan.solver.mip_gap, Some(0.01));
    assert_eq!(plan.solver.threads, Some(1));
    let bike = &plan.items[0];
    assert_eq!((bike.lead_time, bike.initial_inventory, bike.max_lot, bike.order_cost), (1, 3.0, Some(100.0), 10.0));
    let wheel = &plan.items[2];
    assert_eq!((wheel.kind, wheel.min_lot, wheel.lot_multiple, wheel.lead_time), (ItemKind::Buy, 20.0, Some(10.0), 2));
    assert_eq!(plan.items[1].lot_multiple, Some(5.0));
    assert_eq!(plan.items[1].max_lot, None);
    // ASSEMBLY: 100 per period, overridden to 80 in period 2; WELD: 60 with default overtime.
    assert_eq!(plan.resources[0].capacity, vec![100.0, 80.0, 100.0]);
    assert_eq!(plan.resources[0].overtime_cost, 3.0);
    assert_eq!(plan.resources[1].capacity, vec![60.0; 3]);
    assert_eq!(plan.resources[1].overtime_max, 0.0);
    assert_eq!(plan.routings.len(), 2);
    assert_eq!((plan.routings[1].item, plan.routings[1].resource, plan.routings[1].unit_time), (1, 1, 2.0));
    assert_eq!(plan.routings[1].setup_time, 0.0);
    assert_eq!((plan.receipts[0].item, plan.receipts[0].period, plan.receipts[0].quantity), (2, 0, 40.0));
    assert_eq!((plan.forecast[0].item, plan.forecast[0].period), (0, 2));
    let due: Vec<NaiveDate> = plan.orders.iter().map(|order| order.due_date).collect();
    assert_eq!(due, [date(2026, 2, 14), date(2026, 4, 30), date(2026, 5, 1)]);
}

/// Orders for `valid/orders_from_frame`: a Date column and integer quantities.
fn orders_frame() -> DataFrame {
    let epoch = date(1970, 1, 1);
    let days = |d: NaiveDate| (d - epoch).num_days() as i32;
    let due = Column::new("due_date".into(), [days(date(2026, 1, 13)), days(date(2026, 1, 27))])
        .cast(&DataType::Date)
        .expect("days cast to Date");
    DataFrame::new(
        2,
        vec![
            Column::new("order_id".into(), ["F1", "F2"]),
            Column::new("item".into(), ["A", "B"]),
            Column::new("quantity".into(), [4i64, 6]),
            due,
            Column::new("market".into(), [Some("EU"), None::<&str>]),
        ],
    )
    .expect("frame")
}

#[test]
fn a_frame_with_text_quantities_is_refused_with_its_name() {
    let dir = fixtures_root().join("valid").join("orders_from_frame");
    let frame = DataFrame::new(
        1,
        vec![
            Column::new("order_id".into(), ["F1"]),
            Column::new("item".into(), ["A"]),
            Column::new("quantity".into(), ["4"]),
            Column::new("due_date".into(), ["2026-01-13"]),
        ],
    )
    .expect("frame");
    let err = read_plan_dir_with_orders(&dir, &frame).expect_err("text quantities are refused");
    assert_eq!(
        err.to_string(),
        "invalid input: 1 problem found\n  <orders frame>, column quantity: column of the wrong type: \
         expected a number, found String\n"
    );
}

fn write_parquet(path: &Path, mut frame: DataFrame) {
    let file = std::fs::File::create(path).expect("create parquet fixture");
    ParquetWriter::new(file).finish(&mut frame).expect("write parquet fixture");
}

/// Writes the committed Parquet fixtures. Run by hand after changing them:
/// `cargo test --test it generate_parquet_fixtures -- --ignored`.
#[test]
#[ignore]
fn generate_parquet_fixtures() {
    let root = fixtures_root();
    let wrong_type = DataFrame::new(
        2,
        vec![
            Column::new("item".into(), ["A", "B"]),
            Column::new("kind".into(), ["make", "buy"]),
            Column::new("unit_cost".into(), ["10", "2"]),
            Column::new("lead_time".into(), [1.5f64, 0.0]),
        ],
    )
    .expect("frame");
    write_parquet(&root.join("invalid/parquet_wrong_type/items.parquet"), wrong_type);

    let items = DataFrame::new(
        2,
        vec![
            Column::new("item".into(), ["A", "B"]),
            Column::new("kind".into(), ["make", "buy"]),
            Column::new("unit_cost".into(), [10.0f64, 2.5]),
            Column::new("backlog_cost".into(), [Some(5.0f64), None]),
            Column::new("lead_time".into(), [2i64, 0]),
            Column::new("x_note".into(), ["typed", "columns"]),
        ],
    )
    .expect("frame");
    write_parquet(&root.join("valid/parquet_tables/items.parquet"), items);
    let epoch = date(1970, 1, 1);
    let days = |d: NaiveDate| (d - epoch).num_days() as i32;
    let due = Column::new("due_date".into(), [days(date(2026, 1, 12)), days(date(2026, 1, 20))])
        .cast(&DataType::Date)
        .expect("days cast to Date");
    let orders = DataFrame::new(
        2,
        vec![
            Column::new("order_id".into(), ["P1", "P2"]),
            Column::new("item".into(), ["A", "B"]),
            Column::new("quantity".into(), [3i32, 7]),
            due,
            Column::new("market".into(), [Some("EU"), None::<&str>]),
        ],
    )
    .expect("frame");
    write_parquet(&root.join("valid/parquet_tables/orders.parquet"), orders);
}
