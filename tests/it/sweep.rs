//! The scenario sweep: scenario files, apply, evaluate, determinism across jobs, shards,
//! kill -9 + resume, infeasible rows. Small plans and node limits keep this file fast.

use chrono::NaiveDate;
use flexplan::grid::Grid;
use flexplan::input::bom::BomGraph;
use flexplan::input::*;
use flexplan::plan::bucket_demand;
use flexplan::plan::plan;
use flexplan::plan::{CostBreakdown, SolveStatus};
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
        options: None,
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
    // base + 11 named + 3x2 grid + 10 samples.
    assert_eq!(file.scenarios.len(), 1 + 11 + 6 + 10);
    assert!(file.scenarios.iter().enumerate().all(|(i, s)| s.index == i));
    assert_eq!(file.scenarios[0].name, "base");
    assert_eq!(file.scenarios[11].name, "screen-press-broken");
    assert_eq!(file.scenarios[12].name, "demand-vs-print[capacity_scale.DTG-PRINT=0.9,demand_scale=0.8]");
    assert_eq!(file.scenarios[13].name, "demand-vs-print[capacity_scale.DTG-PRINT=0.9,demand_scale=1.0]");
    assert_eq!(file.scenarios[18].name, "noisy-demand#0000");
    let seeds: std::collections::BTreeSet<u64> =
        file.scenarios[18..].iter().map(|s| s.changes.random_demand.unwrap().seed).collect();
    assert_eq!(seeds.len(), 10, "every sample has its own seed");
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
                options: None,
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

/// [`SMALL_SWEEP`] and a scenario that forbids late shipment of A while the press is down all
/// horizon, which cannot be planned.
fn with_impossible_scenario() -> String {
    format!(
        "{SMALL_SWEEP}\n[[scenario]]\nname = \"impossible\"\nno_backlog = [\"A\"]\ncapacity_scale = {{ PRESS = 0 }}\n"
    )
}

/// A scenario that cannot be planned is a row marked infeasible, and the sweep goes on.
#[test]
fn infeasible_scenario_is_a_row() {
    let (input, bom, text) = (tiny_plan(), BomGraph::new(&tiny_plan()).unwrap(), with_impossible_scenario());
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

/// `--keep-plans`: every scenario with a plan keeps its inputs and plan folder, the checker
/// accepts each kept plan against its kept inputs with the row's objective, an infeasible
/// scenario keeps its inputs only, and the sweep's report links to the kept plans' reports.
#[test]
fn kept_plans_pass_the_checker_and_the_report_links_them() {
    let (input, bom, text) = (tiny_plan(), BomGraph::new(&tiny_plan()).unwrap(), with_impossible_scenario());
    let file = parse(&text, &input).unwrap();
    let out = tempfile::tempdir().unwrap();
    let sweep_dir = out.path().join("sweep");
    let options = SweepOptions { keep_plans: true, jobs: 2, ..Default::default() };
    let report = run_sweep(&input, &bom, &file, &options, &sweep_dir).unwrap();
    let plans = sweep_dir.join(flexplan::sweep::PLANS_DIR);
    for row in &report.rows {
        let dir = flexplan::sweep::kept_plan_dir(&plans, row.index);
        let kept_input = read_plan_dir(&dir.join("input")).unwrap();
        match row.objective {
            Some(objective) => {
                let check = flexplan::validate::validate_plan(&kept_input, &dir.join("plan")).unwrap();
                assert!(check.is_ok(), "{}: {:?}", row.name, check.violations);
                assert!((check.objective - objective).abs() < 1e-4, "{}: {} vs {objective}", row.name, check.objective);
            }
            None => assert!(!dir.join("plan").exists(), "{}: no plan, nothing kept", row.name),
        }
    }
    let html = flexplan::report::write_sweep_report(&sweep_dir, &sweep_dir).unwrap();
    let html = std::fs::read_to_string(html).unwrap();
    let planned = report.rows.iter().filter(|r| r.objective.is_some()).count();
    assert!(planned >= 2);
    assert!(html.matches("plan&#x2f;report.html\"").count() >= planned, "a link per kept plan");
    assert!(flexplan::sweep::kept_plan_dir(&plans, 0).join("plan/report.html").is_file());
    // Evaluate mode has no plan per scenario to keep.
    let evaluate = parse(&text.replace("[sweep]", "[sweep]\nmode = \"evaluate\""), &input).unwrap();
    let refused = run_sweep(&input, &bom, &evaluate, &options, &out.path().join("evaluate"));
    assert!(matches!(refused, Err(Error::Request { .. })), "{refused:?}");
    assert!(!out.path().join("evaluate").exists(), "refused before anything is written");
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

// ---------------------------------------------------------------------------------------
// Version 2: routes and suppliers.

/// A version-2 plan over 4 weeks. TEE (10 due in week 3, backlog 100 per unit and week,
/// unmet 50, holding 2) is made from one BLANK each, on route SCREEN (unit cost 1, lead 0,
/// resource SCREEN-PRESS with the family PRINT, whose setup costs 3 a week) or on route
/// PARTNER (a partner factory: unit cost 4, lead 1). BLANK (holding 3, lead 1) is bought from
/// MILL-A (unit cost 1, the item's lead time) or MILL-B (unit cost 2, its own lead time 1, a
/// joint order cost of 5 a week).
///
/// The optimum: TEE made on SCREEN in week 3 (10 + family 3), its 10 blanks ordered from
/// MILL-A in week 2 (10): 23, nothing held, nothing late. Options: 0 SCREEN, 1 PARTNER,
/// 2 MILL-A, 3 MILL-B.
fn v2_plan() -> PlanInput {
    let tee =
        Item { holding_cost: 2.0, backlog_cost: Some(100.0), unmet_cost: 50.0, ..Item::new("TEE", ItemKind::Make) };
    let blank = Item { holding_cost: 3.0, lead_time: 1, ..Item::new("BLANK", ItemKind::Buy) };
    let press = |id: &str| Resource { id: id.into(), capacity: vec![100.0; 4], overtime_max: 0.0, overtime_cost: 0.0 };
    let terms = |unit_cost: f64, lead_time: Option<usize>| LotTerms {
        unit_cost: Some(unit_cost),
        lead_time,
        ..LotTerms::default()
    };
    PlanInput {
        items: vec![tee, blank],
        bom: vec![BomEdge { parent: 0, component: 1, quantity: 1.0 }],
        resources: vec![press("SCREEN-PRESS"), press("PARTNER")],
        routings: vec![
            Routing { route: Some(0), family: Some(0), ..Routing::new(0, 0, 1.0, 0.0, 0.0) },
            Routing { route: Some(1), ..Routing::new(0, 1, 1.0, 0.0, 0.0) },
        ],
        routes: vec![
            Route { item: 0, id: "SCREEN".into(), terms: terms(1.0, None) },
            Route { item: 0, id: "PARTNER".into(), terms: terms(4.0, Some(1)) },
        ],
        suppliers: vec![
            Supplier { id: "MILL-A".into(), order_cost: 0.0 },
            Supplier { id: "MILL-B".into(), order_cost: 5.0 },
        ],
        sources: vec![
            Source { item: 1, supplier: 0, terms: terms(1.0, None), max_per_period: None },
            Source { item: 1, supplier: 1, terms: terms(2.0, Some(1)), max_per_period: None },
        ],
        families: vec![Family { id: "PRINT".into(), resource: 0, setup_time: 0.0, setup_cost: 3.0 }],
        orders: vec![Order {
            id: "O1".into(),
            item: 0,
            quantity: 10.0,
            due_date: start() + chrono::Days::new(14),
            market: None,
            options: None,
        }],
        ..PlanInput::new(Horizon { start: start(), bucket: Bucket::Week, periods: 4 })
    }
}

const SCREEN: usize = 0;
const PARTNER: usize = 1;
const MILL_A: usize = 2;
const MILL_B: usize = 3;

/// The changes of a one-scenario file on `input`.
fn changes_of(keys: &str, input: &PlanInput) -> ScenarioChanges {
    let file = parse(&format!("[[scenario]]\nname = \"s\"\n{keys}\n"), input).unwrap();
    file.scenarios[1].changes.clone()
}

/// Reoptimizes `input` under `keys` (gap 0): the outcome's costs and lots.
fn reoptimize(input: &PlanInput, keys: &str) -> (SolveStatus, Option<CostBreakdown>, Option<Grid<f64>>) {
    let changes = changes_of(keys, input);
    let modified = apply(input, &changes);
    let bom = BomGraph::new(&modified).unwrap();
    let options = flexplan::plan::SolveOptions { threads: 1, mip_gap: 0.0, ..Default::default() };
    let outcome = plan(&modified, &bom, &options).unwrap();
    (outcome.status, outcome.costs, outcome.solution.map(|s| s.lots))
}

/// Evaluates the base optimum's lots (SCREEN 10 in week 3, MILL-A 10 in week 2) under `keys`.
fn evaluate_base_lots(keys: &str) -> flexplan::sweep::evaluate::Kpis {
    let input = v2_plan();
    let mut lots = Grid::new(4, 4, 0.0);
    lots[(SCREEN, 2)] = 10.0;
    lots[(MILL_A, 1)] = 10.0;
    let evaluator = Evaluator::new(&input, lots).unwrap();
    evaluator.evaluate(&changes_of(keys, &input), &mut EvalBuffers::default())
}

#[test]
fn v2_base_optimum_by_hand() {
    let input = v2_plan();
    let (status, costs, lots) = reoptimize(&input, "");
    assert_eq!(status.as_str(), "optimal");
    let costs = costs.unwrap();
    assert!((costs.total() - 23.0).abs() < 1e-6, "{costs:?}");
    assert!((costs.family_setup - 3.0).abs() < 1e-6);
    let lots = lots.unwrap();
    assert!((lots[(SCREEN, 2)] - 10.0).abs() < 1e-6 && (lots[(MILL_A, 1)] - 10.0).abs() < 1e-6, "{lots:?}");
    // Evaluating these lots on the base gives the same cost.
    let k = evaluate_base_lots("");
    assert!((k.costs.total() - 23.0).abs() < 1e-9, "{:?}", k.costs);
    assert_eq!((k.shipped, k.material_shortage), (10.0, 0.0));
}

/// Without SCREEN, TEE is made on PARTNER (lead 1: started in week 2, so its blanks are
/// ordered in week 1): 40 instead of 10 + the family setup 3, so the cost rises by exactly
/// 40 - 13 = 27, from 23 to 50.
#[test]
fn no_route_of_the_cheap_route_costs_what_the_dear_route_costs_more() {
    let input = v2_plan();
    let (status, costs, lots) = reoptimize(&input, "no_route = [\"TEE/SCREEN\"]");
    assert_eq!(status.as_str(), "optimal");
    let costs = costs.unwrap();
    assert!((costs.total() - 50.0).abs() < 1e-6, "{costs:?}");
    assert!((costs.total() - 23.0 - (40.0 - 13.0)).abs() < 1e-6);
    assert_eq!(costs.family_setup, 0.0);
    let lots = lots.unwrap();
    assert!(lots.row(SCREEN).iter().all(|&x| x == 0.0), "no lot on a removed route: {lots:?}");
    assert!((lots[(PARTNER, 1)] - 10.0).abs() < 1e-6 && (lots[(MILL_A, 0)] - 10.0).abs() < 1e-6, "{lots:?}");
    // The item pattern may be a wildcard.
    assert_eq!(changes_of("no_route = [\"*/SCREEN\"]", &input).no_route, vec!["*/SCREEN".to_string()]);
    let (_, same, _) = reoptimize(&input, "no_route = [\"T*/SCREEN\"]");
    assert!((same.unwrap().total() - 50.0).abs() < 1e-6);
}

/// Both routes removed: TEE cannot be made, so its 10 units are late in weeks 3 and 4
/// (backlog 100 x 10 x 2) and unmet at the end (50 x 10); no blank is bought. Forbidding late
/// shipment then makes the scenario infeasible.
#[test]
fn an_item_with_every_way_removed_ships_late_or_is_infeasible() {
    let input = v2_plan();
    let (status, costs, lots) = reoptimize(&input, "no_route = [\"TEE/SCREEN\", \"TEE/PARTNER\"]");
    assert_eq!(status.as_str(), "optimal");
    let costs = costs.unwrap();
    assert!((costs.backlog - 2000.0).abs() < 1e-6 && (costs.unmet - 500.0).abs() < 1e-6, "{costs:?}");
    assert!((costs.total() - 2500.0).abs() < 1e-6, "{costs:?}");
    assert!(lots.unwrap().cells().iter().all(|&x| x == 0.0));
    let (status, costs, _) = reoptimize(&input, "no_route = [\"TEE/SCREEN\", \"TEE/PARTNER\"]\nno_backlog = [\"TEE\"]");
    assert_eq!((status.as_str(), costs), ("infeasible", None));
    // The sweep's row says so, and why the diagnosis sees the removed routes as taking 4 weeks.
    let bom = BomGraph::new(&input).unwrap();
    let file = parse(
        "[[scenario]]\nname = \"x\"\nno_route = [\"TEE/SCREEN\", \"TEE/PARTNER\"]\nno_backlog = [\"TEE\"]\n",
        &input,
    )
    .unwrap();
    let row = flexplan::sweep::reoptimize_one(&input, &bom, &file.scenarios[1], &file.settings);
    assert_eq!(row.status, "infeasible");
    let message = row.message.unwrap();
    assert!(message.starts_with("TEE: 10 of 10 units due in period 3 cannot be shipped on time"), "{message}");
    assert!(
        message.ends_with(" (the scenario removes route TEE/SCREEN, route TEE/PARTNER: each has the horizon, 4 periods, as lead time)"),
        "{message}"
    );
}

/// MILL-A two weeks slower: a lot ordered in week 2 arrives in week 4.
/// Reoptimize: the order moves a week earlier (week 1, lead 2: still in time, same cost).
/// Evaluate (lots fixed): the 10 blanks TEE's lot uses in week 3 are a week late, a shortage
/// of 10 unit-weeks.
#[test]
fn supplier_lead_time_moves_the_order_earlier_or_makes_it_late() {
    let input = v2_plan();
    let (_, costs, lots) = reoptimize(&input, "supplier_lead_time = { \"MILL-A\" = 1 }");
    assert!((costs.unwrap().total() - 23.0).abs() < 1e-6);
    let lots = lots.unwrap();
    assert!((lots[(MILL_A, 0)] - 10.0).abs() < 1e-6 && lots[(MILL_A, 1)] == 0.0, "{lots:?}");
    let k = evaluate_base_lots("supplier_lead_time = { \"MILL-A\" = 1 }");
    assert_eq!(k.material_shortage, 10.0);
    assert_eq!(k.costs.unit, 20.0, "the late lot is still paid");
    // Two weeks slower: MILL-A can no longer deliver by week 3, MILL-B (2 a unit, joint order
    // 5) does: 23 + 10 + 5.
    let (_, costs, _) = reoptimize(&input, "supplier_lead_time = { \"MILL-A\" = 2 }");
    assert!((costs.unwrap().total() - 38.0).abs() < 1e-6);
    // Evaluate: the lot arrives after the horizon, the blanks are short in weeks 3 and 4.
    assert_eq!(evaluate_base_lots("supplier_lead_time = { \"MILL-A\" = 2 }").material_shortage, 20.0);
    // A shorter lead time floors at 0: the lot ordered in week 2 arrives in week 2, one week
    // early (held 3 x 10).
    let k = evaluate_base_lots("supplier_lead_time = { \"MILL-*\" = -5 }");
    assert_eq!((k.material_shortage, k.costs.holding), (0.0, 30.0));
}

/// At most 6 a week from MILL-A: 6 from MILL-A (6) and 4 from MILL-B (8 + its joint order
/// 5), 32 in all. Ordering 4 of them a week earlier from MILL-A would cost 4 x 3 of holding
/// (35); making 4 TEE a week earlier from them, 4 x 2 of holding and a second family setup
/// (34).
/// Evaluate: MILL-A delivers 6 of the 10 ordered, 4 blanks short in weeks 3 and 4.
#[test]
fn supplier_max_forces_a_split() {
    let input = v2_plan();
    let (_, costs, lots) = reoptimize(&input, "supplier_max = { \"MILL-A\" = 6 }");
    let costs = costs.unwrap();
    assert!((costs.total() - 32.0).abs() < 1e-6, "{costs:?}");
    assert!((costs.joint_order - 5.0).abs() < 1e-6);
    let lots = lots.unwrap();
    assert!((lots[(MILL_A, 1)] - 6.0).abs() < 1e-6 && (lots[(MILL_B, 1)] - 4.0).abs() < 1e-6, "{lots:?}");
    let k = evaluate_base_lots("supplier_max = { \"MILL-A\" = 6 }");
    assert_eq!((k.material_shortage, k.costs.unit), (8.0, 16.0));
    // A new max of 0 takes the supplier out like no_supplier.
    let zero = evaluate_base_lots("supplier_max = { \"MILL-A\" = 0 }");
    let removed = evaluate_base_lots("no_supplier = [\"MILL-A\"]");
    assert_eq!(zero, removed);
}

/// Without MILL-A the blanks come from MILL-B: 23 + 10 + 5 = 38. Evaluate: MILL-A's lot is not
/// made (not paid, never arrives): 10 blanks short in weeks 3 and 4.
#[test]
fn no_supplier_buys_elsewhere_or_leaves_a_shortage() {
    let input = v2_plan();
    let (_, costs, lots) = reoptimize(&input, "no_supplier = [\"MILL-A\"]");
    assert!((costs.unwrap().total() - 38.0).abs() < 1e-6);
    assert!(lots.unwrap().row(MILL_A).iter().all(|&x| x == 0.0));
    let k = evaluate_base_lots("no_supplier = [\"MILL-A\"]");
    assert_eq!((k.material_shortage, k.costs.unit, k.costs.joint_order), (20.0, 10.0, 0.0));
    assert_eq!(k.shipped, 10.0, "the simulation still makes the fixed TEE lot");
    // Every supplier gone: nothing can be bought, TEE is late (backlog and unmet as above).
    let (_, costs, _) = reoptimize(&input, "no_supplier = [\"MILL-*\"]");
    assert!((costs.unwrap().total() - 2500.0).abs() < 1e-6);
}

/// Evaluate with SCREEN removed: TEE's lot is not made (no unit cost, no family setup, no
/// load, no blank used), so TEE is short: 10 late in weeks 3 and 4 (backlog 2000) and unmet
/// (500); the 10 blanks are held in weeks 3 and 4 (3 x 10 x 2).
#[test]
fn evaluate_no_route_shows_the_missing_lot() {
    let k = evaluate_base_lots("no_route = [\"TEE/SCREEN\"]");
    assert_eq!((k.shipped, k.unshipped, k.fill_rate), (0.0, 10.0, 0.0));
    let c = k.costs;
    assert_eq!((c.unit, c.family_setup, c.backlog, c.unmet, c.holding), (10.0, 0.0, 2000.0, 500.0, 60.0));
    assert_eq!(k.peak_utilization, Some(0.0));
    // Removing the route that has no lot changes nothing.
    assert_eq!(evaluate_base_lots("no_route = [\"TEE/PARTNER\"]"), evaluate_base_lots(""));
}

/// The item's `lead_time` change moves the lead times of its routes and sources, their own
/// overrides too; a supplier's change comes on top; each floors at 0. Reoptimize (the plan
/// `apply` writes) and evaluate (the base options shifted) agree on every option's lead time.
#[test]
fn lead_time_changes_move_every_option_of_the_item() {
    let input = v2_plan();
    let base = Options::new(&input);
    assert_eq!((0..4).map(|o| base.get(o).lead_time).collect::<Vec<_>>(), vec![0, 1, 1, 1]);
    let cases = [
        ("lead_time = { TEE = 1 }", vec![1, 2, 1, 1]),
        ("lead_time = { BLANK = -1 }", vec![0, 1, 0, 0]),
        ("lead_time = { \"*\" = 1 }\nsupplier_lead_time = { \"MILL-B\" = 2 }", vec![1, 2, 2, 4]),
        ("lead_time = { BLANK = -3 }\nsupplier_lead_time = { \"MILL-*\" = 1 }", vec![0, 1, 1, 1]),
        ("supplier_lead_time = { \"MILL-*\" = 1, \"MILL-A\" = 1 }", vec![0, 1, 3, 2]),
    ];
    for (keys, want) in cases {
        let changes = changes_of(keys, &input);
        let applied = Options::new(&apply(&input, &changes));
        let resolved = resolve(&input, &changes);
        let from_apply: Vec<usize> = (0..4).map(|o| applied.get(o).lead_time).collect();
        let from_resolve: Vec<usize> = (0..4).map(|o| resolved.option_lead_time(base.get(o))).collect();
        assert_eq!(from_apply, want, "{keys}");
        assert_eq!(from_resolve, want, "{keys}");
    }
    // A removed route or source gets the horizon as lead time: no lot can start in it.
    let changes = changes_of("no_route = [\"TEE/PARTNER\"]\nno_supplier = [\"MILL-B\"]", &input);
    let applied = Options::new(&apply(&input, &changes));
    assert_eq!((0..4).map(|o| applied.get(o).lead_time).collect::<Vec<_>>(), vec![0, 4, 1, 4]);
    // supplier_max: the alphabetically last matching pattern wins.
    let changes = changes_of("supplier_max = { \"MILL-*\" = 5, \"MILL-A\" = 7 }", &input);
    let applied = apply(&input, &changes);
    assert_eq!(applied.sources.iter().map(|s| s.max_per_period).collect::<Vec<_>>(), vec![Some(7.0), Some(5.0)]);
}

/// The lots each reoptimized scenario chose, evaluated under the same scenario, cost what the
/// solve said: apply and evaluate read every key (lead times, caps, removals, cost scales of
/// the version-2 terms and of the routes' and sources' own prices) the same way.
#[test]
fn reoptimized_lots_evaluate_to_the_reoptimized_costs() {
    let input = v2_plan();
    for keys in [
        "",
        "no_route = [\"TEE/SCREEN\"]",
        "no_route = [\"TEE/SCREEN\", \"TEE/PARTNER\"]",
        "no_supplier = [\"MILL-A\"]",
        "supplier_max = { \"MILL-A\" = 6 }",
        "supplier_lead_time = { \"MILL-A\" = 1 }",
        "lead_time = { TEE = 1, BLANK = -1 }",
        "cost_scale = { unit = 2, family_setup = 3, joint_order = 2 }\nsupplier_max = { \"MILL-A\" = 6 }",
        "cost_scale = { unmet = 2, backlog = 0.5 }\nno_supplier = [\"MILL-*\"]",
    ] {
        let (_, costs, lots) = reoptimize(&input, keys);
        let (costs, lots) = (costs.unwrap(), lots.unwrap());
        let evaluator = Evaluator::new(&input, lots).unwrap();
        let k = evaluator.evaluate(&changes_of(keys, &input), &mut EvalBuffers::default());
        for ((name, solved), (_, simulated)) in costs.terms().zip(k.costs.terms()) {
            assert!((solved - simulated).abs() < 1e-6, "{keys}: {name} {solved} vs {simulated}");
        }
        assert_eq!(k.material_shortage, 0.0, "{keys}");
    }
    // The cost scales reach the version-2 terms in reoptimize mode.
    let (_, costs, _) = reoptimize(&input, "cost_scale = { unmet = 2 }\nno_supplier = [\"MILL-*\"]");
    assert!((costs.unwrap().unmet - 1000.0).abs() < 1e-6);
    let (_, costs, _) = reoptimize(&input, "cost_scale = { unit = 2, family_setup = 0 }");
    assert!((costs.unwrap().total() - 40.0).abs() < 1e-6, "TEE 20 + BLANK 20");
}

fn v2_problems(text: &str) -> Vec<String> {
    match parse(text, &v2_plan()) {
        Err(Error::Scenarios { problems, .. }) => problems.iter().map(|p| p.to_string()).collect(),
        other => panic!("expected invalid scenarios, got {other:?}"),
    }
}

#[test]
fn invalid_supply_keys_name_the_scenario_and_key() {
    let cases = [
        (
            "[[scenario]]\nname = \"a\"\nsupplier_lead_time = { \"MILL-C\" = 1 }\n",
            "scenario \"a\", key \"supplier_lead_time.MILL-C\": supplier pattern \"MILL-C\" matches no supplier (did you mean \"MILL-A\"?)",
        ),
        (
            "[[scenario]]\nname = \"a\"\nsupplier_lead_time = { \"MILL-A\" = 0.5 }\n",
            "scenario \"a\", key \"supplier_lead_time.MILL-A\": expected a whole number of periods to add (may be negative), found 0.5",
        ),
        (
            "[[scenario]]\nname = \"a\"\nsupplier_max = { \"MILL-A\" = -1 }\n",
            "scenario \"a\", key \"supplier_max.MILL-A\": expected a finite number >= 0, found -1",
        ),
        (
            "[[scenario]]\nname = \"a\"\nsupplier_max = { \"ACME\" = 10 }\n",
            "scenario \"a\", key \"supplier_max.ACME\": supplier pattern \"ACME\" matches no supplier (suppliers: MILL-A, MILL-B)",
        ),
        (
            "[[scenario]]\nname = \"a\"\nno_route = [\"TEE/SCRN\"]\n",
            "scenario \"a\", key \"no_route\": route \"TEE/SCRN\" matches no route (did you mean \"TEE/SCREEN\"?)",
        ),
        (
            "[[scenario]]\nname = \"a\"\nno_route = [\"BLANK/SCREEN\"]\n",
            "scenario \"a\", key \"no_route\": route \"BLANK/SCREEN\" matches no route (no item matching \"BLANK\" has a named route; routes are named in routings.csv)",
        ),
        (
            "[[scenario]]\nname = \"a\"\nno_route = [\"SHIRT/SCREEN\"]\n",
            "scenario \"a\", key \"no_route\": item pattern \"SHIRT\" matches no item (use an item id, or * and ? as wildcards)",
        ),
        (
            "[[scenario]]\nname = \"a\"\nno_route = [\"SCREEN\"]\n",
            "scenario \"a\", key \"no_route\": expected a route written ITEM/ROUTE (e.g. \"TEE/SCREEN\"), found \"SCREEN\"",
        ),
        (
            "[[monte_carlo]]\nname = \"mc\"\nsamples = 2\nno_supplier = [\"MILL-X\"]\n",
            "monte_carlo \"mc\", key \"no_supplier\": supplier pattern \"MILL-X\" matches no supplier (did you mean \"MILL-A\"?)",
        ),
        (
            "[[scenario]]\nname = \"a\"\nno_supplier = \"MILL-A\"\n",
            "scenario \"a\", key \"no_supplier\": expected a list of supplier patterns, found a string",
        ),
        (
            "[[grid]]\nname = \"g\"\ndemand_scale = [1, 2]\nno_supplier = [\"MILL-A\", \"MILL-B\"]\n",
            "grid \"g\", key \"no_supplier\": not allowed in a grid (use named scenarios)",
        ),
        (
            "[[grid]]\nname = \"g\"\nsupplier_max = { \"MILL-Q\" = [1, 2] }\n",
            "grid \"g\", key \"supplier_max.MILL-Q\": supplier pattern \"MILL-Q\" matches no supplier (did you mean \"MILL-A\"?)",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(v2_problems(text), vec![want.to_string()], "file:\n{text}");
    }
    // A version-1 plan has no suppliers to name.
    assert_eq!(
        problems("[[scenario]]\nname = \"a\"\nno_supplier = [\"MILL-A\"]\n"),
        vec!["scenario \"a\", key \"no_supplier\": supplier pattern \"MILL-A\" matches no supplier (the plan has no suppliers; they are named in sources.csv)".to_string()]
    );
}

/// Grids take lists of supplier_lead_time and supplier_max values; Monte-Carlo blocks take any
/// key; the parameters column names every key.
#[test]
fn supply_keys_in_grids_samples_and_parameters() {
    use flexplan::sweep::scenario::describe_changes;
    let input = v2_plan();
    let file = parse(
        "[[grid]]\nname = \"g\"\nsupplier_max = { \"MILL-A\" = [6, 100] }\nsupplier_lead_time = { \"MILL-B\" = [0, 1] }\n\
         [[monte_carlo]]\nname = \"mc\"\nsamples = 2\nno_supplier = [\"MILL-B\"]\nno_route = [\"TEE/PARTNER\"]\n",
        &input,
    )
    .unwrap();
    let names: Vec<&str> = file.scenarios.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "base",
            "g[supplier_lead_time.MILL-B=0,supplier_max.MILL-A=6]",
            "g[supplier_lead_time.MILL-B=0,supplier_max.MILL-A=100]",
            "g[supplier_lead_time.MILL-B=1,supplier_max.MILL-A=6]",
            "g[supplier_lead_time.MILL-B=1,supplier_max.MILL-A=100]",
            "mc#0000",
            "mc#0001",
        ]
    );
    assert_eq!(
        describe_changes(&file.scenarios[3].changes),
        r#"{"supplier_lead_time":{"MILL-B":1},"supplier_max":{"MILL-A":6.0}}"#
    );
    let sample = &file.scenarios[6].changes;
    assert_eq!(
        (sample.no_supplier.clone(), sample.no_route.clone()),
        (vec!["MILL-B".into()], vec!["TEE/PARTNER".into()])
    );
    assert_eq!(
        describe_changes(sample),
        r#"{"no_route":["TEE/PARTNER"],"no_supplier":["MILL-B"],"random_demand":{"distribution":"poisson"}}"#
    );
}

/// A sweep of the version-2 plan: every cost term has its column, the version-2 ones filled.
#[test]
fn v2_sweep_results_have_the_version_2_cost_columns() {
    let input = v2_plan();
    let bom = BomGraph::new(&input).unwrap();
    let text = "[sweep]\nmip_gap = 0.0\n\
                [[scenario]]\nname = \"split\"\nsupplier_max = { \"MILL-A\" = 6 }\n\
                [[scenario]]\nname = \"no-tee\"\nno_route = [\"TEE/SCREEN\", \"TEE/PARTNER\"]\n";
    let file = parse(text, &input).unwrap();
    let out = tempfile::tempdir().unwrap();
    let report = run_sweep(&input, &bom, &file, &SweepOptions::default(), out.path()).unwrap();
    let cost = |row: usize, term: &str| report.rows[row].costs.get(term).unwrap();
    assert_eq!((cost(0, "family_setup"), cost(0, "joint_order"), cost(0, "unmet")), (3.0, 0.0, 0.0));
    assert_eq!((cost(1, "family_setup"), cost(1, "joint_order"), report.rows[1].objective), (3.0, 5.0, Some(32.0)));
    assert_eq!((cost(2, "unmet"), cost(2, "backlog"), report.rows[2].objective), (500.0, 2000.0, Some(2500.0)));
    let csv = std::fs::read_to_string(out.path().join("results.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    for column in ["cost_family_setup", "cost_joint_order", "cost_unmet"] {
        assert!(header.contains(&column), "{header:?}");
    }
    assert!(csv.contains(r#""{""supplier_max"":{""MILL-A"":6.0}}""#), "{csv}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["kpis"]["cost_unmet"]["p95"], serde_json::json!(500.0));
}
