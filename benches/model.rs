//! Building the MIP for a generated 200-item, 52-period instance (target: under 0.5 s), with
//! one solve timed separately so that build and solve time are reported side by side; and
//! building it for a generated 2,000-item, 52-period flexible plan with three options per item
//! (issue 18, target: under 2 s).
//!
//! Setup (not measured): `generate` with 200 items, 20,000 orders, 52 weekly periods, seed 1;
//! and with 2,000 items, 80,000 orders (40 per item), 52 weekly periods, seed 1, `--routes 2
//! --subcontract 1 --suppliers 3 --joint-order-cost 150 --families 2 --unmet-cost`: every
//! made item has routes R1, R2 and SUB, every bought item three suppliers.
//! `cargo bench --bench model -- flexible` runs the second group only (and skips the first
//! group's one-off solve).

use criterion::{criterion_group, criterion_main, Criterion};
use flexplan::generate::{generate, FlexibleSpec, GenerateSpec};
use flexplan::input::bom::BomGraph;
use flexplan::internals::{build_model, ModelVariant};
use flexplan::plan::bucket_demand;
use flexplan::plan::plan;
use flexplan::plan::SolveOptions;
use std::hint::black_box;
use std::time::Duration;

fn model_benches(c: &mut Criterion) {
    let spec = GenerateSpec { items: 200, orders: 20_000, periods: 52, ..GenerateSpec::default() };
    let input = generate(&spec).unwrap_or_else(|e| panic!("cannot generate: {e}"));
    let bom = BomGraph::new(&input).unwrap_or_else(|e| panic!("generated BOM rejected: {e}"));
    let demand = bucket_demand(&input);
    let planned = demand.planned_table();

    // One solve, outside criterion (a solve takes seconds to minutes): gap 1 %, 60 s limit.
    if !selected("model/build 200 items x 52 periods") {
        return;
    }
    let options = SolveOptions { mip_gap: 0.01, time_limit_s: Some(60.0), threads: 1, ..SolveOptions::default() };
    match plan(&input, &bom, &options) {
        Ok(outcome) => println!(
            "model 200 items x 52 periods: {} variables ({} integer), {} constraints; \
             build {:.3} s, solve {:.2} s, status {:?} ({:?}), gap {:?}",
            outcome.size.variables,
            outcome.size.integer_variables,
            outcome.size.constraints,
            outcome.build_seconds,
            outcome.solve_seconds,
            outcome.status,
            outcome.stop_reason,
            outcome.gap
        ),
        Err(e) => println!("solve failed: {e}"),
    }

    bench_build(c, "model", "build 200 items x 52 periods", 10, &input, &bom, planned);
}

/// Times building the model of `input` (its options included) in criterion group `group`.
/// Whether criterion's name filters (the free arguments after `--`, if any) select the
/// benchmark `id`, read as substrings (criterion reads them as regular expressions; these
/// names need no more).
fn selected(id: &str) -> bool {
    let filters: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    filters.is_empty() || filters.iter().any(|f| id.contains(f.as_str()))
}

fn bench_build(
    c: &mut Criterion,
    group: &str,
    name: &str,
    seconds: u64,
    input: &flexplan::input::PlanInput,
    bom: &BomGraph,
    planned: &flexplan::grid::Grid<f64>,
) {
    let mut group = c.benchmark_group(group);
    group.sample_size(10).measurement_time(Duration::from_secs(seconds));
    group.bench_function(name, |b| {
        b.iter(|| {
            black_box(build_model(
                input,
                bom,
                &flexplan::input::Options::new(input),
                black_box(planned),
                ModelVariant::default(),
            ))
        })
    });
    group.finish();
}

fn flexible_model_benches(c: &mut Criterion) {
    let flexible = FlexibleSpec {
        routes: 2,
        subcontract: 1.0,
        suppliers: 3,
        joint_order_cost: 150.0,
        families: 2,
        unmet_cost: Some(flexplan::generate::DEFAULT_UNMET_COST_FACTOR),
    };
    let spec = GenerateSpec { items: 2_000, orders: 80_000, periods: 52, flexible, ..GenerateSpec::default() };
    let input = generate(&spec).unwrap_or_else(|e| panic!("cannot generate: {e}"));
    let bom = BomGraph::new(&input).unwrap_or_else(|e| panic!("generated BOM rejected: {e}"));
    let demand = bucket_demand(&input);
    let planned = demand.planned_table();
    let options = flexplan::input::Options::new(&input);
    let size = build_model(&input, &bom, &options, planned, ModelVariant::default()).size;
    println!(
        "flexible model 2,000 items x 52 periods ({} routes, {} sources, {} families): {} variables ({} integer), \
         {} constraints",
        input.routes.len(),
        input.sources.len(),
        input.families.len(),
        size.variables,
        size.integer_variables,
        size.constraints
    );

    bench_build(c, "model-flexible", "build 2000 items x 52 periods, 3 options per item", 20, &input, &bom, planned);
}

criterion_group!(benches, model_benches, flexible_model_benches);
criterion_main!(benches);
