//! `flexplan check`, and the reading of a plan directory every command shares.

use super::{exit, CheckArgs, ReportFormat};
use flexplan::input::bom::BomGraph;
use flexplan::input::PlanInput;
use std::path::Path;

pub(super) fn run(args: CheckArgs) -> anyhow::Result<i32> {
    let CheckArgs { plan_dir, format } = args;
    let (input, bom) = match load(&plan_dir) {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let demand = flexplan::plan::demand::bucket_demand(&input);
    let report = flexplan::check::inspect(&input, &demand, &bom);
    match format {
        ReportFormat::Text => print!("{}", report.to_text()),
        ReportFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
    }
    Ok(exit::OK)
}

/// Reads and validates a plan directory, BOM included; prints every problem on failure.
pub(super) fn load(plan_dir: &Path) -> Result<(PlanInput, BomGraph), i32> {
    let loaded = flexplan::input::read::read_plan_dir(plan_dir).and_then(|input| {
        let bom = BomGraph::new(&input)?;
        Ok((input, bom))
    });
    loaded.map_err(|e| {
        eprint!("error: invalid input in {}\n{}", plan_dir.display(), indent_problems(&e));
        exit::INVALID_INPUT
    })
}

pub(super) fn indent_problems(e: &flexplan::InputError) -> String {
    // The Display of InputError starts with its own headline; keep only the problem lines.
    let text = e.to_string();
    text.lines().skip(1).map(|l| format!("{l}\n")).collect()
}
