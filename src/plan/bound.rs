//! A lower bound from the LP relaxation solved by interior point.
//!
//! On large flexible plans HiGHS's MIP solve does not finish its root LP within a minute: the
//! dual simplex needs ~25 times more per iteration once items have routes on other resources
//! (BENCHMARKS.md, "Why the flexible root LP is slow"), so the run ends with no bound and the
//! gap unknown. Interior point does not depend on that coupling: the 300-item LP that dual
//! simplex does not solve in 60 s it solves in about 30 s. [`lp_relaxation_bound`] solves the
//! model's LP relaxation (every integer column continuous) that way, without crossover.
//!
//! Why it is a bound: every plan of the model is a point of its LP relaxation, so the LP's
//! optimum is at most the cost of every plan. Without crossover the interior point method
//! stops at a point whose primal and dual objectives agree to a relative
//! `primal_dual_objective_error` `e = |p - d| / (1 + |p| + |d|)`; the dual objective `d` is a
//! bound (for a dual point feasible to HiGHS's dual feasibility tolerance). From
//! `|d| <= |p| + |p - d|`, `|p - d| <= e (1 + 2|p|) / (1 - e)`, so the bound taken is `p` less
//! that, which is at most `d`. A run that stops before the interior point method
//! converges (the time limit) gives no bound.

use crate::error::Error;
use crate::plan::model::LotSizingModel;
use crate::plan::solve::{relaxed_model, set_options, SolveOptions, MIN_SOLVE_S};
use highs::HighsModelStatus;

/// How many times the first polish LP's seconds (`crate::plan::polish`, interior point on the
/// model with its setups fixed) the LP relaxation by interior point is expected to take.
/// Measured on generated plans, one thread: 8x at 100 flexible items (0.68 s, 5.5 s), 14x at
/// 300 (2.7 s, 38.8 s); the 50-product storefront's polish LP took 21.7 s and its relaxation
/// did not finish in 29 s.
pub(crate) const BOUND_TO_POLISH: f64 = 12.0;

/// Whether the LP bound is expected to finish within `options`' time limit, the first polish
/// LP having taken `polish_s` seconds ([`BOUND_TO_POLISH`]). Where it is not, the time is
/// better left to HiGHS's MIP solve: its dual simplex root LP may finish (it does on the
/// storefront, after about 30 s) where interior point would not.
pub(crate) fn bound_may_finish(polish_s: f64, options: &SolveOptions) -> bool {
    options.time_limit_s.is_none_or(|limit| polish_s * BOUND_TO_POLISH <= limit)
}

/// The optimum of `model`'s LP relaxation, solved by interior point within `options`' time
/// limit (see the module docs), or `None` when it is not solved in time.
pub(crate) fn lp_relaxation_bound(model: &LotSizingModel, options: &SolveOptions) -> Result<Option<f64>, Error> {
    let started = std::time::Instant::now();
    let mut raw = relaxed_model(model)?;
    // The time limit counts from the call, handing the model to HiGHS included.
    let left = options.time_limit_s.map(|limit| limit - started.elapsed().as_secs_f64());
    if left.is_some_and(|left| left < MIN_SOLVE_S) {
        return Ok(None);
    }
    let lp_options = SolveOptions { node_limit: None, time_limit_s: left, ..*options };
    set_options(&mut raw, &lp_options, model.presolve_rules_off())?;
    let fail = |name: &str| Error::solver(format!("option {name}"), "HiGHS rejected it");
    raw.try_set_option("solver", "ipm").map_err(|_| fail("solver"))?;
    raw.try_set_option("run_crossover", "off").map_err(|_| fail("run_crossover"))?;
    // The plan's 1e-9 (`set_options`) is for values written to 1e-6; the bound needs only
    // HiGHS's default feasibility.
    raw.try_set_option("primal_feasibility_tolerance", 1e-7).map_err(|_| fail("primal_feasibility_tolerance"))?;
    let solved = raw.try_solve().map_err(|e| Error::solver("Highs_run", format!("HiGHS failed: {e:?}")))?;
    if solved.status() != HighsModelStatus::Optimal {
        return Ok(None);
    }
    let objective = solved.objective_value();
    let error = solved.double_info_value(c"primal_dual_objective_error").unwrap_or(f64::NAN);
    if !objective.is_finite() || !error.is_finite() || !(0.0..0.5).contains(&error) {
        return Ok(None);
    }
    Ok(Some(objective - error * (1.0 + 2.0 * objective.abs()) / (1.0 - error)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{generate_flexible_adversarial, AdversarialSpec};
    use crate::input::bom::BomGraph;
    use crate::input::Options;
    use crate::plan::demand::bucket_demand;
    use crate::plan::model::{build_model, ModelVariant};
    use crate::plan::solve::{Highs, SolveStatus};

    /// The LP relaxation solved another way: dual simplex (HiGHS's default) with crossover's
    /// exactness, on the same model with every integer column continuous.
    fn simplex_lp_optimum(model: &LotSizingModel) -> Option<f64> {
        let mut raw = relaxed_model(model).expect("a model");
        set_options(&mut raw, &SolveOptions::default(), model.presolve_rules_off()).expect("options");
        let solved = raw.try_solve().expect("HiGHS runs");
        (solved.status() == HighsModelStatus::Optimal).then(|| solved.objective_value())
    }

    /// On flexible adversarial plans the interior point bound equals the simplex LP optimum
    /// (to 1e-6 relative) and lies at or below the MIP optimum the planner proves.
    #[test]
    fn the_lp_bound_is_the_relaxations_optimum_and_below_the_plans() {
        let mut compared = 0;
        for seed in 0..40 {
            let input = generate_flexible_adversarial(&AdversarialSpec::for_seed(seed)).expect("a plan");
            let Ok(bom) = BomGraph::new(&input) else { continue };
            let options = Options::new(&input);
            let demand = bucket_demand(&input);
            let model = build_model(&input, &bom, &options, demand.planned_table(), ModelVariant::default());
            let limited = SolveOptions { time_limit_s: Some(30.0), ..SolveOptions::default() };
            let bound = lp_relaxation_bound(&model, &limited).expect("HiGHS runs");
            let simplex = simplex_lp_optimum(&model);
            match (bound, simplex) {
                (Some(bound), Some(simplex)) => {
                    let tolerance = 1e-6 * simplex.abs().max(1.0);
                    assert!(bound <= simplex + tolerance, "seed {seed}: bound {bound} above the LP optimum {simplex}");
                    assert!(bound >= simplex - tolerance, "seed {seed}: bound {bound} far below the LP {simplex}");
                }
                (None, None) => continue,
                (bound, simplex) => panic!("seed {seed}: interior point {bound:?}, simplex {simplex:?}"),
            }
            let exact = SolveOptions { mip_gap: 0.0, ..SolveOptions::default() };
            let outcome = Highs.solve(model, &exact).expect("HiGHS runs");
            if outcome.status == SolveStatus::Optimal {
                let (bound, optimum) = (bound.unwrap_or(f64::NAN), outcome.objective.unwrap_or(f64::NAN));
                assert!(bound <= optimum + 1e-6 * optimum.abs().max(1.0), "seed {seed}: {bound} above {optimum}");
                compared += 1;
            }
        }
        assert!(compared >= 20, "only {compared} feasible plans compared");
    }
}
