//! Polishing a warm start: the best plan with its setups.
//!
//! The construction decides which lots exist (every setup, lot-multiple count, family setup
//! and joint order) and sizes them by its own rules. With those integer decisions fixed, what
//! is left is an LP: HiGHS sizes every lot, shipment, overtime hour and backlog at the least
//! cost those lots allow. On generated flexible plans that takes 0.5 s at 100 items and 6 s
//! at 300, and saves 0.6-1.3 % of the construction's cost (BENCHMARKS.md, flexible supply):
//! the construction fills capacity greedily, period by period, where the LP shares it out.
//!
//! Why the result is a plan of the model: the polish LP is the model with some columns' bounds
//! narrowed to the start's values, so every solution of it is a solution of the model, and
//! the start is one of its solutions, so its optimum costs no more than the start.
//! [`polish_start`] still keeps the polished plan only when its own objective, evaluated on the
//! values, is lower: HiGHS can hand back a start's values.

use crate::error::Error;
use crate::plan::model::LotSizingModel;
use crate::plan::solve::{raw_model, run, set_options, SolveOptions, MIN_SOLVE_S};
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

/// The model's objective at `values` (one per column).
fn cost_at(model: &LotSizingModel, columns: &HashMap<Variable, usize>, values: &[f64]) -> f64 {
    let at: HashMap<Variable, f64> =
        columns.iter().filter_map(|(&var, &col)| values.get(col).map(|&v| (var, v))).collect();
    model.objective.eval_with(&at)
}

/// Most polish rounds (see [`polish_start`]).
const ROUNDS: usize = 3;

/// `start` (a value for every column) polished (see the module docs) for up to [`ROUNDS`]
/// rounds, all within `options`' time limit (a round starts only when the time left is at
/// least what the last one took). After each round `clean` turns the LP's values
/// into a start again (a plan's lots, with setups only where a lot is left: the LP may empty a
/// lot whose setup it had to keep), and the next round re-sizes the lots with the capacity
/// the dropped setups freed. Ends when a round saves less than 0.1 %.
pub(crate) fn polish_start(
    model: &LotSizingModel,
    start: Vec<f64>,
    options: &SolveOptions,
    clean: impl Fn(&[f64]) -> Option<Vec<f64>>,
) -> Result<Vec<f64>, Error> {
    let columns = model.column_index();
    let mut best = start;
    let mut best_cost = cost_at(model, &columns, &best);
    let started = Instant::now();
    let mut last_round = 0.0;
    for _ in 0..ROUNDS {
        let left = options.time_limit_s.map(|limit| limit - started.elapsed().as_secs_f64());
        // A round cut short by the limit finds nothing: start one only where the last fits.
        if left.is_some_and(|left| left < MIN_SOLVE_S.max(last_round)) {
            break;
        }
        let round_started = Instant::now();
        let round_options = SolveOptions { time_limit_s: left, ..*options };
        let Some(values) = polish(model, &columns, &best, &round_options)? else { break };
        last_round = round_started.elapsed().as_secs_f64();
        let cleaned = clean(&values).filter(|c| cost_at(model, &columns, c) <= cost_at(model, &columns, &values));
        let values = cleaned.unwrap_or(values);
        let cost = cost_at(model, &columns, &values);
        if cost >= best_cost {
            break;
        }
        let saved = best_cost - cost;
        (best, best_cost) = (values, cost);
        if saved < 1e-3 * best_cost.abs() {
            break;
        }
    }
    Ok(best)
}

/// One polish LP: `start` with its lots re-sized, or `None` when the LP finds nothing cheaper
/// within `options`' time limit.
fn polish(
    model: &LotSizingModel,
    columns: &HashMap<Variable, usize>,
    start: &[f64],
    options: &SolveOptions,
) -> Result<Option<Vec<f64>>, Error> {
    let n_columns = model.problem.len();
    if start.len() != n_columns || start.iter().any(|v| !v.is_finite()) {
        return Ok(None);
    }
    let lp_options = SolveOptions { node_limit: None, verbose: false, ..*options };
    let mut raw = raw_model(model.problem.clone(), model.objective.clone(), model.constraints.clone())?;
    set_options(&mut raw, &lp_options, model.presolve_rules_off())?;
    for col in integer_columns(model, columns) {
        let (Ok(col_int), Some(value)) = (i32::try_from(col), start.get(col)) else { return Ok(None) };
        let value = value.round();
        // SAFETY: `raw` owns a live Highs object and `col` is one of its columns.
        unsafe {
            highs_sys::Highs_changeColBounds(raw.as_mut_ptr(), col_int, value, value);
        }
    }
    // A start HiGHS rejects only costs the polish its head start.
    let _ = raw.try_set_solution(Some(start), None, None, None);
    let Some(values) = run(raw, &lp_options, n_columns)?.values else { return Ok(None) };
    let (before, after) = (cost_at(model, columns, start), cost_at(model, columns, &values));
    Ok((after < before - 1e-9 * before.abs().max(1.0)).then_some(values))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{generate_flexible_adversarial, AdversarialSpec};
    use crate::input::bom::BomGraph;
    use crate::input::Options;
    use crate::plan::construct::{construct_plan_until, start_values};
    use crate::plan::model::Formulation;
    use crate::plan::solve::{Highs, SolveStatus};
    use crate::plan::{extract_solution, Built};

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
    /// on some plans.
    #[test]
    fn polishing_the_construction_keeps_a_plan_and_never_costs_more() {
        let (mut compared, mut cheaper) = (0, 0);
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
                polish_start(&built.model, start.clone(), &SolveOptions::default(), clean).expect("HiGHS runs");
            let columns = built.model.column_index();
            let (before, after) = (cost_at(&built.model, &columns, &start), cost_at(&built.model, &columns, &polished));
            let tolerance = 1e-6 * before.abs().max(1.0);
            assert!(after <= before + tolerance, "seed {seed}: polished {after} above the construction's {before}");
            assert!(is_a_plan(&built.model, &polished), "seed {seed}: the polished start breaks a row");
            if after < before - tolerance {
                cheaper += 1;
            }
            let exact = SolveOptions { mip_gap: 0.0, ..SolveOptions::default() };
            let outcome = Highs.solve(built.model, &exact).expect("HiGHS runs");
            if let (SolveStatus::Optimal, Some(optimum)) = (outcome.status, outcome.objective) {
                assert!(after >= optimum - tolerance, "seed {seed}: polished {after} below the optimum {optimum}");
                compared += 1;
            }
        }
        assert!(compared >= 20 && cheaper >= 5, "{compared} plans compared, {cheaper} polished cheaper");
    }
}
