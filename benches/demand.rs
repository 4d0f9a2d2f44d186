//! Bucketing 1,000,000 orders: from a CSV plan directory (read + validate + bucket), and from
//! the in-memory plan alone.
//!
//! Setup (once, not measured): a generated plan of 2,000 items, 1,000,000 orders and 52 weekly
//! periods, written to a temporary directory with `write_plan_dir`.

use criterion::{criterion_group, criterion_main, Criterion};
use flexplan::generate::{generate, GenerateSpec};
use flexplan::input::read_plan_dir;
use flexplan::input::write_plan_dir;
use flexplan::plan::bucket_demand;
use std::hint::black_box;
use std::time::Duration;

/// The benchmark plan: 2,000 items, 1,000,000 orders, 52 weeks.
fn bench_spec() -> GenerateSpec {
    GenerateSpec { items: 2_000, orders: 1_000_000, periods: 52, ..GenerateSpec::default() }
}

fn bucket_benches(c: &mut Criterion) {
    let input = match generate(&bench_spec()) {
        Ok(input) => input,
        Err(error) => panic!("cannot generate the benchmark plan: {error}"),
    };
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(error) => panic!("cannot create a temporary directory: {error}"),
    };
    if let Err(error) = write_plan_dir(&input, dir.path()) {
        panic!("cannot write the benchmark plan: {error}");
    }

    let mut group = c.benchmark_group("demand");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.bench_function("bucket 1M orders from CSV", |b| {
        b.iter(|| {
            let read = match read_plan_dir(black_box(dir.path())) {
                Ok(read) => read,
                Err(error) => panic!("the written plan does not read back: {error}"),
            };
            black_box(bucket_demand(&read))
        })
    });
    group.bench_function("bucket 1M orders in memory", |b| b.iter(|| black_box(bucket_demand(black_box(&input)))));
    group.finish();
}

criterion_group!(benches, bucket_benches);
criterion_main!(benches);
