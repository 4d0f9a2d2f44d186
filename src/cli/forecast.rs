//! `flexplan forecast`: forecasts with backtest and quantiles, optionally into a plan's
//! `forecast.csv`.

use super::exit::{self, Failure};
use super::ForecastArgs;
use flexplan::{Error, ErrorKind};
use std::path::Path;

pub(super) fn run(args: ForecastArgs) -> Result<i32, Failure> {
    let ForecastArgs { history, bucket, horizon, out, by, folds, service_level, plan_dir, all_methods, season_length } =
        args;
    let key = match by.replace(' ', "").as_str() {
        "item" => flexplan::forecast::series::SeriesKey::Item,
        "item,market" => flexplan::forecast::series::SeriesKey::ItemMarket,
        other => {
            return Err(Failure::new(ErrorKind::Request, format!("--by takes `item` or `item,market`, not `{other}`")))
        }
    };
    let options = flexplan::forecast::ForecastOptions {
        bucket: bucket.into(),
        horizon,
        key,
        folds,
        service_level,
        params: flexplan::forecast::methods::MethodParams { season_length, ..Default::default() },
        all_methods,
    };
    forecast(&history, &options, &out, plan_dir.as_deref())
}

fn forecast(
    history: &Path,
    options: &flexplan::forecast::ForecastOptions,
    out: &Path,
    plan_dir: Option<&Path>,
) -> Result<i32, Failure> {
    let started = std::time::Instant::now();
    // With a plan directory, forecast buckets are the plan's periods.
    let align_to = match plan_dir {
        Some(dir) => match flexplan::input::read_plan_toml(&dir.join("plan.toml")) {
            Ok((horizon, _)) if horizon.bucket != options.bucket => {
                return Err(Failure::new(
                    ErrorKind::Input,
                    format!(
                        "the plan in {} has `{}` periods; forecast it with --bucket {}",
                        dir.display(),
                        horizon.bucket.as_str(),
                        horizon.bucket.as_str()
                    ),
                ));
            }
            Ok((horizon, _)) => Some(horizon.start),
            Err(Error::Input(problems)) => {
                return Err(Failure::invalid_input(format!("invalid input in {}", dir.display()), &problems))
            }
            Err(other) => return Err(other.into()),
        },
        None => None,
    };
    let loaded = flexplan::forecast::read_history_series(history, options.bucket, options.key, align_to)
        .and_then(|series| Ok((flexplan::forecast::forecast_history(&series, options)?, series)));
    let (results, series) = match loaded {
        Ok(loaded) => loaded,
        Err(Error::Input(problems)) => {
            return Err(Failure::invalid_input(format!("invalid input in {}", history.display()), &problems))
        }
        Err(other) => return Err(other.into()),
    };
    let tables = flexplan::forecast::tables(&results, options)?;
    flexplan::forecast::write_tables(&tables, out)?;
    sayln!(
        "forecast {} series ({} buckets of history from {}) {} {}s ahead in {:.2} s; written to {}",
        results.len(),
        series.series.iter().map(|s| s.values.len()).max().unwrap_or(0),
        series.anchor,
        options.horizon,
        options.bucket.as_str(),
        started.elapsed().as_secs_f64(),
        out.display()
    );
    say!("{}", flexplan::forecast::accuracy_text(&results));
    if let Some(plan_dir) = plan_dir {
        match flexplan::forecast::write_plan_forecast(&results, options.bucket, plan_dir) {
            Ok(written) => {
                sayln!("wrote {} rows to {}", written.rows, written.path.display());
                if !written.unknown_items.is_empty() {
                    sayln!(
                        "  left out {} item(s) not in the plan's items table: {}",
                        written.unknown_items.len(),
                        written.unknown_items.join(", ")
                    );
                }
                if written.outside_horizon > 0 {
                    sayln!("  left out {} forecast bucket(s) outside the plan horizon", written.outside_horizon);
                }
            }
            Err(Error::Input(problems)) => {
                let headline = format!("cannot write the forecast into {}", plan_dir.display());
                return Err(Failure::invalid_input(headline, &problems));
            }
            Err(e) => return Err(e.into()),
        }
        match flexplan::forecast::write_plan_mix(history, options.bucket, plan_dir) {
            Ok(written) => {
                if let Some(path) = written.path {
                    sayln!(
                        "wrote {} rows to {}: the mix of {} estimated from the history's options",
                        written.rows,
                        path.display(),
                        written.products.join(", ")
                    );
                }
            }
            Err(Error::Input(problems)) => {
                let headline = format!("cannot write the mix into {}", plan_dir.display());
                return Err(Failure::invalid_input(headline, &problems));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(exit::OK)
}
