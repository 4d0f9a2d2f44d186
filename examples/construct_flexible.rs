//! How good is the solver-free construction on generated flexible plans? For each version-2
//! feature of `flexplan generate` alone and all together, builds the warm-start plan of a
//! generated 52-week plan (seed 1, 40 orders per item) without HiGHS and prints its cost and
//! main terms, beside the version-1 plan of the same seed, and again with every route's and
//! source's lead time set back to the item's (to separate the lead times from the rest).
//!
//! ```text
//! cargo run --release --example construct_flexible -- [ITEMS...]     # default: 100 300 1000
//! ```
//!
//! Every flexible plan here is feasible with at most the version-1 plan's cost plus its family
//! setup and joint order costs: route R1 and each item's first source are the version-1 ways,
//! and capacity grows by the family setup times. A construction that fails, or costs more than
//! that, is a weakness of the construction, not of the plan. Measured, not asserted: the numbers
//! are in BENCHMARKS.md.

use flexplan::generate::{generate, FlexibleSpec, GenerateSpec};
use flexplan::input::bom::BomGraph;
use flexplan::input::PlanInput;
use flexplan::internals::construct_plan;
use flexplan::internals::{build_model, ModelVariant};
use flexplan::plan::{bucket_demand, plan_costs};
use std::time::Instant;

/// `value` rounded to a whole number, with thousands separators.
fn thousands(value: f64) -> String {
    flexplan::internals::thousands(value, 0)
}

/// The construction's cost of `input` as a table cell, with its backlog share.
fn constructed(input: &PlanInput) -> Result<String, Box<dyn std::error::Error>> {
    let bom = BomGraph::new(input)?;
    let options = flexplan::input::Options::new(input);
    let planned = bucket_demand(input).planned_table().clone();
    let model = build_model(input, &bom, &options, &planned, ModelVariant::default());
    let started = Instant::now();
    let solution = construct_plan(input, &bom, &options, &planned, &model.big_m);
    let ms = started.elapsed().as_secs_f64() * 1e3;
    Ok(match solution {
        Some(solution) => {
            let costs = plan_costs(input, &options, &solution);
            let (total, backlog, overtime) =
                (thousands(costs.total()), thousands(costs.backlog), thousands(costs.overtime));
            format!("{total} (backlog {backlog}, overtime {overtime}), {ms:.0} ms")
        }
        None => format!("none ({ms:.0} ms)"),
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![100, 300, 1000] } else { sizes };
    let none = FlexibleSpec::default;
    let variants: [(&str, FlexibleSpec); 7] = [
        ("version 1", none()),
        ("--routes 2", FlexibleSpec { routes: 2, ..none() }),
        ("--subcontract 0.3", FlexibleSpec { subcontract: 0.3, ..none() }),
        ("--suppliers 2 --joint-order-cost 150", FlexibleSpec { suppliers: 2, joint_order_cost: 150.0, ..none() }),
        ("--families 2", FlexibleSpec { families: 2, ..none() }),
        ("--unmet-cost", FlexibleSpec { unmet_cost: Some(flexplan::generate::DEFAULT_UNMET_COST_FACTOR), ..none() }),
        (
            "all of the above",
            FlexibleSpec {
                routes: 2,
                subcontract: 0.3,
                suppliers: 2,
                joint_order_cost: 150.0,
                families: 2,
                unmet_cost: Some(flexplan::generate::DEFAULT_UNMET_COST_FACTOR),
            },
        ),
    ];
    println!("| items | flags | construction | with the item's lead times on every route and source |");
    println!("|---:|---|---:|---:|");
    for items in sizes {
        for (name, flexible) in &variants {
            let spec = GenerateSpec {
                seed: 1,
                items,
                orders: items * 40,
                periods: 52,
                flexible: flexible.clone(),
                ..GenerateSpec::default()
            };
            let input = generate(&spec)?;
            let mut same_leads = input.clone();
            same_leads.routes.iter_mut().for_each(|route| route.terms.lead_time = None);
            same_leads.sources.iter_mut().for_each(|source| source.terms.lead_time = None);
            println!("| {items} | {name} | {} | {} |", constructed(&input)?, constructed(&same_leads)?);
        }
    }
    Ok(())
}
