//! Reading a storefront's configured orders (BENCHMARKS.md, "Configurable products"): the time
//! `read_plan_dir` takes (reading, validation, expansion of the products into planning classes)
//! and then `bucket_demand`, on a generated storefront (`generate::generate_storefront`) of
//! 1,000,000 orders of 100,000 designs, with the orders as `orders.csv` or as `orders.parquet`.
//!
//! ```sh
//! # Writes DIR/csv (the storefront: 50 products, 8 colours, 6 sizes, 26 weeks) and DIR/parquet
//! # (the same plan, its orders as orders.parquet).
//! cargo run --release --example configured_read -- generate DIR [ORDERS] [DESIGNS]
//! # Reads a plan directory REPEATS times (default 3): seconds per step, classes, peak RSS.
//! cargo run --release --example configured_read -- read DIR/csv [REPEATS]
//! /usr/bin/time -v target/release/examples/configured_read read DIR/csv 1   # peak memory alone
//! ```

use flexplan::generate::{generate_storefront, StorefrontSpec};
use flexplan::input::{read_plan_dir, write_plan_dir, PlanInput};
use flexplan::plan::bucket_demand;
use polars::prelude::{Column, DataFrame, DataType, ParquetWriter};
use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::Instant;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |k: usize, default: usize| -> Result<usize> {
        Ok(args.get(k).map(|text| text.replace('_', "").parse()).transpose()?.unwrap_or(default))
    };
    match args.first().map(String::as_str) {
        Some("generate") => {
            let dir = PathBuf::from(args.get(1).ok_or("generate DIR [ORDERS] [DESIGNS]")?);
            generate(&dir, number(2, 1_000_000)?, number(3, 100_000)?)
        }
        Some("read") => {
            let dir = PathBuf::from(args.get(1).ok_or("read PLAN_DIR [REPEATS]")?);
            read(&dir, number(2, 3)?)
        }
        _ => Err("usage: configured_read generate DIR [ORDERS] [DESIGNS] | read PLAN_DIR [REPEATS]".into()),
    }
}

/// Writes the storefront to `dir/csv` and, with its orders as Parquet, to `dir/parquet`.
fn generate(dir: &Path, orders: usize, designs: usize) -> Result<()> {
    let spec = StorefrontSpec { orders, designs, ..StorefrontSpec::default() };
    let started = Instant::now();
    let input = generate_storefront(&spec)?;
    println!(
        "generated {} orders, {} products, {} classes in {:.2} s",
        input.orders.len(),
        input.configuration.products.len(),
        input.configuration.classes.len(),
        started.elapsed().as_secs_f64()
    );
    let csv = dir.join("csv");
    write_plan_dir(&input, &csv)?;
    let parquet = dir.join("parquet");
    write_plan_dir(&input, &parquet)?;
    std::fs::remove_file(parquet.join("orders.csv"))?;
    let mut frame = orders_frame(&input)?;
    ParquetWriter::new(std::fs::File::create(parquet.join("orders.parquet"))?).finish(&mut frame)?;
    for (name, path) in [("orders.csv", csv.join("orders.csv")), ("orders.parquet", parquet.join("orders.parquet"))] {
        println!("{name}: {:.1} MB", std::fs::metadata(path)?.len() as f64 / 1e6);
    }
    Ok(())
}

/// The orders as a typed frame: the product each names, its options, a `Date` due date.
fn orders_frame(input: &PlanInput) -> Result<DataFrame> {
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).ok_or("epoch")?;
    let orders = &input.orders;
    let ids: Vec<&str> = orders.iter().map(|o| o.id.as_str()).collect();
    let items: Vec<&str> = orders.iter().map(|o| input.ordered_item(o)).collect();
    let quantities: Vec<f64> = orders.iter().map(|o| o.quantity).collect();
    let days: Vec<i32> = orders.iter().map(|o| (o.due_date - epoch).num_days() as i32).collect();
    let options: Vec<Option<&str>> = orders.iter().map(|o| o.options.as_ref().map(|o| o.text.as_str())).collect();
    let frame = DataFrame::new(
        orders.len(),
        vec![
            Column::new("order_id".into(), ids),
            Column::new("item".into(), items),
            Column::new("quantity".into(), quantities),
            Column::new("due_date".into(), days).cast(&DataType::Date)?,
            Column::new("options".into(), options),
        ],
    )?;
    Ok(frame)
}

/// Reads `dir` `repeats` times: the reader's seconds (read, validate, expand), then
/// `bucket_demand`'s, with the classes and the process's peak resident memory.
fn read(dir: &Path, repeats: usize) -> Result<()> {
    for run in 1..=repeats.max(1) {
        let started = Instant::now();
        let input = read_plan_dir(dir)?;
        let read_seconds = started.elapsed().as_secs_f64();
        let demand = bucket_demand(&input);
        let total = started.elapsed().as_secs_f64();
        let planned: f64 = demand.total_per_period().iter().sum();
        println!(
            "run {run}: read + validate + expand {read_seconds:.3} s, bucket {:.3} s, total {total:.3} s; \
             {} orders, {} classes, {} items, {planned:.0} units planned; peak RSS {} MB",
            total - read_seconds,
            input.orders.len(),
            input.configuration.classes.len(),
            input.items.len(),
            peak_rss_mb().map_or_else(|| "?".to_string(), |mb| format!("{mb:.0}")),
        );
    }
    Ok(())
}

/// The process's peak resident set (`VmHWM` of /proc/self/status), MB.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}
