#!/usr/bin/env bash
# Forecast bench: flexplan vs statsforecast on the same generated series in the same run.
# Usage: scripts/forecast/bench.sh [N_SERIES] [WEEKS]   (default 100000 x 104)
# Needs: the venv of setup_venv.sh and a release build (uses $CARGO_TARGET_DIR or ./target).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
[ -x "$here/.venv/bin/python" ] || "$here/setup_venv.sh"
(cd "$root" && cargo build --release --quiet)
"$here/.venv/bin/python" "$here/bench.py" --series "${1:-100000}" --weeks "${2:-104}" \
  --flexplan "$target/release/flexplan" --workdir "${BENCH_DIR:-/tmp/flexplan-forecast-bench}"
