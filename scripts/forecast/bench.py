"""Forecast + 4-fold backtest on generated intermittent series: flexplan vs statsforecast 2.1.1.

Usage (normally through bench.sh):
  bench.py --series 100000 --weeks 104 --flexplan target/release/flexplan --workdir /tmp/fcbench

Both tools read the same CSV (unique_id, ds, y) and run the same nine methods (Naive,
SeasonalNaive(52), WindowAverage(4), SES(0.1), CrostonClassic, CrostonSBA, TSB(0.1, 0.1), ADIDA,
IMAPA): a 4-week forecast plus a rolling-origin backtest of 4 folds of 4 weeks, each fold scored
by MAE per series and method. flexplan is timed as a whole process (read, forecast, backtest,
choose the best method, write CSV and Parquet); statsforecast from reading the CSV with pandas to
the per-series, per-method MAE of the backtest. Both on the same number of cores.
"""
import argparse
import os
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd


def generate(path, n_series, n_weeks, seed=7):
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.05, 0.5, n_series)[:, None]
    occurs = rng.random((n_series, n_weeks)) < p
    sizes = rng.geometric(rng.uniform(0.1, 0.6, n_series)[:, None], (n_series, n_weeks))
    y = (occurs * sizes).astype(np.float64)
    ids = np.repeat([f"S{k:06d}" for k in range(n_series)], n_weeks)
    ds = np.tile(pd.date_range("2024-01-01", periods=n_weeks, freq="W-MON").strftime("%Y-%m-%d"), n_series)
    pd.DataFrame({"unique_id": ids, "ds": ds, "y": y.ravel()}).to_csv(path, index=False)


def run_statsforecast(path, n_jobs):
    os.environ.setdefault("NIXTLA_ID_AS_COL", "1")
    from statsforecast import StatsForecast
    from statsforecast.models import (ADIDA, IMAPA, TSB, CrostonClassic, CrostonSBA, Naive,
                                      SeasonalNaive, SimpleExponentialSmoothing, WindowAverage)

    started, cpu_started = time.perf_counter(), cpu_seconds()
    df = pd.read_csv(path, parse_dates=["ds"])
    models = [Naive(), SeasonalNaive(season_length=52), WindowAverage(window_size=4),
              SimpleExponentialSmoothing(alpha=0.1), CrostonClassic(), CrostonSBA(),
              TSB(alpha_d=0.1, alpha_p=0.1), ADIDA(), IMAPA()]
    sf = StatsForecast(models=models, freq="W-MON", n_jobs=n_jobs)
    fc = sf.forecast(df=df, h=4)
    cv = sf.cross_validation(df=df, h=4, n_windows=4, step_size=4)
    names = [m.alias for m in models]
    mae = cv[names].sub(cv["y"], axis=0).abs().groupby(cv["unique_id"]).mean()
    return time.perf_counter() - started, cpu_seconds() - cpu_started, len(fc), mae


def cpu_seconds():
    """User + system CPU seconds of this process, its threads and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_flexplan(binary, path, out, threads):
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
    started, cpu_started = time.perf_counter(), cpu_seconds()
    subprocess.run([binary, "forecast", path, "--horizon", "4", "--folds", "4", "--all-methods",
                    "--out", out], check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started, cpu_seconds() - cpu_started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--series", type=int, default=100_000)
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--flexplan", required=True)
    parser.add_argument("--workdir", default="/tmp/flexplan-forecast-bench")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    path = os.path.join(args.workdir, f"series_{args.series}x{args.weeks}.csv")
    if not os.path.exists(path):
        generate(path, args.series, args.weeks)
    rows = []
    for threads in args.threads:
        flex, flex_cpu = run_flexplan(args.flexplan, path, os.path.join(args.workdir, f"out{threads}"), threads)
        sf, sf_cpu, _, _ = run_statsforecast(path, threads)
        rows.append((threads, flex, flex_cpu, sf, sf_cpu))
    print(f"{args.series} intermittent series x {args.weeks} weeks; forecast h=4 + 4-fold backtest, 9 methods")
    print("wall = elapsed seconds; cpu = user + system seconds (the machine is shared, so cpu is the steadier figure)")
    print(f"{'cores':>5} {'flexplan wall':>14} {'cpu':>8} {'statsforecast wall':>19} {'cpu':>8} {'ratio wall':>11} {'ratio cpu':>10}")
    for threads, flex, flex_cpu, sf, sf_cpu in rows:
        print(f"{threads:>5} {flex:>14.2f} {flex_cpu:>8.2f} {sf:>19.2f} {sf_cpu:>8.2f} {sf / flex:>10.1f}x {sf_cpu / flex_cpu:>9.1f}x")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
