//! `flexplan validate`: the independent checker's report on a written plan.

use super::check::load;
use super::{exit, ReportFormat, ValidateArgs};
use anyhow::Context;

pub(super) fn run(args: ValidateArgs) -> anyhow::Result<i32> {
    let ValidateArgs { plan_dir, out_dir, format } = args;
    let (input, _bom) = match load(&plan_dir) {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let report = flexplan::validate::check_plan(&input, &out_dir)
        .with_context(|| format!("cannot check the plan in {}", out_dir.display()))?;
    match format {
        ReportFormat::Text => print!("{}", report.to_text()),
        ReportFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
    }
    Ok(if report.is_ok() { exit::OK } else { exit::VIOLATIONS })
}
