#!/usr/bin/env bash
# Creates the Python venv used by the statsforecast reference scripts (expected values and bench).
# Usage: scripts/forecast/setup_venv.sh [VENV_DIR]   (default: scripts/forecast/.venv)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${1:-$here/.venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --upgrade pip
"$venv/bin/pip" install --quiet -r "$here/requirements.txt"
"$venv/bin/python" -c "import statsforecast; print('statsforecast', statsforecast.__version__)"
