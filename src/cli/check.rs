//! `flexplan check`, and the reading of a plan directory every command shares.

use super::exit::{self, Failure};
use super::{CheckArgs, ReportFormat};
use flexplan::input::bom::BomGraph;
use flexplan::input::{PlanInput, ReplanSettings};
use flexplan::Error;
use std::path::Path;

pub(super) fn run(args: CheckArgs) -> Result<i32, Failure> {
    let CheckArgs { plan_dir, format, replan } = args;
    let (input, bom) = load(&plan_dir, &replan.settings())?;
    let demand = flexplan::plan::bucket_demand(&input);
    let report = flexplan::check::inspect(&input, &demand, &bom);
    match format {
        ReportFormat::Text => say!("{}", report.to_text()),
        ReportFormat::Json => sayln!("{}", serde_json::to_string_pretty(&report)?),
    }
    Ok(exit::OK)
}

/// Reads and validates a plan directory, BOM included, replanning as `replan` (flags) and
/// plan.toml say; invalid input names every problem.
pub(super) fn load(plan_dir: &Path, replan: &ReplanSettings) -> Result<(PlanInput, BomGraph), Failure> {
    let loaded = flexplan::input::read_plan_dir_replanning(plan_dir, replan).and_then(|input| {
        let bom = BomGraph::new(&input)?;
        Ok((input, bom))
    });
    loaded.map_err(|error| match error {
        Error::Input(problems) => Failure::invalid_input(format!("invalid input in {}", plan_dir.display()), &problems),
        other => other.into(),
    })
}
