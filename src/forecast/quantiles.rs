//! Quantiles of bucket demand and service-level safety stock.
//!
//! The stated method: the demand of one future bucket is a **negative binomial** count with mean
//! equal to the point forecast `mu` and the variance-to-mean ratio `r` of the series' history
//! (population variance of all its buckets over their mean). When `r <= 1` (or the history has
//! no demand or fewer than two buckets), the count is **Poisson** with mean `mu`. A quantile
//! `q` is the smallest whole number `k` with `P(D <= k) >= q`. For `mu` above
//! [`NORMAL_ABOVE`] (or a variance so large that a million terms would not reach the tail) a
//! normal approximation with the same mean and variance is used (rounded up), where summing the
//! probabilities would be slow.
//!
//! Safety stock for service level `s` (the probability of not running out in a bucket whose
//! demand follows this distribution): `max(0, quantile(s) - mu)`.

/// Above this mean, quantiles come from the normal approximation.
pub const NORMAL_ABOVE: f64 = 10_000.0;

/// At most this many probabilities are summed for one quantile; a distribution that would need
/// more (an extreme dispersion) uses the normal approximation too.
const MAX_TERMS: f64 = 1_000_000.0;

/// The distribution of one bucket's demand.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CountDistribution {
    /// Mean (the point forecast), `>= 0`.
    pub mean: f64,
    /// Variance-to-mean ratio, `>= 1` (1 = Poisson).
    pub dispersion: f64,
}

impl CountDistribution {
    /// The distribution with mean `mean` and the dispersion of `history`.
    pub fn fitted(mean: f64, history: &[f64]) -> CountDistribution {
        CountDistribution { mean: sanitize(mean), dispersion: dispersion_of(history) }
    }

    /// Variance (`dispersion * mean`).
    pub fn variance(&self) -> f64 {
        self.dispersion * self.mean
    }

    /// The smallest whole `k` with `P(D <= k) >= level` (`level` clamped to `[0, 1)`).
    pub fn quantile(&self, level: f64) -> f64 {
        let level = if level.is_finite() { level.clamp(0.0, 1.0 - 1e-12) } else { 0.5 };
        if self.mean <= 0.0 {
            return 0.0;
        }
        let limit = (self.mean + 60.0 * self.variance().sqrt() + 100.0).ceil();
        if self.mean > NORMAL_ABOVE || limit > MAX_TERMS || limit.is_nan() {
            return (self.mean + inverse_normal(level) * self.variance().sqrt()).ceil().max(0.0);
        }
        // log P(0) and log P(k+1) - log P(k), Poisson or negative binomial (size n, p = 1/r).
        let poisson = self.dispersion <= 1.0;
        let p = 1.0 / self.dispersion;
        let size = if poisson { 0.0 } else { self.mean / (self.dispersion - 1.0) };
        let log_step = |k: f64| {
            if poisson {
                self.mean.ln() - (k + 1.0).ln()
            } else {
                ((k + size) / (k + 1.0)).ln() + (1.0 - p).ln()
            }
        };
        let mut log_pmf = if poisson { -self.mean } else { size * p.ln() };
        let mut cdf = 0.0;
        let mut k = 0.0;
        while k < limit {
            cdf += log_pmf.exp();
            if cdf >= level {
                return k;
            }
            log_pmf += log_step(k);
            k += 1.0;
        }
        k
    }
}

/// The variance-to-mean ratio of a history, at least 1.
pub fn dispersion_of(history: &[f64]) -> f64 {
    if history.len() < 2 {
        return 1.0;
    }
    let n = history.len() as f64;
    let mean = history.iter().sum::<f64>() / n;
    if mean <= 0.0 {
        return 1.0;
    }
    let variance = history.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    let ratio = variance / mean;
    if ratio.is_finite() {
        ratio.max(1.0)
    } else {
        1.0
    }
}

fn sanitize(mean: f64) -> f64 {
    if mean.is_finite() {
        mean.max(0.0)
    } else {
        0.0
    }
}

/// Safety stock for a service level: `max(0, quantile(level) - mean)`.
pub fn safety_stock(distribution: &CountDistribution, service_level: f64) -> f64 {
    (distribution.quantile(service_level) - distribution.mean).max(0.0)
}

/// The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9).
#[allow(clippy::excessive_precision)] // the published coefficients, as published
pub fn inverse_normal(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.383577518672690e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] =
        [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
    let p = p.clamp(1e-300, 1.0 - 1e-16);
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisson_quantiles_by_hand() {
        // Poisson(1): P(0)=0.3679, P(<=1)=0.7358, P(<=2)=0.9197, P(<=3)=0.9810
        let d = CountDistribution { mean: 1.0, dispersion: 1.0 };
        assert_eq!(d.quantile(0.5), 1.0);
        assert_eq!(d.quantile(0.9), 2.0);
        assert_eq!(d.quantile(0.95), 3.0);
        assert_eq!(safety_stock(&d, 0.95), 2.0);
    }

    #[test]
    fn negative_binomial_quantiles_by_hand() {
        // mean 2, ratio 2: size 2, p 0.5. P(0)=0.25, P(1)=0.25, P(2)=0.1875, P(3)=0.125,
        // P(4)=0.078125, P(5)=0.046875, P(6)=0.02734375
        // CDF: 0.25, 0.5, 0.6875, 0.8125, 0.890625, 0.9375, 0.96484375
        let d = CountDistribution { mean: 2.0, dispersion: 2.0 };
        assert_eq!(d.quantile(0.5), 1.0);
        assert_eq!(d.quantile(0.9), 5.0);
        assert_eq!(d.quantile(0.95), 6.0);
    }

    #[test]
    fn extreme_dispersion_uses_the_normal_approximation_quickly() {
        let d = CountDistribution { mean: 100.0, dispersion: 1e12 };
        let expected = (100.0 + inverse_normal(0.95) * (1e14_f64).sqrt()).ceil();
        assert_eq!(d.quantile(0.95), expected);
    }

    #[test]
    fn zero_mean_has_zero_quantiles() {
        assert_eq!(CountDistribution::fitted(0.0, &[0.0, 0.0]).quantile(0.95), 0.0);
    }

    #[test]
    fn inverse_normal_known_values() {
        assert!((inverse_normal(0.95) - 1.6448536269514722).abs() < 1e-8);
        assert!(inverse_normal(0.5).abs() < 1e-12);
    }

    #[test]
    fn dispersion_by_hand() {
        // [0, 0, 6]: mean 2, variance 8, ratio 4
        assert_eq!(dispersion_of(&[0.0, 0.0, 6.0]), 4.0);
        assert_eq!(dispersion_of(&[3.0, 3.0]), 1.0);
    }
}
