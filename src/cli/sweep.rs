//! `flexplan sweep` and `flexplan sweep merge`: what-if scenarios and the joining of shards.

use super::check::load;
use super::{exit, SweepAction, SweepArgs, SweepModeArg};

pub(super) fn run(args: SweepArgs) -> anyhow::Result<i32> {
    use flexplan::sweep::{scenario::Mode, SweepError};
    let outcome = match args.action {
        Some(SweepAction::Merge { shard_dirs, out }) => {
            flexplan::sweep::merge_shards(&shard_dirs, &out).map(|r| (r, out))
        }
        None => {
            let (Some(plan_dir), Some(scenarios), Some(out)) = (args.plan_dir, args.scenarios, args.out) else {
                anyhow::bail!("sweep needs PLAN_DIR, --scenarios and --out");
            };
            let (input, bom) = match load(&plan_dir) {
                Ok(loaded) => loaded,
                Err(code) => return Ok(code),
            };
            let run = || -> Result<_, SweepError> {
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
                flexplan::sweep::run_sweep(&input, &bom, &file, &options, &out)
            };
            run().map(|r| (r, out))
        }
    };
    match outcome {
        Ok((report, out)) => {
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
        Err(SweepError::InvalidScenarios { file, problems }) => {
            eprintln!("error: {}", SweepError::InvalidScenarios { file, problems });
            Ok(exit::INVALID_INPUT)
        }
        Err(e) => Err(e.into()),
    }
}
