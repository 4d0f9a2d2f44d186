//! Differential test: the planner against the deliberately simple reference model of
//! `tests/it/common/reference.rs` (spec section 2 built straight from the input, no pruning,
//! plain big-M), on the adversarial plans of [`flexplan::generate::generate_adversarial`]
//! (version 1), on the flexible adversarial plans of
//! [`flexplan::generate::generate_flexible_adversarial`] (version 2: routes, a partner,
//! make-or-buy, suppliers, families, unmet cost), on plans with configurable products of
//! [`flexplan::generate::generate_configurable_adversarial`] (the reference solves the
//! checker's own expansion into planning classes, `validate::resolve_configuration`, the
//! planner the reader's) and on a few small plans of the ordinary generator.
//!
//! For every plan: both must agree on feasibility; when feasible, the planner must prove
//! optimality and its cost must equal the reference optimum within 1e-6 relative; and the
//! plan it writes must pass [`flexplan::validate::validate_plan`]. Every mismatch over all seeds is
//! collected and reported at the end (seed, kind, numbers).
//!
//! The default tests run 500 adversarial, 500 flexible, 500 replanned and 500 configured
//! seeds. Longer runs (count from
//! `FLEXPLAN_DIFF_CASES`, default 5000; first seed from `FLEXPLAN_DIFF_SEED`, default 0):
//!
//! ```text
//! FLEXPLAN_DIFF_CASES=30000 cargo test --test it differential_long -- --ignored --nocapture
//! FLEXPLAN_DIFF_CASES=5000 cargo test --test it differential_flexible_long -- --ignored --nocapture
//! FLEXPLAN_DIFF_CASES=5000 cargo test --test it differential_configured_long -- --ignored --nocapture
//! ```
//!
//! The dev profile is meant: HiGHS is built optimised there too (Cargo.toml), 30,000 plans take
//! about 11 minutes on two cores (the reference solves each plan twice), and a `--release` test
//! build recompiles polars and the dev-dependencies (about 20 minutes on two cores).

use crate::common::reference::{solve_reference, RefOption, ReferenceSolution};
use flexplan::generate::{
    generate, generate_adversarial, generate_configurable_adversarial, generate_flexible_adversarial, AdversarialSpec,
    ConfigurableSpec, GenerateSpec,
};
use flexplan::grid::Grid;
use flexplan::input::bom::BomGraph;
use flexplan::input::{BomEdge, Family, Item, ItemKind, PreviousLot, Replan, Route, Routing, Supplier};
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
    /// The planner's best bound is above the reference optimum.
    BoundAbove,
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
/// and the disagreements, if any (the written plan goes through the checker).
fn compare(case: &str, input: &PlanInput) -> (bool, Vec<Mismatch>) {
    let reference = solve_reference(input);
    (reference.is_some(), compare_with(case, input, reference.as_ref()))
}

fn compare_with(case: &str, input: &PlanInput, reference: Option<&ReferenceSolution>) -> Vec<Mismatch> {
    compare_with_options(case, input, reference, &exact())
}

/// [`compare_with`] with the planner run with `options`; a best bound above the reference's
/// optimum is a mismatch too.
fn compare_with_options(
    case: &str,
    input: &PlanInput,
    reference: Option<&ReferenceSolution>,
    options: &SolveOptions,
) -> Vec<Mismatch> {
    let mismatch = |kind, detail: String| Mismatch { case: case.to_string(), kind, detail };
    let options = *options;
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
    if let (Some(r), Some(bound)) = (reference, outcome.best_bound) {
        if bound > r.objective + 1e-6 * r.objective.abs().max(1.0) {
            found.push(mismatch(Kind::BoundAbove, format!("best bound {bound:.9}, reference {:.9}", r.objective)));
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
/// period x > M, ...` (with the route or supplier for an item with several options), or an
/// empty string. The reference's options are matched to the planner's by item, route and
/// supplier.
fn lots_above_planner_big_m(input: &PlanInput, bom: &BomGraph, demand: &Grid<f64>, r: &ReferenceSolution) -> String {
    let n_periods = input.n_periods();
    let options = flexplan::input::Options::new(input);
    let big_m =
        flexplan::internals::setup_big_m(input, bom, &options, demand, flexplan::internals::ModelVariant::default());
    let mut above = Vec::new();
    for (o, option) in r.options.iter().enumerate() {
        let Some(p) = planner_option(&options, option) else {
            above.push(format!("{} has no planner option", option_name(input, option)));
            continue;
        };
        for t in 0..n_periods {
            let (x, m) = (r.lots[o][t], big_m[(p, t)]);
            if x > m + 1e-6 {
                above.push(format!("{} period {} x {x:.6} > M {m:.6}", option_name(input, option), t + 1));
            }
        }
    }
    if above.is_empty() {
        String::new()
    } else {
        format!("; reference lots above the planner's M: {}", above.join(", "))
    }
}

/// The planner's option (an index into `options`) that is the reference's `option`: the same
/// item, route and supplier, made or bought alike.
fn planner_option(options: &flexplan::input::Options, option: &RefOption) -> Option<usize> {
    options.of_item(option.item).find(|&p| {
        let planner = options.get(p);
        planner.route() == option.route && planner.supplier() == option.supplier && planner.is_made() == option.made
    })
}

/// `item`, `item route R` or `item supplier S`.
fn option_name(input: &PlanInput, option: &RefOption) -> String {
    let item = &input.items[option.item].id;
    match (option.route, option.supplier) {
        (Some(route), _) => format!("{item} route {}", input.routes[route].id),
        (_, Some(supplier)) => format!("{item} supplier {}", input.suppliers[supplier].id),
        (None, None) => item.clone(),
    }
}

/// The adversarial plan of `seed`.
fn adversarial(seed: u64) -> PlanInput {
    let spec = AdversarialSpec::for_seed(seed);
    generate_adversarial(&spec).unwrap_or_else(|error| panic!("{spec:?}: {error}"))
}

/// The flexible (version-2) adversarial plan of `seed`.
fn flexible(seed: u64) -> PlanInput {
    let spec = AdversarialSpec::for_seed(seed);
    generate_flexible_adversarial(&spec).unwrap_or_else(|error| panic!("flexible {spec:?}: {error}"))
}

/// The plan of `seed` replanned against a drawn previous plan (spec section 1.6): the
/// flexible plan (odd seeds: the version-1 one) with a frozen fence of 0, 1, 2 or all
/// periods, a change cost and a new-lot cost of 0 or more, and previous lots on about a
/// quarter of the (way, period) cells, dated on a horizon that starts one period earlier
/// (so they must be aligned by date: one falls before the horizon). Quantities are drawn
/// near the item's demand per period and within the way's minimum and multiple, not its
/// capacity: a frozen lot can make the plan infeasible, and both must say so.
fn replanned(seed: u64) -> PlanInput {
    use rand_chacha::rand_core::{Rng, SeedableRng};
    let mut input = if seed % 2 == 1 { adversarial(seed) } else { flexible(seed) };
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0x5EED_0020 ^ seed);
    // Uniform enough for drawing test data (a modulo's bias does not matter here).
    let below = |rng: &mut rand_chacha::ChaCha8Rng, n: u64| rng.next_u64() % n;
    let n_periods = input.n_periods();
    let options = crate::common::reference::reference_options(&input);
    let demand = crate::common::reference::reference_demand(&input);
    let frozen_periods = match below(&mut rng, 10) {
        0..=3 => 0,
        4..=6 => 1,
        7..=8 => 2.min(n_periods),
        _ => n_periods,
    };
    let pick = |rng: &mut rand_chacha::ChaCha8Rng, values: &[f64]| values[below(rng, values.len() as u64) as usize];
    let change_cost = pick(&mut rng, &[0.0, 0.0, 0.5, 3.0]);
    let new_lot_cost = pick(&mut rng, &[0.0, 0.0, 5.0, 40.0]);
    let week = chrono::Days::new(7);
    let mut lots = Vec::new();
    for option in &options {
        let per_period = (demand[option.item].iter().sum::<f64>() / n_periods as f64).max(5.0);
        // Previous period p is the new period p - 1 (p = 0 falls before the new horizon).
        for p in 0..=n_periods {
            if below(&mut rng, 4) != 0 {
                continue;
            }
            let Some(start_date) = input.horizon.period_start(p).and_then(|d| d.checked_sub_days(week)) else {
                continue;
            };
            let factor = 0.5 + below(&mut rng, 1001) as f64 / 1000.0;
            let mut quantity = (per_period * factor * 100.0).round() / 100.0;
            quantity = quantity.max(option.min_lot);
            if let Some(mult) = option.lot_multiple {
                quantity = (quantity / mult).ceil().max(1.0) * mult;
            }
            lots.push(PreviousLot {
                row: lots.len() + 2,
                item: input.items[option.item].id.clone(),
                route: option.route.map_or(String::new(), |r| input.routes[r].id.clone()),
                supplier: option.supplier.map_or(String::new(), |v| input.suppliers[v].id.clone()),
                start_date,
                quantity,
            });
        }
    }
    input.replan = Some(Replan { previous: "previous".into(), frozen_periods, change_cost, new_lot_cost, lots });
    input
}

/// The plan with configurable products of `seed` (`generate_configurable_adversarial`).
fn configured(seed: u64) -> PlanInput {
    let spec = ConfigurableSpec::for_seed(seed);
    generate_configurable_adversarial(&spec).unwrap_or_else(|error| panic!("configured {spec:?}: {error}"))
}

/// The comparison for a plan with configurable products: the planner plans the reader's
/// expansion into planning classes; the reference model solves the checker's own expansion
/// (`validate::resolve_configuration`, written from the spec apart from the reader's), so the
/// classes, their resolved rows and the demand spread by the mix are checked too. A problem
/// the checker finds in resolving the plan is a mismatch.
fn compare_configured(case: &str, input: &PlanInput) -> (bool, Vec<Mismatch>) {
    let expansion = flexplan::validate::resolve_configuration(input);
    if !expansion.problems.is_empty() || !expansion.unresolved_orders.is_empty() {
        let detail = format!("{:?} {:?}", expansion.problems, expansion.unresolved_orders);
        return (false, vec![Mismatch { case: case.to_string(), kind: Kind::CheckFailed, detail }]);
    }
    let reference = solve_reference(&expansion.input);
    (reference.is_some(), compare_with(case, input, reference.as_ref()))
}

/// The plans a run draws: the version-1 adversarial plans, the flexible ones, either
/// replanned against a drawn previous plan, or plans with configurable products.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plans {
    Adversarial,
    Flexible,
    Replanned,
    Configured,
}

impl Plans {
    /// The plan of `seed`.
    fn plan(self, seed: u64) -> PlanInput {
        match self {
            Plans::Adversarial => adversarial(seed),
            Plans::Flexible => flexible(seed),
            Plans::Replanned => replanned(seed),
            Plans::Configured => configured(seed),
        }
    }

    /// How a mismatch names the plan of `seed`.
    fn case(self, seed: u64) -> String {
        match self {
            Plans::Adversarial => format!("seed {seed}"),
            Plans::Flexible => format!("flexible seed {seed}"),
            Plans::Replanned => format!("replanned seed {seed}"),
            Plans::Configured => format!("configured seed {seed}"),
        }
    }

    /// Compares the planner with the reference on the plan of `seed`.
    fn compare(self, seed: u64) -> (bool, Vec<Mismatch>) {
        match self {
            Plans::Configured => compare_configured(&self.case(seed), &self.plan(seed)),
            _ => compare(&self.case(seed), &self.plan(seed)),
        }
    }
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

/// Compares the planner with the reference on the `plans` of `seeds`, on two threads (each
/// solve uses one).
fn run(plans: Plans, seeds: &[u64]) -> RunSummary {
    let started = Instant::now();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(&seed) = seeds.get(index) else { break };
                let (feasible, found) = plans.compare(seed);
                results.lock().expect("results").push((index, feasible, found));
            });
        }
    });
    let mut results = results.into_inner().expect("results");
    results.sort_by_key(|(index, _, _)| *index);
    RunSummary {
        cases: results.len() as u64,
        feasible: results.iter().filter(|(_, feasible, _)| *feasible).count() as u64,
        mismatches: results.into_iter().flat_map(|(_, _, found)| found).collect(),
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// The seeds `first..first + count`.
fn seeds(first: u64, count: u64) -> Vec<u64> {
    (first..first + count).collect()
}

#[test]
fn planner_matches_the_reference_on_adversarial_plans() {
    let summary = run(Plans::Adversarial, &seeds(0, DEFAULT_CASES));
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
        FOUND_BY_LONG_RUNS.iter().flat_map(|&seed| Plans::Adversarial.compare(seed).1).collect();
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
    let summary = run(Plans::Adversarial, &seeds(first, cases));
    println!("{}", summary.report());
    assert!(summary.mismatches.is_empty(), "{} mismatches (listed above)", summary.mismatches.len());
}

#[test]
fn planner_matches_the_reference_on_flexible_plans() {
    let summary = run(Plans::Flexible, &seeds(0, DEFAULT_CASES));
    eprintln!("{}", summary.report());
    assert!(summary.feasible >= DEFAULT_CASES / 4, "too few feasible plans: {}", summary.feasible);
    assert!(summary.mismatches.is_empty(), "{}", summary.report());
}

/// The planner under a time limit it never reaches takes the path of a real run: the polish
/// of the construction by LP, the LP bound by interior point (these plans have alternative
/// routes), the solve on its own thread. Plans and optimum must be the same, and the bound
/// at most the reference's optimum.
#[test]
fn planner_with_a_time_limit_matches_the_reference_on_flexible_plans() {
    let options = SolveOptions { time_limit_s: Some(600.0), ..exact() };
    let (mut feasible, mut mismatches) = (0, Vec::new());
    for seed in 0..100 {
        let input = flexible(seed);
        let reference = solve_reference(&input);
        feasible += usize::from(reference.is_some());
        mismatches.extend(compare_with_options(&format!("flexible {seed}"), &input, reference.as_ref(), &options));
    }
    let report: Vec<String> = mismatches.iter().map(|m| m.to_string()).collect();
    assert!(feasible >= 25, "too few feasible plans: {feasible}");
    assert!(mismatches.is_empty(), "{}", report.join("\n"));
}

/// Flexible seeds on which a long run found a mismatch (see the comment at each). Open
/// planner bugs are not marked expected-to-fail: this test fails until they are fixed.
/// - 4101 (fixed in the repair): MK-2 may ship late (backlog cost 0) and pays `unmet_cost`
///   42.52 per unit unshipped at the end. Its MAIN lots sit on LINE-1 at full capacity plus
///   overtime less the family setup (4.88 / 2.4122 = 2.02304949.. per period); the repair
///   rounded them down to 2.023049 and absorbed the 2.5e-6 deficit of period 4 by shipping
///   less, leaving 2e-6 unmet at the end (8.5e-5), where raising the SUP-A lot arriving in
///   period 5 (7.48 per unit) by 2e-6 costs 1.5e-5. The walk now ships such a rounding-sized
///   rest in the last period by raising a lot when that beats the unmet cost
///   (`Repair::ship_unmet_millionths`). Planner 29.838528570 (status feasible: above its own
///   bound), reference 29.838444540; the plan with the SUP-A lot raised costs 29.838458490.
const FOUND_FLEXIBLE: &[u64] = &[4101];

#[test]
fn planner_matches_the_reference_on_flexible_seeds_found() {
    let summary = run(Plans::Flexible, FOUND_FLEXIBLE);
    assert!(summary.mismatches.is_empty(), "{}", summary.report());
}

#[test]
#[ignore = "long run: FLEXPLAN_DIFF_CASES=5000 cargo test --test it differential_flexible_long -- --ignored --nocapture"]
fn differential_flexible_long() {
    let env = |name: &str, default: u64| {
        std::env::var(name).ok().map_or(default, |v| v.parse().unwrap_or_else(|_| panic!("{name}={v}: not a number")))
    };
    let cases = env("FLEXPLAN_DIFF_CASES", 5000);
    let first = env("FLEXPLAN_DIFF_SEED", 0);
    let summary = run(Plans::Flexible, &seeds(first, cases));
    println!("{}", summary.report());
    assert!(summary.mismatches.is_empty(), "{} mismatches (listed above)", summary.mismatches.len());
}

#[test]
fn planner_matches_the_reference_on_replanned_plans() {
    let summary = run(Plans::Replanned, &seeds(0, DEFAULT_CASES));
    eprintln!("{}", summary.report());
    assert!(summary.feasible >= DEFAULT_CASES / 5, "too few feasible plans: {}", summary.feasible);
    assert!(summary.mismatches.is_empty(), "{}", summary.report());
}

#[test]
fn planner_matches_the_reference_on_configured_plans() {
    let summary = run(Plans::Configured, &seeds(0, DEFAULT_CASES));
    eprintln!("{}", summary.report());
    assert!(summary.feasible >= DEFAULT_CASES / 2, "too few feasible plans: {}", summary.feasible);
    assert!(summary.mismatches.is_empty(), "{}", summary.report());
}

/// Configured seeds on which a long run found a mismatch (see the comment at each).
/// - 2878, 3282 (fixed in `plan::extract_solution`): HiGHS's optimum (3282: 1,781.009) had a
///   lot of 10.6584375 for a demand of 10.6584375 (a forecast spread by the mix: off the 1e-6
///   grid) and numerical noise in the next period's lot variable, whose setup binary was 0. The
///   running-total snapping wrote 10.658437 and carried the remaining 5e-7 into the noise: a lot
///   of 0.000001, below its min_lot of 7.65 (the checker's `min_lot` violation) and paying its
///   setup (planner 1,805.73, "feasible"). A lot whose binary is off, or below half the grid,
///   is now no lot.
const FOUND_CONFIGURED: &[u64] = &[2878, 3282];

#[test]
fn planner_matches_the_reference_on_configured_seeds_found() {
    let summary = run(Plans::Configured, FOUND_CONFIGURED);
    assert!(summary.mismatches.is_empty(), "{}", summary.report());
}

#[test]
#[ignore = "long run: FLEXPLAN_DIFF_CASES=5000 cargo test --test it differential_configured_long -- --ignored --nocapture"]
fn differential_configured_long() {
    let env = |name: &str, default: u64| {
        std::env::var(name).ok().map_or(default, |v| v.parse().unwrap_or_else(|_| panic!("{name}={v}: not a number")))
    };
    let summary = run(Plans::Configured, &seeds(env("FLEXPLAN_DIFF_SEED", 0), env("FLEXPLAN_DIFF_CASES", 5000)));
    println!("{}", summary.report());
    assert!(summary.mismatches.is_empty(), "{} mismatches (listed above)", summary.mismatches.len());
}

#[test]
#[ignore = "long run: FLEXPLAN_DIFF_CASES=5000 cargo test --test it differential_replanned_long -- --ignored --nocapture"]
fn differential_replanned_long() {
    let env = |name: &str, default: u64| {
        std::env::var(name).ok().map_or(default, |v| v.parse().unwrap_or_else(|_| panic!("{name}={v}: not a number")))
    };
    let summary = run(Plans::Replanned, &seeds(env("FLEXPLAN_DIFF_SEED", 0), env("FLEXPLAN_DIFF_CASES", 5000)));
    println!("{}", summary.report());
    assert!(summary.mismatches.is_empty(), "{} mismatches (listed above)", summary.mismatches.len());
}

// ---------------------------------------------------------------------------------------------
// The reference on hand-worked version-2 plans: each feature alone, with an optimum worked out
// by hand that a wrong reading of the feature would miss (the planner must agree too).

/// Asserts the reference optimum is `want` and the planner agrees with the reference.
fn assert_hand_worked(case: &str, input: &PlanInput, want: f64) {
    let reference = solve_reference(input).unwrap_or_else(|| panic!("{case}: the reference says infeasible"));
    assert!(
        (reference.objective - want).abs() <= 1e-6,
        "{case}: reference optimum {}, by hand {want}",
        reference.objective
    );
    let found = compare_with(case, input, Some(&reference));
    let text: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert!(found.is_empty(), "{}", text.join("\n"));
}

/// A source of `item` from `supplier` at `unit_cost`.
fn source(item: usize, supplier: usize, unit_cost: f64, max_per_period: Option<f64>) -> flexplan::input::Source {
    let terms = flexplan::input::LotTerms { unit_cost: Some(unit_cost), ..Default::default() };
    flexplan::input::Source { item, supplier, terms, max_per_period }
}

#[test]
fn reference_pays_a_joint_order_once_per_supplier_and_period() {
    // P from A at 1 or from B at 1.3, Q from A at 1; A costs 4 per period ordered from.
    // Both from A: 10 + 10 + 4 = 24 (P from B: 13 + 10 + 4 = 27; a joint cost per lot: 28).
    let mut input = crate::common::empty_plan(1);
    let p = crate::common::item(&mut input, Item::new("P", ItemKind::Buy));
    let q = crate::common::item(&mut input, Item::new("Q", ItemKind::Buy));
    input.sources = vec![source(p, 0, 1.0, None), source(p, 1, 1.3, None), source(q, 0, 1.0, None)];
    input.suppliers = vec![Supplier { id: "A".into(), order_cost: 4.0 }, Supplier { id: "B".into(), order_cost: 0.0 }];
    crate::common::add_demand(&mut input, p, &[10.0]);
    crate::common::add_demand(&mut input, q, &[10.0]);
    assert_hand_worked("joint order", &input, 24.0);
}

#[test]
fn reference_splits_an_order_at_max_per_period() {
    // 10 units: at most 6 from A at 1, the rest from B at 2: 6 + 8 = 14.
    let mut input = crate::common::empty_plan(1);
    let r = crate::common::item(&mut input, Item::new("R", ItemKind::Buy));
    input.sources = vec![source(r, 0, 1.0, Some(6.0)), source(r, 1, 2.0, None)];
    input.suppliers = vec![Supplier { id: "A".into(), order_cost: 0.0 }, Supplier { id: "B".into(), order_cost: 0.0 }];
    crate::common::add_demand(&mut input, r, &[10.0]);
    assert_hand_worked("max_per_period", &input, 14.0);
}

#[test]
fn reference_takes_a_family_setup_once_for_all_its_items() {
    // X and Y, 3 units each at unit time 1 on R (capacity 10), one family setup of time 4 and
    // cost 10: 3 + 3 + 4 = 10 fits, cost 10 (a setup per item would need 14 > 10).
    let mut input = crate::common::empty_plan(1);
    let x = crate::common::item(&mut input, Item::new("X", ItemKind::Make));
    let y = crate::common::item(&mut input, Item::new("Y", ItemKind::Make));
    let r = crate::common::resource(&mut input, "R", 10.0);
    input.families = vec![Family { id: "F".into(), resource: r, setup_time: 4.0, setup_cost: 10.0 }];
    input.routings = vec![
        Routing { family: Some(0), ..Routing::new(x, r, 1.0, 0.0, 0.0) },
        Routing { family: Some(0), ..Routing::new(y, r, 1.0, 0.0, 0.0) },
    ];
    crate::common::add_demand(&mut input, x, &[3.0]);
    crate::common::add_demand(&mut input, y, &[3.0]);
    assert_hand_worked("family", &input, 10.0);
}

#[test]
fn reference_weighs_routes_by_lead_time_and_cost_against_unmet_demand() {
    // Z: 5 due in period 2 of 2, backlog free, 8 per unit unmet at the end. SLOW (lead time 1,
    // 1 per unit, 2 per period on R2) can start only in period 1; FAST (lead time 0, 10 per
    // unit, 5 per period on R1) costs more than leaving a unit unmet: 2 + 3 x 8 = 26.
    let mut input = crate::common::empty_plan(2);
    let z = crate::common::item(
        &mut input,
        Item { backlog_cost: Some(0.0), unmet_cost: 8.0, ..Item::new("Z", ItemKind::Make) },
    );
    let r1 = crate::common::resource(&mut input, "R1", 5.0);
    let r2 = crate::common::resource(&mut input, "R2", 2.0);
    let terms = |unit_cost, lead_time| flexplan::input::LotTerms {
        unit_cost: Some(unit_cost),
        lead_time: Some(lead_time),
        ..Default::default()
    };
    input.routes = vec![
        Route { item: z, id: "FAST".into(), terms: terms(10.0, 0) },
        Route { item: z, id: "SLOW".into(), terms: terms(1.0, 1) },
    ];
    input.routings = vec![
        Routing { route: Some(0), ..Routing::new(z, r1, 1.0, 0.0, 0.0) },
        Routing { route: Some(1), ..Routing::new(z, r2, 1.0, 0.0, 0.0) },
    ];
    crate::common::add_demand(&mut input, z, &[0.0, 5.0]);
    assert_hand_worked("routes and unmet cost", &input, 26.0);
}

#[test]
fn reference_buys_a_make_item_without_its_components() {
    // M made at 1 from one C bought at 5, or bought finished from S at 3: 4 x 3 = 12 (made:
    // 4 x 6 = 24; a bought lot that consumed C: 4 x 8 = 32).
    let mut input = crate::common::empty_plan(1);
    let m = crate::common::item(&mut input, Item { unit_cost: 1.0, ..Item::new("M", ItemKind::Make) });
    let c = crate::common::item(&mut input, Item { unit_cost: 5.0, ..Item::new("C", ItemKind::Buy) });
    input.bom = vec![BomEdge { parent: m, component: c, quantity: 1.0 }];
    input.sources = vec![source(m, 0, 3.0, None)];
    input.suppliers = vec![Supplier { id: "S".into(), order_cost: 0.0 }];
    crate::common::add_demand(&mut input, m, &[4.0]);
    assert_hand_worked("make or buy", &input, 12.0);
}

/// Prints one adversarial seed (`FLEXPLAN_DIFF_ANALYSE=<seed>`, or `flexible:<seed>` for a
/// flexible plan) in detail: the plan's items, options and tables, the planner's and the
/// reference's lots side by side, and the reference's optimum written as a plan and run through
/// the checker (so a reference optimum below the planner's is shown to be a genuinely feasible
/// plan of that cost, by the independent checker, once it checks version 2):
///
/// ```text
/// FLEXPLAN_DIFF_ANALYSE=68 cargo test --test it analyse_seed -- --ignored --nocapture
/// FLEXPLAN_DIFF_ANALYSE=flexible:68 cargo test --test it analyse_seed -- --ignored --nocapture
/// ```
#[test]
#[ignore = "analysis aid: FLEXPLAN_DIFF_ANALYSE=<seed> ... -- --ignored --nocapture"]
fn analyse_seed() {
    let Ok(which) = std::env::var("FLEXPLAN_DIFF_ANALYSE") else {
        return;
    };
    let (plans, seed) = match which.strip_prefix("flexible:") {
        Some(seed) => (Plans::Flexible, seed.parse().expect("flexible:<seed>")),
        None => (Plans::Adversarial, which.parse().expect("<seed>")),
    };
    let input = plans.plan(seed);
    let n_periods = input.n_periods();
    println!("{}: {} items, {n_periods} periods", plans.case(seed), input.items.len());
    let demand = crate::common::reference::reference_demand(&input);
    let ref_options = crate::common::reference::reference_options(&input);
    let bounds = crate::common::reference::option_bounds(&input, &ref_options);
    for (i, item) in input.items.iter().enumerate() {
        println!(
            "  {i} {} {:?} unit {} hold {} backlog {:?} unmet {} L {} init {} ss {} pen {} min {} max {:?} mult {:?} oc {} D {:?}",
            item.id, item.kind, item.unit_cost, item.holding_cost, item.backlog_cost, item.unmet_cost, item.lead_time,
            item.initial_inventory, item.safety_stock, item.safety_stock_penalty, item.min_lot, item.max_lot,
            item.lot_multiple, item.order_cost, demand[i]
        );
    }
    for (o, option) in ref_options.iter().enumerate() {
        println!(
            "  option {o} {}: made {} rows {:?} unit {} L {} min {} max {:?} mult {:?} oc {} cap {:?} M {:.3}",
            option_name(&input, option),
            option.made,
            option.rows,
            option.unit_cost,
            option.lead_time,
            option.min_lot,
            option.max_lot,
            option.lot_multiple,
            option.order_cost,
            option.max_per_period,
            bounds[o]
        );
    }
    for e in &input.bom {
        println!("  bom {} <- {} x {}", input.items[e.parent].id, input.items[e.component].id, e.quantity);
    }
    for (row, r) in input.routings.iter().enumerate() {
        println!(
            "  routing {row} {} route {:?} on {}: u {} s {} sc {} family {:?}",
            input.items[r.item].id,
            r.route.map(|route| &input.routes[route].id),
            input.resources[r.resource].id,
            r.unit_time,
            r.setup_time,
            r.setup_cost,
            r.family.map(|f| &input.families[f].id)
        );
    }
    for f in &input.families {
        println!("  family {} on {}: st {} sc {}", f.id, input.resources[f.resource].id, f.setup_time, f.setup_cost);
    }
    for v in &input.suppliers {
        println!("  supplier {} joint order cost {}", v.id, v.order_cost);
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
    let planner_options = flexplan::input::Options::new(&input);
    for (i, item) in input.items.iter().enumerate() {
        println!(
            "  {}: planner inv {:?} shipped {:?} backlog {:?}",
            item.id,
            solution.inventory.row(i),
            solution.shipped.row(i),
            solution.backlog.row(i)
        );
        println!(
            "  {}: reference inv {:?} shipped {:?} backlog {:?}",
            item.id, reference.inventory[i], reference.shipped[i], reference.backlog[i]
        );
        for (o, option) in ref_options.iter().enumerate().filter(|(_, option)| option.item == i) {
            let planner = planner_option(&planner_options, option).map(|p| solution.lots.row(p).to_vec());
            println!("    {}: planner lots {planner:?}", option_name(&input, option));
            println!(
                "    {}: reference lots {:?} setups {:?}",
                option_name(&input, option),
                reference.lots[o],
                reference.setups[o]
            );
        }
    }
    for (f, family) in input.families.iter().enumerate() {
        println!("  family {}: reference z {:?}", family.id, reference.family_setups[f]);
    }
    for (v, supplier) in input.suppliers.iter().enumerate() {
        println!("  supplier {}: reference w {:?}", supplier.id, reference.joint_orders[v]);
    }
    // The reference optimum as a written plan, through the checker.
    let snap = |v: f64| (v * 1e6).round() / 1e6;
    let mut lots = vec![0.0; planner_options.len() * n_periods];
    for (o, option) in ref_options.iter().enumerate() {
        let p = planner_option(&planner_options, option).expect("the planner has every option");
        for t in 0..n_periods {
            let x = reference.lots[o][t].max(0.0);
            lots[p * n_periods + t] = match option.lot_multiple {
                Some(m) => snap((x / m).round() * m),
                None => snap(x),
            };
        }
    }
    let mut shipped = Vec::with_capacity(input.items.len() * n_periods);
    for i in 0..input.items.len() {
        for t in 0..n_periods {
            shipped.push(snap(reference.shipped[i][t].max(0.0)));
        }
    }
    let grid = |cells| Grid::from_cells(n_periods, cells).expect("whole rows");
    let completed = flexplan::internals::complete_solution(
        &input,
        &bom,
        &planner_options,
        &solution.demand,
        grid(lots),
        grid(shipped),
    );
    let costs = flexplan::plan::plan_costs(&input, &planner_options, &completed);
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
