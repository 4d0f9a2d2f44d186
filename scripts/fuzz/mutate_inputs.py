#!/usr/bin/env python3
"""Mutation fuzzing of flexplan's input handling: "no panic on any input".

Copies a plan directory, applies 1-4 random byte-level mutations to its CSV/TOML files
(byte flips, deletions, inserted separators/quotes/NaN/huge numbers/invalid UTF-8, duplicated
lines, truncation), runs `flexplan check` (or `plan`) on it, and reports every run that
panicked or exited with a code outside the documented ones.

    python3 scripts/fuzz/mutate_inputs.py --binary target/debug/flexplan --runs 400
    python3 scripts/fuzz/mutate_inputs.py --command plan --runs 80

Only the standard library is needed. Failing cases are kept under --work/badN.
"""
import argparse, os, random, shutil, subprocess, sys

ALLOWED = {"check": {0, 3}, "plan": {0, 3, 4, 5, 6}}
INSERTS = [b",", b"\n", b'"', b"-", b"1e309", b"NaN", b"\xff\xfe", b"\r", b"0",
           b"999999999999999999999", b" ", b"\x00"]


def mutate(data: bytearray, rng: random.Random) -> bytearray:
    if not data:
        return data
    i = rng.randrange(len(data))
    op = rng.random()
    if op < 0.3:
        data[i] = rng.randrange(256)
    elif op < 0.5:
        del data[i:i + rng.randint(1, 40)]
    elif op < 0.7:
        data[i:i] = rng.choice(INSERTS)
    elif op < 0.85:
        lines = data.split(b"\n")
        lines.insert(rng.randrange(len(lines)), lines[rng.randrange(len(lines))])
        data = bytearray(b"\n".join(lines))
    else:
        data = data[:i]
    return data


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--binary", default="target/debug/flexplan")
    p.add_argument("--plan-dir", default="data/example")
    p.add_argument("--command", choices=sorted(ALLOWED), default="check")
    p.add_argument("--runs", type=int, default=300)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--work", default="/tmp/flexplan-fuzz")
    a = p.parse_args()
    rng = random.Random(a.seed)
    files = [f for f in os.listdir(a.plan_dir) if f.endswith((".csv", ".toml"))]
    os.makedirs(a.work, exist_ok=True)
    case = os.path.join(a.work, "case")
    bad = 0
    for run in range(a.runs):
        shutil.rmtree(case, ignore_errors=True)
        shutil.copytree(a.plan_dir, case)
        for _ in range(rng.randint(1, 4)):
            path = os.path.join(case, rng.choice(files))
            with open(path, "rb") as f:
                data = mutate(bytearray(f.read()), rng)
            with open(path, "wb") as f:
                f.write(bytes(data))
        cmd = [a.binary, a.command, case]
        if a.command == "plan":
            cmd += ["--out", os.path.join(a.work, "out"), "--time-limit", "20"]
        r = subprocess.run(cmd, capture_output=True, timeout=120)
        if r.returncode not in ALLOWED[a.command] or b"panicked" in r.stderr:
            bad += 1
            keep = os.path.join(a.work, f"bad{run}")
            shutil.rmtree(keep, ignore_errors=True)
            shutil.copytree(case, keep)
            print(f"run {run}: exit {r.returncode}: {r.stderr[-400:].decode(errors='replace')}")
    print(f"{a.runs} runs of `{a.command}`, {bad} failing")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
