//! Differential test: the planner against the deliberately simple reference model of
//! `tests/it/common/reference.rs` (spec section 2 built straight from the input, no pruning,
//! plain big-M), on the adversarial plans of [`flexplan::generate::generate_adversarial`] and on
//! a few small plans of the ordinary generator.
//!
//! For every plan: both must agree on feasibility; when feasible, the planner must prove
//! optimality and its cost must equal the reference optimum within 1e-6 relative; and the
//! plan it writes must pass [`flexplan::validate::validate_plan`]. Every mismatch over all seeds is
//! collected and reported at the end (seed, kind, numbers).
//!
//! The default test runs 500 adversarial seeds. A longer run (count from
//! `FLEXPLAN_DIFF_CASES`, default 5000; first seed from `FLEXPLAN_DIFF_SEED`, default 0):
//!
//! ```text
//! FLEXPLAN_DIFF_CASES=30000 cargo test --test it differential_long -- --ignored --nocapture
//! ```
//!
//! The dev profile is meant: HiGHS is built optimised there too (Cargo.toml), 30,000 plans take
//! about 11 minutes on two cores (the reference solves each plan twice), and a `--release` test
//! build recompiles polars and the dev-dependencies (about 20 minutes on two cores).

use crate::common::reference::{solve_reference, ReferenceSolution};
use flexplan::generate::{generate, generate_adversarial, AdversarialSpec, GenerateSpec};
use flexplan::grid::Grid;
use flexplan::input::bom::BomGraph;
use flexplan::output::{write_outcome, TableFormat};
use flexplan::plan::plan;
use flexplan::plan::{SolveOptions, SolveStatus};
use flexplan::PlanInput;
use std::fmt;
use std::time::Instant;

/// Seeds of the default run.
const DEFAULT_CASES: u64 = 500;

/// The planner's options: solve to proven optimality, deterministically.
fn exact() -> SolveOptions {
    SolveOptions { mip_gap: 0.0, threads: 1, ..SolveOptions::default() }
}

/// What kind of disagreement a plan showed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// The planner returned an error.
    PlannerError,
    /// The reference found a plan, the planner says infeasible.
    PlannerInfeasible,
    /// The planner found a plan, the reference says infeasible.
    ReferenceInfeasible,
    /// Feasible, but the planner did not prove optimality.
    NotOptimal,
    /// The planner's cost is above the reference optimum.
    PlannerCostHigher,
    /// The planner's cost is below the reference optimum.
    PlannerCostLower,
    /// The written plan fails the checker (violation kinds in the detail).
    CheckFailed,
}

/// One disagreement.
#[derive(Debug, Clone)]
struct Mismatch {
    case: String,
    kind: Kind,
    detail: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {:?}: {}", self.case, self.kind, self.detail)
    }
}

/// Runs the planner and the reference on `input`: whether the reference found it feasible,
/// and the disagreements, if any.
fn compare(case: &str, input: &PlanInput) -> (bool, Vec<Mismatch>) {
    let reference = solve_reference(input);
    (reference.is_some(), compare_with(case, input, reference.as_ref()))
}

fn compare_with(case: &str, input: &PlanInput, reference: Option<&ReferenceSolution>) -> Vec<Mismatch> {
    let mismatch = |kind, detail: String| Mismatch { case: case.to_string(), kind, detail };
    let options = exact();
    let outcome = match BomGraph::new(input).and_then(|bom| plan(input, &bom, &options)) {
        Ok(outcome) => outcome,
        Err(error) => return vec![mismatch(Kind::PlannerError, error.to_string())],
    };
    let mut found = Vec::new();
    match (reference, outcome.status) {
        (None, SolveStatus::Infeasible) => return found,
        (Some(r), SolveStatus::Infeasible) => {
            return vec![mismatch(Kind::PlannerInfeasible, format!("reference optimum {}", r.objective))]
        }
        (Some(_), SolveStatus::Optimal) => {}
        (_, status) => {
            let cost = outcome.costs.map(|c| c.total());
            let kind = if reference.is_none() { Kind::ReferenceInfeasible } else { Kind::NotOptimal };
            found.push(mismatch(kind, format!("planner {status:?}, cost {cost:?}")));
        }
    }
    if let (Some(r), Some(costs)) = (reference, outcome.costs) {
        let (planner, optimum) = (costs.total(), r.objective);
        if (planner - optimum).abs() > 1e-6 * optimum.abs().max(1.0) {
            let kind = if planner > optimum { Kind::PlannerCostHigher } else { Kind::PlannerCostLower };
            let mut detail =
                format!("planner {planner:.9}, reference {optimum:.9}, difference {:.3e}", planner - optimum);
            if let (Some(solution), Ok(bom)) = (&outcome.solution, BomGraph::new(input)) {
                detail.push_str(&lots_above_planner_big_m(input, &bom, &solution.demand, r));
            }
            found.push(mismatch(kind, detail));
        }
    }
    if outcome.solution.is_some() {
        let dir = tempfile::tempdir().expect("temp dir");
        match write_outcome(input, &outcome, &options, dir.path(), TableFormat::Csv) {
            Err(error) => found.push(mismatch(Kind::CheckFailed, format!("write_outcome: {error}"))),
            Ok(_) => match flexplan::validate::validate_plan(input, dir.path()) {
                Err(error) => found.push(mismatch(Kind::CheckFailed, format!("validate_plan: {error}"))),
                Ok(report) if !report.is_ok() => {
                    let mut kinds: Vec<&str> = report.violations.iter().map(|v| v.kind.as_str()).collect();
                    kinds.dedup();
                    let worst = report.violations.iter().map(|v| v.amount.abs()).fold(0.0, f64::max);
                    found.push(mismatch(
                        Kind::CheckFailed,
                        format!("[{}] largest amount {worst:.3e}\n{}", kinds.join(","), report.to_text()),
                    ));
                }
                Ok(_) => {}
            },
        }
    }
    found
}

/// Diagnosis for a cost mismatch (not part of the reference): the reference's lots that the
/// planner's model cannot make, because they exceed its big-M ([`flexplan::internals::setup_big_m`],
/// 0 = the lot variable is not created), as `; reference lots above the planner's M: item
/// period x > M, ...`, or an empty string.
fn lots_above_planner_big_m(input: &PlanInput, bom: &BomGraph, demand: &Grid<f64>, r: &ReferenceSolution) -> String {
    let n_periods = input.n_periods();
    let big_m = flexplan::internals::setup_big_m(
        input,
        bom,
        &flexplan::input::Options::new(input),
        demand,
        flexplan::internals::ModelVariant::default(),
    );
    let mut above = Vec::new();
    for (i, item) in input.items.iter().enumerate() {
        for t in 0..n_periods {
            let (x, m) = (r.lots[i][t], big_m[(i, t)]);
            if x > m + 1e-6 {
                above.push(format!("{} period {} x {x:.6} > M {m:.6}", item.id, t + 1));
            }
        }
    }
    if above.is_empty() {
        String::new()
    } else {
        format!("; reference lots above the planner's M: {}", above.join(", "))
    }
}

/// The adversarial plan of `seed`.
fn adversarial(seed: u64) -> PlanInput {
    let spec = AdversarialSpec::for_seed(seed);
    generate_adversarial(&spec).unwrap_or_else(|error| panic!("{spec:?}: {error}"))
}

/// Totals of one run.
struct RunSummary {
    cases: u64,
    feasible: u64,
    mismatches: Vec<Mismatch>,
    seconds: f64,
}

impl RunSummary {
    /// One line per kind (with its seeds), then every mismatch in full.
    fn report(&self) -> String {
        let mut text = format!(
            "{} plans ({} feasible) in {:.1} s: {} mismatches\n",
            self.cases,
            self.feasible,
            self.seconds,
            self.mismatches.len()
        );
        let mut kinds: Vec<Kind> = self.mismatches.iter().map(|m| m.kind).collect();
        kinds.sort();
        kinds.dedup();
        for kind in kinds {
            let cases: Vec<&str> = self.mismatches.iter().filter(|m| m.kind == kind).map(|m| m.case.as_str()).collect();
            text.push_str(&format!("  {kind:?} ({}): {}\n", cases.len(), cases.join(" ")));
        }
        for m in &self.mismatches {
            let mut lines = m.detail.lines();
            let first = lines.next().unwrap_or("");
            text.push_str(&format!("{} {:?}: {first}\n", m.case, m.kind));
            for line in lines.take(12) {
                text.push_str(&format!("    {line}\n"));
            }
        }
        text
    }
}

/// Compares the planner with the reference on the adversarial plans of `seeds`, on two
/// threads (each solve uses one).
fn run_adversarial(seeds: std::ops::Range<u64>) -> RunSummary {
    let started = Instant::now();
    let next = std::sync::atomic::AtomicU64::new(seeds.start);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| loop {
                let seed = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if seed >= seeds.end {
                    break;
                }
                let input = adversarial(seed);
                let (feasible, found) = compare(&format!("seed {seed}"), &input);
                results.lock().expect("results").push((seed, feasible, found));
            });
        }
    });
    let mut results = results.into_inner().expect("results");
    results.sort_by_key(|(seed, _, _)| *seed);
    RunSummary {
        cases: results.len() as u64,
        feasible: results.iter().filter(|(_, feasible, _)| *feasible).count() as u64,
        mismatches: results.into_iter().flat_map(|(_, _, found)| found).collect(),
        seconds: started.elapsed().as_secs_f64(),
    }
}

#[test]
fn planner_matches_the_reference_on_adversarial_plans() {
    let summary = run_adversarial(0..DEFAULT_CASES);
    eprintln!("{}", summary.report());
    assert!(summary.feasible >= DEFAULT_CASES / 4, "too few feasible plans: {}", summary.feasible);
    assert!(summary.mismatches.is_empty(), "{}", summary.report());
}

/// Seeds beyond the default run on which a longer run once found a mismatch, kept in the
/// default run once fixed:
/// - 865: the repair lowered the lot of a parent that cannot ship late (it now tries parents
///   with slack first);
/// - 5259: HiGHS 1.16.0 proved a wrong optimum once presolve had substituted a lot by its
///   integer multiple count (`solve::presolve_rules_off` keeps those rows);
/// - 8584: a lot at full capacity rounded up by 1e-6 into overtime, on an item that cannot
///   ship late (the trim now also takes a cut the item's stock absorbs);
/// - 10996, 15718, 15737, 17667, 22247, 26417: a balance short by 2-4e-6 on full resources
///   (the repair now makes room for a lot on a full resource, lowers overloaded lots whose
///   cut is absorbed first, and ships a few millionths later from an earlier period);
/// - 11144, 12277, 14899, 21907, 23841, 25280, 26294, 25332: the first versions of those
///   repairs, too eager (1-4e-3 dearer, or still short): cutting an absorbed lot first is now
///   only the second try, taken when the plain repair leaves a deficit;
/// - 14275: a stock of half a millionth written as 1e-6 (ties now round to the cheaper side);
/// - 19941: the reference's HiGHS solve without presolve proved a wrong optimum (the
///   reference now solves both ways and keeps the cheaper plan).
const FOUND_BY_LONG_RUNS: &[u64] = &[
    865, 5259, 8584, 10996, 11144, 12277, 14275, 14899, 15718, 15737, 17667, 19941, 21907, 22247, 23841, 25280, 25332,
    26294, 26417,
];

#[test]
fn planner_matches_the_reference_on_seeds_found_by_long_runs() {
    let mismatches: Vec<Mismatch> =
        FOUND_BY_LONG_RUNS.iter().flat_map(|&seed| compare(&format!("seed {seed}"), &adversarial(seed)).1).collect();
    let text: Vec<String> = mismatches.iter().map(ToString::to_string).collect();
    assert!(mismatches.is_empty(), "{}", text.join("\n"));
}

#[test]
fn planner_matches_the_reference_on_generated_plans() {
    let mut mismatches = Vec::new();
    for seed in 1..=6 {
        let spec = GenerateSpec {
            seed,
            items: 6 + seed as usize,
            orders: 60,
            periods: 4 + (seed as usize % 3),
            ..GenerateSpec::default()
        };
        let input = generate(&spec).expect("generate");
        let started = Instant::now();
        let (feasible, found) = compare(&format!("generate seed {seed}"), &input);
        eprintln!("generate seed {seed}: feasible {feasible}, {:.2} s", started.elapsed().as_secs_f64());
        mismatches.extend(found);
    }
    let text: Vec<String> = mismatches.iter().map(ToString::to_string).collect();
    assert!(mismatches.is_empty(), "{}", text.join("\n"));
}

#[test]
#[ignore = "long run: FLEXPLAN_DIFF_CASES=30000 cargo test --test it differential_long -- --ignored --nocapture"]
fn differential_long() {
    let env = |name: &str, default: u64| {
        std::env::var(name).ok().map_or(default, |v| v.parse().unwrap_or_else(|_| panic!("{name}={v}: not a number")))
    };
    let cases = env("FLEXPLAN_DIFF_CASES", 5000);
    let first = env("FLEXPLAN_DIFF_SEED", 0);
    let summary = run_adversarial(first..first + cases);
    println!("{}", summary.report());
    assert!(summary.mismatches.is_empty(), "{} mismatches (listed above)", summary.mismatches.len());
}

/// Prints one adversarial seed (`FLEXPLAN_DIFF_ANALYSE=<seed>`) in detail: the plan's items,
/// the planner's and the reference's lots side by side, and the reference's optimum written as
/// a plan and run through the checker (so a reference optimum below the planner's is shown to
/// be a genuinely feasible plan of that cost, by the independent checker):
///
/// ```text
/// FLEXPLAN_DIFF_ANALYSE=68 cargo test --test it analyse_seed -- --ignored --nocapture
/// ```
#[test]
#[ignore = "analysis aid: FLEXPLAN_DIFF_ANALYSE=<seed> ... -- --ignored --nocapture"]
fn analyse_seed() {
    let Some(seed) = std::env::var("FLEXPLAN_DIFF_ANALYSE").ok().and_then(|v| v.parse().ok()) else {
        return;
    };
    let input = adversarial(seed);
    let n_periods = input.n_periods();
    println!("seed {seed}: {} items, {n_periods} periods", input.items.len());
    let demand = crate::common::reference::reference_demand(&input);
    let bounds = crate::common::reference::lot_bounds(&input);
    for (i, item) in input.items.iter().enumerate() {
        println!(
            "  {i} {} {:?} unit {} hold {} backlog {:?} L {} init {} ss {} pen {} min {} max {:?} mult {:?} oc {} M {:.3} D {:?}",
            item.id, item.kind, item.unit_cost, item.holding_cost, item.backlog_cost, item.lead_time,
            item.initial_inventory, item.safety_stock, item.safety_stock_penalty, item.min_lot, item.max_lot,
            item.lot_multiple, item.order_cost, bounds[i], demand[i]
        );
    }
    for e in &input.bom {
        println!("  bom {} <- {} x {}", input.items[e.parent].id, input.items[e.component].id, e.quantity);
    }
    for r in &input.routings {
        println!(
            "  routing {} on {}: u {} s {} sc {}",
            input.items[r.item].id, input.resources[r.resource].id, r.unit_time, r.setup_time, r.setup_cost
        );
    }
    for r in &input.resources {
        println!("  resource {} cap {:?} omax {} oc {}", r.id, r.capacity, r.overtime_max, r.overtime_cost);
    }
    for r in &input.receipts {
        println!("  receipt {} period {} qty {}", input.items[r.item].id, r.period + 1, r.quantity);
    }
    let bom = BomGraph::new(&input).expect("acyclic");
    let options = exact();
    let outcome = plan(&input, &bom, &options).expect("plan");
    let reference = solve_reference(&input);
    println!(
        "planner {:?} cost {:?}; reference {:?}",
        outcome.status,
        outcome.costs.map(|c| c.total()),
        reference.as_ref().map(|r| r.objective)
    );
    let (Some(solution), Some(reference)) = (&outcome.solution, &reference) else { return };
    println!("planner costs {:?}", outcome.costs);
    for (i, item) in input.items.iter().enumerate() {
        let planner = solution.lots.row(i);
        let inventory = solution.inventory.row(i);
        println!("  {}: planner lots {planner:?} inv {inventory:?}", item.id);
        println!(
            "  {}: reference lots {:?} setups {:?} inv {:?} shipped {:?} backlog {:?}",
            item.id,
            reference.lots[i],
            reference.setups[i],
            reference.inventory[i],
            reference.shipped[i],
            reference.backlog[i]
        );
    }
    // The reference optimum as a written plan, through the checker.
    let snap = |v: f64| (v * 1e6).round() / 1e6;
    let mut lots = Vec::with_capacity(input.items.len() * n_periods);
    let mut shipped = Vec::with_capacity(lots.capacity());
    for (i, item) in input.items.iter().enumerate() {
        for t in 0..n_periods {
            let x = reference.lots[i][t].max(0.0);
            lots.push(match item.lot_multiple {
                Some(m) => snap((x / m).round() * m),
                None => snap(x),
            });
            shipped.push(snap(reference.shipped[i][t].max(0.0)));
        }
    }
    let grid = |cells| Grid::from_cells(n_periods, cells).expect("whole rows");
    let completed = flexplan::internals::complete_solution(
        &input,
        &bom,
        &flexplan::input::Options::new(&input),
        &solution.demand,
        grid(lots),
        grid(shipped),
    );
    let costs = flexplan::plan::plan_costs(&input, &flexplan::input::Options::new(&input), &completed);
    println!("reference plan costs {costs:?} total {}", costs.total());
    let mut as_outcome = outcome.clone();
    as_outcome.solution = Some(completed);
    as_outcome.costs = Some(costs);
    as_outcome.best_bound = Some(costs.total());
    as_outcome.gap = Some(0.0);
    let dir = tempfile::tempdir().expect("temp dir");
    write_outcome(&input, &as_outcome, &options, dir.path(), TableFormat::Csv).expect("write");
    let report = flexplan::validate::validate_plan(&input, dir.path()).expect("check");
    println!("checker on the reference plan: objective {}\n{}", report.objective, report.to_text());
}
