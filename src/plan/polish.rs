//! Polishing a warm start: the best plan with its setups.
//!
//! The construction decides which lots exist (every setup, lot-multiple count, family setup
//! and joint order) and sizes them by its own rules. With those integer decisions fixed, what
//! is left is an LP: HiGHS sizes every lot, shipment, overtime hour and backlog at the least
//! cost those lots allow. On generated plans of 100-1,000 items x 52 weeks that takes 1-15 s
//! and saves 1-2 % of the construction's cost (BENCHMARKS.md, flexible supply): the
//! construction fills capacity greedily, period by period, where the LP shares it out.
//!
//! Why the result is a plan of the model: the polish LP is the model with some columns' bounds
//! narrowed to the start's values, so every solution of it is a solution of the model, and
//! the start is one of its solutions, so its optimum costs no more than the start.
//! [`polish_start`] still keeps the polished plan only when its own objective, evaluated on the
//! values, is lower: HiGHS can hand back a start's values.

use crate::error::Error;
use crate::input::{Options, PlanInput};
use crate::plan::construct::Opening;
use crate::plan::model::LotSizingModel;
use crate::plan::solve::{objective_at, relaxed_model, run, set_options, SolveOptions, SolveStatus, MIN_SOLVE_S};
use good_lp::Variable;
use std::collections::HashMap;
use std::time::Instant;

/// The integer columns of `model`: setups, lot-multiple counts, family setups and joint
/// orders.
fn integer_columns(model: &LotSizingModel, columns: &HashMap<Variable, usize>) -> Vec<usize> {
    let vars = &model.vars;
    [&vars.setup, &vars.multiple, &vars.family, &vars.joint]
        .into_iter()
        .flat_map(|grid| grid.cells().iter().flatten())
        .filter_map(|var| columns.get(var).copied())
        .collect()
}

/// Most polish rounds (see [`polish_start`]).
const ROUNDS: usize = 3;

/// A polished start and what its LP cost in time.
pub(crate) struct Polished {
    /// A value for every column.
    pub(crate) values: Vec<f64>,
    /// Seconds the first round's LP took (also when it found nothing cheaper), `None` when no
    /// round ran: how hard an LP of this model is for HiGHS's interior point, which the LP
    /// bound (`crate::plan::bound`) uses to tell whether it can finish in time.
    pub(crate) first_round_s: Option<f64>,
}

/// `start` (a value for every column) polished (see the module docs) for up to [`ROUNDS`]
/// rounds, all within `options`' time limit (a round starts only when the time left is at
/// least what the last one took). After each round `clean` turns the LP's values into a start
/// again (a plan's lots, with setups only where a lot is left: the LP may empty a lot whose
/// setup it had to keep), and the next round re-sizes the lots with the capacity the dropped
/// setups freed. Ends when a round saves less than 0.1 %.
pub(crate) fn polish_start(
    model: &LotSizingModel,
    start: Vec<f64>,
    options: &SolveOptions,
    clean: &impl Fn(&[f64]) -> Option<Vec<f64>>,
) -> Result<Polished, Error> {
    let columns = model.column_index();
    let cost_at = |values: &[f64]| objective_at(&model.objective, &columns, values);
    let mut best_cost = cost_at(&start);
    let mut best = start;
    let started = Instant::now();
    let mut last_round = 0.0;
    let mut first_round_s = None;
    for _ in 0..ROUNDS {
        let left = options.time_limit_s.map(|limit| limit - started.elapsed().as_secs_f64());
        // A round cut short by the limit finds nothing: start one only where the last fits.
        if left.is_some_and(|left| left < MIN_SOLVE_S.max(last_round)) {
            break;
        }
        let round_started = Instant::now();
        let round_options = SolveOptions { time_limit_s: left, ..*options };
        let polished = polish(model, &columns, &best, &round_options)?;
        last_round = round_started.elapsed().as_secs_f64();
        first_round_s = first_round_s.or(Some(last_round));
        let Some(values) = polished else { break };
        let lp_cost = cost_at(&values);
        // HiGHS can hand back a start's values: only a cheaper LP plan counts.
        if lp_cost >= best_cost - 1e-9 * best_cost.abs().max(1.0) {
            break;
        }
        let (values, cost) = match clean(&values).map(|c| (cost_at(&c), c)) {
            Some((cost, cleaned)) if cost <= lp_cost => (cleaned, cost),
            _ => (values, lp_cost),
        };
        let saved = best_cost - cost;
        (best, best_cost) = (values, cost);
        if saved < 1e-3 * best_cost.abs() {
            break;
        }
    }
    Ok(Polished { values: best, first_round_s })
}

/// One polish LP: `start` with its lots re-sized (the LP's optimum), or `None` when it is not
/// solved to optimality within `options`' time limit.
fn polish(
    model: &LotSizingModel,
    columns: &HashMap<Variable, usize>,
    start: &[f64],
    options: &SolveOptions,
) -> Result<Option<Vec<f64>>, Error> {
    let started = Instant::now();
    let n_columns = model.problem.len();
    if start.len() != n_columns || start.iter().any(|v| !v.is_finite()) {
        return Ok(None);
    }
    // With its integer columns fixed the model is an LP; solved as one (every column
    // continuous) by interior point and crossover: on a 1,000-item version-1 plan that takes
    // 15 s where HiGHS's MIP path (dual simplex) had not finished after 59 s.
    let mut raw = relaxed_model(model)?;
    let mut fixed: Vec<i32> = Vec::new();
    let mut values: Vec<f64> = Vec::new();
    for col in integer_columns(model, columns) {
        let (Ok(col_int), Some(value)) = (i32::try_from(col), start.get(col)) else { return Ok(None) };
        fixed.push(col_int);
        values.push(value.round());
    }
    let n_fixed = i32::try_from(fixed.len()).unwrap_or(i32::MAX);
    // SAFETY: `raw` owns a live Highs object; `fixed` lists `n_fixed` of its columns and
    // `values` one bound per listed column.
    unsafe {
        highs_sys::Highs_changeColsBoundsBySet(
            raw.as_mut_ptr(),
            n_fixed,
            fixed.as_ptr(),
            values.as_ptr(),
            values.as_ptr(),
        );
    }
    // The time limit counts from the call, handing the model to HiGHS included.
    let left = options.time_limit_s.map(|limit| limit - started.elapsed().as_secs_f64());
    if left.is_some_and(|left| left < MIN_SOLVE_S) {
        return Ok(None);
    }
    let lp_options = SolveOptions { node_limit: None, verbose: false, time_limit_s: left, ..*options };
    set_options(&mut raw, &lp_options, model.presolve_rules_off())?;
    raw.try_set_option("solver", "ipm").map_err(|_| Error::solver("option solver", "HiGHS rejected it"))?;
    // Only an optimum is a plan: an LP cut short by the limit can hand back a point that
    // breaks rows (seen on a 1,000-item flexible plan: stock short by up to 19 units).
    let outcome = run(raw, &lp_options, n_columns)?;
    Ok(outcome.values.filter(|_| outcome.status == SolveStatus::Optimal))
}

/// `start` (a value for every column, a plan of the model) polished again with the lots of
/// `openings` set up as well ([`crate::plan::construct::other_way_lots`]), then once more with
/// those of them closed that do not pay: the cheapest of the three, within `options`' time
/// limit.
///
/// The first polish LP may share each plan lot with its opening, move it whole, or leave the
/// opening empty (the clean then drops its setup). Its setups are fixed, so an opening it uses
/// only a little still pays its whole lot cost; where the plan's lot kept its setup, an opening
/// whose units save less than its lot cost is closed and the LP solved again. Each opening's
/// setups fit the capacity with overtime the plan left, so the first LP is feasible; the second
/// only takes away setups from lots it need not use (when HiGHS still finds no plan, the first
/// LP's plan stands).
pub(crate) fn polish_other_ways(
    model: &LotSizingModel,
    input: &PlanInput,
    ways: &Options,
    openings: &[Opening],
    start: Vec<f64>,
    options: &SolveOptions,
    clean: impl Fn(&[f64]) -> Option<Vec<f64>>,
) -> Result<Vec<f64>, Error> {
    let started = Instant::now();
    let columns = model.column_index();
    let vars = &model.vars;
    let cost_at = |values: &[f64]| objective_at(&model.objective, &columns, values);
    let column = |var: Option<Variable>| var.and_then(|v| columns.get(&v).copied());
    let mut widened = start.clone();
    for opening in openings {
        let (target, to) = opening.lot;
        let way = ways.get(target);
        let family_setups = way.routings().iter().filter_map(|&row| input.routings[row].family);
        let joint = way.supplier().and_then(|v| vars.joint.get(v, to).copied().flatten());
        let setups = std::iter::once(vars.setup[opening.lot])
            .chain(family_setups.map(|f| vars.family[(f, to)]))
            .chain(std::iter::once(joint));
        for col in setups.filter_map(column) {
            widened[col] = 1.0;
        }
    }
    let time_left = || SolveOptions {
        time_limit_s: options.time_limit_s.map(|limit| limit - started.elapsed().as_secs_f64()),
        ..*options
    };
    let mut best_cost = cost_at(&start);
    let mut best = start;
    let first = polish_start(model, widened, &time_left(), &clean)?.values;
    let first_cost = cost_at(&first);
    // The openings the first LP uses too little to pay for, where the plan's lot is still set up.
    let mut pruned = first.clone();
    let value = |var: Option<Variable>| column(var).and_then(|c| first.get(c)).copied().unwrap_or(0.0);
    let mut closed = 0;
    for opening in openings {
        let pays = opening.unit_saving * value(vars.lot[opening.lot]) >= opening.lot_cost;
        if value(vars.setup[opening.lot]) > 0.5 && value(vars.setup[opening.replaces]) > 0.5 && !pays {
            if let Some(col) = column(vars.setup[opening.lot]) {
                pruned[col] = 0.0;
                closed += 1;
            }
        }
    }
    if first_cost < best_cost {
        (best, best_cost) = (first, first_cost);
    }
    if closed > 0 && time_left().time_limit_s.is_none_or(|left| left >= MIN_SOLVE_S) {
        let second = polish_start(model, pruned, &time_left(), &clean)?.values;
        if cost_at(&second) < best_cost {
            best = second;
        }
    }
    Ok(best)
}
