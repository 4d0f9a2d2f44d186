//! Exploding planned demand through a generated BOM of 100,000 items over 12 periods, netted
//! against stock and receipts, and gross.
//!
//! Setup (once, not measured): the plan is generated (100,000 items, 1,000,000 orders), the
//! graph built with `BomGraph::new` and the planned demand bucketed with `bucket_demand`.

use criterion::{criterion_group, criterion_main, Criterion};
use flexplan::generate::{generate, GenerateSpec};
use flexplan::input::bom::{BomGraph, Netting};
use flexplan::plan::bucket_demand;
use std::hint::black_box;
use std::time::Duration;

/// The benchmark plan: 100,000 items, 1,000,000 orders, 12 weeks.
fn bench_spec() -> GenerateSpec {
    GenerateSpec { items: 100_000, orders: 1_000_000, periods: 12, ..GenerateSpec::default() }
}

fn explode_benches(c: &mut Criterion) {
    let input = match generate(&bench_spec()) {
        Ok(input) => input,
        Err(error) => panic!("cannot generate the benchmark plan: {error}"),
    };
    let graph = match BomGraph::new(&input) {
        Ok(graph) => graph,
        Err(error) => panic!("the generated BOM is rejected: {error}"),
    };
    let demand = bucket_demand(&input);
    let demand_vec = demand.planned_table();

    let mut group = c.benchmark_group("bom");
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    group.bench_function("explode 100k items x 12 periods, net", |b| {
        b.iter(|| black_box(graph.explode(&input, black_box(demand_vec), Netting::Net)))
    });
    group.bench_function("explode 100k items x 12 periods, gross", |b| {
        b.iter(|| black_box(graph.explode(&input, black_box(demand_vec), Netting::Gross)))
    });
    group.finish();
}

criterion_group!(benches, explode_benches);
criterion_main!(benches);
