#!/usr/bin/env python3
"""How much faster could anything that only changes the start or adds (l,S) cuts make HiGHS?

Two experiments on the peers' plain big-M model (peer_clst.py), same HiGHS as flexplan:

    headroom.py optimal-start --time-limit 60 [--threads 1] G1.DAT ...
        Solves each instance, then solves it again with its optimal plan as the start: the
        best any primal heuristic (relax-and-fix, construct, fix-and-optimize) can hand over.
    headroom.py ls-cuts --time-limit 60 [--threads 1] G1.DAT ...
        Adds every violated (l,S) inequality  sum_{t in S} x_t <= sum_{t in S} d_{t,l} y_t + s_l
        (exact separation on the LP optimum, repeated until none is violated), then solves
        the tightened model: the uncapacitated convex hull per item, which the
        facility-location reformulation also gives.

    headroom.py seeds --time-limit 60 [--threads 1] G1.DAT ...
        Solves each instance with HiGHS's random_seed 0, 1 and 2 and with flexplan's
        feasibility tolerances (1e-9): the performance variability any single-instance
        ratio between two HiGHS runs carries.

    headroom.py options --time-limit 60 [--threads 1] G1.DAT ...
        Solves each instance with HiGHS's defaults and with each of OPTION_VARIANTS (one
        option changed at a time: heuristic effort, feasibility jump, reliability branching,
        symmetry detection, LP age limit), and with random_seed 1 as the yardstick of noise.
        Prints one CSV line per solve: variant,instance,status,objective,seconds.

    headroom.py aggregated-rows --time-limit 60 [--threads 1] G1.DAT ...
        Adds rows HiGHS's cut separators might not derive, because each aggregates a whole
        prefix of periods: for every period k, the setup time the first k periods can still
        hold, sum_i sum_{t<=k} st_i y_it <= k C - sum_i b_i D_i[1..k] (valid: no initial
        stock, no backlog); and for every item, the setups the first k periods need at
        least, sum_{t<=k} y_it >= ceil(D_i[1..k] / ((C - st_i) / b_i)), where that exceeds 1.

Prints one line per instance with both times and the ratio plain / variant. Run it with
the peers' virtual environment (scripts/peers/run_peers.sh creates it).
"""

import argparse
import os
import sys
import time

import math

import highspy
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_clst import big_m, read_dat  # noqa: E402

INF = highspy.kHighsInf


def build(instance, threads):
    """The plain big-M model as an LP (setups not yet integer); column k of (i, t) is
    3 * (i * T + t) for x, +1 for y, +2 for s."""
    n, T, capacity, items, demand = instance
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    if threads:
        h.setOptionValue("threads", threads)
    cost = []
    for i in range(n):
        for t in range(T):
            cost += [0.0, items[i][3], items[i][1]]
    upper = [INF, 1.0, INF] * (n * T)
    h.addVars(len(cost), np.zeros(len(cost)), np.array(upper))
    h.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), np.array(cost))

    def col(kind, i, t):
        return 3 * (i * T + t) + kind

    def row(lo, hi, entries):
        h.addRow(lo, hi, len(entries), np.array([c for c, _ in entries], dtype=np.int32),
                 np.array([v for _, v in entries], dtype=np.float64))

    for i in range(n):
        for t in range(T):
            balance = [(col(0, i, t), 1.0), (col(2, i, t), -1.0)]
            if t > 0:
                balance.append((col(2, i, t - 1), 1.0))
            row(demand[i][t], demand[i][t], balance)
            row(-INF, 0.0, [(col(0, i, t), 1.0), (col(1, i, t), -big_m(items, demand, capacity, i, t))])
    for t in range(T):
        row(-INF, capacity, [(col(0, i, t), items[i][0]) for i in range(n)] + [(col(1, i, t), items[i][2]) for i in range(n)])
    setups = np.array([col(1, i, t) for i in range(n) for t in range(T)], dtype=np.int32)
    return h, setups, col, row


def violated_ls(instance, values, col):
    """Every item's most violated (l,S) inequality for each l (exact separation)."""
    n, T, _, _, demand = instance
    cuts = []
    for i in range(n):
        cumulative = [0.0]
        for t in range(T):
            cumulative.append(cumulative[-1] + demand[i][t])
        for last in range(T):
            excess, entries = -values[col(2, i, last)], []
            for t in range(last + 1):
                d = cumulative[last + 1] - cumulative[t]
                term = values[col(0, i, t)] - d * values[col(1, i, t)]
                if d > 0 and term > 1e-9:
                    excess += term
                    entries += [(col(0, i, t), 1.0), (col(1, i, t), -d)]
            if excess > 1e-6 * max(1.0, cumulative[last + 1]):
                cuts.append(entries + [(col(2, i, last), -1.0)])
    return cuts


# One HiGHS option changed at a time (HiGHS 1.16 defaults: heuristic effort 0.05, feasibility
# jump on, reliability 8, symmetry detection on, LP age limit 10); seed 1 measures the noise.
OPTION_VARIANTS = [
    ("seed 1", {"random_seed": 1}),
    ("heuristic effort 0", {"mip_heuristic_effort": 0.0}),
    ("heuristic effort 0.2", {"mip_heuristic_effort": 0.2}),
    ("no feasibility jump", {"mip_heuristic_run_feasibility_jump": False}),
    ("reliability 0", {"mip_pscost_minreliable": 0}),
    ("reliability 4", {"mip_pscost_minreliable": 4}),
    ("reliability 16", {"mip_pscost_minreliable": 16}),
    ("no symmetry detection", {"mip_detect_symmetry": False}),
    ("LP age limit 5", {"mip_lp_age_limit": 5}),
]


def aggregated_rows(instance, col, row):
    """Adds the prefix rows of `aggregated-rows`; returns how many."""
    n, T, capacity, items, demand = instance
    added = 0
    for k in range(T):
        needed_time = sum(items[i][0] * sum(demand[i][: k + 1]) for i in range(n))
        entries = [(col(1, i, t), items[i][2]) for i in range(n) for t in range(k + 1) if items[i][2] > 0]
        if entries:
            row(-INF, (k + 1) * capacity - needed_time, entries)
            added += 1
        for i in range(n):
            b, _, st, _ = items[i]
            most = max(capacity - st, 0.0) / b if b > 0 else INF
            need = sum(demand[i][: k + 1])
            setups = math.ceil(need / most - 1e-9) if need > 0 and most > 0 else 0
            if setups >= 2:
                row(setups, INF, [(col(1, i, t), 1.0) for t in range(k + 1)])
                added += 1
    return added


def solve_mip(h, setups, time_limit, start=None):
    h.changeColsIntegrality(len(setups), setups, np.array([highspy.HighsVarType.kInteger] * len(setups)))
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", 1e-4)
    if start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = start
        solution.value_valid = True
        h.setSolution(solution)
    began = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - began
    status = h.modelStatusToString(h.getModelStatus())
    return status, h.getInfo().objective_function_value, seconds


def solve_variants(instance, args, variants):
    """Solves the plain model once per (label, HiGHS options) of `variants`, each on a fresh
    build; yields (label, status, objective, seconds) as each solve ends."""
    for label, options in variants:
        h, setups, _, _ = build(instance, args.threads)
        for key, value in options.items():
            h.setOptionValue(key, value)
        yield (label, *solve_mip(h, setups, args.time_limit))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("experiment", choices=["optimal-start", "ls-cuts", "seeds", "options", "aggregated-rows"])
    parser.add_argument("--time-limit", type=float, required=True)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    for path in args.files:
        name = os.path.splitext(os.path.basename(path))[0]
        instance = read_dat(path)
        if args.experiment == "options":
            for label, status, objective, seconds in solve_variants(instance, args, [("defaults", {})] + OPTION_VARIANTS):
                print(f"{label},{name},{status},{objective:.1f},{seconds:.3f}", flush=True)
            continue
        if args.experiment == "seeds":
            variants = [("seed 0", {}), ("seed 1", {"random_seed": 1}), ("seed 2", {"random_seed": 2}),
                        ("tolerances 1e-9", {"primal_feasibility_tolerance": 1e-9, "mip_feasibility_tolerance": 1e-9})]
            cells = [f"{label} {seconds:.2f} s" for label, _, _, seconds in solve_variants(instance, args, variants)]
            print(f"{name}: " + "; ".join(cells), flush=True)
            continue
        h, setups, col, row = build(instance, args.threads)
        status, objective, plain = solve_mip(h, setups, args.time_limit)
        optimum = list(h.getSolution().col_value)
        h, setups, col, row = build(instance, args.threads)
        began = time.perf_counter()
        if args.experiment == "optimal-start":
            v_status, v_objective, seconds = solve_mip(h, setups, args.time_limit, start=optimum)
            extra = ""
        elif args.experiment == "aggregated-rows":
            added = aggregated_rows(instance, col, row)
            v_status, v_objective, seconds = solve_mip(h, setups, args.time_limit)
            extra = f" ({added} rows)"
        else:
            added = 0
            while True:
                h.run()
                cuts = violated_ls(instance, list(h.getSolution().col_value), col)
                if not cuts:
                    break
                for entries in cuts:
                    row(-INF, 0.0, entries)
                added += len(cuts)
            v_status, v_objective, seconds = solve_mip(h, setups, args.time_limit - (time.perf_counter() - began))
            seconds = time.perf_counter() - began
            extra = f" ({added} cuts)"
        print(f"{name}: plain {status} {objective:.0f} in {plain:.2f} s; {args.experiment}{extra} {v_status} "
              f"{v_objective:.0f} in {seconds:.2f} s; ratio plain/variant {plain / seconds:.2f}", flush=True)


if __name__ == "__main__":
    main()
