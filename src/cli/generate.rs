//! `flexplan generate`: a seeded synthetic (or adversarial) plan directory.

use super::exit::{self, Failure};
use super::GenerateArgs;

pub(super) fn run(args: GenerateArgs) -> Result<i32, Failure> {
    let GenerateArgs { seed, items, orders, periods, bucket, start, adversarial, out_dir } = args;
    let input = if adversarial {
        let spec = flexplan::generate::AdversarialSpec::for_seed(seed);
        flexplan::generate::generate_adversarial(&spec)?
    } else {
        let spec = flexplan::generate::GenerateSpec { seed, items, orders, periods, bucket: bucket.into(), start };
        flexplan::generate::generate(&spec)?
    };
    flexplan::input::write_plan_dir(&input, &out_dir)?;
    println!(
        "wrote {} items, {} BOM edges, {} resources, {} orders over {} {}s to {}",
        input.items.len(),
        input.bom.len(),
        input.resources.len(),
        input.orders.len(),
        input.horizon.periods,
        input.horizon.bucket.as_str(),
        out_dir.display()
    );
    Ok(exit::OK)
}
