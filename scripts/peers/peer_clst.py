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
    peer_clst.py compare --flexplan bench.csv --peers peers.csv [more.csv ...]

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
    trajectory = cbc_trajectory(log)
    if "Optimal solution found" in result:
        status = "optimal"
        bound = objective if bound is None else bound
    elif "time" in result.lower():
        status = "time_limit" if objective is not None else "no_solution"
    elif "infeasible" in result.lower():
        status = "infeasible"
    else:
        status = f"unknown({result or pulp_status})"
    end = _log_number(log, r"Total time \(CPU seconds\):\s*[-0-9.eE+]+\s*\(Wallclock seconds\):\s*([-0-9.eE+]+)")
    if objective is not None and bound is not None:
        trajectory.append((end if end is not None else seconds, objective, bound))
    return {
        "status": status,
        "reported_status": pulp_status,
        "objective": objective,
        "bound": bound,
        "seconds": seconds,
        "trajectory": trajectory,
    }


_CBC_EVENT = re.compile(
    r"^Cbc00(?:10I After \d+ nodes, \d+ on tree, (?P<best>[-0-9.eE+]+) best solution, "
    r"best possible (?P<bound>[-0-9.eE+]+)"
    r"|(?:04|12|16)I Integer solution of (?P<found>[-0-9.eE+]+) found)"
    r".*\((?P<t>[0-9.]+) seconds\)",
    re.M,
)


def cbc_trajectory(log):
    """(seconds, incumbent, bound) points read from CBC's log.

    CBC logs its bound only at its node reports (every 1000 nodes or so) and its incumbents
    when found, so a time to reach a gap read from this is late by up to one report interval.
    """
    points, best, bound = [], math.inf, -math.inf
    for m in _CBC_EVENT.finditer(log):
        if m.group("found") is not None:
            best = min(best, float(m.group("found")))
        else:
            value = float(m.group("best"))
            best = min(best, value) if value < 1e49 else best
            bound = max(bound, float(m.group("bound")))
        points.append((float(m.group("t")), best, bound))
    return points


def _log_number(log, pattern):
    match = re.search(pattern, log)
    return float(match.group(1)) if match else None


def solve_highspy(instance, time_limit, gap, threads=0):
    import highspy
    import numpy as np

    n, T, capacity, items, demand = instance
    started = time.perf_counter()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", float(gap))
    if threads:
        h.setOptionValue("threads", int(threads))
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
    trajectory = []

    def record(event):
        # HiGHS's own clock, from the start of run(). A point is kept when the incumbent
        # changes or the gap shrinks by 1 % of itself (enough to time any gap to 1 %).
        d = event.data_out
        point = (d.running_time, d.mip_primal_bound, d.mip_dual_bound)
        if trajectory:
            last = trajectory[-1]
            if last[1] == point[1] and not _narrower(point, last):
                return
        trajectory.append(point)

    h.cbMipInterrupt.subscribe(record)
    h.cbMipImprovingSolution.subscribe(record)
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
    if objective is not None and bound is not None:
        trajectory.append((h.getRunTime(), objective, bound))
    return {"status": status, "reported_status": name, "objective": objective, "bound": bound, "seconds": seconds,
            "trajectory": trajectory}


PEERS = {"pulp-cbc": solve_pulp, "highspy": solve_highspy}
FIELDS = ["instance", "peer", "status", "reported_status", "objective", "bound", "gap", "seconds", "trajectory"]


def format_trajectory(points):
    """`seconds:incumbent:bound` points joined by `;` (the format of flexplan's bench CSV)."""
    return ";".join(f"{t:.3f}:{p:.10g}:{b:.10g}" for t, p, b in points)


def parse_trajectory(text):
    points = []
    for part in (text or "").split(";"):
        if part:
            t, p, b = part.split(":")
            points.append((float(t), float(p), float(b)))
    return points


def _narrower(point, last):
    if not (math.isfinite(point[1]) and math.isfinite(point[2])):
        if not math.isfinite(last[2]):
            return math.isfinite(point[2])
        return point[2] - last[2] >= 1e-3 * max(abs(last[2]), 1.0)
    if not (math.isfinite(last[1]) and math.isfinite(last[2])):
        return True
    return rel_gap(point[1], point[2]) <= 0.99 * rel_gap(last[1], last[2])


def _first_at_gap(points, target):
    """Index of the first point whose gap is at most `target` (None if none is)."""
    for k, (t, p, b) in enumerate(points):
        if math.isfinite(p) and math.isfinite(b) and rel_gap(p, b) <= target + 1e-12:
            return k
    return None


def time_to_gap(points, target):
    """First time at which the trajectory's gap is at most `target` (None if never)."""
    k = _first_at_gap(points, target)
    return None if k is None else points[k][0]


def earliest_time_to_gap(points, target):
    """The earliest time the gap may have reached `target`: the point before the first one
    that shows it. For a log that reports the bound only now and then (CBC's, every ~1000
    nodes), the gap was reached somewhere between the two reports."""
    k = _first_at_gap(points, target)
    return None if k is None else points[max(k - 1, 0)][0]


# Peers whose trajectory comes from a periodic log rather than from callbacks.
SAMPLED_PEERS = {"pulp-cbc"}


def final_gap(points):
    for t, p, b in reversed(points):
        if math.isfinite(p) and math.isfinite(b):
            return rel_gap(p, b)
    return None


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
                extra = {"threads": args.threads} if peer == "highspy" else {}
                result = PEERS[peer](instance, args.time_limit, args.gap, **extra)
                result["trajectory"] = format_trajectory(result["trajectory"])
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
    """Prints flexplan and each peer side by side: the time each took to reach the same
    proven gap, and their ratio.

    The common gap of an instance is the larger of the two final gaps (never below the
    requested 1e-4): the gap both proved. Where both proved optimality that is the time to
    optimum; where one stopped at the time limit, it is the time the other needed to prove
    as much. Times are solver times from each trajectory (model building excluded).
    """
    flex = {}
    for path in args.flexplan:
        with open(path) as f:
            for row in csv.DictReader(f):
                flex[row["instance"]] = row
    peers = {}
    for path in args.peers:
        with open(path) as f:
            for row in csv.DictReader(f):
                peers.setdefault(row["instance"], {})[row["peer"]] = row
    names = sorted(set(flex) & set(peers), key=lambda s: (re.sub(r"\d+.*", "", s), int(re.sub(r"\D", "", s) or 0), s))
    peer_names = sorted({p for rows in peers.values() for p in rows})
    header = "| instance | flexplan | " + " | ".join(f"{p} | same gap | s flexplan | s {p} | ratio" for p in peer_names) + " |"
    print(header)
    print("|---|---|" + "---|---:|---:|---:|---:|" * len(peer_names))
    ratios = {p: [] for p in peer_names}
    times = {p: [] for p in peer_names}  # (flexplan, peer) seconds to the same gap
    earliest = {p: [] for p in peer_names}  # (flexplan, peer's earliest possible) seconds
    both_optimal = {p: [] for p in peer_names}
    mismatches = []
    for name in names:
        fr = flex[name]
        f_points = parse_trajectory(fr.get("trajectory"))
        f_obj = _float(fr["objective"])
        cells = [name, describe(fr["status"], f_obj, final_gap(f_points), _float(fr["seconds"]))]
        for p in peer_names:
            pr = peers[name].get(p)
            if pr is None:
                cells += ["-"] * 5
                continue
            p_points = parse_trajectory(pr.get("trajectory"))
            p_obj = _float(pr["objective"])
            cells.append(describe(pr["status"], p_obj, _float(pr["gap"]), _float(pr["seconds"])))
            f_gap, p_gap = final_gap(f_points), final_gap(p_points)
            if f_gap is None or p_gap is None:
                cells += ["n/a (no plan)", "-", "-", "-"]
                continue
            target = max(f_gap, p_gap, args.gap)
            t_f, t_p = time_to_gap(f_points, target), time_to_gap(p_points, target)
            ratio = max(t_p, 0.01) / max(t_f, 0.01)
            ratios[p].append(ratio)
            times[p].append((t_f, t_p))
            earliest[p].append((t_f, earliest_time_to_gap(p_points, target)))
            cells += [f"{100 * target:.2f}%", f"{t_f:.2f}", f"{t_p:.2f}", f"{ratio:.2f}"]
            if fr["status"] == "optimal" and pr["status"] == "optimal":
                both_optimal[p].append(ratio)
                if f_obj is not None and p_obj is not None and abs(f_obj - p_obj) > 1e-4 * max(abs(f_obj), 1.0):
                    mismatches.append((name, p, f_obj, p_obj))
        print("| " + " | ".join(cells) + " |")
    print()
    for p in peer_names:
        for label, r in (("all instances", ratios[p]), ("both optimal", both_optimal[p])):
            if r:
                print(f"{p}, {label}: {len(r)} instances; time to the same gap, {p}/flexplan: geometric mean "
                      f"{geomean(r):.2f}, median {sorted(r)[len(r) // 2]:.2f}, min {min(r):.2f}, max {max(r):.2f}; "
                      f"flexplan faster on {sum(v > 1 for v in r)}")
            else:
                print(f"{p}, {label}: none")
        if times[p]:
            f_sgm = shifted_geomean([t for t, _ in times[p]], args.shift)
            p_sgm = shifted_geomean([t for _, t in times[p]], args.shift)
            print(f"{p}, shifted geometric mean of the times to the same gap (shift {args.shift:g} s): "
                  f"flexplan {f_sgm:.2f} s, {p} {p_sgm:.2f} s, ratio {p_sgm / f_sgm:.2f}")
        if p in SAMPLED_PEERS and earliest[p]:
            low = [max(e, 0.01) / max(t, 0.01) for t, e in earliest[p]]
            e_sgm = shifted_geomean([e for _, e in earliest[p]], args.shift)
            print(f"{p}, at the earliest time its log allows (a lower bound on each ratio): geometric mean "
                  f"{geomean(low):.2f}, median {sorted(low)[len(low) // 2]:.2f}; shifted geometric mean "
                  f"{p} {e_sgm:.2f} s, ratio {e_sgm / f_sgm:.2f}")
    for name, p, a, b in mismatches:
        print(f"OBJECTIVE MISMATCH {name}: flexplan {a} vs {p} {b}")


def geomean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values))


def shifted_geomean(values, shift):
    """exp(mean(log(v + shift))) - shift: the MIP benchmarks' mean of times, which keeps
    instances solved in hundredths of a second from dominating a ratio."""
    return math.exp(sum(math.log(v + shift) for v in values) / len(values)) - shift


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
    solve.add_argument("--threads", type=int, default=0, help="HiGHS threads for highspy (0: HiGHS default)")
    solve.add_argument("files", nargs="+")
    compare = sub.add_parser("compare")
    compare.add_argument("--flexplan", required=True, nargs="+", help="flexplan bench CSV(s)")
    compare.add_argument("--peers", required=True, nargs="+", help="peer CSV(s) from `solve`")
    compare.add_argument("--gap", type=float, default=1e-4, help="the requested gap (the smallest common gap)")
    compare.add_argument("--shift", type=float, default=1.0, help="shift (s) of the shifted geometric mean of times")
    args = parser.parse_args()
    cmd_solve(args) if args.command == "solve" else cmd_compare(args)


if __name__ == "__main__":
    main()
