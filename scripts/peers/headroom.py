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

Prints one line per instance with both times and the ratio plain / variant. Run it with
the peers' virtual environment (scripts/peers/run_peers.sh creates it).
"""

import argparse
import os
import sys
import time

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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("experiment", choices=["optimal-start", "ls-cuts", "seeds"])
    parser.add_argument("--time-limit", type=float, required=True)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    for path in args.files:
        name = os.path.splitext(os.path.basename(path))[0]
        instance = read_dat(path)
        if args.experiment == "seeds":
            variants = [("seed 0", {}), ("seed 1", {"random_seed": 1}), ("seed 2", {"random_seed": 2}),
                        ("tolerances 1e-9", {"primal_feasibility_tolerance": 1e-9, "mip_feasibility_tolerance": 1e-9})]
            cells = []
            for label, options in variants:
                h, setups, _, _ = build(instance, args.threads)
                for key, value in options.items():
                    h.setOptionValue(key, value)
                _, _, seconds = solve_mip(h, setups, args.time_limit)
                cells.append(f"{label} {seconds:.2f} s")
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
