"""Generates the statsforecast 2.1.1 reference forecasts that tests/it/forecast.rs checks.

Run:  scripts/forecast/setup_venv.sh && scripts/forecast/.venv/bin/python scripts/forecast/expected_values.py

Writes tests/fixtures/forecast/series.csv (unique_id, ds, y: weekly, gaps already zero) and
tests/fixtures/forecast/expected.csv (unique_id, model, alpha, alpha_p, mean): the one-step
forecast of each model, computed by calling statsforecast's model classes on the float64 series.
Series: smooth, erratic, intermittent, lumpy, all-zero, very short, leading zeros, fractional.
"""
import datetime as dt
import os
import sys

import numpy as np
import statsforecast
from statsforecast.models import (
    ADIDA,
    IMAPA,
    TSB,
    CrostonClassic,
    CrostonSBA,
    Naive,
    SimpleExponentialSmoothing,
    WindowAverage,
)

assert statsforecast.__version__ == "2.1.1", statsforecast.__version__

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "tests", "fixtures", "forecast")
START = dt.date(2024, 1, 1)  # a Monday


def make_series():
    rng = np.random.default_rng(20261124)
    series = {}
    for k in range(12):
        n = int(rng.integers(30, 105))
        series[f"smooth_{k:02d}"] = rng.poisson(rng.uniform(5, 20), n).astype(float) + 1
    for k in range(6):
        n = int(rng.integers(30, 105))
        series[f"erratic_{k:02d}"] = rng.geometric(rng.uniform(0.05, 0.2), n).astype(float)
    for k in range(12):
        n = int(rng.integers(20, 105))
        occurs = rng.random(n) < rng.uniform(0.15, 0.45)
        series[f"intermittent_{k:02d}"] = occurs * (1 + rng.poisson(0.3, n)).astype(float)
    for k in range(12):
        n = int(rng.integers(20, 105))
        occurs = rng.random(n) < rng.uniform(0.05, 0.35)
        series[f"lumpy_{k:02d}"] = occurs * rng.geometric(rng.uniform(0.05, 0.3), n).astype(float)
    for n in (1, 5, 20, 104):
        series[f"zero_{n:03d}"] = np.zeros(n)
    short = [[5.0], [0.0, 3.0], [2.0, 0.0], [0.0, 0.0, 4.0], [1.0, 2.0, 3.0], [7.0, 7.0], [0.0, 1.0, 0.0, 2.0], [3.0, 0.0, 0.0]]
    for k, values in enumerate(short):
        series[f"short_{k:02d}"] = np.array(values)
    for k in range(4):
        n = int(rng.integers(30, 80))
        lead = int(rng.integers(5, 25))
        occurs = rng.random(n) < 0.3
        body = occurs * (1 + rng.poisson(1.0, n)).astype(float)
        series[f"leading_{k:02d}"] = np.concatenate([np.zeros(lead), body])
    for k in range(3):
        n = int(rng.integers(20, 60))
        occurs = rng.random(n) < 0.4
        series[f"fractional_{k:02d}"] = np.round(occurs * rng.gamma(2.0, 1.7, n), 3)
    return series


def models():
    return [
        ("CrostonClassic", "", "", CrostonClassic()),
        ("CrostonSBA", "", "", CrostonSBA()),
        ("TSB", 0.2, 0.1, TSB(alpha_d=0.2, alpha_p=0.1)),
        ("TSB", 0.5, 0.05, TSB(alpha_d=0.5, alpha_p=0.05)),
        ("ADIDA", "", "", ADIDA()),
        ("IMAPA", "", "", IMAPA()),
        ("SES", 0.1, "", SimpleExponentialSmoothing(alpha=0.1)),
        ("SES", 0.35, "", SimpleExponentialSmoothing(alpha=0.35)),
        ("Naive", "", "", Naive()),
        ("WindowAverage", 4, "", WindowAverage(window_size=4)),
    ]


def main():
    os.makedirs(OUT, exist_ok=True)
    series = make_series()
    with open(os.path.join(OUT, "series.csv"), "w") as f:
        f.write("unique_id,ds,y\n")
        for uid, y in series.items():
            for t, v in enumerate(y):
                f.write(f"{uid},{START + dt.timedelta(weeks=t)},{float(v)!r}\n")
    rows = 0
    with open(os.path.join(OUT, "expected.csv"), "w") as f:
        f.write("unique_id,model,alpha,alpha_p,mean\n")
        for uid, y in series.items():
            y = np.asarray(y, dtype=np.float64)
            for name, alpha, alpha_p, model in models():
                mean = model.forecast(y=y, h=1)["mean"][0]
                if np.isnan(mean):
                    continue  # WindowAverage on a series shorter than its window
                f.write(f"{uid},{name},{alpha},{alpha_p},{float(mean)!r}\n")
                rows += 1
    print(f"{len(series)} series, {rows} expected values written to {os.path.normpath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
