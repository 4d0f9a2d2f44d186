//! A plan built in code, without any input files: a printed tee made from a bought blank on
//! one press. It is planned, written as a plan folder with `report::write_outcome` (what
//! `flexplan plan` writes) and then checked by the independent checker, `validate::validate_plan`.
//!
//! Run: `cargo run --example plan_in_memory`.

use chrono::{Days, NaiveDate};
use flexplan::input::bom::BomGraph;
use flexplan::input::{BomEdge, Bucket, Horizon, Item, ItemKind, Order, PlanInput, Resource, Routing};
use flexplan::output::{headline, write_outcome, TableFormat};
use flexplan::plan::plan;
use flexplan::plan::SolveOptions;
use flexplan::validate::validate_plan;
use std::error::Error;

const N_WEEKS: usize = 6;

/// Two items, one press, four orders over six weeks.
fn tee_factory() -> Result<PlanInput, Box<dyn Error>> {
    let start = NaiveDate::from_ymd_opt(2026, 1, 5).ok_or("invalid start date")?;
    let mut tee = Item::new("TEE-PRINTED", ItemKind::Make);
    tee.unit_cost = 1.5;
    tee.holding_cost = 0.2;
    tee.backlog_cost = Some(5.0);
    let mut blank = Item::new("TEE-BLANK", ItemKind::Buy);
    blank.unit_cost = 2.0;
    blank.lead_time = 2;
    blank.order_cost = 40.0;
    blank.min_lot = 50.0; // the supplier's MOQ
    blank.holding_cost = 0.05;
    blank.initial_inventory = 30.0;
    let order = |id: &str, quantity: f64, week: u64, market: &str| Order {
        id: id.to_string(),
        item: 0,
        quantity,
        due_date: start + Days::new(7 * week),
        market: Some(market.to_string()),
        options: None,
    };
    Ok(PlanInput {
        items: vec![tee, blank],
        bom: vec![BomEdge { parent: 0, component: 1, quantity: 1.0 }],
        resources: vec![Resource {
            id: "PRESS".to_string(),
            capacity: vec![40.0; N_WEEKS],
            overtime_max: 5.0,
            overtime_cost: 12.0,
        }],
        routings: vec![Routing::new(0, 0, 1.0, 2.0, 15.0)],
        orders: vec![
            order("A-1", 12.0, 0, "DE"),
            order("A-2", 20.0, 1, "FR"),
            order("A-3", 35.0, 3, "JP"),
            order("A-4", 8.0, 5, "US"),
        ],
        ..PlanInput::new(Horizon { start, bucket: Bucket::Week, periods: N_WEEKS })
    })
}

fn main() -> Result<(), Box<dyn Error>> {
    let input = tee_factory()?;
    let bom = BomGraph::new(&input)?;
    let options = SolveOptions::default();
    let outcome = plan(&input, &bom, &options)?;

    let folder = tempfile::tempdir()?;
    let out_dir = folder.path().join("plan");
    let (summary, written) = write_outcome(&input, &outcome, &options, &out_dir, TableFormat::Csv)?;
    println!("{}", headline(&summary, &options));
    if !written {
        return Err("no plan was written".into());
    }
    let mut files: Vec<String> = std::fs::read_dir(&out_dir)?
        .map(|entry| entry.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()?;
    files.sort();
    println!("written to {}: {}", out_dir.display(), files.join(", "));
    println!("{}", std::fs::read_to_string(out_dir.join("lots.csv"))?);

    let report = validate_plan(&input, &out_dir)?;
    print!("{}", report.to_text());
    if report.is_ok() {
        Ok(())
    } else {
        Err("the independent checker found violations".into())
    }
}
