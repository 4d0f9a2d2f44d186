//! `flexplan sweep` and `flexplan sweep merge`: what-if scenarios and the joining of shards.

use super::check::load;
use super::exit::{self, Failure};
use super::{SweepAction, SweepArgs, SweepModeArg};
use flexplan::sweep::scenario::Mode;
use flexplan::ErrorKind;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub(super) fn run(args: SweepArgs) -> Result<i32, Failure> {
    let (report, out) = match args.action {
        Some(SweepAction::Merge { shard_dirs, out }) => (flexplan::sweep::merge_shards(&shard_dirs, &out)?, out),
        None => {
            let (Some(plan_dir), Some(scenarios), Some(out)) = (args.plan_dir, args.scenarios, args.out) else {
                return Err(Failure::new(ErrorKind::Request, "sweep needs PLAN_DIR, --scenarios and --out"));
            };
            let (input, bom) = load(&plan_dir, &Default::default())?;
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
            let progress = StderrProgress::default();
            let options = flexplan::sweep::SweepOptions {
                jobs: args.jobs.max(1),
                shard: args.shard.as_deref().map(flexplan::sweep::Shard::parse).transpose()?,
                resume: args.resume,
                lots: args.lots.clone(),
                progress: (!args.quiet).then_some(&progress as &dyn flexplan::sweep::Progress),
                keep_plans: args.keep_plans,
            };
            (flexplan::sweep::run_sweep(&input, &bom, &file, &options, &out)?, out)
        }
    };
    say!("{}", flexplan::sweep::results::summary_text(&report.summary));
    sayln!(
        "{} scenarios computed, {} taken from the journal, in {:.2} s; results in {}",
        report.computed,
        report.resumed,
        report.seconds,
        out.display()
    );
    Ok(exit::OK)
}

/// Progress on stderr: an indicatif bar with ETA on a terminal, else a plain line every 5 s
/// (and at the end).
#[derive(Default)]
struct StderrProgress {
    state: Mutex<Option<Shown>>,
}

/// What [`StderrProgress`] shows from the sweep's start on.
struct Shown {
    bar: Option<indicatif::ProgressBar>,
    started: Instant,
    last_line: Instant,
}

impl flexplan::sweep::Progress for StderrProgress {
    fn start(&self, total: usize, resumed: usize) {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} scenarios ({per_sec}, ETA {eta})",
            ) {
                bar.set_style(style);
            }
            bar.set_position(resumed as u64);
            bar
        });
        let now = Instant::now();
        if let Ok(mut state) = self.state.lock() {
            *state = Some(Shown { bar, started: now, last_line: now });
        }
    }

    fn scenario_done(&self, done: usize, total: usize, computed: usize) {
        let Ok(mut state) = self.state.lock() else { return };
        let Some(shown) = state.as_mut() else { return };
        if let Some(bar) = &shown.bar {
            bar.inc(1);
        } else if shown.last_line.elapsed() >= Duration::from_secs(5) || done == total {
            shown.last_line = Instant::now();
            let elapsed = shown.started.elapsed().as_secs_f64();
            let rate = computed as f64 / elapsed.max(1e-9);
            let eta = (total - done) as f64 / rate.max(1e-9);
            eprintln!("sweep: {done}/{total} scenarios, {rate:.1}/s, ETA {eta:.0} s");
        }
    }

    fn finish(&self) {
        if let Ok(state) = self.state.lock() {
            if let Some(bar) = state.as_ref().and_then(|shown| shown.bar.as_ref()) {
                bar.finish();
            }
        }
    }
}
