//! The planning pipeline: validated input -> demand -> model -> solve -> [`PlanSolution`].
//!
//! The solver's values are snapped to 1e-6 and the dependent quantities (inventory, backlog,
//! shortfall, overtime) are recomputed from the snapped lots and shipments, so that the plan
//! written to disk is exactly self-consistent and its objective is the spec's sum evaluated on
//! the written numbers.

pub(crate) mod bound;
pub(crate) mod construct;
pub(crate) mod demand;
pub(crate) mod diagnose;
pub(crate) mod model;
pub(crate) mod polish;
pub(crate) mod repair;
pub(crate) mod solution;
pub(crate) mod solve;

pub use demand::{bucket_demand, Demand, DemandCounts};
pub use diagnose::{Diagnosis, Finding, FindingKind};
pub use model::{Formulation, ModelSize};
pub use solution::{plan_costs, CostBreakdown, PlanSolution};
pub use solve::{Heuristic, ProgressPoint, SolveOptions, SolveStatus, StopReason, DEFAULT_MIP_GAP};

use crate::error::Error;
use crate::format::snap;
use crate::grid::Grid;
use crate::input::bom::BomGraph;
use crate::input::{Options, PlanInput};
use crate::plan::bound::{bound_may_finish, lp_relaxation_bound};
use crate::plan::construct::{construct_plan_until, other_way_lots, plan_is_feasible, start_values};
use crate::plan::diagnose::diagnose_infeasibility;
use crate::plan::model::{build_model_with, LotSizingModel, ModelVariant, ModelVars};
use crate::plan::polish::{polish_other_ways, polish_start};
use crate::plan::repair::complete_solution;
use crate::plan::solve::{objective_at, relative_gap, within_gap_target, BackendOutcome, Highs, RunClock};
use good_lp::Variable;
use serde::Serialize;
use std::collections::HashMap;
use std::time::Instant;

/// Everything a `plan` run produced.
#[derive(Debug, Clone)]
pub struct PlanOutcome {
    /// Optimal, feasible, infeasible or no solution found.
    pub status: SolveStatus,
    /// Which limit, if any, ended the solve.
    pub stop_reason: StopReason,
    /// The plan, when one was found.
    pub solution: Option<PlanSolution>,
    /// Cost of the written plan, by term.
    pub costs: Option<CostBreakdown>,
    /// Best proven lower bound on the objective.
    pub best_bound: Option<f64>,
    /// Relative gap `(objective - bound) / objective` (0 when both are 0).
    pub gap: Option<f64>,
    /// Model size.
    pub size: ModelSize,
    /// Seconds spent building the model.
    pub build_seconds: f64,
    /// Seconds spent in the solver (the warm start's making included).
    pub solve_seconds: f64,
    /// Seconds spent in each step.
    pub timings: Timings,
    /// Branch-and-bound nodes.
    pub nodes: Option<u64>,
    /// The solver's incumbent and bound over time (wall-clock: for benchmarks only, never
    /// written to a plan directory).
    pub progress: Vec<ProgressPoint>,
    /// Solver name and version.
    pub solver: SolverInfo,
    /// Why the plan is infeasible, when it is.
    pub diagnosis: Option<Diagnosis>,
    /// The bucketed demand the plan was made for.
    pub demand: Demand,
    /// The options of every item: what the rows of the solution's lots are.
    pub options: Options,
}

/// Plans `input` with HiGHS: the whole `flexplan plan` computation without file output.
///
/// `options` are used as given: `input.solver` (plan.toml's `[solver]`) is not looked at here.
/// To honour it as `flexplan plan` does, make them with
/// [`SolveOptions::from_settings`]`(flags, input.solver)`.
pub fn plan(input: &PlanInput, bom: &BomGraph, options: &SolveOptions) -> Result<PlanOutcome, Error> {
    plan_configured(input, bom, options, &PlanConfig::default())
}

/// Model and search choices beyond the spec's defaults (`flexplan plan --formulation`,
/// `--heuristic`, and the benchmark runner). The default is the spec's big-M model, warm-started
/// from the solver-free construction ([`Heuristic::Construct`]): exactly what [`plan`] does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct PlanConfig {
    /// Setup linking.
    pub formulation: Formulation,
    /// Primal heuristic run before the full solve (HiGHS only).
    pub heuristic: Heuristic,
}

/// How many first polish rounds' time `polish_other_ways` must have left to run: its two
/// polish LPs take about one round each (1 s at 100 flexible items, 4-5 s at 300), the first a
/// little more (it has more lots).
const OTHER_WAYS_ROUNDS: f64 = 3.0;

/// Plans `input` with HiGHS, using the formulation and heuristic of `config`.
///
/// The time limit bounds the whole run (`RunClock`): the construction, the solve, any
/// re-solve (each gets only what is left), the repair and, in the binary, reading and
/// writing. A plan flexplan holds is never lost: when HiGHS ends with no plan, or its values
/// are not the plan its objective belongs to and no time is left to solve again, the warm
/// start (or HiGHS's values) is the plan, reported `feasible` with its own cost and the best
/// bound proven.
pub fn plan_configured(
    input: &PlanInput,
    bom: &BomGraph,
    options: &SolveOptions,
    config: &PlanConfig,
) -> Result<PlanOutcome, Error> {
    let clock = RunClock::new(options);
    let built = Built::new(input, bom, Options::new(input), config.formulation);
    let mut timings = Timings { build: built.seconds, ..Timings::default() };
    let since = Instant::now();
    let start = match config.heuristic {
        // No constructed plan (or a model it cannot fill, e.g. facility location): solve
        // without a start. The construction's time counts as solve time.
        Heuristic::Construct => {
            let (options, planned) = (&built.parts.options, built.parts.demand.planned_table());
            construct_plan_until(input, bom, options, planned, &built.model.big_m, clock.heuristic_deadline())
                .and_then(|solution| start_values(input, bom, options, &built.model, &solution))
        }
        heuristic => Highs.heuristic_start(&built.model, options, heuristic, &clock)?,
    };
    timings.construct = since.elapsed().as_secs_f64();
    let polish_started = Instant::now();
    let (start, polish_lp_s) = match start {
        Some(values) => {
            let parts = &built.parts;
            let clean = |values: &[f64]| {
                let solution = extract_solution(input, bom, parts, values);
                start_values(input, bom, &parts.options, &built.model, &solution)
            };
            // The polish and the LP bound only improve on what the run has: a HiGHS failure in
            // either leaves the start as it was and the bound to the solve, which reports its
            // own failures.
            match polish_start(&built.model, values.clone(), &clock.polish_options(options), &clean) {
                Ok(polished) => {
                    // Then the cheaper ways the plan leaves unused (see `polish_other_ways`), where
                    // two more polish LPs fit, each about as long as the first round: a polish LP
                    // cut short by the limit finds nothing and costs the solve its time.
                    let polish_options = clock.polish_options(options);
                    let fits = polished.first_round_s.is_some_and(|round| {
                        polish_options.time_limit_s.is_none_or(|left| OTHER_WAYS_ROUNDS * round <= left)
                    });
                    let openings = match fits {
                        true => {
                            let lots = extract_solution(input, bom, parts, &polished.values).lots;
                            other_way_lots(input, &parts.options, &built.model.big_m, &lots)
                        }
                        false => Vec::new(),
                    };
                    let values = match openings.is_empty() {
                        true => polished.values,
                        false => polish_other_ways(
                            &built.model,
                            input,
                            &parts.options,
                            &openings,
                            polished.values.clone(),
                            &polish_options,
                            clean,
                        )
                        .unwrap_or(polished.values),
                    };
                    (Some(values), polished.first_round_s)
                }
                Err(_) => (Some(values), None),
            }
        }
        None => (None, None),
    };
    timings.polish = polish_started.elapsed().as_secs_f64();
    // Where some item has several made routes, HiGHS's root LP can take more than the whole
    // time limit (see `crate::plan::bound`): the LP bound by interior point comes first, when
    // the polish LP's time says it can finish.
    let bound_started = Instant::now();
    let lp_bound = match (clock.lp_bound_options(options), polish_lp_s) {
        (Some(lp_options), Some(polish_s))
            if built.parts.options.has_alternative_routes() && bound_may_finish(polish_s, &lp_options) =>
        {
            lp_relaxation_bound(&built.model, &lp_options).unwrap_or(None)
        }
        _ => None,
    };
    timings.lp_bound = bound_started.elapsed().as_secs_f64();
    let objective = built.model.objective.clone();
    let solve_started = Instant::now();
    let mut outcome = Highs.solve_with_start(built.model, options, start.as_deref(), &clock, since)?;
    timings.solve = solve_started.elapsed().as_secs_f64();
    if let Some(bound) = lp_bound {
        outcome.best_bound = Some(outcome.best_bound.map_or(bound, |b| b.max(bound)));
    }
    if !values_match_objective(&outcome, &objective, &built.parts.columns) {
        // HiGHS 1.16 can finish with the right objective yet hand back the warm start's values
        // (seen when it solves the model at the root: the proptest case of
        // tests/planner_properties.proptest-regressions). An optimum is solved again without
        // the start, in the time left; otherwise the values are kept at their own cost.
        let resolved = if outcome.status == SolveStatus::Optimal && !clock.is_spent() {
            let again_started = Instant::now();
            let rebuilt = build_model_with(
                input,
                bom,
                &built.parts.options,
                built.parts.demand.planned_table(),
                ModelVariant::default(),
                config.formulation,
            );
            let again = Highs.solve(rebuilt, &clock.options_now(options))?;
            timings.resolve = again_started.elapsed().as_secs_f64();
            Some(again)
        } else {
            None
        };
        outcome = match resolved {
            Some(again) if again.values.is_some() => combine(outcome, again),
            _ => valued_at_own_cost(outcome, &objective, &built.parts.columns),
        };
    }
    if outcome.values.is_none() && outcome.status == SolveStatus::NoSolutionFound {
        if let Some(start) = start {
            outcome.values = Some(start);
            outcome = valued_at_own_cost(outcome, &objective, &built.parts.columns);
        }
    }
    finish(input, bom, options, &Highs, &clock, built.parts, outcome, timings)
}

/// The solver that made a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SolverInfo {
    /// e.g. `HiGHS`.
    pub name: String,
    /// e.g. `1.15.0`.
    pub version: String,
}

/// Seconds spent in each step of a run (timings: they differ between runs, so they are the one
/// part of `summary.json` that is not reproducible).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Timings {
    /// Reading and validating the plan directory (set by the caller that read it).
    pub read: f64,
    /// Bucketing demand and building the model.
    pub build: f64,
    /// The warm start: the construction or relax-and-fix.
    pub construct: f64,
    /// Re-sizing the warm start's lots by the polish LP (`crate::plan::polish`).
    pub polish: f64,
    /// The LP relaxation's bound by interior point (`crate::plan::bound`).
    pub lp_bound: f64,
    /// The MIP solve.
    pub solve: f64,
    /// Solving again without the warm start (see [`plan_configured`]).
    pub resolve: f64,
    /// Reading the plan out of the solver's values, the rounding repair and the costs.
    pub repair: f64,
    /// The elastic re-solve that explains an infeasible plan.
    pub diagnose: f64,
}

/// The built model and what is kept of it after the backend consumed it.
struct Built {
    model: LotSizingModel,
    parts: ModelParts,
    seconds: f64,
}

/// What [`finish`] needs of the model: the demand it was built for, its size, its variables
/// and their columns.
#[derive(Clone)]
struct ModelParts {
    demand: Demand,
    options: Options,
    size: ModelSize,
    columns: HashMap<Variable, usize>,
    vars: ModelVars,
}

impl Built {
    fn new(input: &PlanInput, bom: &BomGraph, options: Options, formulation: Formulation) -> Self {
        let started = Instant::now();
        let demand = bucket_demand(input);
        let model =
            build_model_with(input, bom, &options, demand.planned_table(), ModelVariant::default(), formulation);
        let parts =
            ModelParts { demand, options, size: model.size, columns: model.column_index(), vars: model.vars.clone() };
        Built { model, parts, seconds: started.elapsed().as_secs_f64() }
    }
}

/// The re-solve `again` in place of `first`, with the better of the two bounds (both are
/// bounds of the same model) and the time and nodes of both.
fn combine(first: BackendOutcome, again: BackendOutcome) -> BackendOutcome {
    let best_bound = match (first.best_bound, again.best_bound) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    let nodes = match (first.nodes, again.nodes) {
        (Some(a), Some(b)) => Some(a + b),
        (a, b) => a.or(b),
    };
    BackendOutcome { best_bound, nodes, seconds: first.seconds + again.seconds, ..again }
}

/// `outcome` with its objective evaluated on its own values, and `feasible` unless the values
/// are proven optimal by the bound (then [`finish`] reports them so).
fn valued_at_own_cost(
    mut outcome: BackendOutcome,
    objective: &good_lp::Expression,
    columns: &HashMap<Variable, usize>,
) -> BackendOutcome {
    if let Some(values) = &outcome.values {
        outcome.objective = Some(objective_at(objective, columns, values));
        outcome.status = SolveStatus::Feasible;
    }
    outcome
}

/// Whether the values of `outcome` give the objective HiGHS reports for them (true when
/// either is missing).
fn values_match_objective(
    outcome: &BackendOutcome,
    objective: &good_lp::Expression,
    columns: &HashMap<Variable, usize>,
) -> bool {
    let (Some(values), Some(reported)) = (&outcome.values, outcome.objective) else { return true };
    (objective_at(objective, columns, values) - reported).abs() <= 1e-6 * reported.abs().max(1.0)
}

/// The end of [`plan_configured`]: the written plan from the solver's
/// values (snapped and repaired), its costs, an honest status and gap, and (when infeasible)
/// the diagnosis by `backend` in the time left.
#[allow(clippy::too_many_arguments)]
fn finish(
    input: &PlanInput,
    bom: &BomGraph,
    options: &SolveOptions,
    backend: &Highs,
    clock: &RunClock,
    parts: ModelParts,
    outcome: BackendOutcome,
    mut timings: Timings,
) -> Result<PlanOutcome, Error> {
    let repair_started = Instant::now();
    let solution = outcome.values.as_ref().map(|values| extract_solution(input, bom, &parts, values));
    // The last guard of "every plan written passes validate": a plan whose stock balances or
    // overtime limits do not hold is a flexplan bug (as the unfinished polish LP of 6d7ec46
    // was), and is never handed on to be written.
    if solution.as_ref().is_some_and(|s| !plan_is_feasible(input, bom, &parts.options, s)) {
        return Err(Error::solver(
            "plan",
            "the plan breaks a stock balance or an overtime limit after the repair; nothing is written \
             (a flexplan bug: please report it with the plan directory)",
        ));
    }
    let costs = solution.as_ref().map(|s| plan_costs(input, &parts.options, s));
    timings.repair = repair_started.elapsed().as_secs_f64();
    let gap = match (costs, outcome.best_bound) {
        (Some(c), Some(bound)) => Some(relative_gap(c.total(), bound)),
        _ => None,
    };
    let within_target = match (costs, outcome.best_bound) {
        (Some(c), Some(bound)) => within_gap_target(c.total(), bound, options.mip_gap),
        _ => false,
    };
    let status = match outcome.status {
        // A limit may stop HiGHS after it has in fact closed the gap.
        SolveStatus::Feasible if within_target => SolveStatus::Optimal,
        // "Optimal" is a claim about the written plan: if its repair (or a kept start) put its
        // cost above the bound by more than the target, it is only feasible.
        SolveStatus::Optimal if outcome.best_bound.is_some() && !within_target => SolveStatus::Feasible,
        s => s,
    };
    let diagnosis = if status == SolveStatus::Infeasible {
        let started = Instant::now();
        let diagnosis = diagnose_infeasibility(
            input,
            bom,
            &parts.options,
            parts.demand.planned_table(),
            &clock.options_now(options),
            backend,
        )?;
        timings.diagnose = started.elapsed().as_secs_f64();
        Some(diagnosis)
    } else {
        None
    };
    Ok(PlanOutcome {
        status,
        stop_reason: outcome.stop_reason,
        solution,
        costs,
        best_bound: outcome.best_bound,
        gap,
        size: parts.size,
        build_seconds: timings.build,
        solve_seconds: outcome.seconds,
        timings,
        nodes: outcome.nodes,
        progress: outcome.progress,
        solver: SolverInfo { name: backend.name().to_string(), version: backend.version() },
        diagnosis,
        demand: parts.demand,
        options: parts.options,
    })
}

/// The plan in the solver's `values`: lots (one row per option) and shipments snapped, then
/// repaired ([`complete_solution`]).
fn extract_solution(input: &PlanInput, bom: &BomGraph, parts: &ModelParts, values: &[f64]) -> PlanSolution {
    let (vars, options, planned) = (&parts.vars, &parts.options, parts.demand.planned_table());
    let value = |v: Option<Variable>| -> f64 {
        v.and_then(|v| parts.columns.get(&v)).and_then(|&c| values.get(c)).copied().unwrap_or(0.0)
    };
    let n_periods = input.n_periods();
    let mut lots = Grid::new(options.len(), n_periods, 0.0);
    for (o, option) in options.all().iter().enumerate() {
        // Lots are snapped by running totals: the written cumulative production stays within
        // 5e-7 of the solver's however many periods pass, so the consumption of components
        // does not drift by one rounding per period between deliveries.
        let (mut cumulative, mut written) = (0.0, 0.0);
        for t in 0..n_periods {
            let k = (o, t);
            lots[k] = match (option.lot_multiple, vars.multiple[k]) {
                (Some(m), Some(count)) => snap(value(Some(count)).round() * m),
                _ => {
                    let raw = value(vars.lot[k]).max(0.0);
                    // No lot where HiGHS has none: a value within its tolerance of 0 with the
                    // setup binary off, or below half the 1e-6 grid, is noise. Carrying the
                    // running total's rounding into it would write a lot of 1e-6, below its
                    // min_lot and paying its setup (differential, configured seeds 2878, 3282).
                    let no_lot = vars.setup[k].is_some_and(|y| value(Some(y)) < 0.5);
                    if raw <= 5e-7 || no_lot {
                        0.0
                    } else {
                        cumulative += raw;
                        let x = snap((snap(cumulative) - written).max(0.0));
                        written += x;
                        x
                    }
                }
            };
        }
    }
    // The frozen fence holds exactly (HiGHS meets `x = xp` to its tolerance only).
    if let Some(previous) = options.previous() {
        for o in 0..options.len() {
            for t in 0..input.frozen_periods() {
                lots[(o, t)] = previous[(o, t)];
            }
        }
    }
    let mut shipped = Grid::new(input.items.len(), n_periods, 0.0);
    for i in 0..input.items.len() {
        for t in 0..n_periods {
            shipped[(i, t)] = match vars.shipped[(i, t)] {
                Some(f) => snap(value(Some(f)).clamp(0.0, f64::MAX)),
                None => planned[(i, t)],
            };
        }
    }
    complete_solution(input, bom, options, planned, lots, shipped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{generate_flexible_adversarial, AdversarialSpec};
    use crate::plan::model::LotSizingModel;
    use crate::plan::solve::{raw_model, set_options, Highs};

    /// Whether `values` is a plan of `model`: every column fixed at its value, HiGHS finds the
    /// rows satisfied (to 1e-6, the precision plans are written to).
    fn is_a_plan(model: &LotSizingModel, values: &[f64]) -> bool {
        let mut raw =
            raw_model(model.problem.clone(), model.objective.clone(), model.constraints.clone()).expect("a model");
        set_options(&mut raw, &SolveOptions::default(), model.presolve_rules_off()).expect("options");
        raw.try_set_option("primal_feasibility_tolerance", 1e-6).expect("an option");
        raw.try_set_option("mip_feasibility_tolerance", 1e-6).expect("an option");
        for (col, &value) in values.iter().enumerate() {
            // SAFETY: `raw` owns a live Highs object and `col` is one of its columns.
            unsafe {
                highs_sys::Highs_changeColBounds(
                    raw.as_mut_ptr(),
                    i32::try_from(col).expect("few columns"),
                    value,
                    value,
                );
            }
        }
        raw.try_solve().is_ok_and(|solved| solved.status() == highs::HighsModelStatus::Optimal)
    }

    /// On flexible adversarial plans the polished construction is a plan of the model, costs
    /// no more than the construction and no less than the optimum HiGHS proves, and is cheaper
    /// on some plans; so is it polished again with the lots of cheaper ways it leaves unused
    /// (`polish_other_ways`), which costs no more than the polished plan.
    #[test]
    fn polishing_the_construction_keeps_a_plan_and_never_costs_more() {
        let (mut compared, mut cheaper, mut other_ways) = (0, 0, 0);
        for seed in 0..40 {
            let input = generate_flexible_adversarial(&AdversarialSpec::for_seed(seed)).expect("a plan");
            let Ok(bom) = BomGraph::new(&input) else { continue };
            let built = Built::new(&input, &bom, Options::new(&input), Formulation::BigM);
            let (options, demand) = (&built.parts.options, built.parts.demand.planned_table());
            let Some(start) = construct_plan_until(&input, &bom, options, demand, &built.model.big_m, None)
                .and_then(|solution| start_values(&input, &bom, options, &built.model, &solution))
            else {
                continue;
            };
            let clean = |values: &[f64]| {
                let solution = extract_solution(&input, &bom, &built.parts, values);
                start_values(&input, &bom, options, &built.model, &solution)
            };
            let polished =
                polish_start(&built.model, start.clone(), &SolveOptions::default(), &clean).expect("HiGHS runs").values;
            let columns = built.model.column_index();
            let objective = &built.model.objective;
            let (before, after) =
                (objective_at(objective, &columns, &start), objective_at(objective, &columns, &polished));
            let tolerance = 1e-6 * before.abs().max(1.0);
            assert!(after <= before + tolerance, "seed {seed}: polished {after} above the construction's {before}");
            assert!(is_a_plan(&built.model, &polished), "seed {seed}: the polished start breaks a row");
            if after < before - tolerance {
                cheaper += 1;
            }
            // And with the lots of cheaper ways the polished plan leaves unused.
            let lots = extract_solution(&input, &bom, &built.parts, &polished).lots;
            let openings = other_way_lots(&input, options, &built.model.big_m, &lots);
            let widened =
                polish_other_ways(&built.model, &input, options, &openings, polished, &SolveOptions::default(), clean)
                    .expect("HiGHS runs");
            let last = objective_at(objective, &columns, &widened);
            assert!(last <= after + tolerance, "seed {seed}: {last} with other ways, above the polished {after}");
            assert!(is_a_plan(&built.model, &widened), "seed {seed}: the plan with other ways breaks a row");
            if last < after - tolerance {
                other_ways += 1;
            }
            let exact = SolveOptions { mip_gap: 0.0, ..SolveOptions::default() };
            let outcome = Highs.solve(built.model, &exact).expect("HiGHS runs");
            if let (SolveStatus::Optimal, Some(optimum)) = (outcome.status, outcome.objective) {
                assert!(last >= optimum - tolerance, "seed {seed}: {last} below the optimum {optimum}");
                compared += 1;
            }
        }
        assert!(
            compared >= 20 && cheaper >= 5,
            "{compared} plans compared, {cheaper} polished cheaper ({other_ways} cheaper again with other ways)"
        );
    }

    /// A plan whose values break a stock balance is never handed on to be written: `finish`
    /// refuses HiGHS's optimum of a flexible plan once one of its lots is cut to nothing
    /// (what shipped from it is then not there), and takes it as it is.
    #[test]
    fn a_plan_that_breaks_a_balance_is_refused_before_it_is_written() {
        let options = SolveOptions { mip_gap: 0.0, ..SolveOptions::default() };
        for seed in 0..20 {
            let input = generate_flexible_adversarial(&AdversarialSpec::for_seed(seed)).expect("a plan");
            let Ok(bom) = BomGraph::new(&input) else { continue };
            let built = Built::new(&input, &bom, Options::new(&input), Formulation::BigM);
            let outcome = Highs.solve(built.model, &options).expect("HiGHS runs");
            let Some(values) = outcome.values.clone().filter(|_| outcome.status == SolveStatus::Optimal) else {
                continue;
            };
            // The largest lot of the plan, emptied.
            let lots = built.parts.vars.lot.cells().iter().flatten().filter_map(|v| built.parts.columns.get(v));
            let Some(&largest) = lots.max_by(|&&a, &&b| values[a].total_cmp(&values[b])) else { continue };
            if values[largest] < 1.0 {
                continue;
            }
            let clock = RunClock::new(&options);
            let finish_with = |values: Vec<f64>| {
                let parts = built.parts.clone();
                let outcome = BackendOutcome { values: Some(values), ..outcome.clone() };
                finish(&input, &bom, &options, &Highs, &clock, parts, outcome, Timings::default())
            };
            assert!(finish_with(values.clone()).is_ok(), "seed {seed}: HiGHS's optimum refused");
            let mut broken = values;
            broken[largest] = 0.0;
            let refused = finish_with(broken);
            assert!(matches!(refused, Err(Error::Solver { .. })), "seed {seed}: a broken plan was taken");
            return;
        }
        panic!("no seed with an optimal plan");
    }
}
