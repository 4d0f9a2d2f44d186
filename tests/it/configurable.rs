//! Configurable products (spec section 1.5, issue 19): properties of planning classes. The
//! hand-worked plans are plan cases (`tests/fixtures/plans/configured_*`), the reading of every
//! table is `fixtures::check_configurable`, and each refused input an `invalid/config_*`
//! fixture.
//!
//! The plans here use `tests/fixtures/plans/configured_designs_share_a_lot` (a configurable tee
//! whose blank depends on colour and size, an ink line for navy only, a printer family per
//! colour) with drawn orders written in place of its orders.csv.

use crate::common::Rng;
use crate::plan_cases::exact;
use flexplan::input::bom::BomGraph;
use flexplan::input::{read_plan_dir, PlanInput};
use flexplan::output::{write_outcome, TableFormat};
use flexplan::plan::{plan, SolveStatus};
use std::fmt::Write as _;
use std::path::Path;

/// One drawn order: id, colour, size, design, quantity, due day (0-27 from the start).
type Drawn = (String, &'static str, &'static str, String, u64, u64);

fn draw_orders(seed: u64, n: usize) -> Vec<Drawn> {
    let mut rng = Rng(seed);
    (0..n)
        .map(|k| {
            let colour = ["navy", "white"][rng.below(2) as usize];
            let size = ["M", "L"][rng.below(2) as usize];
            let design = format!("D-{}", rng.below(6));
            (format!("O{k}"), colour, size, design, 1 + rng.below(9), rng.below(28))
        })
        .collect()
}

/// The base plan of the module docs with `orders` as its orders.csv, read.
fn plan_with(orders: &[Drawn]) -> PlanInput {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/plans/configured_designs_share_a_lot");
    let dir = tempfile::tempdir().expect("temp dir");
    for file in ["plan.toml", "items.csv", "bom.csv", "resources.csv", "routings.csv", "families.csv"] {
        std::fs::copy(base.join(file), dir.path().join(file)).expect("copied");
    }
    let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).expect("a date");
    let mut text = String::from("order_id,item,quantity,due_date,options\n");
    for (id, colour, size, design, quantity, day) in orders {
        let due = start + chrono::Days::new(*day);
        let _ = writeln!(text, "{id},TEE,{quantity},{due},design={design};size={size};colour={colour}");
    }
    std::fs::write(dir.path().join("orders.csv"), text).expect("written");
    read_plan_dir(dir.path()).expect("a valid plan")
}

/// The optimal cost of `input`, after checking the written plan with `validate`.
fn optimal_cost(input: &PlanInput) -> f64 {
    let bom = BomGraph::new(input).expect("acyclic");
    let outcome = plan(input, &bom, &exact()).expect("solved");
    assert_eq!(outcome.status, SolveStatus::Optimal);
    let dir = tempfile::tempdir().expect("temp dir");
    write_outcome(input, &outcome, &exact(), dir.path(), TableFormat::Csv).expect("written");
    let report = flexplan::validate::validate_plan(input, dir.path()).expect("validated");
    assert!(report.is_ok(), "{}", report.to_text());
    outcome.costs.expect("costs").total()
}

/// Permuting the orders or renaming the designs never changes the plan's cost: classes depend
/// on the relevant attributes only (colour and size here), and are sorted by class id, not by
/// the orders' order. Every plan passes `validate`.
#[test]
fn permuting_orders_or_renaming_designs_keeps_the_cost() {
    for seed in 0..12 {
        let orders = draw_orders(seed, 8);
        let base = optimal_cost(&plan_with(&orders));
        let mut rng = Rng(seed ^ 0xC2B);
        let mut permuted = orders.clone();
        for k in (1..permuted.len()).rev() {
            permuted.swap(k, rng.below(k as u64 + 1) as usize);
        }
        let renamed: Vec<Drawn> = permuted
            .iter()
            .map(|(id, colour, size, design, quantity, day)| {
                (id.clone(), *colour, *size, format!("NEW-{design}-{seed}"), *quantity, *day)
            })
            .collect();
        let permuted_input = plan_with(&permuted);
        let renamed_input = plan_with(&renamed);
        // The classes are the same items in the same order.
        let ids = |input: &PlanInput| input.items.iter().map(|item| item.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&permuted_input), ids(&plan_with(&orders)), "seed {seed}");
        for (what, input) in [("permuted", &permuted_input), ("renamed", &renamed_input)] {
            let cost = optimal_cost(input);
            assert!((cost - base).abs() <= 1e-6 * base.abs().max(1.0), "seed {seed}, {what}: {cost} vs {base}");
        }
    }
}

/// Orders of one colour and size but different designs are one class, planned in shared lots:
/// a plan of eight designs costs what the plan of one design with the same quantities does.
#[test]
fn designs_of_one_class_share_its_lots() {
    let orders = draw_orders(7, 10);
    let one_design: Vec<Drawn> =
        orders.iter().map(|(id, c, s, _, q, d)| (id.clone(), *c, *s, "D-0".to_string(), *q, *d)).collect();
    let many = plan_with(&orders);
    let one = plan_with(&one_design);
    assert_eq!(many.items.len(), one.items.len(), "designs make no classes");
    assert!((optimal_cost(&many) - optimal_cost(&one)).abs() < 1e-6);
}

/// From order history to a plan in two commands (issue 19, point 4): `flexplan forecast
/// --plan-dir` forecasts the configurable tee as a whole and estimates its mix from the
/// history's options (colour and size, its relevant attributes; not design); `flexplan plan`
/// then spreads the forecast over the classes. Worked by hand: every history week has 6 navy M
/// and 2 white L tees (designs vary), so the forecast is 8 a week, the mix navy 0.75 / white
/// 0.25 and M 0.75 / L 0.25, whatever the recency weights.
#[test]
fn forecast_writes_the_mix_and_plan_spreads_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let plan_dir = dir.path().join("plan");
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/configurable");
    std::fs::create_dir(&plan_dir).expect("created");
    for entry in std::fs::read_dir(&base).expect("fixture") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("a name").to_owned();
        if name != "mix.csv" && name != "forecast.csv" {
            std::fs::copy(&path, plan_dir.join(name)).expect("copied");
        }
    }
    let start = chrono::NaiveDate::from_ymd_opt(2025, 9, 29).expect("a date"); // 14 weeks before the plan
    let mut history = String::from("order_id,item,quantity,due_date,options\n");
    for week in 0..14u64 {
        let day = start + chrono::Days::new(7 * week);
        let _ = writeln!(history, "N{week},TEE,6,{day},colour=navy;size=M;design=D-{week}");
        let _ = writeln!(history, "W{week},TEE,2,{day},size=L;colour=white;design=X-{week}");
    }
    let history_path = dir.path().join("history.csv");
    std::fs::write(&history_path, history).expect("written");
    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_flexplan")).args(args).output().expect("ran");
        assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let plan_str = plan_dir.to_str().expect("utf-8");
    let said = run(&[
        "forecast",
        history_path.to_str().expect("utf-8"),
        "--horizon",
        "4",
        "--out",
        dir.path().join("fc").to_str().expect("utf-8"),
        "--plan-dir",
        plan_str,
    ]);
    assert!(said.contains("the mix of TEE estimated from the history's options"), "{said}");
    let mix = std::fs::read_to_string(plan_dir.join("mix.csv")).expect("mix.csv");
    assert_eq!(
        mix,
        "item,attribute,value,share\nTEE,colour,navy,0.75\nTEE,colour,white,0.25\nTEE,size,L,0.25\nTEE,size,M,0.75\n"
    );
    let input = read_plan_dir(&plan_dir).expect("the plan reads with its forecast and mix");
    let product = &input.configuration.products[0];
    assert!(product.forecast.iter().all(|&f| (f - 8.0).abs() < 1e-6), "{:?}", product.forecast);
    // Week 3 (2026-01-19): orders of 7 white L and 3 navy L consume 8 of the forecast: nothing
    // is left to spread, so each class's demand is its orders.
    let demand = flexplan::plan::bucket_demand(&input);
    let class = |id: &str| input.items.iter().position(|item| item.id == id).expect("a class");
    assert_eq!(demand.planned(class("TEE[colour=white;size=L]"), 2), 7.0);
    // Week 4 has no orders: 8 spread as 0.75 x 0.75 = 4.5 navy M, 1.5 navy L, 1.5 white M,
    // 0.5 white L.
    assert!((demand.planned(class("TEE[colour=navy;size=M]"), 3) - 4.5).abs() < 1e-6);
    assert!((demand.planned(class("TEE[colour=white;size=L]"), 3) - 0.5).abs() < 1e-6);
    let out = dir.path().join("out");
    let said = run(&["plan", plan_str, "--out", out.to_str().expect("utf-8")]);
    assert!(said.starts_with("optimal"), "{said}");
}

/// The sweep varies a configurable product's demand and mix (issue 19, point 6):
/// `item_demand.TEE` scales the product's orders and its forecast, `mix."TEE/colour/navy"` sets
/// navy's share (white takes the rest). Worked by hand on `valid/configurable`, week 3: orders
/// 7 white L and 3 navy L become 10.5 and 4.5; the forecast 40 becomes 60, leaving 45 to
/// spread by colour navy 0.9 / white 0.1 and size M 0.5 / L 0.5. Evaluate mode's demand
/// (`scenario_demand`) is the planner's demand of the changed plan.
#[test]
fn a_sweep_scales_a_product_and_shifts_its_mix() {
    use flexplan::sweep::apply::{apply, resolve, scenario_demand, DemandIndex};
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/configurable");
    let input = read_plan_dir(&base).expect("valid");
    let text =
        "[[scenario]]\nname = \"navy trend\"\nitem_demand = { TEE = 1.5 }\nmix = { \"TEE/colour/navy\" = 0.9 }\n";
    let file = flexplan::sweep::scenario::parse_scenarios(text, "scenarios.toml", &input).expect("parsed");
    let scenario = file.scenarios.iter().find(|s| s.name == "navy trend").expect("the scenario");
    let changed = apply(&input, &scenario.changes);
    let demand = flexplan::plan::bucket_demand(&changed);
    let class = |id: &str| input.items.iter().position(|item| item.id == id).expect("a class");
    let week3 = [
        ("TEE[colour=navy;size=M]", 20.25),
        ("TEE[colour=navy;size=L]", 4.5 + 20.25),
        ("TEE[colour=white;size=M]", 2.25),
        ("TEE[colour=white;size=L]", 10.5 + 2.25),
    ];
    for (id, want) in week3 {
        assert!((demand.planned(class(id), 2) - want).abs() < 1e-9, "{id}: {}", demand.planned(class(id), 2));
    }
    let index = DemandIndex::new(&input);
    let resolved = resolve(&input, &scenario.changes);
    let (mut planned, mut ratios) = Default::default();
    scenario_demand(&input, &index, &scenario.changes, &resolved, &mut planned, &mut ratios);
    assert_eq!(&planned, demand.planned_table(), "evaluate mode sees the same demand");
    // A mix key naming no value, and Monte-Carlo on a product with a forecast, are refused.
    let bad = "[[scenario]]\nname = \"x\"\nmix = { \"TEE/colour/pink\" = 0.5 }\n\n[[monte_carlo]]\nname = \"mc\"\nsamples = 2\n";
    let error = flexplan::sweep::scenario::parse_scenarios(bad, "scenarios.toml", &input).expect_err("refused");
    let error = error.to_string();
    assert!(error.contains("TEE's mix of colour has no value \"pink\""), "{error}");
    assert!(error.contains("Monte-Carlo demand is not available"), "{error}");
}

/// A storefront export as a polars frame: one `opt_<attribute>` column per attribute, merged
/// with an `options` text where given; the orders read as from the CSV.
#[test]
fn orders_frame_with_attribute_columns() {
    use polars::prelude::{Column, DataFrame, DataType};
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/configurable");
    let due = |n: usize| {
        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date");
        let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 12).expect("a date");
        let days = vec![(day - epoch).num_days() as i32; n];
        Column::new("due_date".into(), days).cast(&DataType::Date).expect("dates")
    };
    let frame = DataFrame::new(
        3,
        vec![
            Column::new("order_id".into(), ["W-1", "W-2", "W-3"]),
            Column::new("item".into(), ["TEE", "TEE", "INK-WHITE"]),
            Column::new("quantity".into(), [2.0, 3.0, 1.0]),
            due(3),
            Column::new("options".into(), [Some("design=D-9"), None, None]),
            Column::new("opt_colour".into(), [Some("navy"), Some("white"), None]),
            Column::new("opt_size".into(), [Some("M"), Some("L"), None]),
            Column::new("opt_design".into(), [None, Some("D-1"), None]),
        ],
    )
    .expect("a frame");
    let input = flexplan::input::read_plan_dir_with_orders(&base, &frame).expect("valid");
    let options: Vec<Option<&str>> = input.orders.iter().map(|o| o.options.as_ref().map(|o| o.text.as_str())).collect();
    assert_eq!(options, [Some("colour=navy;size=M;design=D-9"), Some("colour=white;size=L;design=D-1"), None]);
    assert_eq!(input.items[input.orders[0].item].id, "TEE[colour=navy;size=M]");
    // A value given twice (in options and its column) names the frame, row and column.
    let twice = DataFrame::new(
        1,
        vec![
            Column::new("order_id".into(), ["W-1"]),
            Column::new("item".into(), ["TEE"]),
            Column::new("quantity".into(), [2.0]),
            due(1),
            Column::new("options".into(), ["colour=navy;size=M;design=D-9"]),
            Column::new("opt_colour".into(), ["white"]),
        ],
    )
    .expect("a frame");
    let error = flexplan::input::read_plan_dir_with_orders(&base, &twice).expect_err("refused").to_string();
    assert!(
        error.contains("<orders frame>, row 2, column opt_colour, value \"white\": attribute colour is given twice"),
        "{error}"
    );
}
