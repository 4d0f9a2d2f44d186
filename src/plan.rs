//! The planning pipeline: validated input -> demand -> model -> solve -> [`PlanSolution`].
//!
//! The solver's values are snapped to 1e-6 and the dependent quantities (inventory, backlog,
//! shortfall, overtime) are recomputed from the snapped lots and shipments, so that the plan
//! written to disk is exactly self-consistent and its objective is the spec's sum evaluated on
//! the written numbers.

use crate::bom::BomGraph;
use crate::construct::{construct_plan, start_values};
use crate::demand::{bucket_demand, Demand};
use crate::diagnose::{diagnose_infeasibility, Diagnosis};
use crate::error::Error;
use crate::input::{Item, PlanInput};
use crate::model::{build_model_with, Formulation, LotSizingModel, ModelOptions, ModelSize, ModelVars};
use crate::solve::{BackendOutcome, Heuristic, Highs, ProgressPoint, RunClock, SolveOptions, SolveStatus, StopReason};
use good_lp::Variable;
use serde::Serialize;
use std::collections::HashMap;
use std::time::Instant;

/// A plan: every quantity of the spec's formulation, indexed `item * T + t` (resources:
/// `resource * T + t`), 0-based periods.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanSolution {
    /// Number of periods `T`.
    pub n_periods: usize,
    /// Lot started/ordered `x[i,t]` (0 = no lot).
    pub lots: Vec<f64>,
    /// Planned demand `D[i,t]`.
    pub demand: Vec<f64>,
    /// Shipments `F[i,t]`.
    pub shipped: Vec<f64>,
    /// End inventory `I[i,t]`.
    pub inventory: Vec<f64>,
    /// Backlog `B[i,t]`.
    pub backlog: Vec<f64>,
    /// Safety-stock shortfall `S[i,t]`.
    pub shortfall: Vec<f64>,
    /// Run time `Σ u x` per resource and period.
    pub run_time: Vec<f64>,
    /// Setup time `Σ s y` per resource and period.
    pub setup_time: Vec<f64>,
    /// Overtime `O[r,t]`.
    pub overtime: Vec<f64>,
}

/// Cost of a plan, by term of the spec's objective.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct CostBreakdown {
    /// `Σ unit_cost x`.
    pub unit: f64,
    /// `Σ holding_cost I`.
    pub holding: f64,
    /// `Σ backlog_cost B`.
    pub backlog: f64,
    /// `Σ safety_stock_penalty S`.
    pub safety_stock: f64,
    /// `Σ order_cost y`.
    pub ordering: f64,
    /// `Σ routing setup_cost y`.
    pub setup: f64,
    /// `Σ overtime_cost O`.
    pub overtime: f64,
}

impl CostBreakdown {
    /// The objective: the sum of all terms.
    pub fn total(&self) -> f64 {
        self.unit + self.holding + self.backlog + self.safety_stock + self.ordering + self.setup + self.overtime
    }
}

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
    pub solver: (String, String),
    /// Why the plan is infeasible, when it is.
    pub diagnosis: Option<Diagnosis>,
    /// The bucketed demand the plan was made for.
    pub demand: Demand,
}

/// Plans `input` with HiGHS: the whole `flexplan plan` computation without file output.
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

/// Plans `input` with HiGHS, using the formulation and heuristic of `config`.
///
/// The time limit bounds the whole run ([`RunClock`]): the construction, the solve, any
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
    let n_periods = input.n_periods();
    let built = Built::new(input, bom, config.formulation);
    let mut timings = Timings { build: built.seconds, ..Timings::default() };
    let since = Instant::now();
    let start = match config.heuristic {
        // No constructed plan (or a model it cannot fill, e.g. facility location): solve
        // without a start. The construction's time counts as solve time.
        Heuristic::Construct => construct_plan(input, bom, &built.parts.planned, &built.model.big_m)
            .and_then(|solution| start_values(input, &built.model, &solution)),
        heuristic => Highs.heuristic_start(&built.model, options, heuristic, n_periods, &clock)?,
    };
    timings.construct = since.elapsed().as_secs_f64();
    let objective = built.model.objective.clone();
    let solve_started = Instant::now();
    let mut outcome = Highs.solve_with_start(built.model, options, start.as_deref(), &clock, since)?;
    timings.solve = solve_started.elapsed().as_secs_f64();
    if !values_match_objective(&outcome, &objective, &built.parts.columns) {
        // HiGHS 1.16 can finish with the right objective yet hand back the warm start's values
        // (seen when it solves the model at the root: the proptest case of
        // tests/planner_properties.proptest-regressions). An optimum is solved again without
        // the start, in the time left; otherwise the values are kept at their own cost.
        let resolved = if outcome.status == SolveStatus::Optimal && !clock.is_spent() {
            let again_started = Instant::now();
            let rebuilt =
                build_model_with(input, bom, &built.parts.planned, ModelOptions::default(), config.formulation);
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
struct ModelParts {
    demand: Demand,
    planned: Vec<f64>,
    size: ModelSize,
    columns: HashMap<Variable, usize>,
    vars: ModelVars,
}

impl Built {
    fn new(input: &PlanInput, bom: &BomGraph, formulation: Formulation) -> Self {
        let started = Instant::now();
        let demand = bucket_demand(input);
        let planned = demand.planned_table().to_vec();
        let model = build_model_with(input, bom, &planned, ModelOptions::default(), formulation);
        let parts =
            ModelParts { demand, planned, size: model.size, columns: model.column_index(), vars: model.vars.clone() };
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
        let at: HashMap<Variable, f64> =
            columns.iter().filter_map(|(&var, &col)| values.get(col).map(|&v| (var, v))).collect();
        outcome.objective = Some(objective.eval_with(&at));
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
    let at: HashMap<Variable, f64> =
        columns.iter().filter_map(|(&var, &col)| values.get(col).map(|&v| (var, v))).collect();
    (objective.eval_with(&at) - reported).abs() <= 1e-6 * reported.abs().max(1.0)
}

/// Whether a plan costing `objective` is within the gap target of `bound`: the requested
/// relative gap, or 1e-6 relative (the precision at which two implementations of the spec
/// agree on an optimum; a solve to gap 0 ends with rounding above its bound).
pub fn within_gap_target(objective: f64, bound: f64, mip_gap: f64) -> bool {
    objective - bound <= mip_gap.max(0.0) * objective.abs() + 1e-6 * objective.abs().max(1.0)
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
    let solution = outcome
        .values
        .as_ref()
        .map(|values| extract_solution(input, bom, &parts.planned, &parts.vars, &parts.columns, values));
    let costs = solution.as_ref().map(|s| plan_costs(input, s));
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
        let diagnosis = diagnose_infeasibility(input, bom, &parts.planned, &clock.options_now(options), backend)?;
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
        solver: (backend.name().to_string(), backend.version()),
        diagnosis,
        demand: parts.demand,
    })
}

/// `(objective - bound) / max(|objective|, 1e-9)`, and 0 when the two agree to 1e-9.
pub fn relative_gap(objective: f64, bound: f64) -> f64 {
    let diff = (objective - bound).max(0.0);
    if diff <= 1e-9 * objective.abs().max(1.0) {
        0.0
    } else {
        diff / objective.abs().max(1e-9)
    }
}

/// The written end stock of an exact running stock `v`: rounded to 1e-6 as [`snap`] does,
/// except that a tie (a remainder of half a millionth, to 1e-12) goes down, to the cheaper
/// number. Either way the written value is within 5e-7 of the exact one, so each balance row
/// of the written plan holds to the checker's 1e-6; rounding a tie up would hold a millionth
/// that is not there at a holding cost.
fn snap_stock(v: f64) -> f64 {
    snap(((v.max(0.0) * 1e6 - 1e-6).round()) / 1e6)
}

/// Rounds to 1e-6 and turns -0 into 0.
pub fn snap(v: f64) -> f64 {
    let r = (v * 1e6).round() / 1e6;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

fn extract_solution(
    input: &PlanInput,
    bom: &BomGraph,
    planned: &[f64],
    vars: &ModelVars,
    columns: &HashMap<Variable, usize>,
    values: &[f64],
) -> PlanSolution {
    let value = |v: Option<Variable>| -> f64 {
        v.and_then(|v| columns.get(&v)).and_then(|&c| values.get(c)).copied().unwrap_or(0.0)
    };
    let n_periods = input.n_periods();
    let n_items = input.items.len();
    let mut lots = vec![0.0; n_items * n_periods];
    let mut shipped = vec![0.0; n_items * n_periods];
    for i in 0..n_items {
        let item = &input.items[i];
        // Lots are snapped by running totals: the written cumulative production stays within
        // 5e-7 of the solver's however many periods pass, so the consumption of components
        // does not drift by one rounding per period between deliveries.
        let (mut cumulative, mut written) = (0.0, 0.0);
        for t in 0..n_periods {
            let k = i * n_periods + t;
            lots[k] = match (item.lot_multiple, vars.multiple[k]) {
                (Some(m), Some(count)) => snap(value(Some(count)).round() * m),
                _ => {
                    let raw = value(vars.lot[k]).max(0.0);
                    if raw == 0.0 {
                        0.0
                    } else {
                        cumulative += raw;
                        let x = snap((snap(cumulative) - written).max(0.0));
                        written += x;
                        x
                    }
                }
            };
            shipped[k] = match vars.shipped[k] {
                Some(f) => snap(value(Some(f)).clamp(0.0, f64::MAX)),
                None => planned[k],
            };
        }
    }
    complete_solution(input, bom, planned, lots, shipped)
}

/// Derives inventory, backlog, shortfall, run/setup time and overtime from lots and shipments
/// by the balance equations (the planner's side; the checker recomputes them independently).
///
/// HiGHS meets equalities only to its feasibility tolerance (about 1e-7, scaled), so after
/// snapping a balance can be short by a few millionths. Items are walked parents first, and
/// such a deficit (at most [`repair_limit`]) is absorbed by shipping less (items that may ship
/// late), by raising the latest lot that arrives in time (when the lot rules and capacity
/// allow), or by shipping less in an earlier period. A deficit none can absorb (a component
/// bought in pack sizes, a lot at its maximum, a full resource) is removed at its cause: the
/// latest parent lot consuming the component by then is lowered by the deficit over the BOM
/// quantity, or another lot on the full resource gives up the time ([`make_room`]), and the
/// walk is repeated (the lowered lot's item absorbs its own millionths the same way). The
/// exact optimum of a plan on full resources is rarely a multiple of 1e-6, so some lot must
/// give up a few millionths somewhere. So the written plan is feasible to the 1e-6 of its numbers rather
/// than to the solver's tolerance. Capacity is kept the same way: a lot whose rounding (times
/// its unit time) loads a resource beyond `capacity + overtime_max` is lowered by the excess
/// first ([`lower_overloaded_lots`]), and no lot is raised beyond the free time of its
/// resources.
pub fn complete_solution(
    input: &PlanInput,
    bom: &BomGraph,
    planned: &[f64],
    lots: Vec<f64>,
    shipped: Vec<f64>,
) -> PlanSolution {
    // Lowering the overloaded lot with the largest unit time cuts the fewest units (cheapest
    // when the walk repairs the cut elsewhere); when that leaves a deficit no rule can absorb,
    // the repair is run again cutting first the lots whose cut the balances absorb.
    let (plan, unabsorbed) = repair(input, bom, planned, lots.clone(), shipped.clone(), CutFirst::LargestUnitTime);
    if unabsorbed == 0 {
        return plan;
    }
    let (other, other_unabsorbed) = repair(input, bom, planned, lots, shipped, CutFirst::Absorbed);
    if other_unabsorbed < unabsorbed {
        other
    } else {
        plan
    }
}

/// Which overloaded lot [`lower_overloaded_lots`] cuts first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CutFirst {
    /// The lot with the largest unit time (the fewest units).
    LargestUnitTime,
    /// A lot whose cut the balances absorb ([`cut_absorbed`]), then the largest unit time.
    Absorbed,
}

/// [`complete_solution`] with one rule for overloaded lots: the plan and the number of balance
/// deficits left unabsorbed (0 for a plan the checker accepts).
fn repair(
    input: &PlanInput,
    bom: &BomGraph,
    planned: &[f64],
    mut lots: Vec<f64>,
    mut shipped: Vec<f64>,
    cut_first: CutFirst,
) -> (PlanSolution, usize) {
    let n_periods = input.n_periods();
    let n_items = input.items.len();
    let mut rules = RepairRules { parents: vec![Vec::new(); n_items], lowered: vec![false; n_items * n_periods] };
    for e in &input.bom {
        rules.parents[e.component].push((e.parent, e.quantity));
    }
    // Lots rounded up to 1e-6 can load a full resource beyond its capacity by `u` times the
    // rounding: lower them first, so that the balance walk makes up the millionths elsewhere.
    lower_overloaded_lots(input, &rules.parents, &shipped, cut_first, &mut lots, &mut rules.lowered);
    let mut stock = balance_walk(input, bom, planned, &rules, &mut lots, &mut shipped);
    for _ in 0..MAX_REPAIR_ROUNDS {
        let mut changed = false;
        let mut on_hand = stock.inventory.clone();
        for &(i, t, deficit) in &stock.deficits {
            // Most harmless first: a consumer whose own stock has room for the cut, or that
            // ships a few millionths later; then raising the item's own lot where another lot
            // gives up the time; then any consumer.
            let parents = &rules.parents[i];
            changed |= lower_consumer(input, parents, t, deficit, 0..2, &mut lots, &mut rules.lowered, &mut on_hand)
                || make_room(input, &rules.parents, &shipped, i, t, deficit, &mut lots, &mut rules.lowered)
                || lower_consumer(input, parents, t, deficit, 2..3, &mut lots, &mut rules.lowered, &mut on_hand);
        }
        changed |= lower_overloaded_lots(input, &rules.parents, &shipped, cut_first, &mut lots, &mut rules.lowered);
        if !changed {
            break;
        }
        stock = balance_walk(input, bom, planned, &rules, &mut lots, &mut shipped);
    }
    let n_res = input.resources.len();
    let (mut run_time, mut setup_time) = resource_load(input, &lots);
    let mut overtime = vec![0.0; n_res * n_periods];
    for (r, res) in input.resources.iter().enumerate() {
        for t in 0..n_periods {
            let k = r * n_periods + t;
            run_time[k] = snap(run_time[k]);
            setup_time[k] = snap(setup_time[k]);
            // Within `overtime_max` however the load rounds (the lots keep the load within
            // capacity + overtime_max; see `lower_overloaded_lots`).
            overtime[k] = snap((run_time[k] + setup_time[k] - res.capacity[t]).max(0.0)).min(res.overtime_max);
        }
    }
    let unabsorbed = stock.deficits.len();
    let plan = PlanSolution {
        n_periods,
        lots,
        demand: planned.to_vec(),
        shipped,
        inventory: stock.inventory,
        backlog: stock.backlog,
        shortfall: stock.shortfall,
        run_time,
        setup_time,
        overtime,
    };
    (plan, unabsorbed)
}

/// `(Σ u x, Σ s [x > 0])` per resource and period (`resource * T + t`) of the exact lots.
fn resource_load(input: &PlanInput, lots: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let n_periods = input.n_periods();
    let n_res = input.resources.len();
    let mut run_time = vec![0.0; n_res * n_periods];
    let mut setup_time = vec![0.0; n_res * n_periods];
    for ro in &input.routings {
        for t in 0..n_periods {
            let x = lots[ro.item * n_periods + t];
            if x > 0.0 {
                run_time[ro.resource * n_periods + t] += ro.unit_time * x;
                setup_time[ro.resource * n_periods + t] += ro.setup_time;
            }
        }
    }
    (run_time, setup_time)
}

/// Load above `capacity + overtime_max` smaller than this share of it is floating-point noise
/// (far below the checker's 1e-6), not an overload to repair.
const LOAD_NOISE: f64 = 1e-12;

/// Room left on resource `r` in period `t`: `C[r,t] + Omax_r` minus the load of `lots`.
fn free_time(input: &PlanInput, lots: &[f64], r: usize, t: usize) -> f64 {
    let n_periods = input.n_periods();
    let load: f64 = input
        .routings
        .iter()
        .filter(|ro| ro.resource == r)
        .map(|ro| {
            let x = lots[ro.item * n_periods + t];
            if x > 0.0 {
                ro.unit_time * x + ro.setup_time
            } else {
                0.0
            }
        })
        .sum();
    input.resources[r].capacity[t] + input.resources[r].overtime_max - load
}

/// The most the 1e-6 rounding of the lots on resource `r` in period `t` can add to its load.
fn rounding_load(input: &PlanInput, lots: &[f64], r: usize, t: usize) -> f64 {
    let n_periods = input.n_periods();
    input
        .routings
        .iter()
        .filter(|ro| ro.resource == r && lots[ro.item * n_periods + t] > 0.0)
        .map(|ro| 1e-6 * ro.unit_time)
        .sum()
}

/// Lowers lots that load a resource beyond `capacity + overtime_max` (by the solver's
/// tolerance and the 1e-6 rounding of the lots, times their unit time). In each overloaded
/// resource and period, the lot with the largest unit time that may shrink by the excess
/// (rounded up to 1e-6) within the rounding repair's limit, without a lot multiple and without
/// falling below its `min_lot`, is lowered and marked so the balance walk does not raise it
/// back; the walk then makes up the millionths it leaves short. Overtime within what the
/// rounding can add ([`rounding_load`]) is trimmed the same way, but only from a lot whose cut
/// the balances absorb as they stand: an item that may ship late, or one whose stock after the
/// lot arrives stays above the cut ([`lowest_stock_from`]); a cut that would open a deficit the
/// walk must repair elsewhere could cost more than the overtime. Returns whether a lot changed.
fn lower_overloaded_lots(
    input: &PlanInput,
    parents: &[Vec<(usize, f64)>],
    shipped: &[f64],
    cut_first: CutFirst,
    lots: &mut [f64],
    lowered: &mut [bool],
) -> bool {
    let n_periods = input.n_periods();
    let mut changed = false;
    for r in 0..input.resources.len() {
        for t in 0..n_periods {
            let limit = input.resources[r].capacity[t] + input.resources[r].overtime_max;
            let mut excess = -free_time(input, lots, r, t);
            // Overtime no larger than the lots' 1e-6 rounding can add is rounding, not a
            // decision: it would cost overtime the solver's plan does not pay.
            // Only optional, so only for lots of items that can ship a few millionths later
            // (the balance walk must be able to absorb the cut).
            let over_capacity = excess + input.resources[r].overtime_max;
            let overloaded = excess > LOAD_NOISE * limit.max(1.0);
            let trim = !overloaded && over_capacity > 0.0 && over_capacity <= rounding_load(input, lots, r, t);
            if trim {
                excess = over_capacity;
            }
            if excess <= LOAD_NOISE * limit.max(1.0) {
                continue;
            }
            let candidate = input
                .routings
                .iter()
                .filter(|ro| ro.resource == r && ro.unit_time > 0.0)
                .filter_map(|ro| {
                    let item = &input.items[ro.item];
                    let k = ro.item * n_periods + t;
                    let cut = ceil_micro(excess / ro.unit_time);
                    let x = cut_lot(item, lots[k], cut)?;
                    let absorbed = cut_absorbed(input, parents, shipped, lots, ro.item, t, cut);
                    (!trim || absorbed).then_some((absorbed && cut_first == CutFirst::Absorbed, ro.unit_time, k, x))
                })
                .max_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
            if let Some((_, _, k, x)) = candidate {
                lots[k] = x;
                lowered[k] = true;
                changed = true;
            }
        }
    }
    changed
}

/// The lot `lot` of `item` lowered by a repair's `cut`, if the lot rules allow it: a lot
/// without a lot multiple, cut by no more than [`repair_limit`], that stays positive and at
/// least its `min_lot`.
fn cut_lot(item: &Item, lot: f64, cut: f64) -> Option<f64> {
    let left = snap(lot - cut);
    let allowed =
        item.lot_multiple.is_none() && lot > 0.0 && cut <= repair_limit(lot) && left > 0.0 && left >= item.min_lot;
    allowed.then_some(left)
}

/// Whether cutting item `j`'s lot of period `s` by `cut` leaves balances the walk absorbs
/// without repairing another lot: `j` may ship late, or its stock after the lot arrives stays
/// above the cut (with room for the walk's own millionths).
fn cut_absorbed(
    input: &PlanInput,
    parents: &[Vec<(usize, f64)>],
    shipped: &[f64],
    lots: &[f64],
    j: usize,
    s: usize,
    cut: f64,
) -> bool {
    let item = &input.items[j];
    item.backlog_cost.is_some()
        || lowest_stock_from(input, parents, shipped, lots, j, s + item.lead_time) >= cut + REPAIR_LIMIT
}

/// The lowest exact stock of item `i` from period `from` to the horizon's end, with the lots
/// and shipments as they stand (`f64::INFINITY` when `from` is past the horizon). A cut of a lot
/// arriving in `from` smaller than this (less the walk's own millionths) opens no deficit.
fn lowest_stock_from(
    input: &PlanInput,
    parents: &[Vec<(usize, f64)>],
    shipped: &[f64],
    lots: &[f64],
    i: usize,
    from: usize,
) -> f64 {
    let n_periods = input.n_periods();
    let item = &input.items[i];
    let mut receipts = vec![0.0; n_periods];
    for r in input.receipts.iter().filter(|r| r.item == i) {
        receipts[r.period] += r.quantity;
    }
    let mut on_hand = item.initial_inventory;
    let mut lowest = f64::INFINITY;
    for t in 0..n_periods {
        let k = i * n_periods + t;
        let arriving = if t >= item.lead_time { lots[k - item.lead_time] } else { 0.0 };
        let used: f64 = parents[i].iter().map(|&(p, q)| q * lots[p * n_periods + t]).sum();
        on_hand += arriving + receipts[t] - used - shipped[k];
        if t >= from {
            lowest = lowest.min(on_hand);
        }
    }
    lowest
}

/// The largest balance deficit [`complete_solution`] repairs (solver tolerance noise) on
/// small flows; see [`repair_limit`].
pub const REPAIR_LIMIT: f64 = 1e-4;

/// The largest balance deficit [`complete_solution`] repairs in a period whose stock and flows
/// add up to `scale`: [`REPAIR_LIMIT`] plus 1e-8 of the scale (the solver's tolerances are
/// relative, and a component consumed by many parents gathers their roundings).
pub fn repair_limit(scale: f64) -> f64 {
    REPAIR_LIMIT + 1e-8 * scale
}

/// How often [`complete_solution`] lowers consuming lots and walks the balances again. Each
/// round removes the deficits of one BOM level; deeper chains of millionths are not expected.
const MAX_REPAIR_ROUNDS: usize = 16;

/// Stock derived by one walk over the balances.
struct Stock {
    inventory: Vec<f64>,
    backlog: Vec<f64>,
    shortfall: Vec<f64>,
    /// Rounding deficits the walk could not absorb: `(item, period, deficit)`.
    deficits: Vec<(usize, usize, f64)>,
}

/// The BOM as the walk reads it, and the lots it must leave alone, kept across walks.
struct RepairRules {
    /// Per component: (parent, quantity per unit).
    parents: Vec<Vec<(usize, f64)>>,
    /// Lots the walk must not raise: they would take back what a lowered lot gave a component.
    lowered: Vec<bool>,
}

/// One walk over every item's balance, parents first, absorbing rounding deficits where the
/// item's own shipments or lots allow (see [`complete_solution`]).
fn balance_walk(
    input: &PlanInput,
    bom: &BomGraph,
    planned: &[f64],
    rules: &RepairRules,
    lots: &mut [f64],
    shipped: &mut [f64],
) -> Stock {
    let n_periods = input.n_periods();
    let n_items = input.items.len();
    let mut receipts = vec![0.0; n_items * n_periods];
    for r in &input.receipts {
        receipts[r.item * n_periods + r.period] += r.quantity;
    }
    let mut inventory = vec![0.0; n_items * n_periods];
    let mut backlog = vec![0.0; n_items * n_periods];
    let mut shortfall = vec![0.0; n_items * n_periods];
    let mut deficits = Vec::new();
    for &i in bom.topological_order() {
        let item = &input.items[i];
        let may_ship_late = item.backlog_cost.is_some();
        let mut on_hand = item.initial_inventory;
        let mut late = 0.0;
        let mut exact = vec![0.0; n_periods]; // unrounded stock at the end of each period
        for t in 0..n_periods {
            let k = i * n_periods + t;
            if may_ship_late {
                // Never ship more than is due (rounding could make backlog -1e-6).
                shipped[k] = snap(shipped[k].min(late + planned[k]).max(0.0));
            }
            let arriving = if t >= item.lead_time { lots[k - item.lead_time] } else { 0.0 };
            let used: f64 = rules.parents[i].iter().map(|&(p, q)| q * lots[p * n_periods + t]).sum();
            // Exact running stock; only the written value is rounded (rounding the running
            // value would drift by up to 5e-7 a period).
            let limit = repair_limit(on_hand.abs() + arriving + receipts[k] + used + shipped[k]);
            on_hand += arriving + receipts[k] - used - shipped[k];
            if on_hand < 0.0 && -on_hand <= 1e-9 {
                on_hand = 0.0; // floating-point noise, not a deficit
            }
            if on_hand < 0.0 && -on_hand <= limit {
                let deficit = -on_hand;
                if may_ship_late && shipped[k] >= deficit {
                    shipped[k] = snap(shipped[k] - deficit);
                    on_hand = 0.0;
                } else if let Some(s) = repairable_lot(input, i, t, deficit, lots, &rules.lowered) {
                    on_hand +=
                        raise_lot(item, i * n_periods, s, t, deficit, lots, &mut exact, &mut inventory, &mut shortfall);
                } else if let Some(s) = (0..t).rev().find(|&s| may_ship_late && shipped[i * n_periods + s] >= deficit) {
                    // Shipping the millionths later, from an earlier period's shipment: the
                    // stock between is carried one deficit higher, the backlog too.
                    let row = i * n_periods;
                    let less = ceil_micro(deficit);
                    shipped[row + s] = snap(shipped[row + s] - less);
                    for a in s..t {
                        exact[a] += less;
                        inventory[row + a] = snap_stock(exact[a]);
                        shortfall[row + a] = snap((item.safety_stock - inventory[row + a]).max(0.0));
                        backlog[row + a] = snap(backlog[row + a] + less);
                    }
                    late += less;
                    on_hand += less;
                }
            }
            late += planned[k] - shipped[k];
            exact[t] = on_hand;
            inventory[k] = snap_stock(on_hand);
            if on_hand < 0.0 && -on_hand <= 1e-9 {
                on_hand = 0.0; // what a repair rounded to 1e-6 leaves is noise too
            }
            if on_hand < 0.0 && -on_hand <= limit {
                // Not absorbed here: recorded for lowering a consuming lot, and the written 0
                // is the stock the next period starts from, so deficits do not accumulate.
                deficits.push((i, t, -on_hand));
                on_hand = 0.0;
            }
            backlog[k] = snap(late.max(0.0));
            shortfall[k] = snap((item.safety_stock - inventory[k]).max(0.0));
        }
    }
    Stock { inventory, backlog, shortfall, deficits }
}

/// Raises the lot of the item whose rows start at `row` in period `s` by `amount` (rounded up
/// to 1e-6) during the walk at period `t`: the stock written since the lot arrived grows too.
/// Returns what was added.
#[allow(clippy::too_many_arguments)]
fn raise_lot(
    item: &Item,
    row: usize,
    s: usize,
    t: usize,
    amount: f64,
    lots: &mut [f64],
    exact: &mut [f64],
    inventory: &mut [f64],
    shortfall: &mut [f64],
) -> f64 {
    let raised = ceil_micro(lots[row + s] + amount);
    let extra = raised - lots[row + s];
    lots[row + s] = raised;
    for a in s + item.lead_time..t {
        exact[a] += extra;
        inventory[row + a] = snap_stock(exact[a]);
        shortfall[row + a] = snap((item.safety_stock - inventory[row + a]).max(0.0));
    }
    extra
}

/// Rounds up to the next 1e-6, ignoring float noise below 1e-9 of a unit.
fn ceil_micro(v: f64) -> f64 {
    ((v * 1e6 - 1e-3).ceil()) / 1e6
}

/// Removes a component's `deficit` in period `t` by lowering the latest lot of one of its
/// `parents` (parent, quantity per unit) consuming it in a period up to `t` (consuming less
/// earlier leaves more stock at `t`). A parent whose `stock` stays non-negative without the
/// cut is preferred (nothing else changes), then one that may ship late (it absorbs the cut in
/// the next walk by shipping a few millionths less), then any (it must raise another lot).
/// Lot-multiple parents and lots that would fall below `min_lot` are skipped. Only the
/// `passes` given are tried (0, 1, 2 as above). Returns whether a lot was lowered.
#[allow(clippy::too_many_arguments)]
fn lower_consumer(
    input: &PlanInput,
    parents: &[(usize, f64)],
    t: usize,
    deficit: f64,
    passes: std::ops::Range<usize>,
    lots: &mut [f64],
    lowered: &mut [bool],
    stock: &mut [f64],
) -> bool {
    let n_periods = input.n_periods();
    // Passes, most harmless first: a parent whose stock stays non-negative; a parent that can
    // absorb the cut by shipping a few millionths later; any parent.
    for pass in passes {
        let needs_slack = pass == 0;
        for s in (0..=t).rev() {
            for &(p, q) in parents {
                let parent = &input.items[p];
                let k = p * n_periods + s;
                if q <= 0.0 || (pass == 1 && parent.backlog_cost.is_none()) {
                    continue;
                }
                let cut = ceil_micro(deficit / q);
                let Some(x) = cut_lot(parent, lots[k], cut) else { continue };
                let later =
                    &mut stock[(p * n_periods + s + parent.lead_time).min((p + 1) * n_periods)..(p + 1) * n_periods];
                if needs_slack && later.iter().any(|&v| v < cut) {
                    continue;
                }
                later.iter_mut().for_each(|v| *v -= cut);
                lots[k] = x;
                // Raising any lot of the parent up to `t` would take the component back.
                lowered[p * n_periods..=p * n_periods + t].fill(true);
                return true;
            }
        }
    }
    false
}

/// The latest lot of `i` arriving by period `t` that may grow by a rounding `deficit`: not for
/// items with a lot multiple, not beyond `max_lot`, not beyond the free capacity of its
/// resources, and not a lot lowered for its components or its resources.
fn repairable_lot(
    input: &PlanInput,
    i: usize,
    t: usize,
    deficit: f64,
    lots: &[f64],
    lowered: &[bool],
) -> Option<usize> {
    let item = &input.items[i];
    if item.lot_multiple.is_some() {
        return None;
    }
    let n_periods = input.n_periods();
    let last = t.checked_sub(item.lead_time)?;
    (0..=last).rev().find(|&s| {
        let x = lots[i * n_periods + s];
        let extra = ceil_micro(x + deficit) - x;
        // The raised lot must still fit on every resource it uses.
        let fits = input
            .routings
            .iter()
            .filter(|ro| ro.item == i && ro.unit_time > 0.0)
            .all(|ro| ro.unit_time * extra <= free_time(input, lots, ro.resource, s));
        x > 0.0 && !lowered[i * n_periods + s] && item.max_lot.is_none_or(|m| ceil_micro(x + deficit) <= m) && fits
    })
}

/// Frees time for the lot that would absorb item `i`'s `deficit` in period `t` when only a full
/// resource stops it: for the latest lot of `i` arriving by `t` that the lot rules let grow and
/// for which this works, on each resource it uses without room for the extra `u * deficit`,
/// another item's lot in the same period is lowered by the missing time over its unit time,
/// taken only from a lot that absorbs its cut as the balances stand (an item that may ship late, or stock after the
/// lot arrives above the cut; see [`lowest_stock_from`]). The next walk then raises `i`'s lot.
/// This is what a plan on full resources needs when the exact optimum's lots are not
/// multiples of 1e-6: some lot must give up a few millionths. Returns whether a lot changed.
#[allow(clippy::too_many_arguments)]
fn make_room(
    input: &PlanInput,
    parents: &[Vec<(usize, f64)>],
    shipped: &[f64],
    i: usize,
    t: usize,
    deficit: f64,
    lots: &mut [f64],
    lowered: &mut [bool],
) -> bool {
    let item = &input.items[i];
    let n_periods = input.n_periods();
    let Some(last) = t.checked_sub(item.lead_time) else { return false };
    if item.lot_multiple.is_some() {
        return false;
    }
    let grows = |s: usize, lots: &[f64]| {
        let x = lots[i * n_periods + s];
        x > 0.0 && !lowered[i * n_periods + s] && item.max_lot.is_none_or(|m| ceil_micro(x + deficit) <= m)
    };
    for s in (0..=last).rev().filter(|&s| grows(s, lots)) {
        if let Some(cuts) = room_in(input, parents, shipped, i, s, deficit, lots) {
            for (k, left) in cuts {
                lots[k] = left;
                lowered[k] = true;
            }
            return true;
        }
    }
    false
}

/// The cuts `(lot index, new quantity)` of other items' lots in period `s` that free the time
/// for item `i`'s lot of `s` to grow by `deficit` (see [`make_room`]), or `None` when some
/// resource has no lot to take it from or the lot already fits.
fn room_in(
    input: &PlanInput,
    parents: &[Vec<(usize, f64)>],
    shipped: &[f64],
    i: usize,
    s: usize,
    deficit: f64,
    lots: &[f64],
) -> Option<Vec<(usize, f64)>> {
    let n_periods = input.n_periods();
    let x = lots[i * n_periods + s];
    let extra = ceil_micro(x + deficit) - x;
    let mut cuts = Vec::new();
    for ro in input.routings.iter().filter(|ro| ro.item == i && ro.unit_time > 0.0) {
        let missing = ro.unit_time * extra - free_time(input, lots, ro.resource, s);
        if missing <= 0.0 {
            continue;
        }
        let cut = input
            .routings
            .iter()
            .filter(|other| other.resource == ro.resource && other.item != i && other.unit_time > 0.0)
            .filter_map(|other| {
                let j = other.item;
                let k = j * n_periods + s;
                let donor = &input.items[j];
                let cut = ceil_micro(missing / other.unit_time);
                let left = cut_lot(donor, lots[k], cut)?;
                cut_absorbed(input, parents, shipped, lots, j, s, cut).then_some((other.unit_time, k, left))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0));
        cuts.push(cut.map(|(_, k, left)| (k, left))?);
    }
    (!cuts.is_empty()).then_some(cuts)
}

/// The spec's objective evaluated on a plan, by term.
pub fn plan_costs(input: &PlanInput, s: &PlanSolution) -> CostBreakdown {
    let n_periods = s.n_periods;
    let mut c = CostBreakdown::default();
    for (i, item) in input.items.iter().enumerate() {
        let setup_cost: f64 = input.routings.iter().filter(|r| r.item == i).map(|r| r.setup_cost).sum();
        for t in 0..n_periods {
            let k = i * n_periods + t;
            c.unit += item.unit_cost * s.lots[k];
            c.holding += item.holding_cost * s.inventory[k];
            c.backlog += item.backlog_cost.unwrap_or(0.0) * s.backlog[k];
            c.safety_stock += item.safety_stock_penalty * s.shortfall[k];
            if s.lots[k] > 0.0 {
                c.ordering += item.order_cost;
                c.setup += setup_cost;
            }
        }
    }
    for (r, res) in input.resources.iter().enumerate() {
        for t in 0..n_periods {
            c.overtime += res.overtime_cost * s.overtime[r * n_periods + t];
        }
    }
    c
}
