//! Forecasting custom orders: intermittent-demand forecasts that feed the plan.
//!
//! A history table (the spec's orders table, or statsforecast's `unique_id, ds, y`) becomes one
//! bucketed series per item (or item and market) ([`series`]). Each series is classified by
//! ADI and CV² ([`classify`](mod@classify)), every method of [`methods`] is backtested on rolling origins
//! ([`backtest`]) and the best one by MASE forecasts the series; quantiles and a
//! service-level safety stock come from a count distribution ([`quantiles`]).
//!
//! Series are processed in parallel with rayon; each series' result depends only on that
//! series, and results are collected in series order (sorted by id), so the output is identical
//! for any thread count.
//!
//! # Example
//!
//! ```
//! use flexplan::forecast::{forecast_frame, ForecastOptions};
//! use polars::prelude::*;
//!
//! let history = df!(
//!     "unique_id" => ["A", "A", "A", "A", "A", "A"],
//!     "ds" => ["2026-01-05", "2026-01-12", "2026-01-19", "2026-01-26", "2026-02-02", "2026-02-09"],
//!     "y" => [0.0, 3.0, 0.0, 0.0, 2.0, 0.0],
//! )?;
//! let options = ForecastOptions { horizon: 2, folds: 2, ..ForecastOptions::default() };
//! let tables = forecast_frame(&history, &options)?;
//! assert_eq!(tables.forecasts.height(), 2); // the best method, two weeks ahead
//! assert_eq!(tables.accuracy.height(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod backtest;
pub mod classify;
pub mod methods;
pub mod mix;
pub mod quantiles;
pub mod series;

use crate::error::{Diagnostic, Diagnostics, Error, InputError, Result};
use crate::format::{csv_field, fmt_float};
use crate::input::table::{self, Cell, Need, Table};
use crate::input::{Bucket, PeriodOf};
use backtest::{backtest_and_flat_forecasts_many, SeriesAccuracy};
use chrono::NaiveDate;
use classify::{classify, Classification, DemandClass};
use methods::{forecast, Method, MethodParams};
use polars::prelude::{Column, DataFrame, DataType, ParquetWriter};
use quantiles::{safety_stock, CountDistribution};
use rayon::prelude::*;
use series::{calendar, History, SeriesKey};
use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The quantile levels written next to the mean.
pub const QUANTILE_LEVELS: [f64; 3] = [0.5, 0.9, 0.95];

/// The files a forecast folder may hold (anything else in OUT_DIR is not ours).
pub const FORECAST_FILES: [&str; 8] = [
    "forecasts.csv",
    "forecasts.parquet",
    "accuracy.csv",
    "accuracy.parquet",
    "accuracy_summary.csv",
    "accuracy_summary.parquet",
    "safety_stock.csv",
    "safety_stock.parquet",
];

/// What to forecast and how.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastOptions {
    /// Bucket length of the series.
    pub bucket: Bucket,
    /// Buckets to forecast (also the backtest's test window).
    pub horizon: usize,
    /// How an orders table is split into series.
    pub key: SeriesKey,
    /// Rolling-origin folds of the backtest (0: no backtest; every series uses its class default).
    pub folds: usize,
    /// Service level of the suggested safety stock, in `(0, 1)`.
    pub service_level: f64,
    /// Method parameters.
    pub params: MethodParams,
    /// Write every method's forecast, not only the best one's.
    pub all_methods: bool,
}

impl Default for ForecastOptions {
    fn default() -> Self {
        ForecastOptions {
            bucket: Bucket::Week,
            horizon: 4,
            key: SeriesKey::Item,
            folds: 4,
            service_level: 0.95,
            params: MethodParams::default(),
            all_methods: false,
        }
    }
}

/// Everything computed for one series.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesForecast {
    /// The series id.
    pub unique_id: String,
    /// The item the series is demand for.
    pub item: String,
    /// Number of buckets in the history.
    pub n_obs: usize,
    /// ADI / CV² class.
    pub classification: Classification,
    /// Backtest scores and the chosen method.
    pub accuracy: SeriesAccuracy,
    /// First day of each forecast bucket.
    pub dates: Vec<NaiveDate>,
    /// Forecast per written method (the best only unless `all_methods`), `horizon` values each.
    pub forecasts: Vec<(Method, Vec<f64>)>,
    /// Variance-to-mean ratio of the history (the quantile distribution's dispersion).
    pub dispersion: f64,
}

impl SeriesForecast {
    /// The forecast of the best method.
    pub fn best_forecast(&self) -> &[f64] {
        self.forecasts
            .iter()
            .find(|(m, _)| *m == self.accuracy.best)
            .map(|(_, values)| values.as_slice())
            .unwrap_or(&[])
    }
}

/// Checks the options a user may get wrong.
pub fn check_options(options: &ForecastOptions) -> Result<()> {
    let mut diags = Diagnostics::new();
    let mut problem = |message: String| diags.push(Diagnostic::file("<options>", message));
    if options.horizon == 0 || options.horizon > series::MAX_BUCKETS {
        problem(format!("the horizon must be 1 to {} buckets, not {}", series::MAX_BUCKETS, options.horizon));
    }
    if !(options.service_level > 0.0 && options.service_level < 1.0) {
        problem(format!("the service level must be between 0 and 1 (e.g. 0.95), not {}", options.service_level));
    }
    if options.folds > 1000 {
        problem(format!("at most 1000 folds, not {}", options.folds));
    }
    let params = &options.params;
    for (name, alpha) in
        [("SES alpha", params.ses_alpha), ("TSB alpha_d", params.tsb_alpha_d), ("TSB alpha_p", params.tsb_alpha_p)]
    {
        if !(alpha > 0.0 && alpha <= 1.0) {
            problem(format!("{name} must be in (0, 1], not {alpha}"));
        }
    }
    if params.window == 0 {
        problem("the moving-average window must be at least 1".to_string());
    }
    diags.finish(())
}

/// Forecasts every series of a history, in parallel (on the current rayon pool).
pub fn forecast_history(history: &History, options: &ForecastOptions) -> Result<Vec<SeriesForecast>> {
    check_options(options)?;
    let horizon_calendar = calendar(history.anchor, history.bucket);
    let results = history
        .series
        .par_chunks(SERIES_PER_BATCH)
        .flat_map_iter(|chunk| {
            let classifications: Vec<Classification> = chunk.iter().map(|s| classify(&s.values)).collect();
            let inputs: Vec<(&[f64], DemandClass)> =
                chunk.iter().zip(&classifications).map(|(s, c)| (s.values.as_slice(), c.class)).collect();
            let scored = backtest_and_flat_forecasts_many(&inputs, options.horizon, options.folds, &options.params);
            chunk
                .iter()
                .zip(classifications)
                .zip(scored)
                .map(|((s, classification), (accuracy, flat))| {
                    series_forecast(s, classification, accuracy, &flat, &horizon_calendar, options)
                })
                .collect::<Vec<_>>()
        })
        .collect();
    Ok(results)
}

/// Series backtested together (their golden-section searches interleaved); the results do not
/// depend on it.
const SERIES_PER_BATCH: usize = 16;

/// The result of one series from its class, backtest and flat forecasts.
fn series_forecast(
    s: &series::DemandSeries,
    classification: Classification,
    accuracy: SeriesAccuracy,
    flat: &[f64; Method::ALL.len()],
    horizon_calendar: &crate::input::Horizon,
    options: &ForecastOptions,
) -> SeriesForecast {
    let methods: Vec<Method> = if options.all_methods { Method::ALL.to_vec() } else { vec![accuracy.best] };
    let forecasts = methods.into_iter().map(|m| (m, method_forecast(m, &s.values, flat, options))).collect();
    let first_future = match horizon_calendar.locate(s.start) {
        PeriodOf::InHorizon(t) => t + s.values.len(),
        _ => s.values.len(),
    };
    let dates = (0..options.horizon)
        .map(|step| horizon_calendar.period_start(first_future + step).unwrap_or(s.start))
        .collect();
    SeriesForecast {
        unique_id: s.unique_id.clone(),
        item: s.item.clone(),
        n_obs: s.values.len(),
        classification,
        accuracy,
        dates,
        forecasts,
        dispersion: quantiles::dispersion_of(&s.values),
    }
}

/// The `horizon` forecasts of `method`: seasonal naive from the history, every other method its
/// flat value from `flat` (the methods' [`methods::all_flat_forecasts`]), as
/// [`methods::forecast`] gives them.
fn method_forecast(
    method: Method,
    history: &[f64],
    flat: &[f64; Method::ALL.len()],
    options: &ForecastOptions,
) -> Vec<f64> {
    let position = Method::ALL.iter().position(|m| *m == method);
    match (method, position.and_then(|idx| flat.get(idx))) {
        (Method::SeasonalNaive, _) | (_, None) => forecast(method, history, options.horizon, &options.params),
        _ if history.is_empty() => vec![0.0; options.horizon],
        (_, Some(&value)) => vec![value; options.horizon],
    }
}

/// The output tables of a forecast run.
#[derive(Debug, Clone)]
pub struct ForecastTables {
    /// Long format: `unique_id, ds, method, mean, p50, p90, p95`.
    pub forecasts: DataFrame,
    /// Per series: `unique_id, item, n_obs, class, adi, cv2, folds, best_method, mase_best,
    /// mase_naive`, and `mase_<method>` for every method.
    pub accuracy: DataFrame,
    /// Per class and overall: `class, method, n_series, mean_mase` (method `best` = the chosen
    /// method of each series), so the best can be read next to `Naive`.
    pub accuracy_summary: DataFrame,
    /// Per item: `item, mean, service_level, quantile, safety_stock` for one bucket.
    pub safety_stock: DataFrame,
}

/// Reads a history table (orders or long series) from a frame and forecasts it.
pub fn forecast_frame(history: &DataFrame, options: &ForecastOptions) -> Result<ForecastTables> {
    let table = Table::from_frame("<history frame>", history);
    let history = series::history_from_table(&table, options.bucket, options.key)?;
    let results = forecast_history(&history, options)?;
    tables(&results, options)
}

/// Loads a history file (`.csv` or `.parquet`) as a table, CSV cells as text.
pub fn read_history(path: &Path) -> Result<Table> {
    let file_name =
        path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
    let is_parquet = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
    if is_parquet {
        return table::read_parquet(path, &file_name).map_err(|d| InputError::single(d).into());
    }
    let bytes = fs::read(path)
        .map_err(|e| InputError::single(Diagnostic::file(&file_name, format!("cannot read the file: {e}"))))?;
    if let Some(table) = plain_series_csv(&file_name, &bytes) {
        return Ok(table);
    }
    table::parse_csv(&file_name, &bytes).map_err(|problems| {
        let mut diags = Diagnostics::new();
        problems.into_iter().for_each(|d| diags.push(d));
        diags.into_problems().into()
    })
}

/// The fast path of [`read_history`] for a plain `unique_id,ds,y` CSV (statsforecast's
/// layout: a header, then `id,date,number` rows): the bytes are parsed directly into a typed table, which
/// gives the same cells as the text table of [`table::parse_csv`]. `None` for anything else:
/// the generic reader then reads the file and reports every problem with its row.
fn plain_series_csv(file_name: &str, bytes: &[u8]) -> Option<Table> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1)?;
    let (mut ids, mut days, mut quantities) = (Vec::new(), Vec::new(), Vec::new());
    for row in series::PlainRows::new(bytes)? {
        let (id, date, quantity) = row?;
        ids.push(id);
        days.push(i32::try_from((date - epoch).num_days()).ok()?);
        quantities.push(quantity);
    }
    let frame = DataFrame::new(
        ids.len(),
        vec![
            Column::new("unique_id".into(), ids),
            Column::new("ds".into(), days).cast(&DataType::Date).ok()?,
            Column::new("y".into(), quantities),
        ],
    )
    .ok()?;
    Some(Table::from_frame(file_name, &frame))
}

/// Reads a history file (as [`read_history`]) into bucketed series (as
/// [`series::history_from_table_aligned`]): what `flexplan forecast` does. A plain
/// `unique_id,ds,y` CSV is memory-mapped and read straight into series
/// ([`series::history_from_plain_csv`]), with no table of its millions of rows in between;
/// the result is the same.
pub fn read_history_series(
    path: &Path,
    bucket: Bucket,
    key: SeriesKey,
    align_to: Option<NaiveDate>,
) -> Result<History> {
    let file_name =
        path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
    let is_csv = path.extension().is_none_or(|e| !e.eq_ignore_ascii_case("parquet"));
    if is_csv {
        // SAFETY: the map is only read, while this function runs; a file truncated by another
        // process meanwhile could fault the read (as for any memory-mapped input, e.g.
        // ripgrep's), which is not a case of bad input. Anything that cannot be mapped (an
        // empty file, a pipe) goes the generic way, which also reports read errors.
        let mapped = fs::File::open(path)
            .ok()
            .filter(|file| file.metadata().is_ok_and(|m| m.is_file() && m.len() > 0))
            .and_then(|file| unsafe { memmap2::Mmap::map(&file) }.ok());
        if let Some(bytes) = mapped {
            if let Some(history) = series::history_from_plain_csv(&file_name, &bytes, bucket, align_to) {
                return history;
            }
        }
    }
    let table = read_history(path)?;
    series::history_from_table_aligned(&table, bucket, key, align_to)
}

/// Builds the output tables from the per-series results.
pub fn tables(results: &[SeriesForecast], options: &ForecastOptions) -> Result<ForecastTables> {
    let to_error = |e: polars::error::PolarsError| Error::Output {
        path: PathBuf::from("<forecast tables>"),
        source: std::io::Error::other(e.to_string()),
    };
    Ok(ForecastTables {
        forecasts: forecast_frame_of(results).map_err(to_error)?,
        accuracy: accuracy_frame(results).map_err(to_error)?,
        accuracy_summary: summary_frame(results).map_err(to_error)?,
        safety_stock: safety_stock_frame(results, options.service_level).map_err(to_error)?,
    })
}

fn dates_column(name: &str, dates: &[NaiveDate]) -> polars::error::PolarsResult<Column> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let days: Vec<i32> = dates.iter().map(|d| (*d - epoch).num_days() as i32).collect();
    Column::new(name.into(), days).cast(&DataType::Date)
}

fn forecast_frame_of(results: &[SeriesForecast]) -> polars::error::PolarsResult<DataFrame> {
    let mut ids = Vec::new();
    let mut dates = Vec::new();
    let mut methods = Vec::new();
    let mut means = Vec::new();
    let mut quantile_columns: [Vec<f64>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for result in results {
        for (method, values) in &result.forecasts {
            // Most forecasts are flat: compute the quantiles once per distinct mean.
            let mut cached: Option<(f64, [f64; 3])> = None;
            for (date, &mean) in result.dates.iter().zip(values) {
                let quantiles = match cached {
                    Some((cached_mean, quantiles)) if cached_mean == mean => quantiles,
                    _ => {
                        let distribution = CountDistribution { mean: mean.max(0.0), dispersion: result.dispersion };
                        let quantiles = QUANTILE_LEVELS.map(|level| distribution.quantile(level));
                        cached = Some((mean, quantiles));
                        quantiles
                    }
                };
                ids.push(result.unique_id.as_str());
                dates.push(*date);
                methods.push(method.name());
                means.push(crate::format::snap(mean));
                for (column, value) in quantile_columns.iter_mut().zip(quantiles) {
                    column.push(value);
                }
            }
        }
    }
    let height = ids.len();
    let [p50, p90, p95] = quantile_columns;
    DataFrame::new(
        height,
        vec![
            Column::new("unique_id".into(), ids),
            dates_column("ds", &dates)?,
            Column::new("method".into(), methods),
            Column::new("mean".into(), means),
            Column::new("p50".into(), p50),
            Column::new("p90".into(), p90),
            Column::new("p95".into(), p95),
        ],
    )
}

fn accuracy_frame(results: &[SeriesForecast]) -> polars::error::PolarsResult<DataFrame> {
    let height = results.len();
    let snap_opt = |v: Option<f64>| v.map(crate::format::snap);
    let mut columns = vec![
        Column::new("unique_id".into(), results.iter().map(|r| r.unique_id.as_str()).collect::<Vec<_>>()),
        Column::new("item".into(), results.iter().map(|r| r.item.as_str()).collect::<Vec<_>>()),
        Column::new("n_obs".into(), results.iter().map(|r| r.n_obs as u64).collect::<Vec<_>>()),
        Column::new("class".into(), results.iter().map(|r| r.classification.class.name()).collect::<Vec<_>>()),
        Column::new("adi".into(), results.iter().map(|r| snap_opt(r.classification.adi)).collect::<Vec<_>>()),
        Column::new("cv2".into(), results.iter().map(|r| snap_opt(r.classification.cv2)).collect::<Vec<_>>()),
        Column::new("folds".into(), results.iter().map(|r| r.accuracy.folds_used as u64).collect::<Vec<_>>()),
        Column::new("best_method".into(), results.iter().map(|r| r.accuracy.best.name()).collect::<Vec<_>>()),
        Column::new(
            "mase_best".into(),
            results.iter().map(|r| snap_opt(r.accuracy.mase_of(r.accuracy.best))).collect::<Vec<_>>(),
        ),
        Column::new(
            "mase_naive".into(),
            results.iter().map(|r| snap_opt(r.accuracy.mase_of(Method::Naive))).collect::<Vec<_>>(),
        ),
    ];
    for method in Method::ALL {
        columns.push(Column::new(
            format!("mase_{}", method.name()).into(),
            results.iter().map(|r| snap_opt(r.accuracy.mase_of(method))).collect::<Vec<_>>(),
        ));
    }
    DataFrame::new(height, columns)
}

/// Mean MASE per (class, method) over the series that could be scored; `all` is every class.
fn summary_frame(results: &[SeriesForecast]) -> polars::error::PolarsResult<DataFrame> {
    let mut classes: Vec<&str> = DemandClass::ALL.iter().map(|c| c.name()).collect();
    classes.push("all");
    let mut method_names: Vec<&str> = vec!["best"];
    method_names.extend(Method::ALL.iter().map(|m| m.name()));
    let (mut class_column, mut method_column, mut counts, mut scored, mut means) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for class in &classes {
        let members: Vec<&SeriesForecast> =
            results.iter().filter(|r| *class == "all" || r.classification.class.name() == *class).collect();
        if members.is_empty() {
            continue;
        }
        for name in &method_names {
            let scores: Vec<f64> = members
                .iter()
                .filter_map(|r| {
                    let method = if *name == "best" { Some(r.accuracy.best) } else { Method::from_name(name) };
                    method.and_then(|m| r.accuracy.mase_of(m))
                })
                .collect();
            class_column.push(*class);
            method_column.push(*name);
            counts.push(members.len() as u64);
            scored.push(scores.len() as u64);
            means.push(
                (!scores.is_empty()).then(|| crate::format::snap(scores.iter().sum::<f64>() / scores.len() as f64)),
            );
        }
    }
    let height = class_column.len();
    DataFrame::new(
        height,
        vec![
            Column::new("class".into(), class_column),
            Column::new("method".into(), method_column),
            Column::new("n_series".into(), counts),
            Column::new("n_scored".into(), scored),
            Column::new("mean_mase".into(), means),
        ],
    )
}

/// Per item, the one-bucket distribution of the sum of its series (means and variances add):
/// mean = the first forecast bucket's mean of the best methods.
pub fn item_distributions(results: &[SeriesForecast]) -> BTreeMap<&str, CountDistribution> {
    let mut sums: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
    for result in results {
        let mean = result.best_forecast().first().copied().unwrap_or(0.0).max(0.0);
        let entry = sums.entry(result.item.as_str()).or_insert((0.0, 0.0));
        entry.0 += mean;
        entry.1 += mean * result.dispersion;
    }
    sums.into_iter()
        .map(|(item, (mean, variance))| {
            let dispersion = if mean > 0.0 { (variance / mean).max(1.0) } else { 1.0 };
            (item, CountDistribution { mean, dispersion })
        })
        .collect()
}

fn safety_stock_frame(results: &[SeriesForecast], service_level: f64) -> polars::error::PolarsResult<DataFrame> {
    let distributions = item_distributions(results);
    let items: Vec<&str> = distributions.keys().copied().collect();
    let means: Vec<f64> = distributions.values().map(|d| crate::format::snap(d.mean)).collect();
    let quantile: Vec<f64> = distributions.values().map(|d| d.quantile(service_level)).collect();
    let stock: Vec<f64> = distributions.values().map(|d| crate::format::snap(safety_stock(d, service_level))).collect();
    DataFrame::new(
        items.len(),
        vec![
            Column::new("item".into(), items.clone()),
            Column::new("mean".into(), means),
            Column::new("service_level".into(), vec![service_level; items.len()]),
            Column::new("quantile".into(), quantile),
            Column::new("safety_stock".into(), stock),
        ],
    )
}

/// Writes the four tables as CSV and Parquet into `out_dir`, atomically: the folder is filled
/// beside `out_dir` and renamed into place; an existing `out_dir` holding files flexplan did not
/// write is refused.
pub fn write_tables(tables: &ForecastTables, out_dir: &Path) -> Result<()> {
    let named = [
        ("forecasts", &tables.forecasts),
        ("accuracy", &tables.accuracy),
        ("accuracy_summary", &tables.accuracy_summary),
        ("safety_stock", &tables.safety_stock),
    ];
    crate::files::write_dir_atomically(out_dir, &FORECAST_FILES, |staging| {
        for (name, frame) in named {
            write_csv(frame, &staging.join(format!("{name}.csv")))?;
            let mut frame = frame.clone();
            let file = fs::File::create(staging.join(format!("{name}.parquet")))?;
            ParquetWriter::new(file).finish(&mut frame).map_err(|e| std::io::Error::other(e.to_string()))?;
        }
        Ok(())
    })
}

/// Writes a frame as CSV with flexplan's number format (shortest round-trip, snapped to 1e-6).
fn write_csv(frame: &DataFrame, path: &Path) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 20, fs::File::create(path)?);
    let names: Vec<String> = frame.get_column_names().iter().map(|n| csv_field(n.as_str())).collect();
    writeln!(out, "{}", names.join(","))?;
    let cells: Vec<CellWriter<'_>> = frame.columns().iter().map(CellWriter::new).collect();
    let mut line = String::new();
    let mut last_dates: Vec<Option<(i32, String)>> = vec![None; cells.len()];
    for row in 0..frame.height() {
        line.clear();
        for (idx, (cell, last_date)) in cells.iter().zip(last_dates.iter_mut()).enumerate() {
            if idx > 0 {
                line.push(',');
            }
            cell.render(row, &mut line, last_date);
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    out.flush()?;
    out.into_inner().map_err(|e| e.into_error())?.sync_all()
}

/// Renders the cells of one column, typed once per column rather than per cell.
enum CellWriter<'a> {
    Text(&'a polars::prelude::StringChunked),
    Float(&'a polars::prelude::Float64Chunked),
    Whole(&'a polars::prelude::UInt64Chunked),
    Date(Vec<Option<i32>>),
    Other(&'a Column),
}

impl<'a> CellWriter<'a> {
    fn new(column: &'a Column) -> CellWriter<'a> {
        match column.dtype() {
            DataType::String => column.str().map(CellWriter::Text).unwrap_or(CellWriter::Other(column)),
            DataType::Float64 => column.f64().map(CellWriter::Float).unwrap_or(CellWriter::Other(column)),
            DataType::UInt64 => column.u64().map(CellWriter::Whole).unwrap_or(CellWriter::Other(column)),
            DataType::Date => column
                .cast(&DataType::Int32)
                .ok()
                .and_then(|days| days.i32().ok().map(|days| days.iter().collect()))
                .map(CellWriter::Date)
                .unwrap_or(CellWriter::Other(column)),
            _ => CellWriter::Other(column),
        }
    }

    fn render(&self, row: usize, line: &mut String, last_date: &mut Option<(i32, String)>) {
        match self {
            CellWriter::Text(values) => {
                if let Some(text) = values.get(row) {
                    if text.contains([',', '"', '\n', '\r']) {
                        line.push_str(&csv_field(text));
                    } else {
                        line.push_str(text);
                    }
                }
            }
            CellWriter::Float(values) => {
                if let Some(value) = values.get(row) {
                    push_float(value, line);
                }
            }
            CellWriter::Whole(values) => {
                if let Some(value) = values.get(row) {
                    push_whole(value, line);
                }
            }
            CellWriter::Date(days) => {
                if let Some(Some(days)) = days.get(row) {
                    match last_date {
                        Some((cached_days, text)) if cached_days == days => line.push_str(text),
                        _ => {
                            let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
                            let date =
                                epoch.checked_add_signed(chrono::TimeDelta::days(i64::from(*days))).unwrap_or(epoch);
                            let text = date.to_string();
                            line.push_str(&text);
                            *last_date = Some((*days, text));
                        }
                    }
                }
            }
            CellWriter::Other(column) => line.push_str(&render_cell(column, row)),
        }
    }
}

/// Appends an unsigned integer in decimal without allocating.
fn push_whole(value: u64, line: &mut String) {
    let mut digits = [0u8; 20];
    let mut rest = value;
    let mut start = digits.len();
    loop {
        start -= 1;
        if let Some(slot) = digits.get_mut(start) {
            *slot = b'0' + (rest % 10) as u8;
        }
        rest /= 10;
        if rest == 0 || start == 0 {
            break;
        }
    }
    for &digit in digits.get(start..).unwrap_or(&[]) {
        line.push(char::from(digit));
    }
}

/// Appends [`fmt_float`]`(value)` without allocating: a snapped number below 1e9 in magnitude
/// has at most 15 significant digits, so its shortest round-trip form is its six-decimal form
/// with the trailing zeros dropped. Larger and non-finite values go through [`fmt_float`].
fn push_float(value: f64, line: &mut String) {
    let scaled = (value * 1e6).round();
    if !scaled.is_finite() || scaled.abs() >= 1e15 {
        line.push_str(&fmt_float(value));
        return;
    }
    let micros = scaled as i64;
    if micros < 0 {
        line.push('-');
    }
    let micros = micros.unsigned_abs();
    push_whole(micros / 1_000_000, line);
    let mut fraction = micros % 1_000_000;
    if fraction == 0 {
        return;
    }
    line.push('.');
    let mut divisor = 100_000;
    while fraction > 0 && divisor > 0 {
        line.push(char::from(b'0' + (fraction / divisor) as u8));
        fraction %= divisor;
        divisor /= 10;
    }
}

fn render_cell(column: &Column, row: usize) -> String {
    use polars::prelude::AnyValue;
    match column.get(row) {
        Ok(AnyValue::Null) | Err(_) => String::new(),
        Ok(other) => csv_field(&other.to_string()),
    }
}

/// What [`write_plan_forecast`] wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanForecastWritten {
    /// Path of the written `forecast.csv`.
    pub path: PathBuf,
    /// Rows written (item and period with a positive forecast).
    pub rows: usize,
    /// Items forecast but not in the plan's `items` table (left out), sorted.
    pub unknown_items: Vec<String>,
    /// Forecast buckets outside the plan horizon (left out).
    pub outside_horizon: usize,
}

/// Writes the best forecasts as the plan directory's `forecast.csv` (`item, period, quantity`,
/// periods 1-based on the plan's horizon), replacing an earlier one atomically. Series of one
/// item are summed. The bucket must be the plan's; forecast buckets outside the horizon and items
/// the plan does not know are left out and counted.
pub fn write_plan_forecast(results: &[SeriesForecast], bucket: Bucket, plan_dir: &Path) -> Result<PlanForecastWritten> {
    let (horizon, _solver) = crate::input::read::read_plan_toml(&plan_dir.join("plan.toml"))?;
    if horizon.bucket != bucket {
        return Err(InputError::single(Diagnostic::file(
            "plan.toml",
            format!(
                "the plan's bucket is `{}` but the forecast's is `{}`; forecast with --bucket {}",
                horizon.bucket.as_str(),
                bucket.as_str(),
                horizon.bucket.as_str()
            ),
        ))
        .into());
    }
    refuse_parquet_twin(plan_dir, "forecast")?;
    let known = plan_items(plan_dir)?;
    let mut quantities: BTreeMap<(&str, usize), f64> = BTreeMap::new();
    let mut unknown = std::collections::BTreeSet::new();
    let mut outside_horizon = 0;
    for result in results {
        if !known.contains(result.item.as_str()) {
            unknown.insert(result.item.clone());
            continue;
        }
        for (date, &mean) in result.dates.iter().zip(result.best_forecast()) {
            match horizon.locate(*date) {
                PeriodOf::InHorizon(t) => *quantities.entry((result.item.as_str(), t)).or_insert(0.0) += mean.max(0.0),
                _ => outside_horizon += 1,
            }
        }
    }
    let mut text = String::from("item,period,quantity\n");
    let mut rows = 0;
    for ((item, t), quantity) in &quantities {
        let quantity = crate::format::snap(*quantity);
        if quantity > 0.0 {
            text.push_str(&format!("{},{},{}\n", csv_field(item), t + 1, fmt_float(quantity)));
            rows += 1;
        }
    }
    crate::files::write_file_atomically(plan_dir, "forecast.csv", |out| out.write_all(text.as_bytes()))?;
    let path = plan_dir.join("forecast.csv");
    Ok(PlanForecastWritten { path, rows, unknown_items: unknown.into_iter().collect(), outside_horizon })
}

/// A plan-directory table this module writes as `NAME.csv` must not also be there as
/// `NAME.parquet`, which the reader would refuse as two versions of one table.
fn refuse_parquet_twin(plan_dir: &Path, name: &str) -> Result<()> {
    if plan_dir.join(format!("{name}.parquet")).exists() {
        return Err(InputError::single(Diagnostic::file(
            format!("{name}.parquet"),
            format!("the plan directory has a {name}.parquet; remove it so that {name}.csv is the one read"),
        ))
        .into());
    }
    Ok(())
}

/// What [`write_plan_mix`] wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanMixWritten {
    /// The file written, `None` when the plan has no configurable product ordered in the
    /// history (nothing written).
    pub path: Option<PathBuf>,
    /// Its rows.
    pub rows: usize,
    /// The products it covers.
    pub products: Vec<String>,
}

/// Estimates the mix of the plan's configurable products from the orders history at
/// `history` ([`mix::estimate_mix`]) and writes it as the plan directory's `mix.csv`,
/// replacing an earlier one atomically. Nothing is written when no configurable product of
/// the plan is ordered in the history.
///
/// # Errors
/// [`Error::Input`]: the plan's items, bom or routings cannot be read; the history cannot be
/// read or an order's options do not parse; a relevant attribute of a product ordered in the
/// history that no order gives a value for; a `mix.parquet` in the plan directory (it would be
/// read instead).
pub fn write_plan_mix(history: &Path, bucket: Bucket, plan_dir: &Path) -> Result<PlanMixWritten> {
    let products = crate::input::read_products(plan_dir)?;
    if products.is_empty() {
        return Ok(PlanMixWritten { path: None, rows: 0, products: Vec::new() });
    }
    refuse_parquet_twin(plan_dir, "mix")?;
    let table = read_history(history)?;
    let rows = mix::estimate_mix(&table, &products, bucket)?;
    let ordered: Vec<&str> = rows.iter().map(|r| r.item.as_str()).collect();
    let missing = mix::missing_attributes(&rows, &products, &ordered);
    if !missing.is_empty() {
        let mut diags = Diagnostics::new();
        missing.into_iter().for_each(|d| diags.push(d));
        return Err(diags.into_problems().into());
    }
    if rows.is_empty() {
        return Ok(PlanMixWritten { path: None, rows: 0, products: Vec::new() });
    }
    let mut text = String::from("item,attribute,value,share\n");
    let mut covered: Vec<String> = Vec::new();
    for row in &rows {
        text.push_str(&format!(
            "{},{},{},{}\n",
            csv_field(&row.item),
            csv_field(&row.attribute),
            csv_field(&row.value),
            fmt_float(row.share)
        ));
        if covered.last() != Some(&row.item) {
            covered.push(row.item.clone());
        }
    }
    crate::files::write_file_atomically(plan_dir, "mix.csv", |out| out.write_all(text.as_bytes()))?;
    Ok(PlanMixWritten { path: Some(plan_dir.join("mix.csv")), rows: rows.len(), products: covered })
}

/// The item ids of a plan directory's `items` table.
fn plan_items(plan_dir: &Path) -> Result<std::collections::BTreeSet<String>> {
    let file = table::find_table(plan_dir, "items")
        .map_err(InputError::single)?
        .ok_or_else(|| InputError::single(table::missing_table(plan_dir, "items")))?;
    let mut diags = Diagnostics::new();
    let items = table::load_table(&file, &mut diags)
        .map(|t| {
            t.ids("item", Need::Required, &mut diags).into_iter().filter_map(Cell::value).map(str::to_string).collect()
        })
        .unwrap_or_default();
    diags.finish(items)
}

/// Per class and overall: series count, mean MASE of the chosen methods and of naive, and the
/// share of scored series whose chosen method beats naive; a few lines for the terminal.
pub fn accuracy_text(results: &[SeriesForecast]) -> String {
    let mut text =
        format!("{:<13} {:>8} {:>10} {:>11} {:>13}\n", "class", "series", "MASE best", "MASE naive", "beats naive");
    let mut classes: Vec<Option<DemandClass>> = DemandClass::ALL.iter().copied().map(Some).collect();
    classes.push(None);
    for class in classes {
        let members: Vec<&SeriesForecast> =
            results.iter().filter(|r| class.is_none_or(|c| r.classification.class == c)).collect();
        if members.is_empty() {
            continue;
        }
        let pairs: Vec<(f64, f64)> = members
            .iter()
            .filter_map(|r| Some((r.accuracy.mase_of(r.accuracy.best)?, r.accuracy.mase_of(Method::Naive)?)))
            .collect();
        let name = class.map(|c| c.name()).unwrap_or("all");
        if pairs.is_empty() {
            text.push_str(&format!("{name:<13} {:>8} {:>10} {:>11} {:>13}\n", members.len(), "-", "-", "-"));
            continue;
        }
        let n = pairs.len() as f64;
        let best = pairs.iter().map(|p| p.0).sum::<f64>() / n;
        let naive = pairs.iter().map(|p| p.1).sum::<f64>() / n;
        let beats = pairs.iter().filter(|p| p.0 < p.1).count() as f64 / n * 100.0;
        text.push_str(&format!("{name:<13} {:>8} {best:>10.3} {naive:>11.3} {beats:>12.0}%\n", members.len()));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_number_format_equals_fmt_float() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            1e-7,
            4.9999995e-7,
            5e-7,
            -5e-7,
            123.456,
            999_999_999.999_999,
            1e9,
            1e12,
            f64::NAN,
            f64::INFINITY,
            0.1 + 0.2,
            2.0 / 3.0,
        ];
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let magnitude = 10f64.powi((state % 20) as i32 - 8);
            let unit = (state >> 11) as f64 / (1u64 << 53) as f64;
            values.push(if state & 1 == 0 { unit * magnitude } else { -unit * magnitude });
        }
        for value in values {
            let mut line = String::new();
            push_float(value, &mut line);
            assert_eq!(line, fmt_float(value), "{value:e}");
        }
        for value in [0u64, 7, 10, 1234567890, u64::MAX] {
            let mut line = String::new();
            push_whole(value, &mut line);
            assert_eq!(line, value.to_string());
        }
    }
    #[test]
    fn plain_series_reader_equals_the_generic_reader() {
        let text =
            "unique_id,ds,y\nB,2026-01-12,2\nA,2026-01-05,0\nA,2026-01-19,1.5\nB,2026-01-12,3e0\nA,2026-01-05,-0\n";
        let fast = plain_series_csv("s.csv", text.as_bytes()).expect("a plain file takes the fast path");
        let generic = table::parse_csv("s.csv", text.as_bytes()).expect("the generic reader accepts it");
        let read = |t: &Table| series::history_from_table(t, Bucket::Week, SeriesKey::Item).expect("valid history");
        let (fast_history, generic_history) = (read(&fast), read(&generic));
        assert_eq!(fast_history, generic_history);
        // By hand: A spans 2026-01-05..19 = [0, 0, 1.5]; B one week, 2 + 3.
        assert_eq!(fast_history.series.len(), 2);
        assert_eq!(fast_history.series[0].values, vec![0.0, 0.0, 1.5]);
        assert_eq!(fast_history.series[1].values, vec![5.0]);
    }

    #[test]
    fn unusual_series_files_go_to_the_generic_reader() {
        for text in [
            "unique_id,ds,y\nA,2026-01-05,-1\n",
            "unique_id,ds,y\n\"A\",2026-01-05,1\n",
            "unique_id,ds,y\r\nA,2026-01-05,1\r\n",
            "unique_id,ds,y\nA,2026-1-5,1\n",
            "unique_id,ds,y\n A,2026-01-05,1\n",
            "unique_id,ds,y\nA,2026-01-05, 1\n",
            "unique_id,ds,y\nA,2026-01-05,NaN\n",
            "unique_id,ds,y\nA,2026-01-05\n",
            "unique_id,ds,y\nA,2026-01-05,1\n\nA,2026-01-12,1\n",
            "ds,unique_id,y\n2026-01-05,A,1\n",
            "unique_id,ds,y\n",
        ] {
            assert!(plain_series_csv("s.csv", text.as_bytes()).is_none(), "{text:?}");
        }
    }
}
