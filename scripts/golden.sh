#!/usr/bin/env bash
# Writes the outputs of the main commands on bundled and generated data into OUT_DIR, with
# timings removed, so two builds can be compared byte for byte (issue 17: a refactor must not
# change any output):
#
#   scripts/golden.sh BIN OUT_DIR        # BIN: a flexplan binary
#   diff -r before/ after/
set -euo pipefail
bin=$(realpath "$1"); out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$out"; mkdir -p "$out"; cd "$out"
# summary.json and sweep summaries carry wall-clock seconds: drop those keys.
strip_seconds() {
  python3 - "$@" <<'PY'
import json, sys
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if "second" not in k and k != "progress"}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v
for path in sys.argv[1:]:
    data = json.load(open(path))
    json.dump(strip(data), open(path, "w"), indent=1, sort_keys=True)
PY
}
run() { echo "\$ flexplan $*" >>commands.txt; "$bin" "$@" >>stdout.txt 2>&1 || echo "exit $?" >>stdout.txt; }
run check "$root/data/example"
run check "$root/data/example" --format json
run plan "$root/data/example" --out plan-csv --threads 1
run plan "$root/data/example" --out plan-parquet --threads 1 --format parquet
run validate "$root/data/example" plan-csv
run validate "$root/data/example" plan-csv --format json
run generate --seed 7 --items 25 --orders 300 --periods 8 gen
run plan gen --out gen-plan --threads 1 --gap 0
run generate --adversarial --seed 3 adv
run plan adv --out adv-plan --threads 1 --gap 0
run sweep "$root/data/example" --scenarios "$root/data/example/scenarios.toml" --out sweep --jobs 2 --quiet
run forecast "$root/tests/fixtures/forecast/series.csv" --horizon 6 --out forecast
run import trigeiro "$root/../shared/benchmarks/trigeiro1989/G/G30.DAT" trigeiro
run plan trigeiro --out trigeiro-plan --threads 1 --node-limit 50
# Lines of the stdout that carry timings.
sed -i -E 's/[0-9]+\.[0-9]+ s\b/<t> s/g; s/^time: .*/time: <t>/' stdout.txt
mapfile -t jsons < <(find . -name '*.json' | sort)
[ "${#jsons[@]}" -gt 0 ] && strip_seconds "${jsons[@]}"
# journal.jsonl is appended in the order scenarios finish (--jobs 2): sort it. Its lines and
# results.csv carry seconds too: drop them (results.parquet, the same table with seconds, is removed).
find . -name 'journal.jsonl' -print0 | xargs -0 -r sed -i -E 's/"[a-z_]*seconds[a-z_]*":[0-9.e+-]+,?//g'
find . -name 'journal.jsonl' -print0 | xargs -0 -r -I{} sort -o {} {}
python3 - $(find . -name 'results.csv') <<'PY'
import csv, sys
for path in sys.argv[1:]:
    rows = list(csv.reader(open(path, newline="")))
    if not rows or "seconds" not in rows[0]:
        continue
    drop = rows[0].index("seconds")
    with open(path, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([r[:drop] + r[drop + 1:] for r in rows])
PY
find . -path "*sweep*" -name results.parquet -delete
echo "golden outputs in $out"
