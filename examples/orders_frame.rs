//! An analyst's program: the orders come from the analyst's own code (here a small export of a
//! web shop's open orders with the options each shopper chose, built as a polars `DataFrame`
//! with one `opt_<attribute>` column per attribute), the rest of the factory from the
//! bundled plan directory. The frame is handed to flexplan, planned, and the promised ship
//! periods are printed.
//!
//! Run from the repository root: `cargo run --example orders_frame`.

use chrono::NaiveDate;
use flexplan::input::bom::BomGraph;
use flexplan::input::read_plan_dir_with_orders;
use flexplan::input::SolverConfig;
use flexplan::output::order_promises;
use flexplan::plan::plan;
use flexplan::plan::SolveOptions;
use polars::prelude::{Column, DataFrame, DataType};
use std::error::Error;
use std::path::Path;

/// One open order as the shop exports it: the product, then one column per attribute the
/// shopper chose (a storefront export's `opt_<attribute>` columns).
struct ShopOrder {
    order_id: &'static str,
    item: &'static str,
    colour: &'static str,
    size: Option<&'static str>,
    design: &'static str,
    quantity: i64,
    due_date: (i32, u32, u32),
    market: Option<&'static str>,
}

/// Open orders of the next weeks (products of `data/example/items.csv`: TEE and HOODIE have a
/// colour, a size and a design, TOTE a colour and a design).
const SHOP_ORDERS: [ShopOrder; 8] = [
    ShopOrder {
        order_id: "WEB-1001",
        item: "TEE",
        colour: "black",
        size: Some("M"),
        design: "SUNSET",
        quantity: 12,
        due_date: (2026, 1, 7),
        market: Some("JP"),
    },
    ShopOrder {
        order_id: "WEB-1002",
        item: "HOODIE",
        colour: "heather",
        size: Some("L"),
        design: "WAVE",
        quantity: 4,
        due_date: (2026, 1, 9),
        market: Some("DE"),
    },
    ShopOrder {
        order_id: "WEB-1003",
        item: "TOTE",
        colour: "natural",
        size: None,
        design: "CITYMAP",
        quantity: 30,
        due_date: (2026, 1, 14),
        market: Some("FR"),
    },
    ShopOrder {
        order_id: "WEB-1004",
        item: "TEE",
        colour: "black",
        size: Some("M"),
        design: "KANJI",
        quantity: 25,
        due_date: (2026, 1, 16),
        market: Some("US"),
    },
    ShopOrder {
        order_id: "WEB-1005",
        item: "HOODIE",
        colour: "black",
        size: Some("XL"),
        design: "MOUNTAIN",
        quantity: 8,
        due_date: (2026, 1, 21),
        market: Some("JP"),
    },
    ShopOrder {
        order_id: "WEB-1006",
        item: "TEE",
        colour: "white",
        size: Some("S"),
        design: "SUNSET",
        quantity: 40,
        due_date: (2026, 1, 28),
        market: None,
    },
    ShopOrder {
        order_id: "WEB-1007",
        item: "TOTE",
        colour: "black",
        size: None,
        design: "BOTANICA",
        quantity: 15,
        due_date: (2026, 2, 4),
        market: Some("DE"),
    },
    ShopOrder {
        order_id: "WEB-1008",
        item: "HOODIE",
        colour: "heather",
        size: Some("L"),
        design: "WAVE",
        quantity: 10,
        due_date: (2026, 2, 11),
        market: Some("US"),
    },
];

/// The orders as a frame with the columns of `orders.csv` and the shop's `opt_colour`,
/// `opt_size` and `opt_design`; `due_date` is a polars Date column.
fn orders_frame(orders: &[ShopOrder]) -> Result<DataFrame, Box<dyn Error>> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).ok_or("epoch")?;
    let mut days_since_epoch = Vec::with_capacity(orders.len());
    for order in orders {
        let (year, month, day) = order.due_date;
        let due = NaiveDate::from_ymd_opt(year, month, day).ok_or("invalid due date")?;
        days_since_epoch.push(i32::try_from((due - epoch).num_days())?);
    }
    let due_date = Column::new("due_date".into(), days_since_epoch).cast(&DataType::Date)?;
    let frame = DataFrame::new(
        orders.len(),
        vec![
            Column::new("order_id".into(), orders.iter().map(|o| o.order_id).collect::<Vec<_>>()),
            Column::new("item".into(), orders.iter().map(|o| o.item).collect::<Vec<_>>()),
            Column::new("quantity".into(), orders.iter().map(|o| o.quantity).collect::<Vec<_>>()),
            due_date,
            Column::new("market".into(), orders.iter().map(|o| o.market).collect::<Vec<_>>()),
            Column::new("opt_colour".into(), orders.iter().map(|o| o.colour).collect::<Vec<_>>()),
            Column::new("opt_size".into(), orders.iter().map(|o| o.size).collect::<Vec<_>>()),
            Column::new("opt_design".into(), orders.iter().map(|o| o.design).collect::<Vec<_>>()),
        ],
    )?;
    Ok(frame)
}

fn main() -> Result<(), Box<dyn Error>> {
    let frame = orders_frame(&SHOP_ORDERS)?;
    println!("{frame}");

    let plan_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data").join("example");
    let input = read_plan_dir_with_orders(&plan_dir, &frame)?;
    let bom = BomGraph::new(&input)?;
    // plan.toml's [solver], with the defaults where it is silent (no flags here).
    let options = SolveOptions::from_settings(SolverConfig::default(), input.solver);
    let outcome = plan(&input, &bom, &options)?;

    println!("status: {}", outcome.status.as_str());
    match (&outcome.costs, outcome.gap) {
        (Some(costs), Some(gap)) => {
            println!("cost: {:.2}, gap: {:.2}%", costs.total(), gap * 100.0)
        }
        (Some(costs), None) => println!("cost: {:.2}, gap: unknown", costs.total()),
        _ => println!("no plan"),
    }
    let Some(solution) = &outcome.solution else {
        return Ok(());
    };
    println!("order promises (periods are weeks from {}):", input.horizon.start);
    for promise in order_promises(&input, &outcome.demand, solution).iter().take(8) {
        let Some(order) = input.orders.get(promise.order_idx) else {
            continue;
        };
        // The planning class: a configuration up to the attributes that change the work.
        let class = input.items.get(order.item).map_or("?", |item| item.id.as_str());
        let promised = match promise.promised_period {
            Some(t) => format!("ships in period {} ({} late)", t + 1, promise.periods_late().unwrap_or(0)),
            None => "not shipped within the horizon".to_string(),
        };
        println!(
            "  {:<9} {:>3} x {:<32} due period {}, {promised}",
            order.id,
            order.quantity,
            class,
            promise.due_period + 1
        );
    }
    Ok(())
}
