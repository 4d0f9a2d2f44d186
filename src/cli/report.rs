//! `flexplan report`: the HTML report of a written plan or of a sweep.

use super::check::load;
use super::exit::{self, Failure};
use super::ReportArgs;

pub(super) fn run(args: ReportArgs) -> Result<i32, Failure> {
    let ReportArgs { dir, out_dir } = args;
    let path = if flexplan::report::sweep::is_sweep_folder(&dir) {
        flexplan::report::write_sweep_report(&dir, &out_dir)?
    } else {
        let (input, _bom) = load(&dir, &Default::default())?;
        flexplan::report::write_plan_report(&input, &dir, &out_dir)?
    };
    sayln!("report written to {}", path.display());
    Ok(exit::OK)
}
