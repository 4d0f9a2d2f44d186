//! The benchmark runner, the facility-location formulation and the relax-and-fix heuristic.
//!
//! The formulations and the heuristic are checked against the Wagner-Whitin dynamic program
//! (uncapacitated single item: an independent, exact computation) and against each other on
//! small capacitated instances.

use flexplan::import::trigeiro::parse_trigeiro;
use flexplan::input::bom::BomGraph;
use flexplan::plan::Formulation;
use flexplan::plan::{plan_configured, PlanConfig};
use flexplan::plan::{Heuristic, SolveOptions, SolveStatus};
use flexplan::suite::{list_instances, run_instance, summarize, BenchRow, BestKnownSource, Instance, Suite};

const CONFIGS: [PlanConfig; 5] = [
    PlanConfig { formulation: Formulation::BigM, heuristic: Heuristic::None },
    PlanConfig { formulation: Formulation::FacilityLocation, heuristic: Heuristic::None },
    PlanConfig { formulation: Formulation::BigM, heuristic: Heuristic::RelaxAndFix },
    PlanConfig { formulation: Formulation::FacilityLocation, heuristic: Heuristic::RelaxAndFix },
    PlanConfig { formulation: Formulation::LsInequalities, heuristic: Heuristic::None },
];

/// A small deterministic pseudo-random sequence (no dependency on the rand API).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// Writes a Trigeiro file text for `items` = (b, h, st, sc) and `demand[i][t]`.
fn dat_text(capacity: f64, items: &[(f64, f64, f64, f64)], demand: &[Vec<f64>]) -> String {
    let n_periods = demand.first().map_or(0, Vec::len);
    let mut text = format!("{} {}\n1\n{capacity}\n", items.len(), n_periods);
    for (b, h, st, sc) in items {
        text.push_str(&format!("{b} {h} {st} {sc}\n"));
    }
    for t in 0..n_periods {
        let row: Vec<String> = demand.iter().map(|d| d[t].to_string()).collect();
        text.push_str(&row.join(" "));
        text.push('\n');
    }
    text
}

/// Wagner-Whitin: the least cost of meeting `demand` with setup cost `setup` and holding
/// cost `holding` per unit and period, no capacity. `best[t]` = least cost of periods `0..t`.
fn wagner_whitin(demand: &[f64], setup: f64, holding: f64) -> f64 {
    let n = demand.len();
    let mut best = vec![f64::INFINITY; n + 1];
    best[0] = 0.0;
    for end in 1..=n {
        // The last lot is made in period `start` and covers periods start..end.
        for start in 0..end {
            let holding_cost: f64 = (start..end).map(|k| holding * (k - start) as f64 * demand[k]).sum();
            let lot_cost = if demand[start..end].iter().sum::<f64>() > 0.0 { setup } else { 0.0 };
            // A lot in `start` only makes sense when periods before are covered.
            best[end] = best[end].min(best[start] + lot_cost + holding_cost);
        }
    }
    best[n]
}

fn objective(text: &str, config: &PlanConfig) -> (SolveStatus, f64) {
    let instance = parse_trigeiro(text.as_bytes(), "t").unwrap();
    let input = instance.to_plan_input();
    let bom = BomGraph::new(&input).unwrap();
    let options = SolveOptions { mip_gap: 0.0, ..Default::default() };
    let outcome = plan_configured(&input, &bom, &options, config).unwrap();
    (outcome.status, outcome.costs.map_or(f64::NAN, |c| c.total()))
}

#[test]
fn every_configuration_matches_wagner_whitin_on_uncapacitated_items() {
    let mut rng = Lcg(7);
    for _ in 0..6 {
        let n_periods = 3 + rng.below(6) as usize;
        let demand: Vec<f64> =
            (0..n_periods).map(|_| if rng.below(4) == 0 { 0.0 } else { rng.below(60) as f64 }).collect();
        let setup = 20.0 + rng.below(200) as f64;
        let holding = 1.0 + rng.below(4) as f64;
        let expected = wagner_whitin(&demand, setup, holding);
        let text = dat_text(1e6, &[(1.0, holding, 0.0, setup)], std::slice::from_ref(&demand));
        for config in &CONFIGS {
            let (status, value) = objective(&text, config);
            assert_eq!(status, SolveStatus::Optimal, "{config:?} on {demand:?}");
            assert!((value - expected).abs() < 1e-6, "{config:?} on {demand:?}: {value} vs DP {expected}");
        }
    }
}

#[test]
fn all_configurations_agree_on_small_capacitated_instances() {
    let mut rng = Lcg(11);
    for _ in 0..4 {
        let n_items = 2 + rng.below(3) as usize;
        let n_periods = 4 + rng.below(5) as usize;
        let items: Vec<(f64, f64, f64, f64)> = (0..n_items)
            .map(|_| (1.0, 1.0 + rng.below(3) as f64, rng.below(15) as f64, 50.0 + rng.below(300) as f64))
            .collect();
        let demand: Vec<Vec<f64>> =
            (0..n_items).map(|_| (0..n_periods).map(|_| rng.below(50) as f64).collect()).collect();
        // Capacity: 1.5 times the mean load per period, at least the largest period load
        // plus all setups (so the instance is feasible without building ahead).
        let loads: Vec<f64> = (0..n_periods).map(|t| demand.iter().map(|d| d[t]).sum()).collect();
        let setups: f64 = items.iter().map(|i| i.2).sum();
        let mean = loads.iter().sum::<f64>() / n_periods as f64;
        let capacity = (1.5 * mean).max(loads.iter().copied().fold(0.0, f64::max) + setups).ceil();
        let text = dat_text(capacity, &items, &demand);
        let (status, reference) = objective(&text, &CONFIGS[0]);
        assert_eq!(status, SolveStatus::Optimal);
        for config in &CONFIGS[1..] {
            let (status, value) = objective(&text, config);
            assert_eq!(status, SolveStatus::Optimal, "{config:?}");
            assert!((value - reference).abs() < 1e-6, "{config:?}: {value} vs big-M {reference}\n{text}");
        }
    }
}

#[test]
fn run_instance_checks_the_plan_and_measures_the_gap_to_best_known() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("HAND.DAT");
    // The hand-worked instance of tests/it/import.rs: optimum 17.
    std::fs::write(&path, "1 3\n1\n12\n1 1 2 6\n5\n5\n5\n").unwrap();
    let instance = Instance {
        name: "HAND".into(),
        path,
        unit_time_override: None,
        format: flexplan::suite::InstanceFormat::Trigeiro,
        best_known: Some((16.0, BestKnownSource::Published)),
    };
    let options = SolveOptions { mip_gap: 0.0, ..Default::default() };
    let row = run_instance(Suite::TrigeiroG, &instance, &options, &PlanConfig::default());
    assert_eq!(row.status, "optimal", "{row:?}");
    assert_eq!(row.checked, Some(true), "{row:?}");
    assert_eq!(row.objective, Some(17.0));
    assert_eq!(row.size, "1x3");
    // (17 - 16) / 16
    assert!((row.gap_to_best.unwrap() - 0.0625).abs() < 1e-12);
    assert_eq!(row.proven_gap, Some(0.0));
    // The solve's progress ends at the proven optimum, and the CSV carries it.
    let last = row.progress.last().expect("a progress point");
    assert_eq!((last.incumbent, last.bound), (17.0, 17.0));
    let csv = flexplan::suite::to_csv(std::slice::from_ref(&row));
    assert!(csv.lines().next().unwrap().ends_with(",note,trajectory"), "{csv}");
    assert!(csv.trim_end().ends_with(":17:17"), "{csv}");

    let broken = Instance { path: tmp.path().join("missing.DAT"), ..instance };
    let row = run_instance(Suite::TrigeiroG, &broken, &options, &PlanConfig::default());
    assert_eq!(row.status, "error");
    assert!(row.note.contains("missing.DAT"), "{}", row.note);
}

/// The progress of a solve that needs a search: times never go back, the incumbent never gets
/// worse, the bound never drops, and the last point is the outcome's plan and bound.
#[test]
fn progress_is_monotone_and_ends_at_the_outcome() {
    let mut rng = Lcg(23);
    let (n_items, n_periods) = (6, 12);
    let items: Vec<(f64, f64, f64, f64)> = (0..n_items)
        .map(|_| (1.0, 1.0 + rng.below(3) as f64, 5.0 + rng.below(20) as f64, 100.0 + rng.below(400) as f64))
        .collect();
    let demand: Vec<Vec<f64>> = (0..n_items).map(|_| (0..n_periods).map(|_| rng.below(60) as f64).collect()).collect();
    let loads: Vec<f64> = (0..n_periods).map(|t| demand.iter().map(|d| d[t]).sum()).collect();
    let setups: f64 = items.iter().map(|i| i.2).sum();
    let capacity = (loads.iter().copied().fold(0.0, f64::max) + setups).ceil();
    let instance = parse_trigeiro(dat_text(capacity, &items, &demand).as_bytes(), "t").unwrap();
    let input = instance.to_plan_input();
    let bom = BomGraph::new(&input).unwrap();
    for heuristic in [Heuristic::None, Heuristic::RelaxAndFix] {
        let config = PlanConfig { formulation: Formulation::BigM, heuristic };
        let outcome = plan_configured(&input, &bom, &SolveOptions::default(), &config).unwrap();
        assert_eq!(outcome.status, SolveStatus::Optimal);
        let progress = &outcome.progress;
        assert!(progress.len() >= 2, "{heuristic:?}: {progress:?}");
        for pair in progress.windows(2) {
            assert!(pair[1].seconds >= pair[0].seconds - 1e-9, "{heuristic:?}: {pair:?}");
            assert!(pair[1].incumbent <= pair[0].incumbent + 1e-9, "{heuristic:?}: {pair:?}");
            assert!(pair[1].bound >= pair[0].bound - 1e-6, "{heuristic:?}: {pair:?}");
        }
        let last = progress.last().unwrap();
        assert_eq!(Some(last.bound), outcome.best_bound);
        let total = outcome.costs.unwrap().total();
        assert!((last.incumbent - total).abs() <= 1e-6 * total, "{heuristic:?}: {} vs {total}", last.incumbent);
        let gap = last.gap().unwrap();
        assert!(gap <= 1e-4, "{heuristic:?}: {gap}");
        let reached = progress.iter().find(|p| p.gap().is_some_and(|g| g <= gap)).map(|p| p.seconds);
        assert!(reached.is_some_and(|t| t <= last.seconds), "{heuristic:?}: {reached:?}");
    }
}

fn row(suite: &str, status: &str, objective: Option<f64>, gap_to_best: Option<f64>, seconds: f64) -> BenchRow {
    BenchRow {
        suite: suite.into(),
        instance: "i".into(),
        size: "1x1".into(),
        status: status.into(),
        objective,
        best_known: Some(100.0),
        best_known_source: Some(BestKnownSource::Published),
        gap_to_best,
        proven_gap: objective.map(|_| 0.0),
        seconds,
        checked: objective.map(|_| true),
        note: String::new(),
        progress: Vec::new(),
    }
}

#[test]
fn summaries_count_and_average_by_hand() {
    let rows = vec![
        row("a", "optimal", Some(100.0), Some(0.0), 1.0),
        row("a", "feasible", Some(103.0), Some(0.03), 5.0),
        row("a", "no_solution_found", None, None, 6.0),
        row("b", "optimal", Some(100.0), Some(0.01), 2.0),
    ];
    let summaries = summarize(&rows);
    assert_eq!(summaries.len(), 2);
    let a = &summaries[0];
    assert_eq!((a.suite.as_str(), a.instances, a.optimal, a.with_plan, a.check_failures), ("a", 3, 1, 2, 0));
    assert!((a.mean_gap_to_best.unwrap() - 0.015).abs() < 1e-12);
    assert_eq!(a.max_gap_to_best, Some(0.03));
    assert!((a.mean_seconds - 4.0).abs() < 1e-12);
    assert_eq!(summaries[1].mean_gap_to_best, Some(0.01));
    let csv = flexplan::suite::to_csv(&rows);
    assert_eq!(csv.lines().count(), 5);
}

#[test]
fn suites_list_the_expected_instances() {
    let dir = flexplan::suite::default_data_dir();
    if !dir.is_dir() {
        assert!(std::env::var_os("CI").is_none(), "benchmark data not found at {} in CI", dir.display());
        eprintln!("benchmark data not found at {}: skipped", dir.display());
        return;
    }
    let g = list_instances(Suite::TrigeiroG, &dir, 30).unwrap();
    assert_eq!(g.len(), 75);
    assert_eq!(g[0].name, "G1");
    assert_eq!(g[1].name, "G2");
    assert_eq!(g[74].name, "G75");
    // G62 is LOTSIZELIB tr6-30: its best-known value is the published optimum.
    let g62 = g.iter().find(|i| i.name == "G62").unwrap();
    assert_eq!(g62.best_known, Some((61746.0, BestKnownSource::Published)));
    // G30's published 37721 is for unit times 1: the G set must not use it for G30.
    let g30 = g.iter().find(|i| i.name == "G30").unwrap();
    assert_eq!(g30.best_known, Some((37809.0, BestKnownSource::ComputedOptimal)));
    assert_eq!(list_instances(Suite::TrigeiroF, &dir, 30).unwrap().len(), 70);
    let x = list_instances(Suite::TrigeiroX, &dir, 30).unwrap();
    assert_eq!(x.len(), 30);
    let lotsizelib = list_instances(Suite::Lotsizelib, &dir, 30).unwrap();
    assert_eq!(lotsizelib.len(), 6);
    assert_eq!(lotsizelib[0].unit_time_override, Some(1.0));
    let miplib = list_instances(Suite::Miplib, &dir, 30).unwrap();
    let names: Vec<&str> = miplib.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, vec!["pp08a", "pp08aCUTS", "set1ch", "vpm1", "vpm2"]);
    assert_eq!(miplib[2].best_known, Some((54537.75, BestKnownSource::Published)));
}
