//! `flexplan sweep` and `flexplan sweep merge`: what-if scenarios and the joining of shards.

use super::check::load;
use super::exit::{self, Failure};
use super::{SweepAction, SweepArgs, SweepModeArg};
use flexplan::sweep::scenario::Mode;
use flexplan::ErrorKind;

pub(super) fn run(args: SweepArgs) -> Result<i32, Failure> {
    let (report, out) = match args.action {
        Some(SweepAction::Merge { shard_dirs, out }) => (flexplan::sweep::merge_shards(&shard_dirs, &out)?, out),
        None => {
            let (Some(plan_dir), Some(scenarios), Some(out)) = (args.plan_dir, args.scenarios, args.out) else {
                return Err(Failure::new(ErrorKind::Request, "sweep needs PLAN_DIR, --scenarios and --out"));
            };
            let (input, bom) = load(&plan_dir)?;
            let mut file = flexplan::sweep::load_scenario_file(&scenarios, &input)?;
            let s = &mut file.settings;
            if let Some(mode) = args.mode {
                s.mode = match mode {
                    SweepModeArg::Reoptimize => Mode::Reoptimize,
                    SweepModeArg::Evaluate => Mode::Evaluate,
                };
            }
            s.node_limit = args.node_limit.map(|n| (n > 0).then_some(n)).unwrap_or(s.node_limit);
            s.mip_gap = args.gap.unwrap_or(s.mip_gap);
            s.time_limit_s = args.time_limit.or(s.time_limit_s);
            if let Some(seed) = args.seed {
                file.reseed(seed);
            }
            let options = flexplan::sweep::SweepOptions {
                jobs: args.jobs.max(1),
                shard: args.shard.as_deref().map(flexplan::sweep::Shard::parse).transpose()?,
                resume: args.resume,
                lots: args.lots.clone(),
                progress: !args.quiet,
            };
            (flexplan::sweep::run_sweep(&input, &bom, &file, &options, &out)?, out)
        }
    };
    print!("{}", flexplan::sweep::results::summary_text(&report.summary));
    println!(
        "{} scenarios computed, {} taken from the journal, in {:.2} s; results in {}",
        report.computed,
        report.resumed,
        report.seconds,
        out.display()
    );
    Ok(exit::OK)
}
