//! Forecasting: agreement with statsforecast 2.1.1, degenerate series, thread-count
//! independence, output files, and a forecast that feeds a plan.
//!
//! The expected values in `tests/fixtures/forecast/` were written by
//! `scripts/forecast/expected_values.py` with statsforecast 2.1.1; this test needs no Python.

use chrono::NaiveDate;
use flexplan::forecast::backtest::mase_scale;
use flexplan::forecast::classify::DemandClass;
use flexplan::forecast::methods::{flat_forecast, forecast, Method, MethodParams};
use flexplan::forecast::series::{history_from_table, DemandSeries, History, SeriesKey};
use flexplan::forecast::{
    forecast_frame, forecast_history, read_history, write_plan_forecast, write_tables, ForecastOptions,
};
use flexplan::input::bom::BomGraph;
use flexplan::input::Bucket;
use flexplan::internals::Table;
use polars::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/forecast")
}

fn fixture_series() -> BTreeMap<String, Vec<f64>> {
    let table = read_history(&fixture_dir().join("series.csv")).expect("fixture series readable");
    let history = history_from_table(&table, Bucket::Week, SeriesKey::Item).expect("fixture series valid");
    history.series.into_iter().map(|s| (s.unique_id, s.values)).collect()
}

/// Relative agreement to 1e-6 (absolute 1e-9 around zero).
fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() <= 1e-6 * expected.abs().max(1e-3)
}

#[test]
fn agrees_with_statsforecast_on_the_committed_series() {
    let series = fixture_series();
    assert!(series.len() >= 50, "only {} fixture series", series.len());
    let expected = std::fs::read_to_string(fixture_dir().join("expected.csv")).expect("expected.csv");
    let mut checked = BTreeMap::<String, usize>::new();
    let mut failures = Vec::new();
    for line in expected.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        let [uid, model, alpha, alpha_p, mean] = fields[..] else { panic!("bad line {line}") };
        let y = &series[uid];
        let mean: f64 = mean.parse().expect("a number");
        let mut params = MethodParams::default();
        let method = match model {
            "SES" => {
                params.ses_alpha = alpha.parse().expect("alpha");
                Method::Ses
            }
            "TSB" => {
                params.tsb_alpha_d = alpha.parse().expect("alpha_d");
                params.tsb_alpha_p = alpha_p.parse().expect("alpha_p");
                Method::Tsb
            }
            "WindowAverage" => {
                params.window = alpha.parse().expect("window");
                Method::MovingAverage
            }
            other => Method::from_name(other).unwrap_or_else(|| panic!("unknown model {other}")),
        };
        let actual = flat_forecast(method, y, &params);
        if !close(actual, mean) {
            failures.push(format!("{uid} {model}({alpha},{alpha_p}): flexplan {actual}, statsforecast {mean}"));
        }
        *checked.entry(model.to_string()).or_default() += 1;
    }
    assert!(failures.is_empty(), "{} disagreements:\n{}", failures.len(), failures.join("\n"));
    for model in ["CrostonClassic", "CrostonSBA", "TSB", "ADIDA", "IMAPA", "SES"] {
        assert!(checked.get(model).copied().unwrap_or(0) >= 50, "{model}: {:?}", checked.get(model));
    }
}

#[test]
fn fixture_covers_every_demand_class() {
    let classes: std::collections::BTreeSet<DemandClass> =
        fixture_series().values().map(|y| flexplan::forecast::classify::classify(y).class).collect();
    for class in DemandClass::ALL {
        assert!(classes.contains(&class), "no {class:?} series in the fixture");
    }
}

// ----------------------------------------------------------------------------- degenerate series

fn long_frame(rows: &[(&str, &str, f64)]) -> DataFrame {
    df!(
        "unique_id" => rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        "ds" => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        "y" => rows.iter().map(|r| r.2).collect::<Vec<_>>(),
    )
    .expect("frame")
}

fn history_of(frame: &DataFrame) -> Result<History, flexplan::Error> {
    history_from_table(&Table::from_frame("<test>", frame), Bucket::Week, SeriesKey::Item)
}

#[test]
fn all_zero_series_forecasts_zero_everywhere() {
    let y = [0.0; 12];
    for method in Method::ALL {
        assert_eq!(forecast(method, &y, 3, &MethodParams::default()), vec![0.0; 3], "{method:?}");
    }
    let frame = long_frame(&[("Z", "2026-01-05", 0.0), ("Z", "2026-01-12", 0.0), ("Z", "2026-01-19", 0.0)]);
    let history = history_of(&frame).expect("valid");
    let options = ForecastOptions { horizon: 2, folds: 1, ..ForecastOptions::default() };
    let results = forecast_history(&history, &options).expect("forecast");
    assert_eq!(results[0].classification.class, DemandClass::NoDemand);
    assert_eq!(results[0].best_forecast(), &[0.0, 0.0]);
}

#[test]
fn one_observation_forecasts_that_observation() {
    // statsforecast's SES, Croston, TSB with alpha 1 on one point all return the point itself
    // (a one-point SES is the point); flexplan's moving average and seasonal naive do too.
    for method in [
        Method::Naive,
        Method::SeasonalNaive,
        Method::MovingAverage,
        Method::Ses,
        Method::CrostonClassic,
        Method::Adida,
        Method::Imapa,
    ] {
        assert_eq!(flat_forecast(method, &[6.0], &MethodParams::default()), 6.0, "{method:?}");
    }
    let frame = long_frame(&[("ONE", "2026-01-05", 6.0)]);
    let results = forecast_history(&history_of(&frame).expect("valid"), &ForecastOptions::default()).expect("forecast");
    // No fold has a training bucket, so the class default (SES for regular demand) is used.
    assert_eq!(results[0].accuracy.folds_used, 0);
    assert_eq!(results[0].accuracy.best, Method::Ses);
    assert_eq!(results[0].best_forecast(), &[6.0; 4]);
}

#[test]
fn gaps_in_dates_are_zero_demand_and_same_bucket_rows_add_up() {
    let frame = long_frame(&[
        ("A", "2026-01-05", 2.0),
        ("A", "2026-01-07", 1.0), // same week as the row above
        ("A", "2026-01-26", 4.0), // weeks of 01-12 and 01-19 are missing
        ("B", "2026-01-12", 5.0),
    ]);
    let history = history_of(&frame).expect("valid");
    assert_eq!(history.series.len(), 2);
    let a = &history.series[0];
    assert_eq!((a.unique_id.as_str(), a.values.as_slice()), ("A", &[3.0, 0.0, 0.0, 4.0][..]));
    // A long series starts at its own first date (statsforecast's convention).
    let b = &history.series[1];
    assert_eq!((b.start, b.values.as_slice()), (NaiveDate::from_ymd_opt(2026, 1, 12).unwrap(), &[5.0][..]));
}

#[test]
fn leading_zeros_count_in_the_first_croston_interval() {
    // Orders table: item LATE has its first order in week 3 of a history that starts with EARLY's
    // order; its series starts with two zero weeks, so its first interval is 3.
    let frame = df!(
        "order_id" => ["o1", "o2", "o3", "o4"],
        "item" => ["EARLY", "LATE", "LATE", "EARLY"],
        "quantity" => [1.0, 4.0, 2.0, 1.0],
        "due_date" => ["2026-01-05", "2026-01-19", "2026-01-26", "2026-02-02"],
    )
    .expect("frame");
    let history =
        history_from_table(&Table::from_frame("<orders>", &frame), Bucket::Week, SeriesKey::Item).expect("valid");
    let late = history.series.iter().find(|s| s.unique_id == "LATE").expect("LATE");
    assert_eq!(late.values, vec![0.0, 0.0, 4.0, 2.0, 0.0]);
    // Sizes [4, 2] -> SES(0.1) = 0.1*2 + 0.9*4 = 3.8; intervals [3, 1] -> 0.1*1 + 0.9*3 = 2.8.
    let croston = flat_forecast(Method::CrostonClassic, &late.values, &MethodParams::default());
    assert!((croston - 3.8 / 2.8).abs() < 1e-12, "{croston}");
}

#[test]
fn negative_demand_is_an_error_naming_the_series_and_date() {
    let frame = long_frame(&[("A", "2026-01-05", 2.0), ("RETURNS", "2026-01-12", -3.0)]);
    let error = history_of(&frame).expect_err("negative refused");
    let text = error.to_string();
    assert_eq!(error.problems().expect("located problems").diagnostics.len(), 1, "{text}");
    assert!(text.contains("`RETURNS`") && text.contains("2026-01-12") && text.contains("row 3"), "{text}");

    let orders = df!(
        "order_id" => ["o1"], "item" => ["TEE"], "quantity" => [-1.0], "due_date" => ["2026-01-05"],
    )
    .expect("frame");
    let text = history_from_table(&Table::from_frame("<orders>", &orders), Bucket::Week, SeriesKey::Item)
        .expect_err("negative refused")
        .to_string();
    assert!(text.contains("`TEE`") && text.contains("2026-01-05"), "{text}");
}

#[test]
fn a_table_of_neither_shape_is_refused_with_the_columns_it_needs() {
    let frame = df!("sku" => ["A"], "week" => ["2026-01-05"], "qty" => [1.0]).expect("frame");
    let text = history_of(&frame).expect_err("refused").to_string();
    assert!(text.contains("unique_id, ds, y") && text.contains("item, quantity, due_date"), "{text}");
}

#[test]
fn weeks_can_be_aligned_to_the_plan_calendar() {
    // Earliest order on Wednesday 2025-07-09; the plan starts Monday 2026-01-05 (26 weeks later
    // minus 2 days): the first bucket starts Monday 2025-07-07 and the Wednesday and the next
    // Sunday share it.
    let frame = df!(
        "order_id" => ["a", "b", "c"],
        "item" => ["TEE", "TEE", "TEE"],
        "quantity" => [1.0, 2.0, 4.0],
        "due_date" => ["2025-07-09", "2025-07-13", "2025-07-14"],
    )
    .expect("frame");
    let table = Table::from_frame("<orders>", &frame);
    let plan_start = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
    let aligned =
        flexplan::forecast::series::history_from_table_aligned(&table, Bucket::Week, SeriesKey::Item, Some(plan_start))
            .expect("valid");
    assert_eq!(aligned.anchor, NaiveDate::from_ymd_opt(2025, 7, 7).unwrap());
    assert_eq!(aligned.series[0].values, vec![3.0, 4.0]);
    // Unaligned, weeks start on the earliest date (Wednesday): 07-09..07-15 holds all three.
    let plain = history_from_table(&table, Bucket::Week, SeriesKey::Item).expect("valid");
    assert_eq!(plain.series[0].values, vec![7.0]);
}

#[test]
fn series_by_item_and_market() {
    let frame = df!(
        "order_id" => ["o1", "o2", "o3"],
        "item" => ["TEE", "TEE", "TEE"],
        "quantity" => [1.0, 2.0, 4.0],
        "due_date" => ["2026-01-05", "2026-01-05", "2026-01-12"],
        "market" => [Some("DE"), Some("JP"), None],
    )
    .expect("frame");
    let history =
        history_from_table(&Table::from_frame("<orders>", &frame), Bucket::Week, SeriesKey::ItemMarket).expect("valid");
    let got: Vec<(&str, &str, Vec<f64>)> =
        history.series.iter().map(|s| (s.unique_id.as_str(), s.item.as_str(), s.values.clone())).collect();
    assert_eq!(
        got,
        vec![("TEE|-", "TEE", vec![0.0, 4.0]), ("TEE|DE", "TEE", vec![1.0, 0.0]), ("TEE|JP", "TEE", vec![2.0, 0.0])]
    );
}

// ------------------------------------------------------------------------ backtest and accuracy

#[test]
fn backtest_picks_the_method_with_the_lowest_brute_force_mase() {
    // A series that repeats every 3 buckets: 0, 0, 9. Horizon 3, 2 folds: cutoffs 6 and 9.
    let y: Vec<f64> = (0..12).map(|t| if t % 3 == 2 { 9.0 } else { 0.0 }).collect();
    let params = MethodParams { season_length: 3, ..MethodParams::default() };
    let accuracy = flexplan::forecast::backtest::backtest(&y, 3, 2, &params, DemandClass::Intermittent);
    // Brute force: every method, every fold, by the definition.
    let scale = mase_scale(&y[..6]);
    let mut best = (f64::INFINITY, Method::Naive);
    for method in Method::ALL {
        let mut total = 0.0;
        for cutoff in [6, 9] {
            let predicted = forecast(method, &y[..cutoff], 3, &params);
            total += (0..3).map(|s| (y[cutoff + s] - predicted[s]).abs()).sum::<f64>() / 3.0 / scale;
        }
        let mase = total / 2.0;
        assert!((accuracy.mase_of(method).unwrap_or(f64::NAN) - mase).abs() < 1e-12, "{method:?}");
        if mase < best.0 {
            best = (mase, method);
        }
    }
    // Seasonal naive is exact on a pure 3-periodic series.
    assert_eq!(best.1, Method::SeasonalNaive);
    assert_eq!(accuracy.best, best.1);
    assert_eq!(accuracy.mase_of(Method::SeasonalNaive), Some(0.0));
}

fn generated_history(n_series: usize, n_weeks: usize) -> DataFrame {
    // A small deterministic generator (LCG), independent of the code under test.
    let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let mut state: u64 = 12345;
    let mut next = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 33) as f64 / (1u64 << 31) as f64
    };
    let (mut ids, mut dates, mut ys) = (Vec::new(), Vec::new(), Vec::new());
    for s in 0..n_series {
        let p = 0.1 + 0.6 * next();
        for t in 0..n_weeks {
            ids.push(format!("S{s:04}"));
            dates.push((start + chrono::Days::new(7 * t as u64)).to_string());
            ys.push(if next() < p { (1.0 + 8.0 * next()).floor() } else { 0.0 });
        }
    }
    df!("unique_id" => ids, "ds" => dates, "y" => ys).expect("frame")
}

#[test]
fn results_are_identical_for_one_and_two_threads() {
    let frame = generated_history(60, 40);
    let options = ForecastOptions { horizon: 4, folds: 3, all_methods: true, ..ForecastOptions::default() };
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
        pool.install(|| forecast_frame(&frame, &options)).expect("forecast")
    };
    let (one, two) = (run(1), run(2));
    assert!(one.forecasts.equals_missing(&two.forecasts));
    assert!(one.accuracy.equals_missing(&two.accuracy));
    assert!(one.accuracy_summary.equals_missing(&two.accuracy_summary));
    assert!(one.safety_stock.equals_missing(&two.safety_stock));
    assert_eq!(one.forecasts.height(), 60 * 4 * Method::ALL.len());
}

#[test]
fn accuracy_summary_is_the_mean_of_the_per_series_table() {
    let frame = generated_history(30, 30);
    let tables = forecast_frame(&frame, &ForecastOptions::default()).expect("forecast");
    let accuracy = &tables.accuracy;
    let best: Vec<Option<f64>> = accuracy.column("mase_best").unwrap().f64().unwrap().iter().collect();
    let naive: Vec<Option<f64>> = accuracy.column("mase_naive").unwrap().f64().unwrap().iter().collect();
    let mean = |v: &[Option<f64>]| v.iter().flatten().sum::<f64>() / v.iter().flatten().count() as f64;
    let summary = &tables.accuracy_summary;
    let row = |method: &str| {
        let classes = summary.column("class").unwrap().str().unwrap();
        let methods = summary.column("method").unwrap().str().unwrap();
        let values = summary.column("mean_mase").unwrap().f64().unwrap();
        (0..summary.height())
            .find(|&r| classes.get(r) == Some("all") && methods.get(r) == Some(method))
            .and_then(|r| values.get(r))
            .expect("row")
    };
    assert!((row("best") - mean(&best)).abs() < 1e-5);
    assert!((row("Naive") - mean(&naive)).abs() < 1e-5);
    // The best method is chosen per series by the same scores, so it never loses to naive.
    assert!(row("best") <= row("Naive") + 1e-9);
}

// --------------------------------------------------------------------------------- output files

#[test]
fn tables_are_written_as_csv_and_parquet_and_a_foreign_folder_is_refused() {
    let frame = generated_history(5, 20);
    let tables =
        forecast_frame(&frame, &ForecastOptions { horizon: 2, ..ForecastOptions::default() }).expect("forecast");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("fc");
    write_tables(&tables, &out).expect("written");
    let csv = std::fs::read_to_string(out.join("forecasts.csv")).expect("csv");
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("unique_id,ds,method,mean,p50,p90,p95"));
    assert_eq!(lines.count(), 10);
    for name in ["forecasts", "accuracy", "accuracy_summary", "safety_stock"] {
        let file = std::fs::File::open(out.join(format!("{name}.parquet"))).expect("parquet");
        let back = ParquetReader::new(file).finish().expect("readable");
        let original = match name {
            "forecasts" => &tables.forecasts,
            "accuracy" => &tables.accuracy,
            "accuracy_summary" => &tables.accuracy_summary,
            _ => &tables.safety_stock,
        };
        assert!(back.equals_missing(original), "{name}");
    }
    // Written again over itself: fine. A folder with someone else's file: refused, untouched.
    write_tables(&tables, &out).expect("rewritten");
    std::fs::write(out.join("notes.txt"), "mine").expect("write");
    assert!(write_tables(&tables, &out).is_err());
    assert_eq!(std::fs::read_to_string(out.join("notes.txt")).expect("kept"), "mine");
}

#[test]
fn quantiles_are_ordered_and_safety_stock_matches_the_p95_for_a_single_series() {
    let frame = generated_history(20, 52);
    let tables = forecast_frame(&frame, &ForecastOptions::default()).expect("forecast");
    let f = &tables.forecasts;
    let col = |name: &str| f.column(name).unwrap().f64().unwrap().into_no_null_iter().collect::<Vec<f64>>();
    let (p50, p90, p95) = (col("p50"), col("p90"), col("p95"));
    for r in 0..f.height() {
        assert!(p50[r] <= p90[r] && p90[r] <= p95[r], "row {r}");
    }
    // One series per item: the safety stock is the first bucket's p95 minus its mean.
    let s = &tables.safety_stock;
    let stock = s.column("safety_stock").unwrap().f64().unwrap().get(0).unwrap();
    let mean = s.column("mean").unwrap().f64().unwrap().get(0).unwrap();
    assert!((stock - (p95[0] - col("mean")[0]).max(0.0)).abs() < 1e-6);
    assert!((mean - col("mean")[0]).abs() < 1e-6);
}

// ------------------------------------------------------------------------------ into the plan

/// Copies the files of `from` (not its folders) into `to`.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        if entry.path().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
        }
    }
}

/// The flexible factory plan case (one item per design: `TEE-SUNSET`, `TOTE-BOTANICA`, ...),
/// the bundled example before it became configure-to-order.
fn flexible_factory() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/plans/flexible_factory")
}

/// 26 weeks of order history before the flexible factory's horizon (which starts Monday 2026-01-05), for
/// the two tote bags: a deterministic pattern, one item every week, one every other week.
fn example_history() -> DataFrame {
    let start = NaiveDate::from_ymd_opt(2025, 7, 7).unwrap();
    let items = ["TOTE-BOTANICA", "TOTE-CITYMAP"];
    let (mut ids, mut item_col, mut qty, mut due) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for week in 0..26u64 {
        for (i, item) in items.iter().enumerate() {
            let every = 1 + i as u64 % 3;
            if week % every == 0 {
                ids.push(format!("H-{week}-{i}"));
                item_col.push(*item);
                qty.push((3 + (week * 7 + i as u64 * 5) % 11) as f64);
                due.push((start + chrono::Days::new(7 * week + 2)).to_string());
            }
        }
    }
    // An order on the anchor day so that weeks start on Mondays like the plan's.
    ids.push("H-anchor".into());
    item_col.push("TOTE-BOTANICA");
    qty.push(1.0);
    due.push(start.to_string());
    df!("order_id" => ids, "item" => item_col, "quantity" => qty, "due_date" => due).expect("frame")
}

#[test]
fn a_forecast_feeds_the_plan_and_firm_orders_are_promised_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plan_dir = dir.path().join("example");
    copy_dir(&flexible_factory(), &plan_dir);

    let table = Table::from_frame("<history>", &example_history());
    let history = history_from_table(&table, Bucket::Week, SeriesKey::Item).expect("history");
    let options = ForecastOptions { horizon: 12, ..ForecastOptions::default() };
    let results = forecast_history(&history, &options).expect("forecast");
    let written = write_plan_forecast(&results, Bucket::Week, &plan_dir).expect("forecast.csv");
    assert!(written.unknown_items.is_empty() && written.outside_horizon == 0, "{written:?}");

    // The existing reader takes it: every row round-trips.
    let input = flexplan::input::read_plan_dir(&plan_dir).expect("plan dir with forecast valid");
    assert_eq!(input.forecast.len(), written.rows);
    let mut from_results: BTreeMap<(String, usize), f64> = BTreeMap::new();
    for r in &results {
        for (t, v) in r.best_forecast().iter().enumerate() {
            *from_results.entry((r.item.clone(), t)).or_default() += v;
        }
    }
    for entry in &input.forecast {
        let expected = from_results[&(input.items[entry.item].id.clone(), entry.period)];
        assert!((entry.quantity - expected).abs() < 1e-6);
    }

    // Demand is max(firm, forecast), and the forecast adds demand beyond the firm orders.
    let demand = flexplan::plan::bucket_demand(&input);
    let mut extra = 0.0;
    for i in 0..input.items.len() {
        for t in 0..input.n_periods() {
            assert_eq!(demand.planned(i, t), demand.firm(i, t).max(demand.forecast(i, t)));
            extra += demand.planned(i, t) - demand.firm(i, t);
        }
    }
    assert!(extra > 1.0, "the forecast adds no demand: {extra}");

    let bom = BomGraph::new(&input).expect("bom");
    let solve = flexplan::plan::SolveOptions { mip_gap: 0.01, threads: 1, ..Default::default() };
    let outcome = flexplan::plan::plan(&input, &bom, &solve).expect("planned");
    let solution = outcome.solution.as_ref().expect("a plan");
    let promises = flexplan::output::order_promises(&input, &demand, solution);

    // Independently: per item, shipments serve outstanding firm orders first; the firm quantity
    // served by the end of period t is cumulative; an order (earliest due first, ties by id) is
    // promised in the first period whose cumulative firm service covers it and all before it.
    let n_periods = input.n_periods();
    for (i, _) in input.items.iter().enumerate() {
        let mut orders: Vec<usize> = (0..input.orders.len())
            .filter(|&o| input.orders[o].item == i && demand.order_period(o).is_some())
            .collect();
        orders.sort_by(|&a, &b| {
            demand.order_period(a).cmp(&demand.order_period(b)).then(input.orders[a].id.cmp(&input.orders[b].id))
        });
        let mut served_by = vec![0.0; n_periods];
        let (mut outstanding, mut served) = (0.0, 0.0);
        for (t, served_through_t) in served_by.iter_mut().enumerate() {
            outstanding += orders
                .iter()
                .filter(|&&o| demand.order_period(o) == Some(t))
                .map(|&o| input.orders[o].quantity)
                .sum::<f64>();
            let take = solution.shipped[(i, t)].min(outstanding);
            outstanding -= take;
            served += take;
            *served_through_t = served;
        }
        let mut cumulative = 0.0;
        for &o in &orders {
            cumulative += input.orders[o].quantity;
            let expected = (0..n_periods).find(|&t| served_by[t] >= cumulative - 1e-6);
            let promise = promises.iter().find(|p| p.order_idx == o).expect("promised");
            assert_eq!(promise.promised_period, expected, "order {}", input.orders[o].id);
        }
    }
    // The plan ships forecast-only demand too (beyond what the firm orders need), and still the
    // promises above count shipments for firm orders first.
    let shipped: f64 = solution.shipped.cells().iter().sum();
    let firm: f64 = demand.firm_table().cells().iter().sum();
    assert!(shipped > firm + 1.0, "shipped {shipped}, firm {firm}");
}

#[test]
fn plan_forecast_refuses_a_different_bucket() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plan_dir = dir.path().join("example");
    copy_dir(&flexible_factory(), &plan_dir);
    let series = DemandSeries {
        unique_id: "TEE-SUNSET".into(),
        item: "TEE-SUNSET".into(),
        start: NaiveDate::from_ymd_opt(2025, 12, 1).unwrap(),
        values: vec![1.0; 4],
    };
    let history = History { bucket: Bucket::Day, anchor: series.start, series: vec![series] };
    let results = forecast_history(&history, &ForecastOptions { bucket: Bucket::Day, ..ForecastOptions::default() })
        .expect("forecast");
    let error = write_plan_forecast(&results, Bucket::Day, &plan_dir).expect_err("refused");
    assert!(error.to_string().contains("--bucket week"), "{error}");
    assert!(!plan_dir.join("forecast.csv").exists());
}

/// `read_history_series` reads a plain `unique_id,ds,y` CSV straight into series (memory-mapped,
/// no table): the history must be the one the table path gives, for interleaved series, gaps,
/// repeated dates, a BOM, no final line end, month buckets and a plan-aligned calendar; files
/// that are not plain (quotes, CRLF, a negative value, an orders table) go the table way.
#[test]
fn the_plain_csv_fast_path_gives_the_table_paths_history() {
    use flexplan::forecast::read_history_series;
    use flexplan::forecast::series::history_from_table_aligned;
    let files: [(&str, &[u8]); 7] = [
        ("plain.csv", b"unique_id,ds,y\nB,2024-01-08,3\nA,2024-01-01,0\nA,2024-01-15,2.5\nB,2024-01-08,1\nA,2024-03-04,7\nC,2024-02-05,0\n"),
        ("bom.csv", b"\xef\xbb\xbfunique_id,ds,y\nS1,2024-01-03,1\nS1,2024-01-10,0\nS1,2024-01-31,4"),
        ("quoted.csv", b"unique_id,ds,y\n\"S,1\",2024-01-01,1\nS2,2024-01-08,2\n"),
        ("crlf.csv", b"unique_id,ds,y\r\nS1,2024-01-01,1\r\nS1,2024-01-08,2\r\n"),
        ("spaces.csv", b"unique_id,ds,y\n S1,2024-01-01,1\nS1 ,2024-01-08,2\n"),
        ("negative.csv", b"unique_id,ds,y\nS1,2024-01-01,-1\n"),
        ("orders.csv", b"order_id,item,quantity,due_date\nO1,FG-1,2,2024-01-02\nO2,FG-1,1,2024-01-20\n"),
    ];
    let dir = tempfile::tempdir().expect("a temporary folder");
    let plan_start = NaiveDate::from_ymd_opt(2023, 12, 27);
    for (name, content) in files {
        let path = dir.path().join(name);
        std::fs::write(&path, content).expect("written");
        for (bucket, align_to) in [(Bucket::Week, None), (Bucket::Month, None), (Bucket::Week, plan_start)] {
            let fast = read_history_series(&path, bucket, SeriesKey::Item, align_to);
            let by_table = read_history(&path)
                .and_then(|table| history_from_table_aligned(&table, bucket, SeriesKey::Item, align_to));
            match (fast, by_table) {
                (Ok(fast), Ok(by_table)) => assert_eq!(fast, by_table, "{name} {bucket:?} {align_to:?}"),
                (Err(fast), Err(by_table)) => {
                    assert_eq!(fast.to_string(), by_table.to_string(), "{name} {bucket:?} {align_to:?}")
                }
                (fast, by_table) => panic!("{name}: fast path {fast:?} but table path {by_table:?}"),
            }
        }
    }
}
