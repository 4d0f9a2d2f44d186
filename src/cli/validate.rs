//! `flexplan validate`: the independent checker's report on a written plan.

use super::check::load;
use super::exit::{self, Failure};
use super::{ReportFormat, ValidateArgs};

pub(super) fn run(args: ValidateArgs) -> Result<i32, Failure> {
    let ValidateArgs { plan_dir, out_dir, format, replan } = args;
    let (input, _bom) = load(&plan_dir, &replan.settings())?;
    let report = flexplan::validate::validate_plan(&input, &out_dir)?;
    match format {
        ReportFormat::Text => say!("{}", report.to_text()),
        ReportFormat::Json => sayln!("{}", serde_json::to_string_pretty(&report)?),
    }
    Ok(if report.is_ok() { exit::OK } else { exit::VIOLATIONS })
}
