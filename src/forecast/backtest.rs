//! Rolling-origin backtest per series, scored by MASE.
//!
//! With `folds = K` and horizon `h`, fold `k = 0..K` trains on the first `n - h * (K - k)`
//! buckets and is scored on the next `h` (statsforecast's `cross_validation` with
//! `n_windows = K, step_size = h`). Folds with no training bucket are skipped; a series too
//! short for any fold gets no score and a method chosen by its class (see [`default_method`]).
//!
//! MASE of a method = mean over the folds of (mean absolute error over the `h` test buckets) /
//! scale, where the scale is the in-sample mean absolute one-step naive error over the training
//! part of the first fold. When that is 0 (a constant or one-bucket training part), the scale is
//! the mean absolute demand of that part, and 1 when that is 0 too (errors then count in units).
//! The best method has the lowest MASE; ties go to the simpler method (the order of
//! [`Method::ALL`]).

use super::classify::DemandClass;
use super::methods::{all_flat_forecasts_many, forecast, Method, MethodParams};

/// The backtest result of one series.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesAccuracy {
    /// MASE per method, in the order of [`Method::ALL`]; `None` without folds.
    pub mase: [Option<f64>; Method::ALL.len()],
    /// Number of folds that could be scored.
    pub folds_used: usize,
    /// The MASE scale used.
    pub scale: f64,
    /// The method chosen for the forecast.
    pub best: Method,
}

impl SeriesAccuracy {
    /// The MASE of one method.
    pub fn mase_of(&self, method: Method) -> Option<f64> {
        let idx = Method::ALL.iter().position(|m| *m == method)?;
        self.mase.get(idx).copied().flatten()
    }
}

/// The method used for a series that cannot be backtested: SBA for sporadic demand, SES for
/// regular demand, naive (0) without demand.
pub fn default_method(class: DemandClass) -> Method {
    match class {
        DemandClass::Smooth | DemandClass::Erratic => Method::Ses,
        DemandClass::Intermittent | DemandClass::Lumpy => Method::CrostonSba,
        DemandClass::NoDemand => Method::Naive,
    }
}

/// The training lengths (cutoffs) of the usable folds.
pub fn fold_cutoffs(n_obs: usize, horizon: usize, folds: usize) -> Vec<usize> {
    (0..folds)
        .filter_map(|k| {
            let back = horizon.checked_mul(folds - k)?;
            let cutoff = n_obs.checked_sub(back)?;
            (cutoff >= 1 && horizon >= 1).then_some(cutoff)
        })
        .collect()
}

/// The MASE scale of a training part (see the module docs).
pub fn mase_scale(training: &[f64]) -> f64 {
    if training.len() >= 2 {
        let naive_error = training.windows(2).map(|w| (w[1] - w[0]).abs()).sum::<f64>() / (training.len() - 1) as f64;
        if naive_error > 0.0 {
            return naive_error;
        }
    }
    let level = training.iter().map(|v| v.abs()).sum::<f64>() / training.len().max(1) as f64;
    if level > 0.0 {
        level
    } else {
        1.0
    }
}

/// Backtests every method on one series and picks the best.
pub fn backtest(
    history: &[f64],
    horizon: usize,
    folds: usize,
    params: &MethodParams,
    class: DemandClass,
) -> SeriesAccuracy {
    backtest_and_flat_forecasts(history, horizon, folds, params, class).0
}

/// [`backtest`], and the flat forecast of every method on the whole history
/// ([`super::methods::all_flat_forecasts`]), computed together: the searches of ADIDA and IMAPA
/// of the folds and of the whole history run side by side.
pub fn backtest_and_flat_forecasts(
    history: &[f64],
    horizon: usize,
    folds: usize,
    params: &MethodParams,
    class: DemandClass,
) -> (SeriesAccuracy, [f64; Method::ALL.len()]) {
    let cutoffs = fold_cutoffs(history.len(), horizon, folds);
    let mut histories: Vec<&[f64]> = cutoffs.iter().filter_map(|&cutoff| history.get(..cutoff)).collect();
    histories.push(history);
    let mut flats = all_flat_forecasts_many(&histories, params);
    let full = flats.pop().unwrap_or([0.0; Method::ALL.len()]);
    (score_folds(history, horizon, &cutoffs, &flats, params, class), full)
}

/// [`backtest_and_flat_forecasts`] of several series (each with its demand class), in their
/// order: the searches of all of them run side by side, so that series of equal length fill the
/// interleaved lanes. Equal to calling [`backtest_and_flat_forecasts`] on each.
pub fn backtest_and_flat_forecasts_many(
    series: &[(&[f64], DemandClass)],
    horizon: usize,
    folds: usize,
    params: &MethodParams,
) -> Vec<(SeriesAccuracy, [f64; Method::ALL.len()])> {
    let cutoffs_of: Vec<Vec<usize>> =
        series.iter().map(|(history, _)| fold_cutoffs(history.len(), horizon, folds)).collect();
    let mut histories: Vec<&[f64]> = Vec::new();
    for ((history, _), cutoffs) in series.iter().zip(&cutoffs_of) {
        histories.extend(cutoffs.iter().filter_map(|&cutoff| history.get(..cutoff)));
        histories.push(history);
    }
    let flats = all_flat_forecasts_many(&histories, params);
    let mut rest = flats.as_slice();
    series
        .iter()
        .zip(&cutoffs_of)
        .map(|((history, class), cutoffs)| {
            let (own, after) = rest.split_at(rest.len().min(cutoffs.len() + 1));
            rest = after;
            let (full, fold_flats) =
                own.split_last().map_or(([0.0; Method::ALL.len()], own), |(full, folds)| (*full, folds));
            (score_folds(history, horizon, cutoffs, fold_flats, params, *class), full)
        })
        .collect()
}

/// Scores the folds at `cutoffs` whose flat forecasts are `flats` and picks the best method.
fn score_folds(
    history: &[f64],
    horizon: usize,
    cutoffs: &[usize],
    flats: &[[f64; Method::ALL.len()]],
    params: &MethodParams,
    class: DemandClass,
) -> SeriesAccuracy {
    let Some(&first_cutoff) = cutoffs.first() else {
        return SeriesAccuracy {
            mase: [None; Method::ALL.len()],
            folds_used: 0,
            scale: 1.0,
            best: default_method(class),
        };
    };
    let scale = mase_scale(history.get(..first_cutoff).unwrap_or(history));
    let mut totals = [0.0; Method::ALL.len()];
    for (&cutoff, flat) in cutoffs.iter().zip(flats) {
        let training = history.get(..cutoff).unwrap_or(history);
        let actual = history.get(cutoff..(cutoff + horizon).min(history.len())).unwrap_or(&[]);
        for ((total, &method), &value) in totals.iter_mut().zip(Method::ALL.iter()).zip(flat) {
            let abs_error: f64 = if method == Method::SeasonalNaive {
                let predicted = forecast(method, training, horizon, params);
                actual.iter().zip(&predicted).map(|(a, p)| (a - p).abs()).sum()
            } else {
                actual.iter().map(|a| (a - value).abs()).sum()
            };
            *total += abs_error / actual.len().max(1) as f64 / scale;
        }
    }
    let mut mase = [None; Method::ALL.len()];
    for (slot, total) in mase.iter_mut().zip(totals) {
        *slot = Some(total / cutoffs.len() as f64);
    }
    let mut best = Method::ALL[0];
    let mut best_score = f64::INFINITY;
    for (score, &method) in mase.iter().zip(Method::ALL.iter()) {
        if let Some(score) = score {
            if *score < best_score {
                best_score = *score;
                best = method;
            }
        }
    }
    SeriesAccuracy { mase, folds_used: cutoffs.len(), scale, best }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cutoffs_of_a_short_series_skip_empty_training() {
        assert_eq!(fold_cutoffs(10, 2, 4), vec![2, 4, 6, 8]);
        assert_eq!(fold_cutoffs(5, 2, 4), vec![1, 3]);
        assert!(fold_cutoffs(1, 1, 3).is_empty());
    }

    #[test]
    fn naive_mase_by_hand() {
        // y = [1, 3, 2, 4], h = 1, 2 folds: cutoffs 2 and 3. Scale from [1, 3] = 2.
        // Naive fold 1: predicts 3, actual 2 -> 1; fold 2: predicts 2, actual 4 -> 2.
        // MASE = mean(1/2, 2/2) = 0.75.
        let accuracy = backtest(&[1.0, 3.0, 2.0, 4.0], 1, 2, &MethodParams::default(), DemandClass::Smooth);
        assert_eq!(accuracy.folds_used, 2);
        assert_eq!(accuracy.scale, 2.0);
        assert_eq!(accuracy.mase_of(Method::Naive), Some(0.75));
    }

    #[test]
    fn too_short_series_gets_the_class_default() {
        let accuracy = backtest(&[3.0], 4, 4, &MethodParams::default(), DemandClass::Smooth);
        assert_eq!(accuracy.folds_used, 0);
        assert_eq!(accuracy.best, Method::Ses);
        assert_eq!(accuracy.mase_of(Method::Naive), None);
    }
    #[test]
    fn batched_backtest_equals_the_scalar_methods_bit_for_bit() {
        use crate::forecast::methods::flat_forecast;
        // Pseudo-random intermittent series of mixed lengths (a short one too).
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let series: Vec<Vec<f64>> = (0..23)
            .map(|k| {
                let len = [104, 60, 3, 17, 104, 1][k % 6];
                (0..len).map(|_| if next() % 3 == 0 { (next() % 9) as f64 } else { 0.0 }).collect()
            })
            .collect();
        let params = MethodParams::default();
        let inputs: Vec<(&[f64], DemandClass)> = series.iter().map(|y| (y.as_slice(), DemandClass::Lumpy)).collect();
        let batched = backtest_and_flat_forecasts_many(&inputs, 4, 4, &params);
        assert_eq!(batched.len(), series.len());
        for (y, (accuracy, flat)) in series.iter().zip(&batched) {
            // The scalar path: one method at a time, one golden-section search at a time.
            let cutoffs = fold_cutoffs(y.len(), 4, 4);
            let scale = cutoffs.first().map_or(1.0, |&c| mase_scale(&y[..c]));
            for (idx, method) in Method::ALL.into_iter().enumerate() {
                assert_eq!(flat[idx].to_bits(), flat_forecast(method, y, &params).to_bits(), "{method:?} on {y:?}");
                let expected = (!cutoffs.is_empty()).then(|| {
                    cutoffs
                        .iter()
                        .map(|&cutoff| {
                            let predicted = forecast(method, &y[..cutoff], 4, &params);
                            let actual = &y[cutoff..(cutoff + 4).min(y.len())];
                            actual.iter().zip(&predicted).map(|(a, p)| (a - p).abs()).sum::<f64>()
                                / actual.len() as f64
                                / scale
                        })
                        .sum::<f64>()
                        / cutoffs.len() as f64
                });
                assert_eq!(
                    accuracy.mase_of(method).map(f64::to_bits),
                    expected.map(f64::to_bits),
                    "{method:?} on {y:?}"
                );
            }
        }
    }
}
