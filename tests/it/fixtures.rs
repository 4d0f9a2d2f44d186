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
use flexplan::input::{Bucket, ItemKind, LotTerms, Options, PlanInput};
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
        "v2_full_plan" => check_v2_full_plan(plan),
        "v2_parquet_tables" => {
            // The same tables as v2_full_plan, typed (numbers, nulls, an integer lead_time).
            check_v2_full_plan(plan);
            let from_csv = read_and_build_graph(&fixtures_root().join("valid").join("v2_full_plan"))
                .expect("v2_full_plan is valid");
            assert_eq!(*plan, from_csv, "the Parquet tables read as their CSV twins");
        }
        "configurable" => check_configurable(plan),
        other => panic!("valid case `{other}` has no assertions; add some to check_valid_case"),
    }
}

/// `valid/configurable`: a configurable tee (colour, size, design; the blank depends on colour
/// and size, a white-underbase row on navy only), orders with an `opt_design` column, a forecast
/// spread by a two-attribute mix, a receipt naming a class, a family with placeholders and a
/// partner route with its routes.csv values. Every number is worked out from the files.
fn check_configurable(plan: &PlanInput) {
    let ids: Vec<&str> = plan.items.iter().map(|item| item.id.as_str()).collect();
    // Ordinary items first; then the classes, sorted by class id: the three ordered
    // configurations, plus white-M from the mix (2 colours x 2 sizes; design is not relevant).
    assert_eq!(
        ids,
        [
            "BLANK-navy-M",
            "BLANK-white-M",
            "BLANK-navy-L",
            "BLANK-white-L",
            "INK-WHITE",
            "TEE[colour=navy;size=L]",
            "TEE[colour=navy;size=M]",
            "TEE[colour=white;size=L]",
            "TEE[colour=white;size=M]",
        ]
    );
    let configuration = &plan.configuration;
    assert_eq!(configuration.products.len(), 1);
    assert_eq!(configuration.relevant, [vec![0, 1]], "colour and size, not design");
    let class = |id: &str| ids.iter().position(|i| *i == id).expect("a class");
    let navy_m = class("TEE[colour=navy;size=M]");
    let white_l = class("TEE[colour=white;size=L]");
    // Orders: the product's orders name their class; options are in attribute order, the
    // `opt_design` column merged in; the ordinary order keeps its item.
    let options: Vec<Option<&str>> =
        plan.orders.iter().map(|order| order.options.as_ref().map(|o| o.text.as_str())).collect();
    assert_eq!(
        options,
        [
            Some("colour=navy;size=M;design=D-1"),
            Some("colour=navy;size=M;design=D-2"),
            Some("colour=white;size=L;design=D-1"),
            Some("colour=navy;size=L;design=D-3"),
            None,
        ]
    );
    assert_eq!(plan.orders[0].item, navy_m);
    assert_eq!(plan.orders[1].item, navy_m, "two designs, one class");
    assert_eq!(plan.orders[2].item, white_l);
    assert_eq!(plan.orders[4].item, 4);
    assert_eq!(plan.ordered_item(&plan.orders[0]), "TEE");
    // The class's BOM: its blank, and the ink only for navy.
    let components = |c: usize| -> Vec<(&str, f64)> {
        plan.bom.iter().filter(|e| e.parent == c).map(|e| (ids[e.component], e.quantity)).collect()
    };
    assert_eq!(components(navy_m), [("BLANK-navy-M", 1.0), ("INK-WHITE", 0.1)]);
    assert_eq!(components(white_l), [("BLANK-white-L", 1.0)]);
    // Routings: DTG (the printer row, and the underbase row for navy) and PARTNER.
    let rows = |c: usize| plan.routings.iter().filter(|r| r.item == c).count();
    assert_eq!((rows(navy_m), rows(white_l)), (3, 2));
    let partner = plan.routes.iter().find(|r| r.item == white_l && r.id == "PARTNER").expect("a partner route");
    assert_eq!((partner.terms.unit_cost, partner.terms.lead_time), (Some(6.0), Some(1)));
    // Families: WHITE-BASE as listed; DTG-navy and DTG-white resolved from DTG-{colour}.
    let families: Vec<&str> = plan.families.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(families, ["WHITE-BASE", "DTG-navy", "DTG-white"]);
    assert_eq!(configuration.listed_families, 1);
    assert_eq!((plan.families[2].setup_time, plan.families[2].setup_cost), (2.0, 20.0));
    // The receipt names white-M.
    assert_eq!(plan.receipts.len(), 1);
    assert_eq!((ids[plan.receipts[0].item], plan.receipts[0].quantity), ("TEE[colour=white;size=M]", 2.0));
    // Demand in week 3: forecast 40 for TEE; orders 7 (white-L) + 3 (navy-L) leave 30, spread
    // by colour (navy 0.6, white 0.4) x size (M 0.5, L 0.5).
    let demand = flexplan::plan::bucket_demand(plan);
    let d3 = |id: &str| demand.planned(class(id), 2);
    assert_eq!(d3("TEE[colour=navy;size=M]"), 9.0);
    assert_eq!(d3("TEE[colour=navy;size=L]"), 3.0 + 9.0);
    assert_eq!(d3("TEE[colour=white;size=M]"), 6.0);
    assert_eq!(d3("TEE[colour=white;size=L]"), 7.0 + 6.0);
    // Week 2 has no forecast: the 15 ordered.
    assert_eq!(demand.planned(navy_m, 1), 15.0);
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

/// `valid/v2_full_plan`: TEE has three routes (DTG and SCREEN in house, PARTNER at the partner
/// factory), HOODIE one named route and a supplier (make or buy), BLANK two suppliers, MILL-B a
/// joint order cost, and DTG-PRINT and SCREEN-1 a setup family each.
fn check_v2_full_plan(plan: &PlanInput) {
    let item_ids: Vec<&str> = plan.items.iter().map(|item| item.id.as_str()).collect();
    assert_eq!(item_ids, ["TEE", "HOODIE", "BLANK", "INK"]);
    let unmet: Vec<f64> = plan.items.iter().map(|item| item.unmet_cost).collect();
    assert_eq!(unmet, [20.0, 0.0, 0.0, 0.0]);
    // Routes in the order of their first routing row, each (item, route id) once.
    let routes: Vec<(usize, &str)> = plan.routes.iter().map(|route| (route.item, route.id.as_str())).collect();
    assert_eq!(routes, [(0, "DTG"), (0, "SCREEN"), (0, "PARTNER"), (1, "DTG")]);
    assert_eq!(plan.routes[0].terms, LotTerms::default(), "no routes.csv row: the item's values");
    let screen = LotTerms { unit_cost: Some(1.6), lead_time: Some(1), min_lot: Some(50.0), ..LotTerms::default() };
    assert_eq!(plan.routes[1].terms, screen);
    let partner = LotTerms { unit_cost: Some(3.5), lead_time: Some(2), order_cost: Some(30.0), ..LotTerms::default() };
    assert_eq!(plan.routes[2].terms, partner);
    // Routing rows: (item, resource, route, family); PACKING rows have no family.
    let rows: Vec<(usize, usize, Option<usize>, Option<usize>)> =
        plan.routings.iter().map(|r| (r.item, r.resource, r.route, r.family)).collect();
    assert_eq!(
        rows,
        [
            (0, 0, Some(0), Some(0)),
            (0, 3, Some(0), None),
            (0, 1, Some(1), Some(1)),
            (0, 3, Some(1), None),
            (0, 2, Some(2), None),
            (1, 0, Some(3), Some(0)),
            (1, 3, Some(3), None),
        ]
    );
    assert_eq!(
        (plan.routings[2].unit_time, plan.routings[2].setup_time, plan.routings[2].setup_cost),
        (0.03, 2.0, 25.0)
    );
    let families: Vec<(&str, usize, f64, f64)> =
        plan.families.iter().map(|f| (f.id.as_str(), f.resource, f.setup_time, f.setup_cost)).collect();
    assert_eq!(families, [("DTG-INK", 0, 1.0, 15.0), ("SCREEN-NAVY", 1, 3.0, 40.0)]);
    // Suppliers in order of their first source; MILL-B's joint cost from suppliers.csv.
    let suppliers: Vec<(&str, f64)> = plan.suppliers.iter().map(|s| (s.id.as_str(), s.order_cost)).collect();
    assert_eq!(suppliers, [("MILL-A", 0.0), ("MILL-B", 25.0)]);
    let sources: Vec<(usize, usize, Option<f64>)> =
        plan.sources.iter().map(|s| (s.item, s.supplier, s.max_per_period)).collect();
    assert_eq!(sources, [(2, 0, None), (2, 1, Some(300.0)), (3, 1, None), (1, 0, Some(40.0))]);
    let mill_a = LotTerms {
        unit_cost: Some(1.4),
        lead_time: Some(1),
        min_lot: Some(200.0),
        lot_multiple: Some(50.0),
        ..LotTerms::default()
    };
    assert_eq!(plan.sources[0].terms, mill_a);
    assert_eq!(plan.sources[1].terms.order_cost, Some(0.0), "a 0 is a value, not the item's 10");
    // The options the planner sees: TEE's three routes, HOODIE's route then its supplier,
    // BLANK's two suppliers (bought only from them), INK's one.
    let options = Options::new(plan);
    assert_eq!(options.len(), 8);
    assert_eq!((options.of_item(0), options.of_item(1), options.of_item(2)), (0..3, 3..5, 5..7));
    let partner = options.get(2);
    assert_eq!((partner.route(), partner.unit_cost, partner.lead_time, partner.order_cost), (Some(2), 3.5, 2, 30.0));
    let blank_b = options.get(6);
    assert_eq!((blank_b.supplier(), blank_b.min_lot, blank_b.order_cost), (Some(1), 100.0, 0.0));
    assert_eq!(options.get(4).supplier(), Some(0));
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

    // valid/v2_parquet_tables: every table of valid/v2_full_plan, typed.
    let csv_dir = root.join("valid/v2_full_plan");
    for name in ["items", "bom", "resources", "routings", "families", "routes", "sources", "suppliers", "orders"] {
        let frame = typed_frame(&csv_dir.join(format!("{name}.csv")));
        write_parquet(&root.join(format!("valid/v2_parquet_tables/{name}.parquet")), frame);
    }
}

/// A simple CSV file (no quoted fields) as a typed frame: ids and other text as `String`,
/// `lead_time` as `Int64`, `due_date` as `Date`, every other column as `Float64`; empty
/// cells are nulls.
fn typed_frame(path: &Path) -> DataFrame {
    let text = std::fs::read_to_string(path).expect("read CSV fixture");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|line| line.split(',').collect()).collect();
    let text_columns = ["item", "kind", "route", "resource", "family", "supplier", "parent", "component"];
    let columns: Vec<Column> = header
        .iter()
        .enumerate()
        .map(|(column, &name)| {
            let cells: Vec<Option<&str>> =
                rows.iter().map(|row| row.get(column).copied().filter(|cell| !cell.is_empty())).collect();
            if text_columns.contains(&name) || name == "order_id" || name == "market" {
                Column::new(name.into(), cells)
            } else if name == "lead_time" {
                let values: Vec<Option<i64>> =
                    cells.iter().map(|c| c.map(|c| c.parse().expect("a whole number"))).collect();
                Column::new(name.into(), values)
            } else if name == "due_date" {
                let epoch = date(1970, 1, 1);
                let days: Vec<Option<i32>> = cells
                    .iter()
                    .map(|c| {
                        c.map(|c| (NaiveDate::parse_from_str(c, "%Y-%m-%d").expect("a date") - epoch).num_days() as i32)
                    })
                    .collect();
                Column::new(name.into(), days).cast(&DataType::Date).expect("days cast to Date")
            } else {
                let values: Vec<Option<f64>> = cells.iter().map(|c| c.map(|c| c.parse().expect("a number"))).collect();
                Column::new(name.into(), values)
            }
        })
        .collect();
    DataFrame::new(rows.len(), columns).expect("frame")
}
