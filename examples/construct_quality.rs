//! How good is the solver-free construction on its own? Builds the warm-start plan of every
//! Trigeiro file (G, F and all of X) without HiGHS and prints, per set, how many files got a
//! plan, its mean and worst cost above the best-known value, and the time it took.
//!
//! ```text
//! cargo run --release --example construct_quality -- [DATA_DIR] [--rows]
//! ```
//!
//! `DATA_DIR` defaults to `../shared/benchmarks`; `--rows` also prints one row per file.
//! Measured, not asserted: the numbers are in BENCHMARKS.md.

use std::time::Instant;

use flexplan::import::trigeiro::read_trigeiro;
use flexplan::input::bom::BomGraph;
use flexplan::internals::construct_plan;
use flexplan::internals::{build_model, ModelVariant};
use flexplan::plan::bucket_demand;
use flexplan::plan::plan_costs;
use flexplan::suite::{default_data_dir, list_instances, Suite};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rows = args.iter().any(|a| a == "--rows");
    let data_dir = args.iter().find(|a| !a.starts_with("--")).map(Into::into).unwrap_or_else(default_data_dir);
    println!("| set | files | with a plan | mean above best-known | worst | mean ms |");
    println!("|---|---:|---:|---:|---:|---:|");
    for suite in [Suite::TrigeiroG, Suite::TrigeiroF, Suite::TrigeiroX] {
        let instances = list_instances(suite, &data_dir, usize::MAX)?;
        let (mut planned_count, mut gaps, mut millis) = (0, Vec::new(), 0.0);
        for instance in &instances {
            let parsed = read_trigeiro(&instance.path)?;
            let input = parsed.to_plan_input();
            let bom = BomGraph::new(&input)?;
            let planned = bucket_demand(&input).planned_table().clone();
            let model =
                build_model(&input, &bom, &flexplan::input::Options::new(&input), &planned, ModelVariant::default());
            let started = Instant::now();
            let solution = construct_plan(&input, &bom, &flexplan::input::Options::new(&input), &planned, &model.big_m);
            let ms = started.elapsed().as_secs_f64() * 1e3;
            millis += ms;
            let cost = solution.as_ref().map(|s| plan_costs(&input, &flexplan::input::Options::new(&input), s).total());
            let gap = match (cost, instance.best_known) {
                (Some(c), Some((best, _))) => Some((c - best) / best),
                _ => None,
            };
            if cost.is_some() {
                planned_count += 1;
            }
            gaps.extend(gap);
            if rows {
                let shown = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1}"));
                let best = instance.best_known.map(|b| b.0);
                let gap = gap.map_or("-".to_string(), |g| format!("{:.2}%", g * 100.0));
                println!("{} {} {} {gap} {ms:.2}ms", instance.name, shown(cost), shown(best));
            }
        }
        let mean = gaps.iter().sum::<f64>() / gaps.len().max(1) as f64;
        let worst = gaps.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        println!(
            "| {} | {} | {} | {:.2} % | {:.2} % | {:.2} |",
            suite.as_str(),
            instances.len(),
            planned_count,
            mean * 100.0,
            worst * 100.0,
            millis / instances.len().max(1) as f64
        );
    }
    Ok(())
}
