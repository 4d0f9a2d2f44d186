#!/usr/bin/env python3
"""Peer models for the Trigeiro CLST instances, written the way a user would.

The model (the one the published values use, and what flexplan builds from the imported plan):

    min  sum_i,t  sc_i y_it + h_i s_it
    s.t. s_i,t-1 + x_it - s_it = d_it           (s_i,-1 = 0, no backlog)
         sum_i b_i x_it + st_i y_it <= C        (every t)
         x_it <= M_it y_it, M_it = min(sum_{k>=t} d_ik, (C - st_i) / b_i)
         x, s >= 0, y binary

Peers: PuLP 3.3 with its bundled CBC, and highspy (HiGHS itself, plain big-M model).

    peer_clst.py solve --time-limit 60 --out peers.csv G1.DAT G2.DAT ...
    peer_clst.py compare --flexplan bench.csv --peers peers.csv

PuLP reports status "Optimal" also for a CBC run stopped by its time limit. The real outcome is
read from CBC's own log (its "Result -" line, objective, lower bound and gap), and the table says
"time_limit" when CBC stopped on the limit.
"""

import argparse
import csv
import math
import os
import re
import sys
import tempfile
import time


def read_dat(path, unit_time=None):
    """Parses a Trigeiro .DAT file: (N, T, C, items [(b, h, st, sc)], demand[i][t])."""
    raw = open(path, "rb").read()
    raw = raw.split(b"\x1a", 1)[0].replace(b"\0", b" ")
    lines = []
    for line in raw.decode("latin-1").splitlines():
        tokens = line.split()
        if not tokens:
            continue
        try:
            lines.append([float(t) for t in tokens])
        except ValueError:
            if lines:
                break
            raise
    n, t = int(lines[0][0]), int(lines[0][1])
    capacity = lines[2][0]
    items = [tuple(lines[3 + i]) for i in range(n)]
    if unit_time is not None:
        items = [(unit_time, h, st, sc) for (_, h, st, sc) in items]
    demand = [[0.0] * t for _ in range(n)]
    row = 3 + n
    first = 0
    while first < n:
        width = min(15, n - first)
        for period in range(t):
            values = lines[row]
            if len(values) != width:
                raise ValueError(f"{path}: demand row {row + 1} has {len(values)} values, expected {width}")
            for offset, value in enumerate(values):
                demand[first + offset][period] = value
            row += 1
        first += width
    return n, t, capacity, items, demand


def big_m(items, demand, capacity, i, t):
    b, _, st, _ = items[i]
    remaining = sum(demand[i][t:])
    if b > 0:
        remaining = min(remaining, max(capacity - st, 0.0) / b)
    return remaining


def solve_pulp(instance, time_limit, gap):
    import pulp

    n, T, capacity, items, demand = instance
    started = time.perf_counter()
    prob = pulp.LpProblem("clst", pulp.LpMinimize)
    x = {(i, t): pulp.LpVariable(f"x_{i}_{t}", lowBound=0) for i in range(n) for t in range(T)}
    y = {(i, t): pulp.LpVariable(f"y_{i}_{t}", cat="Binary") for i in range(n) for t in range(T)}
    s = {(i, t): pulp.LpVariable(f"s_{i}_{t}", lowBound=0) for i in range(n) for t in range(T)}
    prob += pulp.lpSum(items[i][3] * y[i, t] + items[i][1] * s[i, t] for i in range(n) for t in range(T))
    for i in range(n):
        for t in range(T):
            previous = s[i, t - 1] if t > 0 else 0
            prob += previous + x[i, t] - s[i, t] == demand[i][t]
            prob += x[i, t] <= big_m(items, demand, capacity, i, t) * y[i, t]
    for t in range(T):
        prob += pulp.lpSum(items[i][0] * x[i, t] + items[i][2] * y[i, t] for i in range(n)) <= capacity
    with tempfile.TemporaryDirectory() as tmp:
        log_path = os.path.join(tmp, "cbc.log")
        solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, gapRel=gap, logPath=log_path)
        prob.solve(solver)
        seconds = time.perf_counter() - started
        log = open(log_path).read() if os.path.exists(log_path) else ""
    pulp_status = pulp.LpStatus[prob.status]
    result = re.search(r"Result - (.*)", log)
    result = result.group(1).strip() if result else ""
    objective = pulp.value(prob.objective)
    bound = _log_number(log, r"Lower bound:\s*([-0-9.eE+]+)")
    if "Optimal solution found" in result:
        status = "optimal"
        bound = objective if bound is None else bound
    elif "time" in result.lower():
        status = "time_limit" if objective is not None else "no_solution"
    elif "infeasible" in result.lower():
        status = "infeasible"
    else:
        status = f"unknown({result or pulp_status})"
    return {
        "status": status,
        "reported_status": pulp_status,
        "objective": objective,
        "bound": bound,
        "seconds": seconds,
    }


def _log_number(log, pattern):
    match = re.search(pattern, log)
    return float(match.group(1)) if match else None


def solve_highspy(instance, time_limit, gap):
    import highspy
    import numpy as np

    n, T, capacity, items, demand = instance
    started = time.perf_counter()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", float(gap))
    inf = highspy.kHighsInf
    col = {}
    costs, lower, upper, integral = [], [], [], []

    def add(name, cost, lo, hi, is_int):
        col[name] = len(costs)
        costs.append(cost)
        lower.append(lo)
        upper.append(hi)
        integral.append(is_int)

    for i in range(n):
        for t in range(T):
            add(("x", i, t), 0.0, 0.0, inf, False)
            add(("y", i, t), items[i][3], 0.0, 1.0, True)
            add(("s", i, t), items[i][1], 0.0, inf, False)
    rows = []  # (lower, upper, [(col, value)])
    for i in range(n):
        for t in range(T):
            entries = [(col["x", i, t], 1.0), (col["s", i, t], -1.0)]
            if t > 0:
                entries.append((col["s", i, t - 1], 1.0))
            rows.append((demand[i][t], demand[i][t], entries))
            rows.append((-inf, 0.0, [(col["x", i, t], 1.0), (col["y", i, t], -big_m(items, demand, capacity, i, t))]))
    for t in range(T):
        entries = []
        for i in range(n):
            entries.append((col["x", i, t], items[i][0]))
            entries.append((col["y", i, t], items[i][2]))
        rows.append((-inf, capacity, entries))
    h.addVars(len(costs), np.array(lower), np.array(upper))
    h.changeColsCost(len(costs), np.arange(len(costs), dtype=np.int32), np.array(costs))
    ints = np.array([k for k, is_int in enumerate(integral) if is_int], dtype=np.int32)
    h.changeColsIntegrality(len(ints), ints, np.array([highspy.HighsVarType.kInteger] * len(ints)))
    for lo, hi, entries in rows:
        idx = np.array([c for c, _ in entries], dtype=np.int32)
        val = np.array([v for _, v in entries], dtype=np.float64)
        h.addRow(lo, hi, len(idx), idx, val)
    h.run()
    seconds = time.perf_counter() - started
    model_status = h.getModelStatus()
    info = h.getInfo()
    has_solution = info.primal_solution_status == 2
    objective = info.objective_function_value if has_solution else None
    bound = info.mip_dual_bound if math.isfinite(info.mip_dual_bound) else None
    name = h.modelStatusToString(model_status)
    if model_status == highspy.HighsModelStatus.kOptimal:
        status = "optimal"
    elif model_status == highspy.HighsModelStatus.kTimeLimit:
        status = "time_limit" if has_solution else "no_solution"
    elif model_status == highspy.HighsModelStatus.kInfeasible:
        status = "infeasible"
    else:
        status = f"unknown({name})"
    return {"status": status, "reported_status": name, "objective": objective, "bound": bound, "seconds": seconds}


PEERS = {"pulp-cbc": solve_pulp, "highspy": solve_highspy}
FIELDS = ["instance", "peer", "status", "reported_status", "objective", "bound", "gap", "seconds"]


def rel_gap(objective, bound):
    if objective is None or bound is None:
        return None
    diff = max(objective - bound, 0.0)
    return 0.0 if diff <= 1e-9 * max(abs(objective), 1.0) else diff / max(abs(objective), 1e-9)


def cmd_solve(args):
    with open(args.out, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS)
        writer.writeheader()
        for path in args.files:
            name = os.path.splitext(os.path.basename(path))[0]
            instance = read_dat(path, args.unit_time)
            for peer in args.peers.split(","):
                result = PEERS[peer](instance, args.time_limit, args.gap)
                row = {"instance": name, "peer": peer, **result, "gap": rel_gap(result["objective"], result["bound"])}
                writer.writerow(row)
                f.flush()
                print(f"{name} {peer}: {row['status']} obj {row['objective']} gap {row['gap']} {row['seconds']:.1f} s",
                      file=sys.stderr)


def _float(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def cmd_compare(args):
    flex = {}
    with open(args.flexplan) as f:
        for row in csv.DictReader(f):
            flex[row["instance"]] = row
    peers = {}
    with open(args.peers) as f:
        for row in csv.DictReader(f):
            peers.setdefault(row["instance"], {})[row["peer"]] = row
    names = sorted(set(flex) & set(peers), key=lambda s: (re.sub(r"\d+", "", s), int(re.sub(r"\D", "", s) or 0)))
    peer_names = sorted({p for rows in peers.values() for p in rows})
    header = "| instance | flexplan | " + " | ".join(f"{p} | ratio {p}/flexplan" for p in peer_names) + " |"
    print(header)
    print("|---|---|" + "---|---:|" * len(peer_names))
    ratios = {p: [] for p in peer_names}
    mismatches = []
    for name in names:
        fr = flex[name]
        f_opt = fr["status"] == "optimal"
        f_s = _float(fr["seconds"])
        f_obj = _float(fr["objective"])
        cells = [name, describe(fr["status"], f_obj, _float(fr["proven_gap"]), f_s)]
        for p in peer_names:
            pr = peers[name].get(p)
            if pr is None:
                cells += ["-", "-"]
                continue
            p_obj, p_s = _float(pr["objective"]), _float(pr["seconds"])
            cells.append(describe(pr["status"], p_obj, _float(pr["gap"]), p_s))
            if f_opt and pr["status"] == "optimal" and f_s and p_s:
                ratios[p].append(p_s / f_s)
                cells.append(f"{p_s / f_s:.2f}")
                if f_obj is not None and p_obj is not None and abs(f_obj - p_obj) > 1e-4 * max(abs(f_obj), 1.0):
                    mismatches.append((name, p, f_obj, p_obj))
            else:
                cells.append("n/a (not both optimal)")
        print("| " + " | ".join(cells) + " |")
    print()
    for p in peer_names:
        r = ratios[p]
        if r:
            geo = math.exp(sum(math.log(v) for v in r) / len(r))
            print(f"{p}: both optimal on {len(r)} instances; time ratio {p}/flexplan geometric mean {geo:.2f}, "
                  f"min {min(r):.2f}, max {max(r):.2f}")
        else:
            print(f"{p}: no instance where both proved optimality")
    for name, p, a, b in mismatches:
        print(f"OBJECTIVE MISMATCH {name}: flexplan {a} vs {p} {b}")


def describe(status, objective, gap, seconds):
    obj = "-" if objective is None else f"{objective:.0f}"
    g = "-" if gap is None else f"{100 * gap:.2f}%"
    s = "-" if seconds is None else f"{seconds:.1f}s"
    return f"{status} {obj} gap {g} {s}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    solve = sub.add_parser("solve")
    solve.add_argument("--time-limit", type=float, required=True)
    solve.add_argument("--gap", type=float, default=1e-4)
    solve.add_argument("--out", required=True)
    solve.add_argument("--peers", default="pulp-cbc,highspy")
    solve.add_argument("--unit-time", type=float, default=None)
    solve.add_argument("files", nargs="+")
    compare = sub.add_parser("compare")
    compare.add_argument("--flexplan", required=True)
    compare.add_argument("--peers", required=True)
    args = parser.parse_args()
    cmd_solve(args) if args.command == "solve" else cmd_compare(args)


if __name__ == "__main__":
    main()
