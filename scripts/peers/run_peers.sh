#!/usr/bin/env bash
# Runs the peer models (PuLP + bundled CBC, highspy) on Trigeiro instances, then prints them
# side by side with a flexplan bench CSV.
#
#   scripts/peers/run_peers.sh TIME_LIMIT OUT.csv FILE.DAT...            # peers only
#   FLEXPLAN_CSV=bench.csv scripts/peers/run_peers.sh 60 peers.csv G/*.DAT
#   PEER_THREADS=1 ...   # HiGHS threads for highspy (default: HiGHS's own choice)
#
# The virtual environment is created on first use in $PEER_VENV (default ~/.cache/flexplan-peers-venv) with the
# pinned versions of requirements.txt (outside the repository).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${PEER_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/flexplan-peers-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet -r "$here/requirements.txt"
fi
limit="$1"; out="$2"; shift 2
"$venv/bin/python" "$here/peer_clst.py" solve --time-limit "$limit" --threads "${PEER_THREADS:-0}" --out "$out" "$@"
if [ -n "${FLEXPLAN_CSV:-}" ]; then
  "$venv/bin/python" "$here/peer_clst.py" compare --flexplan "$FLEXPLAN_CSV" --peers "$out"
fi
