//! Round trips between a `PlanInput` and a plan directory: `write::write_plan_dir` followed by
//! `read::read_plan_dir` must give back exactly the plan that was written (ids, numbers to the
//! last bit, 0-based periods, capacity overrides), and reading then writing a directory twice
//! must reach a fixed point.

use chrono::NaiveDate;
use flexplan::generate::{generate, GenerateSpec};
use flexplan::input::read_plan_dir;
use flexplan::input::write_plan_dir;
use flexplan::input::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid date")
}

/// Writes `input` into a fresh folder and reads it back.
fn write_and_read(input: &PlanInput) -> (PlanInput, tempfile::TempDir) {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let dir = tmp.path().join("plan");
    write_plan_dir(input, &dir).expect("write the plan directory");
    let back = read_plan_dir(&dir).unwrap_or_else(|e| panic!("the written directory is refused:\n{e}"));
    (back, tmp)
}

/// Every file of a folder with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir)
        .expect("read folder")
        .map(|entry| {
            let entry = entry.expect("folder entry");
            (entry.file_name().to_string_lossy().into_owned(), fs::read(entry.path()).expect("read file"))
        })
        .collect()
}

/// Asserts that two plans are equal, naming the first part that differs (a full `Debug` of a
/// plan with thousands of orders is unreadable).
fn assert_same_plan(back: &PlanInput, original: &PlanInput, what: &str) {
    assert_eq!(back.horizon, original.horizon, "{what}: horizon");
    assert_eq!(back.solver, original.solver, "{what}: solver");
    assert_eq!(back.items.len(), original.items.len(), "{what}: item count");
    for (b, o) in back.items.iter().zip(&original.items) {
        assert_eq!(b, o, "{what}: item");
    }
    assert_eq!(back.bom, original.bom, "{what}: bom");
    assert_eq!(back.resources, original.resources, "{what}: resources");
    assert_eq!(back.routings, original.routings, "{what}: routings");
    assert_eq!(back.receipts, original.receipts, "{what}: receipts");
    assert_eq!(back.orders.len(), original.orders.len(), "{what}: order count");
    for (b, o) in back.orders.iter().zip(&original.orders) {
        assert_eq!(b, o, "{what}: order");
    }
    assert_eq!(back.forecast, original.forecast, "{what}: forecast");
    assert_eq!(back.routes, original.routes, "{what}: routes");
    assert_eq!(back.sources, original.sources, "{what}: sources");
    assert_eq!(back.suppliers, original.suppliers, "{what}: suppliers");
    assert_eq!(back.families, original.families, "{what}: families");
    assert_eq!(back.configuration, original.configuration, "{what}: configuration");
    assert!(back == original, "{what}: plans differ");
}

fn spec(seed: u64, items: usize, orders: usize, periods: usize, bucket: Bucket) -> GenerateSpec {
    // A month bucket must start on the 1st; day and week start on a Monday.
    let start = match bucket {
        Bucket::Month => date(2026, 1, 1),
        Bucket::Day | Bucket::Week => date(2026, 1, 5),
    };
    GenerateSpec { seed, items, orders, periods, bucket, start, ..GenerateSpec::default() }
}

#[test]
fn generated_plans_of_several_sizes_and_every_bucket_round_trip() {
    let sizes = [(1, 0, 1), (3, 10, 2), (30, 500, 12), (150, 3000, 26)];
    for bucket in [Bucket::Day, Bucket::Week, Bucket::Month] {
        for (n, &(items, orders, periods)) in sizes.iter().enumerate() {
            let original = generate(&spec(n as u64 + 11, items, orders, periods, bucket)).expect("generate");
            assert_eq!(original.items.len(), items);
            assert_eq!(original.orders.len(), orders);
            let (back, _tmp) = write_and_read(&original);
            let what = format!("{items} items, {orders} orders, {periods} {}s", bucket.as_str());
            assert_same_plan(&back, &original, &what);
        }
    }
}

#[test]
fn forecast_solver_settings_and_capacity_overrides_round_trip() {
    let mut original = generate(&spec(5, 20, 200, 8, Bucket::Week)).expect("generate");
    original.solver = SolverConfig { time_limit_s: Some(12.5), mip_gap: Some(0.003), threads: Some(2) };
    original.forecast = vec![
        ForecastEntry { item: 0, period: 0, quantity: 0.0 },
        ForecastEntry { item: 0, period: 7, quantity: 17.25 },
        ForecastEntry { item: 1, period: 3, quantity: 1e-3 },
    ];
    // A capacity that differs in two periods must come back as the same per-period vector.
    assert!(!original.resources.is_empty(), "the generator makes resources");
    original.resources[0].capacity[2] = 0.0;
    original.resources[0].capacity[5] = original.resources[0].capacity[5] * 1.5 + 0.1;
    // Numbers whose shortest decimal form is long must survive to the last bit.
    original.items[0].unit_cost = 0.1 + 0.2;
    original.items[0].holding_cost = 1.0 / 3.0;
    original.items[0].max_lot = Some(1e9);

    let (back, tmp) = write_and_read(&original);
    assert_same_plan(&back, &original, "forecast, solver, overrides");
    let written = tmp.path().join("plan");
    assert!(written.join("forecast.csv").exists());
    assert!(written.join("capacity.csv").exists());
}

#[test]
fn the_example_directory_is_a_fixed_point_of_read_then_write() {
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data").join("example");
    let first = read_plan_dir(&example).expect("data/example is valid");
    let (second, tmp) = write_and_read(&first);
    assert_same_plan(&second, &first, "data/example read -> write -> read");

    // Writing what was read back gives the same files, byte for byte.
    let written = tmp.path().join("plan");
    let again = tmp.path().join("again");
    write_plan_dir(&second, &again).expect("write again");
    assert_eq!(snapshot(&written), snapshot(&again));
    let third = read_plan_dir(&again).expect("read again");
    assert_same_plan(&third, &first, "data/example, second round");
}

/// A plan whose ids hold commas, quotes, spaces and non-Latin scripts.
fn unicode_plan() -> PlanInput {
    let start = date(2026, 3, 2);
    let mut tee = Item::new("T-Shirt, rot \"Größe M\"", ItemKind::Make);
    tee.backlog_cost = Some(2.5);
    tee.holding_cost = 0.1;
    let mut blank = Item::new("Tシャツ無地", ItemKind::Buy);
    blank.lead_time = 1;
    blank.min_lot = 24.0;
    blank.initial_inventory = 10.0;
    let ink = Item::new("чернила,ЧЁРНЫЕ", ItemKind::Buy);
    let order = |id: &str, quantity: f64, day: u64, market: Option<&str>| Order {
        id: id.to_string(),
        item: 0,
        quantity,
        due_date: start + chrono::Days::new(day),
        market: market.map(str::to_string),
        options: None,
    };
    PlanInput {
        items: vec![tee, blank, ink],
        bom: vec![
            BomEdge { parent: 0, component: 1, quantity: 1.0 },
            BomEdge { parent: 0, component: 2, quantity: 0.015 },
        ],
        resources: vec![Resource {
            id: "Druck, Linie 1 🖨".to_string(),
            capacity: vec![40.0, 40.0, 32.5],
            overtime_max: 4.0,
            overtime_cost: 30.0,
        }],
        routings: vec![Routing::new(0, 0, 0.25, 1.5, 12.0)],
        receipts: vec![Receipt { item: 1, period: 1, quantity: 48.0 }],
        orders: vec![
            order("订单-0001", 5.0, 1, Some("CN, Shanghai")),
            order("ORD \"quoted\", 2", 7.0, 9, Some("DE")),
            order("Ωmega", 3.0, 15, None),
        ],
        forecast: vec![ForecastEntry { item: 0, period: 2, quantity: 4.0 }],
        ..PlanInput::new(Horizon { start, bucket: Bucket::Week, periods: 3 })
    }
}

#[test]
fn ids_with_unicode_commas_and_quotes_round_trip() {
    let original = unicode_plan();
    let (back, tmp) = write_and_read(&original);
    assert_same_plan(&back, &original, "unicode ids");
    // The comma-holding ids are quoted in the files (so a spreadsheet reads them too).
    let items = fs::read_to_string(tmp.path().join("plan").join("items.csv")).expect("items.csv");
    assert!(items.contains("\"T-Shirt, rot \"\"Größe M\"\"\""), "{items}");
    let orders = fs::read_to_string(tmp.path().join("plan").join("orders.csv")).expect("orders.csv");
    assert!(orders.contains("\"CN, Shanghai\""), "{orders}");
}

#[test]
fn rewriting_a_folder_with_a_smaller_plan_removes_the_tables_it_no_longer_has() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let dir = tmp.path().join("plan");
    write_plan_dir(&unicode_plan(), &dir).expect("write the full plan");
    assert!(dir.join("bom.csv").exists() && dir.join("forecast.csv").exists());

    let mut smaller = unicode_plan();
    smaller.bom.clear();
    smaller.routings.clear();
    smaller.forecast.clear();
    smaller.receipts.clear();
    write_plan_dir(&smaller, &dir).expect("write the smaller plan");
    for gone in ["bom.csv", "routings.csv", "forecast.csv", "receipts.csv"] {
        assert!(!dir.join(gone).exists(), "{gone} left behind");
    }
    let back = read_plan_dir(&dir).expect("read the smaller plan");
    assert_same_plan(&back, &smaller, "smaller plan over a bigger one");
}

/// A version-2 plan using every new table and column: TEE made on three routes (two with
/// values of their own, ids with a comma and a quote), BAG made or bought, BLANK from two
/// suppliers (one with a joint order cost, one without), setup families on two resources and
/// an unmet cost.
fn version_2_plan() -> PlanInput {
    let start = date(2026, 1, 5);
    let tee = Item { unit_cost: 2.0, unmet_cost: 12.5, backlog_cost: Some(3.0), ..Item::new("TEE", ItemKind::Make) };
    let bag = Item { lead_time: 1, ..Item::new("BAG", ItemKind::Make) };
    let blank = Item { min_lot: 100.0, order_cost: 10.0, ..Item::new("BLANK", ItemKind::Buy) };
    let resource = |id: &str, capacity: f64| Resource {
        id: id.to_string(),
        capacity: vec![capacity; 3],
        overtime_max: 0.0,
        overtime_cost: 0.0,
    };
    let on = |item, resource, route, family, unit_time| Routing {
        route: Some(route),
        family,
        ..Routing::new(item, resource, unit_time, 0.5, 4.0)
    };
    PlanInput {
        items: vec![tee, bag, blank],
        bom: vec![BomEdge { parent: 0, component: 2, quantity: 1.0 }],
        resources: vec![resource("DTG", 40.0), resource("SCREEN", 60.0), resource("PARTNER, Ltd", 500.0)],
        routings: vec![
            on(0, 0, 0, Some(0), 0.1),
            on(0, 1, 1, Some(1), 0.03),
            on(0, 0, 1, None, 0.01),
            on(0, 2, 2, None, 1.0),
            on(1, 0, 3, Some(0), 0.2),
        ],
        routes: vec![
            Route { item: 0, id: "dtg".into(), terms: LotTerms::default() },
            Route {
                item: 0,
                id: "screen, \"navy\"".into(),
                terms: LotTerms {
                    unit_cost: Some(1.25),
                    lead_time: Some(1),
                    min_lot: Some(48.0),
                    ..LotTerms::default()
                },
            },
            Route {
                item: 0,
                id: "partner".into(),
                terms: LotTerms {
                    lead_time: Some(2),
                    max_lot: Some(1e6),
                    order_cost: Some(0.0),
                    ..LotTerms::default()
                },
            },
            Route { item: 1, id: "dtg".into(), terms: LotTerms::default() },
        ],
        sources: vec![
            Source {
                item: 2,
                supplier: 0,
                terms: LotTerms {
                    unit_cost: Some(0.1 + 0.2),
                    lead_time: Some(0),
                    min_lot: Some(0.0),
                    max_lot: Some(5000.0),
                    lot_multiple: Some(24.0),
                    order_cost: Some(7.0),
                },
                max_per_period: Some(1200.0),
            },
            Source { item: 2, supplier: 1, terms: LotTerms::default(), max_per_period: None },
            Source {
                item: 1,
                supplier: 0,
                terms: LotTerms { unit_cost: Some(9.0), ..LotTerms::default() },
                max_per_period: Some(0.0),
            },
        ],
        suppliers: vec![
            Supplier { id: "Mill A".into(), order_cost: 0.0 },
            Supplier { id: "Mühle B".into(), order_cost: 1.0 / 3.0 },
        ],
        families: vec![
            Family { id: "ink".into(), resource: 0, setup_time: 1.0, setup_cost: 0.0 },
            Family { id: "navy".into(), resource: 1, setup_time: 0.0, setup_cost: 40.0 },
        ],
        orders: vec![Order {
            id: "O1".into(),
            item: 0,
            quantity: 30.0,
            due_date: start + chrono::Days::new(8),
            market: None,
            options: None,
        }],
        ..PlanInput::new(Horizon { start, bucket: Bucket::Week, periods: 3 })
    }
}

#[test]
fn version_2_tables_round_trip() {
    let original = version_2_plan();
    let (back, tmp) = write_and_read(&original);
    assert_same_plan(&back, &original, "version-2 tables");
    let dir = tmp.path().join("plan");
    let read = |name: &str| fs::read_to_string(dir.join(name)).unwrap_or_else(|e| format!("<{name}: {e}>"));
    assert_eq!(
        read("routings.csv"),
        "item,route,resource,unit_time,setup_time,setup_cost,family\n\
         TEE,dtg,DTG,0.1,0.5,4,ink\n\
         TEE,\"screen, \"\"navy\"\"\",SCREEN,0.03,0.5,4,navy\n\
         TEE,\"screen, \"\"navy\"\"\",DTG,0.01,0.5,4,\n\
         TEE,partner,\"PARTNER, Ltd\",1,0.5,4,\n\
         BAG,dtg,DTG,0.2,0.5,4,ink\n"
    );
    // Routes without values of their own are not written; the routings name them.
    assert_eq!(
        read("routes.csv"),
        "item,route,unit_cost,lead_time,min_lot,max_lot,order_cost\n\
         TEE,\"screen, \"\"navy\"\"\",1.25,1,48,,\n\
         TEE,partner,,2,,1000000,0\n"
    );
    assert_eq!(
        read("sources.csv"),
        "item,supplier,unit_cost,lead_time,min_lot,max_lot,lot_multiple,order_cost,max_per_period\n\
         BLANK,Mill A,0.30000000000000004,0,0,5000,24,7,1200\n\
         BLANK,Mühle B,,,,,,,\n\
         BAG,Mill A,9,,,,,,0\n"
    );
    assert_eq!(read("suppliers.csv"), "supplier,order_cost\nMill A,0\nMühle B,0.3333333333333333\n");
    assert_eq!(read("families.csv"), "family,resource,setup_time,setup_cost\nink,DTG,1,0\nnavy,SCREEN,0,40\n");
    assert!(read("items.csv").starts_with("item,kind,unit_cost,backlog_cost,unmet_cost,lead_time,min_lot,order_cost\n"));

    // Written again, the folder is the same byte for byte.
    let again = tmp.path().join("again");
    write_plan_dir(&back, &again).expect("write again");
    assert_eq!(snapshot(&dir), snapshot(&again));
}

#[test]
fn the_version_2_fixture_is_a_fixed_point_of_read_then_write() {
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/v2_full_plan");
    let first = read_plan_dir(&fixture).expect("v2_full_plan is valid");
    let (second, tmp) = write_and_read(&first);
    assert_same_plan(&second, &first, "v2_full_plan read -> write -> read");
    // The fixture's version-2 tables are already in the writer's form (its routings.csv and
    // suppliers.csv leave defaults empty where the writer writes 0 or every supplier).
    for table in ["routes.csv", "sources.csv", "families.csv"] {
        let original = fs::read_to_string(fixture.join(table)).expect("fixture table");
        let written = fs::read_to_string(tmp.path().join("plan").join(table)).expect("written table");
        assert_eq!(written, original, "{table} is written as the fixture has it");
    }
    let again = tmp.path().join("again");
    write_plan_dir(&second, &again).expect("write again");
    assert_eq!(snapshot(&tmp.path().join("plan")), snapshot(&again));
}

#[test]
fn a_version_1_plan_is_written_without_the_version_2_tables() {
    let mut plan = version_2_plan();
    plan.routes.clear();
    plan.sources.clear();
    plan.suppliers.clear();
    plan.families.clear();
    plan.items[0].unmet_cost = 0.0;
    for routing in &mut plan.routings {
        routing.route = None;
        routing.family = None;
    }
    plan.routings.truncate(2);
    plan.routings[1].item = 1;
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let dir = tmp.path().join("plan");
    write_plan_dir(&version_2_plan(), &dir).expect("write the version-2 plan");
    write_plan_dir(&plan, &dir).expect("write the version-1 plan over it");
    let names: Vec<String> = snapshot(&dir).into_keys().collect();
    assert_eq!(names, ["bom.csv", "items.csv", "orders.csv", "plan.toml", "resources.csv", "routings.csv"]);
    let routings = fs::read_to_string(dir.join("routings.csv")).expect("routings.csv");
    assert_eq!(routings, "item,resource,unit_time,setup_time,setup_cost\nTEE,DTG,0.1,0.5,4\nBAG,SCREEN,0.03,0.5,4\n");
    let items = fs::read_to_string(dir.join("items.csv")).expect("items.csv");
    assert!(!items.contains("unmet_cost"), "{items}");
    let back = read_plan_dir(&dir).expect("read back");
    assert_same_plan(&back, &plan, "version-1 plan over a version-2 folder");
}

/// `input` with the `row` of every configurable product's bom and routing line set to 0: the
/// rows the lines were read from, which a written folder numbers afresh.
fn without_rows(mut input: PlanInput) -> PlanInput {
    for product in &mut input.configuration.products {
        product.bom.iter_mut().for_each(|line| line.row = 0);
        product.routings.iter_mut().for_each(|row| row.row = 0);
    }
    input
}

/// The objective `plan` reaches on `input` (gap 0).
fn optimum(input: &PlanInput) -> f64 {
    let bom = flexplan::input::bom::BomGraph::new(input).expect("an acyclic BOM");
    let options = flexplan::plan::SolveOptions { mip_gap: 0.0, ..Default::default() };
    let outcome = flexplan::plan::plan(input, &bom, &options).expect("the solve runs");
    assert_eq!(outcome.status, flexplan::plan::SolveStatus::Optimal);
    outcome.costs.expect("a plan").total()
}

#[test]
fn the_configurable_fixture_is_written_as_written_and_reads_back_as_the_same_plan() {
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/configurable");
    let first = read_plan_dir(&fixture).expect("the configurable fixture is valid");
    let (second, tmp) = write_and_read(&first);
    assert_same_plan(&without_rows(second.clone()), &without_rows(first.clone()), "configurable read -> write -> read");
    let dir = tmp.path().join("plan");
    let read = |name: &str| fs::read_to_string(dir.join(name)).unwrap_or_else(|e| format!("<{name}: {e}>"));
    // The product as written: its row with its attributes after the ordinary items, its lines
    // with placeholders and conditions, its route's values, its forecast for every period and
    // its mix; the orders name the product with their options; the receipt names its class.
    assert_eq!(
        read("items.csv"),
        "item,kind,unit_cost,holding_cost,backlog_cost,order_cost,attributes\n\
         BLANK-navy-M,buy,1,0.1,,1,\n\
         BLANK-white-M,buy,1,0.1,,1,\n\
         BLANK-navy-L,buy,1,0.1,,1,\n\
         BLANK-white-L,buy,1,0.1,,1,\n\
         INK-WHITE,buy,0.5,0.01,,0,\n\
         TEE,make,2,0.5,5,3,colour;size;design\n"
    );
    assert_eq!(
        read("bom.csv"),
        "parent,component,quantity,when\nTEE,BLANK-{colour}-{size},1,\nTEE,INK-WHITE,0.1,colour=navy\n"
    );
    assert_eq!(
        read("routings.csv"),
        "item,route,resource,unit_time,setup_time,setup_cost,family,when\n\
         TEE,DTG,PRINTER,0.5,1,10,DTG-{colour},\n\
         TEE,DTG,PRINTER,0.2,0,0,WHITE-BASE,colour=navy\n\
         TEE,PARTNER,PARTNER,1,0,0,,\n"
    );
    assert_eq!(read("routes.csv"), "item,route,unit_cost,lead_time\nTEE,PARTNER,6,1\n");
    assert_eq!(
        read("families.csv"),
        "family,resource,setup_time,setup_cost\nWHITE-BASE,PRINTER,1,5\nDTG-{colour},PRINTER,2,20\n"
    );
    assert_eq!(read("forecast.csv"), "item,period,quantity\nTEE,1,0\nTEE,2,0\nTEE,3,40\nTEE,4,0\n");
    assert_eq!(
        read("mix.csv"),
        "item,attribute,value,share\nTEE,colour,navy,0.6\nTEE,colour,white,0.4\nTEE,size,M,0.5\nTEE,size,L,0.5\n\
         TEE,design,D-1,1\n"
    );
    assert_eq!(
        read("orders.csv"),
        "order_id,item,quantity,due_date,market,options\n\
         O1,TEE,10,2026-01-12,US,colour=navy;size=M;design=D-1\n\
         O2,TEE,5,2026-01-13,DE,colour=navy;size=M;design=D-2\n\
         O3,TEE,7,2026-01-20,,colour=white;size=L;design=D-1\n\
         O4,TEE,3,2026-01-21,JP,colour=navy;size=L;design=D-3\n\
         O5,INK-WHITE,1,2026-01-21,,\n"
    );
    assert_eq!(read("receipts.csv"), "item,period,quantity\nTEE[colour=white;size=M],1,2\n");

    // Written again, the folder is the same byte for byte; both plan to the same optimum.
    let again = tmp.path().join("again");
    write_plan_dir(&second, &again).expect("write again");
    assert_eq!(snapshot(&dir), snapshot(&again));
    let (a, b) = (optimum(&first), optimum(&second));
    assert!((a - b).abs() <= 1e-9 * a.abs().max(1.0), "objective {a} from the fixture, {b} from the written folder");
}

#[test]
fn a_configured_plan_over_an_ordinary_one_leaves_no_stale_mix_and_back() {
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/configurable");
    let configured = read_plan_dir(&fixture).expect("the configurable fixture is valid");
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let dir = tmp.path().join("plan");
    write_plan_dir(&configured, &dir).expect("write the configured plan");
    assert!(dir.join("mix.csv").exists());
    write_plan_dir(&unicode_plan(), &dir).expect("write an ordinary plan over it");
    assert!(!dir.join("mix.csv").exists(), "a stale mix.csv would make the ordinary plan invalid");
    let back = read_plan_dir(&dir).expect("read the ordinary plan");
    assert_same_plan(&back, &unicode_plan(), "ordinary plan over a configured one");
}
