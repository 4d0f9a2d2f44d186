//! Sweep throughput on the example plan, printed as a table (not a criterion bench: the
//! figure that matters is a ratio measured in one run).
//!
//! - reference: the speed-up two independent CPU-bound processes reach together on this
//!   machine (2 vCPUs shared with others often give ~1.3x, not 2x);
//! - reoptimize mode: scenarios/s at `--jobs 1` and `--jobs 2`, the speed-up, the parallel
//!   efficiency (speed-up / 2) and the speed-up as a fraction of the reference (target >= 0.9);
//! - evaluate mode: scenarios/s (target >= 10,000) at jobs 1 and 2.
//!
//! `cargo bench --bench sweep`; `FLEXPLAN_BENCH_QUICK=1` for a short run.

use flexplan::input::bom::BomGraph;
use flexplan::sweep::scenario::{parse_scenarios, Mode};
use flexplan::sweep::{fixed_lots, run_scenarios};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const SPIN_ENV: &str = "FLEXPLAN_BENCH_SPIN";

/// A fixed amount of CPU-bound work (no memory traffic, no I/O).
fn spin(rounds: u64) -> u64 {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    for i in 0..rounds {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x = x.wrapping_add(i);
    }
    x
}

/// Wall seconds for `n` copies of this binary spinning `rounds` at once.
fn processes(n: usize, rounds: u64) -> f64 {
    let exe = std::env::current_exe().expect("bench binary path");
    let started = Instant::now();
    let children: Vec<_> =
        (0..n).map(|_| Command::new(&exe).env(SPIN_ENV, rounds.to_string()).spawn().expect("spawn")).collect();
    for mut c in children {
        c.wait().expect("wait");
    }
    started.elapsed().as_secs_f64()
}

fn main() {
    if let Ok(rounds) = std::env::var(SPIN_ENV) {
        let rounds: u64 = rounds.parse().unwrap_or(0);
        std::hint::black_box(spin(rounds));
        return;
    }
    let quick = std::env::var("FLEXPLAN_BENCH_QUICK").is_ok();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/example");
    let input = flexplan::input::read_plan_dir(&dir).expect("example plan");
    let bom = BomGraph::new(&input).expect("example BOM");
    let text = std::fs::read_to_string(dir.join("scenarios.toml")).expect("example scenarios");
    let file = parse_scenarios(&text, "scenarios.toml", &input).expect("valid scenarios");

    // Reoptimize: the base and the first 7 named scenarios (an even count: no lone last solve),
    // at jobs 1 and 2.
    let n_reopt = if quick { 4 } else { 8 };
    let scenarios: Vec<_> = file.scenarios.iter().take(n_reopt).collect();
    let rounds: u64 = if quick { 300_000_000 } else { 1_000_000_000 };
    let time = |jobs: usize,
                mode_settings: &flexplan::sweep::scenario::SweepSettings,
                lots: Option<&flexplan::grid::Grid<f64>>,
                list: &[&flexplan::sweep::scenario::Scenario]| {
        let started = Instant::now();
        let rows = run_scenarios(&input, &bom, mode_settings, lots, list, jobs, &|_| {}).expect("sweep");
        assert_eq!(rows.len(), list.len());
        started.elapsed().as_secs_f64()
    };
    // The machine's load changes by the minute (other processes share the 2 vCPUs), so the
    // four measurements are interleaved over several repetitions and summed: the reference
    // and the sweep see the same conditions.
    let repetitions = if quick { 1 } else { 3 };
    let (mut one_process, mut two_processes, mut reopt_1, mut reopt_2) = (0.0, 0.0, 0.0, 0.0);
    for _ in 0..repetitions {
        one_process += processes(1, rounds);
        reopt_1 += time(1, &file.settings, None, &scenarios);
        two_processes += processes(2, rounds);
        reopt_2 += time(2, &file.settings, None, &scenarios);
    }
    let reference = 2.0 * one_process / two_processes;
    let speedup = reopt_1 / reopt_2;
    let n_reopt = n_reopt * repetitions;

    // Evaluate: Monte-Carlo samples on the base plan's lots.
    let n_eval = if quick { 5_000 } else { 100_000 };
    let mc = format!("[sweep]\nmode = \"evaluate\"\nseed = 1\n[[monte_carlo]]\nname = \"mc\"\nsamples = {n_eval}\ndistribution = \"negative_binomial\"\ndispersion = 0.2\n");
    let eval_file = parse_scenarios(&mc, "bench.toml", &input).expect("valid");
    assert_eq!(eval_file.settings.mode, Mode::Evaluate);
    let lots = fixed_lots(&input, &bom, &eval_file.settings, None).expect("base plan");
    let eval_list: Vec<_> = eval_file.scenarios.iter().collect();
    let eval_1 = time(1, &eval_file.settings, Some(&lots), &eval_list);
    let eval_2 = time(2, &eval_file.settings, Some(&lots), &eval_list);

    println!("| measure | value |");
    println!("|---|---|");
    println!("| two independent CPU-bound processes: speed-up over one | {reference:.2}x ({one_process:.2} s alone, {two_processes:.2} s for two) |");
    println!(
        "| reoptimize, {n_reopt} scenarios, --jobs 1 | {:.2} scenarios/s ({reopt_1:.2} s) |",
        n_reopt as f64 / reopt_1
    );
    println!(
        "| reoptimize, {n_reopt} scenarios, --jobs 2 | {:.2} scenarios/s ({reopt_2:.2} s) |",
        n_reopt as f64 / reopt_2
    );
    println!("| reoptimize speed-up / parallel efficiency | {speedup:.2}x / {:.0}% |", 50.0 * speedup);
    println!("| reoptimize speed-up / reference speed-up (target >= 0.9) | {:.2} |", speedup / reference);
    println!(
        "| evaluate, {} scenarios, --jobs 1 | {:.0} scenarios/s |",
        eval_list.len(),
        eval_list.len() as f64 / eval_1
    );
    println!(
        "| evaluate, {} scenarios, --jobs 2 | {:.0} scenarios/s |",
        eval_list.len(),
        eval_list.len() as f64 / eval_2
    );
}
