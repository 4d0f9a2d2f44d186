//! The scenario sweep: scenario files, apply, evaluate, determinism across jobs, shards,
//! kill -9 + resume, infeasible rows. Small plans and node limits keep this file fast.

use chrono::NaiveDate;
use flexplan::grid::Grid;
use flexplan::input::bom::BomGraph;
use flexplan::input::*;
use flexplan::plan::bucket_demand;
use flexplan::plan::plan;
use flexplan::sweep::apply::{apply, resolve, scenario_demand, DemandIndex};
use flexplan::sweep::evaluate::{service_rates, EvalBuffers, Evaluator};
use flexplan::sweep::results::{percentile, ResultRow};
use flexplan::sweep::scenario::{parse_scenarios, Mode, ScenarioChanges, ScenarioFile};
use flexplan::sweep::{run_scenarios, run_sweep, SweepOptions};
use flexplan::Error;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_flexplan");

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()
}

/// Two printed products (A, B) made on one press from a bought blank C (lead time 1, MOQ 30),
/// ordered from two markets over 6 weeks.
fn tiny_plan() -> PlanInput {
    let mut a = Item::new("A", ItemKind::Make);
    a.unit_cost = 1.0;
    a.holding_cost = 0.2;
    a.backlog_cost = Some(5.0);
    let mut b = Item::new("B", ItemKind::Make);
    b.unit_cost = 2.0;
    b.holding_cost = 0.3;
    b.backlog_cost = Some(8.0);
    let mut c = Item::new("C", ItemKind::Buy);
    c.lead_time = 1;
    c.order_cost = 10.0;
    c.holding_cost = 0.05;
    c.initial_inventory = 20.0;
    c.min_lot = 30.0;
    let order = |id: &str, item: usize, qty: f64, week: u64, market: &str| Order {
        id: id.into(),
        item,
        quantity: qty,
        due_date: start() + chrono::Days::new(7 * week),
        market: Some(market.into()),
    };
    PlanInput {
        items: vec![a, b, c],
        bom: vec![
            BomEdge { parent: 0, component: 2, quantity: 1.0 },
            BomEdge { parent: 1, component: 2, quantity: 2.0 },
        ],
        resources: vec![Resource {
            id: "PRESS".into(),
            capacity: vec![30.0; 6],
            overtime_max: 5.0,
            overtime_cost: 3.0,
        }],
        routings: vec![Routing::new(0, 0, 1.0, 2.0, 15.0), Routing::new(1, 0, 1.5, 3.0, 20.0)],
        orders: vec![
            order("O1", 0, 8.0, 0, "DE"),
            order("O2", 0, 6.0, 1, "JP"),
            order("O3", 0, 10.0, 3, "DE"),
            order("O4", 0, 5.0, 5, "JP"),
            order("O5", 1, 4.0, 1, "DE"),
            order("O6", 1, 7.0, 2, "JP"),
            order("O7", 1, 6.0, 4, "DE"),
        ],
        ..PlanInput::new(Horizon { start: start(), bucket: Bucket::Week, periods: 6 })
    }
}

fn parse(text: &str, input: &PlanInput) -> Result<ScenarioFile, Error> {
    parse_scenarios(text, "scenarios.toml", input)
}

/// The exact lines of an invalid file's error.
fn problems(text: &str) -> Vec<String> {
    match parse(text, &tiny_plan()) {
        Err(Error::Scenarios { problems, .. }) => problems.iter().map(|p| p.to_string()).collect(),
        other => panic!("expected invalid scenarios, got {other:?}"),
    }
}

#[test]
fn invalid_scenario_files_name_the_scenario_and_key() {
    let cases = [
        (
            "[[scenario]]\nname = \"a\"\ndemand_scle = 2\n",
            "scenario \"a\", key \"demand_scle\": unknown key (did you mean \"demand_scale\"?)",
        ),
        (
            "[[scenario]]\nname = \"a\"\ncapacity_scale = { PRES = 0.5 }\n",
            "scenario \"a\", key \"capacity_scale.PRES\": unknown resource \"PRES\" (did you mean \"PRESS\"?)",
        ),
        (
            "[[scenario]]\nname = \"a\"\ncapacity = [{ resource = \"OVEN\", scale = 0 }]\n",
            "scenario \"a\", key \"capacity[0].resource\": unknown resource \"OVEN\" (resources: PRESS)",
        ),
        (
            "[[scenario]]\nname = \"a\"\nitem_demand = { \"Z*\" = 2 }\n",
            "scenario \"a\", key \"item_demand.Z*\": item pattern \"Z*\" matches no item (use an item id, or * and ? as wildcards)",
        ),
        (
            "[[scenario]]\nname = \"neg\"\ndemand_scale = -1\n",
            "scenario \"neg\", key \"demand_scale\": expected a finite number >= 0, found -1",
        ),
        (
            "[[scenario]]\nname = \"m\"\nmarket_demand = { XX = 2.0 }\n",
            "scenario \"m\", key \"market_demand.XX\": unknown market \"XX\" (markets in orders: DE, JP)",
        ),
        (
            "[[grid]]\nname = \"g\"\ncost_scale = { holding = [1, -2] }\n",
            "grid \"g\", key \"cost_scale.holding\": expected a finite number >= 0, found -2",
        ),
        (
            "[[monte_carlo]]\nname = \"mc\"\nsamples = 3\ndistribution = \"negative_binomial\"\n",
            "monte_carlo \"mc\", key \"dispersion\": missing; negative_binomial needs a dispersion > 0 (variance = mean + dispersion * mean^2)",
        ),
        ("[[scenario]]\ndemand_scale = 1\n", "scenario #1, key \"name\": missing; every scenario needs a name"),
        (
            "[sweep]\nmode = \"fast\"\n",
            "[sweep], key \"mode\": expected \"reoptimize\" or \"evaluate\", found \"fast\"",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(problems(text), vec![want.to_string()], "file:\n{text}");
    }
    // Every problem of a file is reported at once, and the error's text lists them.
    let text = "[[scenario]]\nname = \"a\"\ndemand_scale = -1\nlead_time = { \"Q\" = 1 }\n";
    let err = parse(text, &tiny_plan()).unwrap_err().to_string();
    assert_eq!(
        err,
        "invalid scenario file scenarios.toml: 2 problems found\n  scenario \"a\", key \"demand_scale\": expected a finite number >= 0, found -1\n  scenario \"a\", key \"lead_time.Q\": item pattern \"Q\" matches no item (use an item id, or * and ? as wildcards)"
    );
}

#[test]
fn example_scenario_file_expands_in_file_order() {
    let input = flexplan::input::read_plan_dir(Path::new("data/example")).unwrap();
    let file = flexplan::sweep::load_scenario_file(Path::new("data/example/scenarios.toml"), &input).unwrap();
    // base + 8 named + 3x2 grid + 20 samples.
    assert_eq!(file.scenarios.len(), 1 + 8 + 6 + 20);
    assert!(file.scenarios.iter().enumerate().all(|(i, s)| s.index == i));
    assert_eq!(file.scenarios[0].name, "base");
    assert_eq!(file.scenarios[9].name, "demand-vs-print[capacity_scale.DTG-PRINT=0.9,demand_scale=0.8]");
    assert_eq!(file.scenarios[10].name, "demand-vs-print[capacity_scale.DTG-PRINT=0.9,demand_scale=1.0]");
    assert_eq!(file.scenarios[15].name, "noisy-demand#0000");
    let seeds: std::collections::BTreeSet<u64> =
        file.scenarios[15..].iter().map(|s| s.changes.random_demand.unwrap().seed).collect();
    assert_eq!(seeds.len(), 20, "every sample has its own seed");
}

/// Demand scale 2, market JP x3, item B x0.5: each order's quantity by hand.
#[test]
fn apply_scales_orders_by_market_and_item() {
    let input = tiny_plan();
    let file = parse(
        "[[scenario]]\nname = \"s\"\ndemand_scale = 2\nmarket_demand = { JP = 3 }\nitem_demand = { \"B\" = 0.5 }\nlead_time = { \"C\" = 2 }\nmoq = { \"C\" = 50 }\ncapacity = [{ resource = \"PRESS\", scale = 0.5, from = 2, to = 3 }]\ncost_scale = { holding = 2, setup = 0 }\n",
        &input,
    )
    .unwrap();
    let changed = apply(&input, &file.scenarios[1].changes);
    let quantities: Vec<f64> = changed.orders.iter().map(|o| o.quantity).collect();
    // A: DE 8*2, JP 6*2*3, DE 10*2, JP 5*2*3; B (x0.5): DE 4, JP 7*3, DE 6.
    assert_eq!(quantities, vec![16.0, 36.0, 20.0, 30.0, 4.0, 21.0, 6.0]);
    assert_eq!(changed.items[2].lead_time, 3);
    assert_eq!(changed.items[2].min_lot, 50.0);
    assert_eq!(changed.items[0].holding_cost, 0.4);
    assert_eq!(changed.resources[0].capacity, vec![30.0, 15.0, 15.0, 30.0, 30.0, 30.0]);
    assert_eq!(changed.routings[0].setup_cost, 0.0);
    // The base is untouched by scenario 0.
    assert_eq!(apply(&input, &ScenarioChanges::default()), input);
}

/// Monte-Carlo samples: the modified plan's bucketed demand equals the fast path's draws,
/// the draws are whole numbers (Poisson), and the same seed gives the same draws.
#[test]
fn random_demand_is_reproducible_and_consistent_with_apply() {
    let input = tiny_plan();
    let file = parse("[sweep]\nseed = 7\n[[monte_carlo]]\nname = \"mc\"\nsamples = 5\n", &input).unwrap();
    let index = DemandIndex::new(&input);
    for s in &file.scenarios[1..] {
        let (mut planned, mut ratios) = (Grid::default(), Grid::default());
        scenario_demand(&input, &index, &s.changes, &resolve(&input, &s.changes), &mut planned, &mut ratios);
        let from_apply = bucket_demand(&apply(&input, &s.changes)).planned_table().clone();
        for (a, b) in planned.cells().iter().zip(from_apply.cells()) {
            assert!((a - b).abs() < 1e-9, "{planned:?} vs {from_apply:?}");
            assert_eq!(a.fract(), 0.0);
        }
        let again = parse("[sweep]\nseed = 7\n[[monte_carlo]]\nname = \"mc\"\nsamples = 5\n", &input).unwrap();
        assert_eq!(bucket_demand(&apply(&input, &again.scenarios[s.index].changes)).planned_table(), &from_apply);
    }
}

/// The samplers' moments: Poisson(7.3) has mean and variance 7.3; a negative binomial with
/// mean 10 and dispersion 0.5 has variance 10 + 0.5 * 100 = 60.
#[test]
fn samplers_have_the_right_mean_and_variance() {
    use flexplan::sweep::apply::draw_demand;
    use flexplan::sweep::scenario::Distribution;
    use rand::SeedableRng;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let moments = |draws: Vec<f64>| {
        let n = draws.len() as f64;
        let mean = draws.iter().sum::<f64>() / n;
        (mean, draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1.0))
    };
    let (mean, var) = moments((0..40_000).map(|_| draw_demand(&mut rng, 7.3, Distribution::Poisson)).collect());
    assert!((mean - 7.3).abs() < 0.1 && (var - 7.3).abs() < 0.4, "{mean} {var}");
    let (mean, var) = moments((0..40_000).map(|_| draw_demand(&mut rng, 60.0, Distribution::Poisson)).collect());
    assert!((mean - 60.0).abs() < 0.3 && (var - 60.0).abs() < 3.0, "{mean} {var}");
    let nb = Distribution::NegativeBinomial { dispersion: 0.5 };
    let (mean, var) = moments((0..40_000).map(|_| draw_demand(&mut rng, 10.0, nb)).collect());
    assert!((mean - 10.0).abs() < 0.25 && (var - 60.0).abs() < 4.0, "{mean} {var}");
}

#[test]
fn service_rates_and_percentiles_by_hand() {
    // Item 1: 5 due in each of 2 periods, all 10 shipped in period 2: 5 on time of 10.
    let grid = |cells: &[f64]| Grid::from_cells(2, cells.to_vec()).expect("whole rows");
    assert_eq!(service_rates(&grid(&[5.0, 5.0]), &grid(&[0.0, 10.0])), (1.0, 0.5));
    // Two items: (4 due p1, 4 shipped p1) and (6 due p1, 3 shipped p2): fill 7/10, on time 4/10.
    assert_eq!(service_rates(&grid(&[4.0, 0.0, 6.0, 0.0]), &grid(&[4.0, 0.0, 0.0, 3.0])), (0.7, 0.4));
    let v = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
    assert_eq!(percentile(&v, 0.05), Some(1.0));
    assert_eq!(percentile(&v, 0.5), Some(5.0));
    assert_eq!(percentile(&v, 0.95), Some(10.0));
}

/// One bought item, lots [10, 0, 0] (lead time 0), demand 4 per period, backlog cost 1,
/// holding 0.5: inventory 6, 2, 0 (holding 3 + 1), 2 units late at the end (backlog 2),
/// shipped 4 + 4 + 2 = 10 of 12, all on time but the last 2.
#[test]
fn evaluate_by_hand() {
    let mut it = Item::new("X", ItemKind::Buy);
    it.holding_cost = 0.5;
    it.backlog_cost = Some(1.0);
    it.unit_cost = 2.0;
    it.order_cost = 7.0;
    let input = PlanInput {
        items: vec![it],
        orders: (0..3)
            .map(|w| Order {
                id: format!("O{w}"),
                item: 0,
                quantity: 4.0,
                due_date: start() + chrono::Days::new(7 * w),
                market: None,
            })
            .collect(),
        ..PlanInput::new(Horizon { start: start(), bucket: Bucket::Week, periods: 3 })
    };
    let evaluator = Evaluator::new(&input, Grid::from_cells(3, vec![10.0, 0.0, 0.0]).unwrap()).unwrap();
    let k = evaluator.evaluate(&ScenarioChanges::default(), &mut EvalBuffers::default());
    assert_eq!(k.costs.holding, 4.0);
    assert_eq!(k.costs.backlog, 2.0);
    assert_eq!(k.costs.unit, 20.0);
    assert_eq!(k.costs.ordering, 7.0);
    assert_eq!((k.demand, k.shipped, k.unshipped), (12.0, 10.0, 2.0));
    assert!((k.fill_rate - 10.0 / 12.0).abs() < 1e-12 && (k.on_time_fill_rate - 10.0 / 12.0).abs() < 1e-12);
    // Late shipment forbidden: the 2 short units are lost, not backlogged.
    let file = parse("[[scenario]]\nname = \"strict\"\nno_backlog = [\"X\"]\n", &input).unwrap();
    let k = evaluator.evaluate(&file.scenarios[1].changes, &mut EvalBuffers::default());
    assert_eq!((k.costs.backlog, k.unshipped), (0.0, 2.0));
}

/// Evaluating the base plan's own lots on the base scenario gives back the planner's costs
/// and service (two independent computations of the same plan).
#[test]
fn evaluating_the_solved_lots_reproduces_the_plan() {
    let input = tiny_plan();
    let bom = BomGraph::new(&input).unwrap();
    let file = parse("", &input).unwrap();
    let outcome = plan(&input, &bom, &file.settings.solve_options()).unwrap();
    let solution = outcome.solution.unwrap();
    let costs = outcome.costs.unwrap();
    let evaluator = Evaluator::new(&input, solution.lots.clone()).unwrap();
    let k = evaluator.evaluate(&ScenarioChanges::default(), &mut EvalBuffers::default());
    assert!((k.costs.total() - costs.total()).abs() < 1e-4, "{:?} vs {costs:?}", k.costs);
    assert!((k.costs.backlog - costs.backlog).abs() < 1e-4);
    assert!((k.shipped - solution.shipped.cells().iter().sum::<f64>()).abs() < 1e-4);
    assert_eq!(k.material_shortage, 0.0);
}

const SMALL_SWEEP: &str = r#"
[sweep]
seed = 11
mip_gap = 0.0
node_limit = 200

[[scenario]]
name = "jp-triples"
market_demand = { JP = 3 }

[[scenario]]
name = "press-outage"
capacity = [{ resource = "PRESS", scale = 0, from = 2, to = 3 }]

[[scenario]]
name = "slow-blank"
lead_time = { "C" = 2 }
moq = { "C" = 60 }

[[grid]]
name = "g"
demand_scale = [0.5, 1.5]
cost_scale = { backlog = [0.1, 4] }

[[monte_carlo]]
name = "mc"
samples = 4
distribution = "negative_binomial"
dispersion = 0.3
"#;

fn without_seconds(mut rows: Vec<ResultRow>) -> Vec<ResultRow> {
    for r in &mut rows {
        r.seconds = 0.0;
    }
    rows
}

/// Concurrent HiGHS solves (one thread each) give the same rows as one at a time.
#[test]
fn jobs_1_and_2_give_identical_rows() {
    let input = tiny_plan();
    let bom = BomGraph::new(&input).unwrap();
    let file = parse(SMALL_SWEEP, &input).unwrap();
    let all: Vec<_> = file.scenarios.iter().collect();
    let one = run_scenarios(&input, &bom, &file.settings, None, &all, 1, &|_| {}).unwrap();
    let two = run_scenarios(&input, &bom, &file.settings, None, &all, 2, &|_| {}).unwrap();
    assert_eq!(one.len(), 1 + 3 + 4 + 4);
    assert!(one.iter().all(|r| r.status == "optimal"), "{one:?}");
    assert_eq!(without_seconds(one), without_seconds(two));
    // Evaluate mode too (fixed lots from the base solve).
    let mut settings = file.settings.clone();
    settings.mode = Mode::Evaluate;
    let lots = flexplan::sweep::fixed_lots(&input, &bom, &settings, None).unwrap();
    let one = run_scenarios(&input, &bom, &settings, Some(&lots), &all, 1, &|_| {}).unwrap();
    let two = run_scenarios(&input, &bom, &settings, Some(&lots), &all, 2, &|_| {}).unwrap();
    assert_eq!(without_seconds(one), without_seconds(two));
}

/// A scenario that forbids late shipment of A while the press is down all horizon cannot be
/// planned: it is a row marked infeasible, and the sweep goes on.
#[test]
fn infeasible_scenario_is_a_row() {
    let input = tiny_plan();
    let bom = BomGraph::new(&input).unwrap();
    let text = format!(
        "{SMALL_SWEEP}\n[[scenario]]\nname = \"impossible\"\nno_backlog = [\"A\"]\ncapacity_scale = {{ PRESS = 0 }}\n"
    );
    let file = parse(&text, &input).unwrap();
    let out = tempfile::tempdir().unwrap();
    let report = run_sweep(&input, &bom, &file, &SweepOptions::default(), &out.path().join("sweep")).unwrap();
    let impossible = report.rows.iter().find(|r| r.name == "impossible").unwrap();
    assert_eq!(impossible.status, "infeasible");
    assert_eq!(impossible.objective, None);
    assert!(impossible.message.is_some());
    assert_eq!(report.rows.len(), file.scenarios.len());
    assert_eq!(report.summary.statuses.get("infeasible"), Some(&1));
    let csv = std::fs::read_to_string(out.path().join("sweep/results.csv")).unwrap();
    assert!(csv.lines().any(|l| l.contains(",impossible,named,") && l.contains(",infeasible,")));
    // The journal is not overwritten without --resume.
    let again = run_sweep(&input, &bom, &file, &SweepOptions::default(), &out.path().join("sweep"));
    assert!(matches!(again, Err(Error::Journal { .. })));
}

fn write_fixture(dir: &Path, scenarios: &str) -> (PathBuf, PathBuf) {
    let plan_dir = dir.join("plan");
    flexplan::input::write_plan_dir(&tiny_plan(), &plan_dir).unwrap();
    let file = dir.join("scenarios.toml");
    std::fs::write(&file, scenarios).unwrap();
    (plan_dir, file)
}

fn sweep_cmd(plan_dir: &Path, scenarios: &Path, out: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("sweep").arg(plan_dir).arg("--scenarios").arg(scenarios).arg("--out").arg(out).arg("--quiet");
    cmd
}

/// `results.csv` without the `seconds` column (the one that differs between runs).
fn results_without_seconds(out: &Path) -> String {
    let text = std::fs::read_to_string(out.join("results.csv")).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let seconds = header.iter().position(|&c| c == "seconds").unwrap();
    text.lines()
        .map(|line| {
            // The seconds cell is never quoted; the cells before it may be (parameters), so
            // count cells from the end: seconds is followed by message and mode.
            let cells: Vec<&str> = line.rsplitn(header.len() - seconds + 1, ',').collect();
            let mut kept: Vec<&str> = cells.into_iter().rev().collect();
            kept.remove(1);
            kept.join(",")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn parquet_rows(out: &Path) -> usize {
    use polars::prelude::{ParquetReader, SerReader};
    let file = std::fs::File::open(out.join("results.parquet")).unwrap();
    ParquetReader::new(file).finish().unwrap().height()
}

#[test]
fn three_shards_merged_equal_the_single_run() {
    let dir = tempfile::tempdir().unwrap();
    let (plan_dir, scenarios) = write_fixture(dir.path(), SMALL_SWEEP);
    let single = dir.path().join("single");
    assert!(sweep_cmd(&plan_dir, &scenarios, &single).arg("--jobs").arg("2").status().unwrap().success());
    let shards: Vec<PathBuf> = (1..=3).map(|k| dir.path().join(format!("shard{k}"))).collect();
    let children: Vec<_> = shards
        .iter()
        .enumerate()
        .map(|(k, out)| {
            sweep_cmd(&plan_dir, &scenarios, out).arg("--shard").arg(format!("{}/3", k + 1)).spawn().unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let merged = dir.path().join("merged");
    let status = Command::new(BIN).args(["sweep", "merge"]).args(&shards).arg("--out").arg(&merged).status().unwrap();
    assert!(status.success());
    assert_eq!(results_without_seconds(&merged), results_without_seconds(&single));
    assert_eq!(
        std::fs::read_to_string(merged.join("summary.json")).unwrap(),
        std::fs::read_to_string(single.join("summary.json")).unwrap()
    );
    assert_eq!(parquet_rows(&merged), 12);
    // A missing shard is refused.
    let status = Command::new(BIN)
        .args(["sweep", "merge"])
        .args(&shards[..2])
        .arg("--out")
        .arg(dir.path().join("bad"))
        .status()
        .unwrap();
    assert!(!status.success());
}

fn journal_rows(out: &Path) -> usize {
    std::fs::read_to_string(out.join("journal.jsonl")).map(|t| t.lines().count().saturating_sub(1)).unwrap_or(0)
}

/// kill -9 part-way, a torn last line, then `--resume`: the same results as an
/// uninterrupted run.
#[test]
fn killed_sweep_resumes_to_the_uninterrupted_results() {
    let dir = tempfile::tempdir().unwrap();
    let scenarios_text = "[sweep]\nseed = 5\nnode_limit = 100\n[[monte_carlo]]\nname = \"mc\"\nsamples = 150\n";
    let (plan_dir, scenarios) = write_fixture(dir.path(), scenarios_text);
    let killed = dir.path().join("killed");
    let mut child = sweep_cmd(&plan_dir, &scenarios, &killed).spawn().unwrap();
    let started = Instant::now();
    while journal_rows(&killed) < 5 && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let done = journal_rows(&killed);
    assert!((5..151).contains(&done), "killed after {done} rows");
    assert!(!killed.join("results.csv").exists());
    // A crash in the middle of a write leaves a torn line: it is dropped on resume.
    let mut f = std::fs::OpenOptions::new().append(true).open(killed.join("journal.jsonl")).unwrap();
    std::io::Write::write_all(&mut f, b"{\"index\":149,\"na").unwrap();
    drop(f);
    // Without --resume the journal is refused.
    assert!(!sweep_cmd(&plan_dir, &scenarios, &killed).status().unwrap().success());
    assert!(sweep_cmd(&plan_dir, &scenarios, &killed)
        .arg("--resume")
        .arg("--jobs")
        .arg("2")
        .status()
        .unwrap()
        .success());
    let whole = dir.path().join("whole");
    assert!(sweep_cmd(&plan_dir, &scenarios, &whole).arg("--jobs").arg("2").status().unwrap().success());
    assert_eq!(results_without_seconds(&killed), results_without_seconds(&whole));
    assert_eq!(
        std::fs::read_to_string(killed.join("summary.json")).unwrap(),
        std::fs::read_to_string(whole.join("summary.json")).unwrap()
    );
    assert_eq!(journal_rows(&killed), 151);
}

#[test]
fn invalid_scenario_file_exits_3_with_the_messages() {
    let dir = tempfile::tempdir().unwrap();
    let (plan_dir, scenarios) =
        write_fixture(dir.path(), "[[scenario]]\nname = \"x\"\ncapacity_scale = { PRES = -1 }\n");
    let out = sweep_cmd(&plan_dir, &scenarios, &dir.path().join("out")).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("scenario \"x\", key \"capacity_scale.PRES\": expected a finite number >= 0, found -1"),
        "{stderr}"
    );
}

#[test]
fn patterns_and_shards() {
    use flexplan::sweep::scenario::pattern_matches;
    use flexplan::sweep::Shard;
    assert!(pattern_matches("TEE-*", "TEE-SUNSET"));
    assert!(pattern_matches("*-BLANK", "HOODIE-BLANK"));
    assert!(pattern_matches("T?E-*", "TEE-KANJI"));
    assert!(pattern_matches("*", "X"));
    assert!(!pattern_matches("TEE-*", "HOODIE-WAVE"));
    assert!(!pattern_matches("TEE", "TEE-SUNSET"));
    assert!(pattern_matches("A*B*C", "AxxBxC"));
    assert!(!pattern_matches("A*B*C", "AxxBx"));
    let s = Shard::parse("2/3").unwrap();
    // Scenarios 0..9 in shard 2/3: 1, 4, 7.
    assert_eq!((0..9).filter(|&i| s.contains(i)).collect::<Vec<_>>(), vec![1, 4, 7]);
    for bad in ["0/3", "4/3", "3", "a/b", "1/0"] {
        assert!(matches!(Shard::parse(bad), Err(Error::Request { ref what, .. }) if what.contains(bad)), "{bad}");
    }
}

/// `--lots`: the lots read back from a written plan folder are the solved lots.
#[test]
fn lots_are_read_back_from_a_plan_folder() {
    let input = tiny_plan();
    let bom = BomGraph::new(&input).unwrap();
    let options = flexplan::plan::SolveOptions { threads: 1, ..Default::default() };
    let outcome = plan(&input, &bom, &options).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("plan-out");
    flexplan::output::write_outcome(&input, &outcome, &options, &folder, flexplan::output::TableFormat::Csv).unwrap();
    let lots = flexplan::sweep::evaluate::load_lots(&folder, &input).unwrap();
    assert_eq!(lots, outcome.solution.unwrap().lots);
    // A lots file naming an unknown item is refused with the row.
    std::fs::write(
        folder.join("lots.csv"),
        "item,kind,period,start_date,available_period,quantity\nZZ,make,1,2026-01-05,1,3\n",
    )
    .unwrap();
    let err = flexplan::sweep::evaluate::load_lots(&folder, &input).unwrap_err().to_string();
    assert!(err.contains("lots.csv, row 2, column item, value \"ZZ\": not an item of the plan directory"), "{err}");
}

/// Evaluate mode through the journal: cut the journal back to 3 rows (as a crash would),
/// resume, and get the uninterrupted results.
#[test]
fn evaluate_mode_resumes_from_a_cut_journal() {
    let input = tiny_plan();
    let bom = BomGraph::new(&input).unwrap();
    let file = parse("[sweep]\nmode = \"evaluate\"\nseed = 3\n[[monte_carlo]]\nname = \"mc\"\nsamples = 40\n", &input)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    let first = run_sweep(&input, &bom, &file, &SweepOptions { jobs: 2, ..Default::default() }, &whole).unwrap();
    assert_eq!(first.rows.len(), 41);
    assert!(first.rows.iter().all(|r| r.status == "evaluated"));
    let cut = dir.path().join("cut");
    std::fs::create_dir(&cut).unwrap();
    let journal = std::fs::read_to_string(whole.join("journal.jsonl")).unwrap();
    let kept: String = journal.lines().take(4).map(|l| format!("{l}\n")).collect();
    std::fs::write(cut.join("journal.jsonl"), kept).unwrap();
    let resumed = run_sweep(&input, &bom, &file, &SweepOptions { resume: true, ..Default::default() }, &cut).unwrap();
    assert_eq!((resumed.resumed, resumed.computed), (3, 38));
    assert_eq!(without_seconds(resumed.rows), without_seconds(first.rows));
    assert_eq!(resumed.summary, first.summary);
    // Another seed is another sweep: its journal is refused.
    let mut other = file.clone();
    other.reseed(4);
    let refused = run_sweep(&input, &bom, &other, &SweepOptions { resume: true, ..Default::default() }, &cut);
    assert!(matches!(refused, Err(Error::Journal { .. })));
}

/// Summary by hand: objectives 10, 20, 30 (base 10) -> mean 20, p50 20, delta +10.
#[test]
fn summary_statistics_by_hand() {
    use flexplan::sweep::results::summarize;
    let row = |index: usize, kind: &str, objective: Option<f64>, status: &str| {
        let mut r = ResultRow::new(index, &format!("s{index}"), kind, "{}".into(), status);
        r.objective = objective;
        r
    };
    let rows = vec![
        row(0, "base", Some(10.0), "optimal"),
        row(1, "named", Some(30.0), "optimal"),
        row(2, "named", None, "infeasible"),
        row(3, "named", Some(20.0), "feasible"),
    ];
    let s = summarize(&rows);
    let k = &s.kpis["objective"];
    assert_eq!((k.count, k.mean, k.p5, k.p50, k.p95), (3, Some(20.0), Some(10.0), Some(20.0), Some(30.0)));
    assert_eq!((k.base, k.delta_mean_vs_base), (Some(10.0), Some(10.0)));
    assert_eq!(s.statuses.get("infeasible"), Some(&1));
    assert_eq!(s.statuses.get("optimal"), Some(&2));
}
