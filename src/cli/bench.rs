//! The public benchmarks: `flexplan solve-mps` and `flexplan bench`.

use super::exit::{self, Failure};
use super::{plan_config, BenchArgs, SolveMpsArgs};
use flexplan::input::SolverConfig;
use flexplan::plan::SolveOptions;
use flexplan::ErrorKind;
use std::path::Path;

pub(super) fn solve_mps(args: SolveMpsArgs) -> Result<i32, Failure> {
    let SolveMpsArgs { file, time_limit, gap, threads, verbose } = args;
    let flags = SolverConfig { time_limit_s: time_limit, mip_gap: gap, threads: Some(threads) };
    let options = SolveOptions { verbose, ..SolveOptions::from_settings(flags, SolverConfig::default()) };
    let outcome = flexplan::import::mps::solve_mps(&file, &options)?;
    sayln!("{}", outcome.to_text());
    Ok(exit::for_status(outcome.status))
}

pub(super) fn run(args: BenchArgs) -> Result<i32, Failure> {
    let BenchArgs { suite, time_limit, jobs, gap, formulation, heuristic, threads, instances, x_sample, data, out } =
        args;
    let options = flexplan::suite::SuiteOptions {
        data_dir: data.unwrap_or_else(flexplan::suite::default_data_dir),
        solve: SolveOptions::from_settings(
            SolverConfig { time_limit_s: Some(time_limit), mip_gap: gap, threads: Some(threads) },
            SolverConfig::default(),
        ),
        config: plan_config(formulation, heuristic),
        jobs,
        x_sample,
        instances,
    };
    let progress = |row: &flexplan::suite::BenchRow| {
        eprintln!(
            "{} {}: {} {} ({:.1} s){}",
            row.suite,
            row.instance,
            row.status,
            row.objective.map_or("-".to_string(), |v| format!("{v:.2}")),
            row.seconds,
            if row.note.is_empty() { String::new() } else { format!(" {}", row.note) }
        );
    };
    let rows = flexplan::suite::run_named(&suite, &options, &progress)?;
    let markdown = flexplan::suite::to_markdown(&rows);
    say!("{markdown}");
    if let Some(out) = out {
        let csv = flexplan::suite::to_csv(&rows);
        write_atomically(&out, csv.as_bytes())?;
        write_atomically(&out.with_extension("md"), markdown.as_bytes())?;
    }
    let all_checked = rows.iter().all(|r| r.checked != Some(false) && r.status != "error");
    Ok(if all_checked { exit::OK } else { exit::VIOLATIONS })
}

/// Writes one output file through a temporary file and a rename (nothing half-written).
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Failure::new(ErrorKind::Request, format!("{} is not a file name", path.display())))?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    flexplan::files::write_file_atomically(dir, name, |out| out.write_all(bytes))?;
    Ok(())
}
