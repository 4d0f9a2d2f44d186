//! Point-forecast methods for one series, matching statsforecast 2.1.1's definitions.
//!
//! The intermittent-demand methods follow statsforecast's `models.py` and its C++ `ses` module
//! exactly (initialisation, interval definition, aggregation, golden-section search), so the
//! numbers agree to rounding (checked in `tests/it/forecast.rs` against committed statsforecast
//! output):
//! - **SES** (given `alpha`): the level starts at the first observation,
//!   `l_t = alpha * y_{t-1} + (1 - alpha) * l_{t-1}`; the forecast is the level after the last
//!   observation. A one-observation series forecasts that observation.
//! - **Croston classic**: SES (alpha 0.1) of the positive demands and of the intervals between
//!   non-zero observations (the first interval counts from one period before the series start),
//!   forecast = demand level / interval level. A series with no positive demand forecasts its
//!   last value (statsforecast falls back to naive), which is 0.
//! - **SBA**: Croston classic times 0.95 (`1 - alpha / 2`).
//! - **TSB** (given `alpha_d`, `alpha_p`): SES of the positive demands times SES of the 0/1
//!   demand-occurrence series. All zeros forecast 0.
//! - **ADIDA**: aggregation level `k` = the mean interval rounded half to even (numpy's
//!   `round`); the oldest `n mod k` observations are dropped, the rest summed in blocks of `k`;
//!   SES with alpha chosen by golden-section search on `[0.1, 0.3]` minimising the one-step
//!   squared error of the block sums; forecast = block forecast / `k`. All zeros forecast 0.
//! - **IMAPA**: the ADIDA forecast for every level `1..=k`, averaged.
//!
//! The benchmarks:
//! - **Naive**: the last observation.
//! - **Seasonal naive** (`season_length`): the observation one season back. flexplan differs from
//!   statsforecast for a series shorter than one season: statsforecast gives NaN for the
//!   positions it has not seen, flexplan gives the naive forecast (a planner needs a number).
//! - **Moving average** (statsforecast's `WindowAverage`): the mean of the last `window`
//!   observations; a shorter series uses all it has (statsforecast: NaN).
//!
//! Every forecast is finite and `>= 0` for a finite, non-negative series.

use serde::Serialize;

/// A forecasting method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Method {
    /// The last observation.
    Naive,
    /// The observation one season back.
    SeasonalNaive,
    /// The mean of the last `window` observations.
    MovingAverage,
    /// Simple exponential smoothing with a given alpha.
    Ses,
    /// Croston's method, classic (alpha 0.1).
    CrostonClassic,
    /// Syntetos-Boylan approximation: Croston times 0.95.
    CrostonSba,
    /// Teunter-Syntetos-Babai with given alphas.
    Tsb,
    /// Aggregate-disaggregate intermittent demand approach.
    Adida,
    /// Intermittent multiple aggregation prediction algorithm.
    Imapa,
}

impl Method {
    /// Every method, in the order used for ties (simplest first).
    pub const ALL: [Method; 9] = [
        Method::Naive,
        Method::SeasonalNaive,
        Method::MovingAverage,
        Method::Ses,
        Method::CrostonClassic,
        Method::CrostonSba,
        Method::Tsb,
        Method::Adida,
        Method::Imapa,
    ];

    /// The name in output tables: statsforecast's model alias.
    pub fn name(self) -> &'static str {
        match self {
            Method::Naive => "Naive",
            Method::SeasonalNaive => "SeasonalNaive",
            Method::MovingAverage => "WindowAverage",
            Method::Ses => "SES",
            Method::CrostonClassic => "CrostonClassic",
            Method::CrostonSba => "CrostonSBA",
            Method::Tsb => "TSB",
            Method::Adida => "ADIDA",
            Method::Imapa => "IMAPA",
        }
    }

    /// The method with this output name.
    pub fn from_name(name: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.name() == name)
    }
}

/// The parameters of the methods that have any.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MethodParams {
    /// Season length in buckets for seasonal naive (52 for weeks).
    pub season_length: usize,
    /// Window of the moving average.
    pub window: usize,
    /// SES smoothing constant.
    pub ses_alpha: f64,
    /// TSB smoothing constant of the demand size.
    pub tsb_alpha_d: f64,
    /// TSB smoothing constant of the demand probability.
    pub tsb_alpha_p: f64,
}

impl Default for MethodParams {
    fn default() -> Self {
        MethodParams { season_length: 52, window: 4, ses_alpha: 0.1, tsb_alpha_d: 0.1, tsb_alpha_p: 0.1 }
    }
}

/// The forecast of `method` for the `horizon` buckets after `history`. An empty history
/// forecasts zeros.
pub fn forecast(method: Method, history: &[f64], horizon: usize, params: &MethodParams) -> Vec<f64> {
    if history.is_empty() {
        return vec![0.0; horizon];
    }
    if method == Method::SeasonalNaive {
        return seasonal_naive(history, horizon, params.season_length);
    }
    vec![flat_forecast(method, history, params); horizon]
}

/// The one value a non-seasonal method forecasts for every future bucket (seasonal naive: its
/// first step). `history` must not be empty (0 is returned when it is).
pub fn flat_forecast(method: Method, history: &[f64], params: &MethodParams) -> f64 {
    let Some(&last) = history.last() else {
        return 0.0;
    };
    match method {
        Method::Naive => last,
        Method::SeasonalNaive => seasonal_naive(history, 1, params.season_length).first().copied().unwrap_or(last),
        Method::MovingAverage => moving_average(history, params.window),
        Method::Ses => ses_forecast(history, params.ses_alpha),
        Method::CrostonClassic => croston_classic(history),
        Method::CrostonSba => 0.95 * croston_classic(history),
        Method::Tsb => tsb(history, params.tsb_alpha_d, params.tsb_alpha_p),
        Method::Adida => adida(history),
        Method::Imapa => imapa(history),
    }
}

/// The flat forecast of every method of [`Method::ALL`] at once (seasonal naive: its first
/// step), sharing the work the methods have in common: demand sizes and intervals (Croston, SBA,
/// TSB) and the aggregation at the ADIDA level, which is IMAPA's highest level. Equal to calling
/// [`flat_forecast`] for each method.
pub fn all_flat_forecasts(history: &[f64], params: &MethodParams) -> [f64; Method::ALL.len()] {
    all_flat_forecasts_many(&[history], params).pop().unwrap_or([0.0; Method::ALL.len()])
}

/// [`all_flat_forecasts`] of several histories (e.g. the training prefixes of a backtest's folds
/// and the whole series), in their order. The golden-section searches of ADIDA and IMAPA of all
/// of them run side by side ([`golden_section_ses_many`]), which is faster than one after the
/// other and gives the same numbers.
pub fn all_flat_forecasts_many(histories: &[&[f64]], params: &MethodParams) -> Vec<[f64; Method::ALL.len()]> {
    // Per history: the block sums of every aggregation level 1..=max_level (none when all zero).
    let block_sums_of: Vec<Vec<Vec<f64>>> = histories
        .iter()
        .map(|history| match mean_interval_level(&intervals(history)) {
            None => Vec::new(),
            Some(max_level) => (1..=max_level).map(|level| block_sums(history, level)).collect(),
        })
        .collect();
    let all_sums: Vec<&[f64]> = block_sums_of.iter().flatten().map(Vec::as_slice).collect();
    let alphas = golden_section_ses_many(&all_sums, 0.1, 0.3);
    let mut alpha_iter = alphas.into_iter();
    histories
        .iter()
        .zip(&block_sums_of)
        .map(|(history, per_level)| {
            let per_level_forecast: Vec<f64> = per_level
                .iter()
                .enumerate()
                .map(|(level_idx, sums)| {
                    let alpha = alpha_iter.next().unwrap_or(0.2);
                    ses_forecast(sums, alpha) / (level_idx + 1) as f64
                })
                .collect();
            simple_flat_forecasts(history, params, &per_level_forecast)
        })
        .collect()
}

/// Every flat forecast of one history, given the optimised SES forecast per aggregation level
/// (divided by the level), levels 1..=ADIDA's level (empty for an all-zero history).
fn simple_flat_forecasts(history: &[f64], params: &MethodParams, per_level: &[f64]) -> [f64; Method::ALL.len()] {
    let Some(&last) = history.last() else {
        return [0.0; Method::ALL.len()];
    };
    let sizes = demand_sizes(history);
    let gaps = intervals(history);
    let croston = if sizes.is_empty() {
        last
    } else {
        let size_level = ses_forecast(&sizes, 0.1);
        let interval_level = ses_forecast(&gaps, 0.1);
        if interval_level != 0.0 {
            size_level / interval_level
        } else {
            size_level
        }
    };
    let tsb = if gaps.is_empty() {
        0.0
    } else {
        let occurrence: Vec<f64> = history.iter().map(|&v| if v != 0.0 { 1.0 } else { 0.0 }).collect();
        ses_forecast(&occurrence, params.tsb_alpha_p) * ses_forecast(&sizes, params.tsb_alpha_d)
    };
    let (adida, imapa) = match per_level.last() {
        None => (0.0, 0.0),
        Some(&adida) => (adida, per_level.iter().sum::<f64>() / per_level.len() as f64),
    };
    [
        last,
        seasonal_naive(history, 1, params.season_length).first().copied().unwrap_or(last),
        moving_average(history, params.window),
        ses_forecast(history, params.ses_alpha),
        croston,
        0.95 * croston,
        tsb,
        adida,
        imapa,
    ]
}

fn seasonal_naive(history: &[f64], horizon: usize, season_length: usize) -> Vec<f64> {
    let n = history.len();
    if season_length == 0 || n < season_length {
        return vec![history.last().copied().unwrap_or(0.0); horizon];
    }
    (0..horizon).map(|step| history.get(n - season_length + step % season_length).copied().unwrap_or(0.0)).collect()
}

fn moving_average(history: &[f64], window: usize) -> f64 {
    let window = window.clamp(1, history.len().max(1));
    let tail = &history[history.len().saturating_sub(window)..];
    if tail.is_empty() {
        return 0.0;
    }
    tail.iter().sum::<f64>() / tail.len() as f64
}

/// statsforecast's `ses_forecast`: the one-step forecast after the last value.
pub fn ses_forecast(x: &[f64], alpha: f64) -> f64 {
    let Some((&first, rest)) = x.split_first() else {
        return 0.0;
    };
    let complement = 1.0 - alpha;
    // fitted[i] = alpha * x[i-1] + (1 - alpha) * fitted[i-1], fitted[0] = x[0].
    let mut fitted = first;
    let mut previous = first;
    for &value in rest {
        fitted = alpha * previous + complement * fitted;
        previous = value;
    }
    if rest.is_empty() {
        return first;
    }
    alpha * previous + complement * fitted
}

/// statsforecast's `ses_sse`: the sum of squared one-step errors of SES on `x`.
pub fn ses_sse(alpha: f64, x: &[f64]) -> f64 {
    if x.len() < 2 {
        return 0.0;
    }
    ses_sse_from(alpha, x, x[0], 0.0)
}

/// [`ses_sse`]'s loop over the pairs of `x`, from a running `forecast` and `sse` (the start of
/// a series, or where [`ses_sse_lanes`] left a lane).
#[inline(always)]
fn ses_sse_from(alpha: f64, x: &[f64], mut forecast: f64, mut sse: f64) -> f64 {
    let complement = 1.0 - alpha;
    for pair in x.windows(2) {
        forecast = alpha * pair[0] + complement * forecast;
        let error = pair[1] - forecast;
        sse += error * error;
    }
    sse
}

/// statsforecast's `golden_section_ses`: the alpha in `[lower, upper]` minimising
/// [`ses_sse`], by golden-section search to a bracket of 1e-12 (stopping early at an exact tie).
pub fn golden_section_ses(x: &[f64], lower: f64, upper: f64) -> f64 {
    let golden_ratio = (5.0_f64.sqrt() + 1.0) / 2.0;
    let (mut a, mut b) = (lower, upper);
    let mut c = b - (b - a) / golden_ratio;
    let mut d = a + (b - a) / golden_ratio;
    let mut fc = ses_sse(c, x);
    let mut fd = ses_sse(d, x);
    while (b - a).abs() >= 1e-12 {
        if fc < fd {
            b = d;
            d = c;
            fd = fc;
            c = b - (b - a) / golden_ratio;
            fc = ses_sse(c, x);
        } else if fd < fc {
            a = c;
            c = d;
            fc = fd;
            d = a + (b - a) / golden_ratio;
            fd = ses_sse(d, x);
        } else {
            break;
        }
    }
    (b + a) / 2.0
}

/// [`golden_section_ses`] of every series of `xs`, bit for bit. The series go in groups of
/// eight of similar length (longest first); each group's searches run in lockstep, so that
/// every SSE evaluation runs eight independent recurrences side by side over a time-major
/// copy of the group's values, which the processor overlaps and the compiler vectorises.
pub fn golden_section_ses_many(xs: &[&[f64]], lower: f64, upper: f64) -> Vec<f64> {
    let mut order: Vec<usize> = (0..xs.len()).collect();
    order.sort_by_key(|&idx| std::cmp::Reverse(xs.get(idx).map_or(0, |x| x.len())));
    let mut alphas = vec![0.0; xs.len()];
    let mut rows = Vec::new();
    for chunk in order.chunks(LANES) {
        let group: [&[f64]; LANES] =
            std::array::from_fn(|lane| chunk.get(lane).and_then(|&idx| xs.get(idx)).copied().unwrap_or(&[]));
        let found = golden_section_group(group, lower, upper, &mut rows);
        for (&idx, alpha) in chunk.iter().zip(found) {
            if let Some(slot) = alphas.get_mut(idx) {
                *slot = alpha;
            }
        }
    }
    alphas
}

/// Searches run side by side by [`golden_section_ses_many`].
const LANES: usize = 8;

/// [`golden_section_ses`] on each of [`LANES`] series, in lockstep: a lane whose search has
/// ended keeps its bracket while the others go on. `rows` is scratch space.
fn golden_section_group(xs: [&[f64]; LANES], lower: f64, upper: f64, rows: &mut Vec<[f64; LANES]>) -> [f64; LANES] {
    let golden_ratio = (5.0_f64.sqrt() + 1.0) / 2.0;
    let common = xs.iter().map(|x| x.len()).min().unwrap_or(0);
    rows.clear();
    rows.extend((0..common).map(|t| std::array::from_fn(|lane| xs[lane].get(t).copied().unwrap_or(0.0))));
    let (mut a, mut b) = ([lower; LANES], [upper; LANES]);
    let mut c = [upper - (upper - lower) / golden_ratio; LANES];
    let mut d = [lower + (upper - lower) / golden_ratio; LANES];
    let mut fc = ses_sse_lanes(&xs, rows, c);
    let mut fd = ses_sse_lanes(&xs, rows, d);
    let mut running = [true; LANES];
    loop {
        let mut points = c;
        let mut moved_lower = [false; LANES];
        for lane in 0..LANES {
            // The loop condition and the tie of `golden_section_ses`.
            if (b[lane] - a[lane]).abs() < 1e-12 || !(fc[lane] < fd[lane] || fd[lane] < fc[lane]) {
                running[lane] = false;
            }
            if !running[lane] {
                continue;
            }
            if fc[lane] < fd[lane] {
                b[lane] = d[lane];
                d[lane] = c[lane];
                fd[lane] = fc[lane];
                c[lane] = b[lane] - (b[lane] - a[lane]) / golden_ratio;
                points[lane] = c[lane];
                moved_lower[lane] = true;
            } else {
                a[lane] = c[lane];
                c[lane] = d[lane];
                fc[lane] = fd[lane];
                d[lane] = a[lane] + (b[lane] - a[lane]) / golden_ratio;
                points[lane] = d[lane];
            }
        }
        if !running.contains(&true) {
            break;
        }
        let values = ses_sse_lanes(&xs, rows, points);
        for lane in 0..LANES {
            if running[lane] {
                if moved_lower[lane] {
                    fc[lane] = values[lane];
                } else {
                    fd[lane] = values[lane];
                }
            }
        }
    }
    std::array::from_fn(|lane| (b[lane] + a[lane]) / 2.0)
}

/// [`ses_sse`] of `alphas[lane]` on `xs[lane]` for every lane, bit for bit: the lanes together
/// over `rows` (the first values of every lane, time-major), then the rest of each lane alone.
/// On x86-64 processors with AVX the same code is compiled for 256-bit registers, which hold
/// twice the lanes; they add and multiply each lane exactly as the scalar instructions do (no
/// fused multiply-add), so the results are the same bits on every processor.
fn ses_sse_lanes(xs: &[&[f64]; LANES], rows: &[[f64; LANES]], alphas: [f64; LANES]) -> [f64; LANES] {
    #[cfg(target_arch = "x86_64")]
    if is_x86_feature_detected!("avx") {
        // SAFETY: the processor has just been found to support AVX.
        return unsafe { ses_sse_lanes_avx(xs, rows, alphas) };
    }
    ses_sse_lanes_body(xs, rows, alphas)
}

/// [`ses_sse_lanes_body`] compiled for AVX.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
unsafe fn ses_sse_lanes_avx(xs: &[&[f64]; LANES], rows: &[[f64; LANES]], alphas: [f64; LANES]) -> [f64; LANES] {
    ses_sse_lanes_body(xs, rows, alphas)
}

/// The body of [`ses_sse_lanes`], inlined into each of its compilations.
#[inline(always)]
fn ses_sse_lanes_body(xs: &[&[f64]; LANES], rows: &[[f64; LANES]], alphas: [f64; LANES]) -> [f64; LANES] {
    let complements = alphas.map(|alpha| 1.0 - alpha);
    let mut forecasts: [f64; LANES] = std::array::from_fn(|lane| xs[lane].first().copied().unwrap_or(0.0));
    let mut sses = [0.0; LANES];
    for pair in rows.windows(2) {
        let (previous, next) = (&pair[0], &pair[1]);
        for lane in 0..LANES {
            forecasts[lane] = alphas[lane] * previous[lane] + complements[lane] * forecasts[lane];
            let error = next[lane] - forecasts[lane];
            sses[lane] += error * error;
        }
    }
    for (lane, x) in xs.iter().enumerate() {
        let rest = x.get(rows.len().max(1) - 1..).unwrap_or(&[]);
        sses[lane] = ses_sse_from(alphas[lane], rest, forecasts[lane], sses[lane]);
    }
    sses
}

/// SES with alpha optimised on `[0.1, 0.3]` (statsforecast's `_optimized_ses_forecast`).
fn optimized_ses_forecast(x: &[f64]) -> f64 {
    let alpha = golden_section_ses(x, 0.1, 0.3);
    ses_forecast(x, alpha)
}

/// The positive values (statsforecast's `_demand`).
fn demand_sizes(history: &[f64]) -> Vec<f64> {
    history.iter().copied().filter(|&v| v > 0.0).collect()
}

/// Intervals between non-zero values, the first counted from one bucket before the start
/// (statsforecast's `_intervals`).
pub fn intervals(history: &[f64]) -> Vec<f64> {
    let mut out = Vec::new();
    let mut previous = 0usize;
    for (idx, &value) in history.iter().enumerate() {
        if value != 0.0 {
            out.push((idx + 1 - previous) as f64);
            previous = idx + 1;
        }
    }
    out
}

fn croston_classic(history: &[f64]) -> f64 {
    let sizes = demand_sizes(history);
    if sizes.is_empty() {
        return history.last().copied().unwrap_or(0.0);
    }
    let size_level = ses_forecast(&sizes, 0.1);
    let interval_level = ses_forecast(&intervals(history), 0.1);
    if interval_level != 0.0 {
        size_level / interval_level
    } else {
        size_level
    }
}

fn tsb(history: &[f64], alpha_d: f64, alpha_p: f64) -> f64 {
    if history.iter().all(|&v| v == 0.0) {
        return 0.0;
    }
    let occurrence: Vec<f64> = history.iter().map(|&v| if v != 0.0 { 1.0 } else { 0.0 }).collect();
    let probability = ses_forecast(&occurrence, alpha_p);
    let size = ses_forecast(&demand_sizes(history), alpha_d);
    probability * size
}

/// The mean interval rounded half to even, at least 1; `None` for an all-zero series.
fn aggregation_level(history: &[f64]) -> Option<usize> {
    mean_interval_level(&intervals(history))
}

fn mean_interval_level(gaps: &[f64]) -> Option<usize> {
    if gaps.is_empty() {
        return None;
    }
    let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
    Some((mean.round_ties_even() as usize).max(1))
}

/// Block sums of `history` after dropping the oldest `len mod level` values.
fn block_sums(history: &[f64], level: usize) -> Vec<f64> {
    let lost = history.len() % level;
    history[lost..].chunks_exact(level).map(|block| block.iter().sum()).collect()
}

/// statsforecast's `chunk_forecast`: optimised SES of the block sums.
fn chunk_forecast(history: &[f64], level: usize) -> f64 {
    let sums = block_sums(history, level);
    match sums.len() {
        0 => history.last().copied().unwrap_or(0.0),
        1 => sums[0],
        _ => optimized_ses_forecast(&sums),
    }
}

fn adida(history: &[f64]) -> f64 {
    match aggregation_level(history) {
        None => 0.0,
        Some(level) => chunk_forecast(history, level) / level as f64,
    }
}

fn imapa(history: &[f64]) -> f64 {
    let Some(max_level) = aggregation_level(history) else {
        return 0.0;
    };
    let total: f64 = (1..=max_level)
        .map(|level| {
            let sums = block_sums(history, level);
            optimized_ses_forecast(&sums) / level as f64
        })
        .sum();
    total / max_level as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ses_by_hand() {
        // level: 2 -> 0.5*2+0.5*2 = 2 -> 0.5*4+0.5*2 = 3; forecast 0.5*0+0.5*3 = 1.5
        assert!((ses_forecast(&[2.0, 4.0, 0.0], 0.5) - 1.5).abs() < 1e-12);
        assert_eq!(ses_forecast(&[7.0], 0.3), 7.0);
    }

    #[test]
    fn intervals_count_from_before_the_start() {
        assert_eq!(intervals(&[0.0, 3.0, 0.0, 0.0, 1.0]), vec![2.0, 3.0]);
    }

    #[test]
    fn croston_by_hand() {
        // sizes [3, 1]: level 0.1*3+0.9*3 = 3 -> forecast 0.1*1 + 0.9*3 = 2.8
        // intervals [2, 3]: forecast 0.1*3 + 0.9*2 = 2.1
        let y = [0.0, 3.0, 0.0, 0.0, 1.0];
        let expected = 2.8 / 2.1;
        assert!((flat_forecast(Method::CrostonClassic, &y, &MethodParams::default()) - expected).abs() < 1e-12);
        assert!((flat_forecast(Method::CrostonSba, &y, &MethodParams::default()) - 0.95 * expected).abs() < 1e-12);
    }

    #[test]
    fn golden_section_finds_the_minimum_of_a_brute_force_grid() {
        let x = [3.0, 0.0, 5.0, 1.0, 0.0, 4.0, 2.0, 6.0];
        let alpha = golden_section_ses(&x, 0.1, 0.3);
        let best_on_grid = (0..=20_000)
            .map(|k| 0.1 + 0.2 * k as f64 / 20_000.0)
            .min_by(|a, b| ses_sse(*a, &x).total_cmp(&ses_sse(*b, &x)))
            .unwrap_or(0.1);
        assert!((alpha - best_on_grid).abs() < 1e-4, "{alpha} vs {best_on_grid}");
    }

    /// Series of every length from 0 to 40 (several per length, as in a backtest), mostly
    /// intermittent, some constant or all zero, from a fixed linear congruential generator.
    fn assorted_series() -> Vec<Vec<f64>> {
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut all = Vec::new();
        for len in 0..=40 {
            for kind in 0..5 {
                let series = (0..len)
                    .map(|_| match kind {
                        0 => 0.0,
                        1 => 3.0,
                        2 => (next() * 100.0).floor(),
                        _ if next() < 0.3 => (next() * 20.0).floor() + 1.0,
                        _ => 0.0,
                    })
                    .collect();
                all.push(series);
            }
        }
        all
    }

    #[test]
    fn side_by_side_searches_give_the_same_bits_as_one_at_a_time() {
        let series = assorted_series();
        let refs: Vec<&[f64]> = series.iter().map(Vec::as_slice).collect();
        let together = golden_section_ses_many(&refs, 0.1, 0.3);
        assert_eq!(together.len(), refs.len());
        for (x, alpha) in refs.iter().zip(&together) {
            assert_eq!(alpha.to_bits(), golden_section_ses(x, 0.1, 0.3).to_bits(), "series {x:?}");
        }
    }

    #[test]
    fn every_compilation_of_the_lane_kernel_gives_the_scalar_bits() {
        let series = assorted_series();
        let mut rows = Vec::new();
        // Groups of neighbours in length order, as the search forms them.
        for (start, group) in series.chunks(LANES).enumerate() {
            let xs: [&[f64]; LANES] = std::array::from_fn(|lane| group.get(lane).map_or(&[][..], Vec::as_slice));
            let alphas: [f64; LANES] = std::array::from_fn(|lane| 0.1 + 0.025 * lane as f64 + 1e-3 * start as f64);
            let common = xs.iter().map(|x| x.len()).min().unwrap_or(0);
            rows.clear();
            rows.extend((0..common).map(|t| std::array::from_fn(|lane| xs[lane][t])));
            let scalar: [u64; LANES] = std::array::from_fn(|lane| ses_sse(alphas[lane], xs[lane]).to_bits());
            assert_eq!(ses_sse_lanes_body(&xs, &rows, alphas).map(f64::to_bits), scalar);
            assert_eq!(ses_sse_lanes(&xs, &rows, alphas).map(f64::to_bits), scalar);
            #[cfg(target_arch = "x86_64")]
            if is_x86_feature_detected!("avx") {
                // SAFETY: AVX was just detected.
                assert_eq!(unsafe { ses_sse_lanes_avx(&xs, &rows, alphas) }.map(f64::to_bits), scalar);
            }
        }
    }

    #[test]
    fn all_at_once_equals_one_by_one() {
        let params = MethodParams { season_length: 3, ..MethodParams::default() };
        for y in
            [&[0.0, 3.0, 0.0, 0.0, 1.0, 0.0, 2.0][..], &[5.0], &[0.0, 0.0], &[1.0, 2.0, 0.0, 0.0, 0.0, 0.0, 9.0, 1.0]]
        {
            let together = all_flat_forecasts(y, &params);
            for (value, method) in together.iter().zip(Method::ALL) {
                assert_eq!(*value, flat_forecast(method, y, &params), "{method:?} on {y:?}");
            }
        }
    }

    #[test]
    fn seasonal_naive_repeats_the_last_season() {
        let y = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(seasonal_naive(&y, 4, 3), vec![3.0, 4.0, 5.0, 3.0]);
        assert_eq!(seasonal_naive(&y, 2, 7), vec![5.0, 5.0]);
    }
}
