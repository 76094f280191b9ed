#!/usr/bin/env bash
# usage: SNAP=/path/to/checkout [PY=python] ./run_all.sh
SNAP="${SNAP:-/work/review/snap-r12f}"; PY="${PY:-/work/main/.venv/bin/python}"
cd "$(dirname "$0")"
flaw=0; ok=0
for f in repro/F*.py; do
  last=$(SNAP="$SNAP" timeout 300 "$PY" "$f" 2>/dev/null | tail -1)
  echo "$(basename "$f" .py): ${last:-ERROR}"
  [ "$last" = "OK" ] && ok=$((ok+1)) || flaw=$((flaw+1))
done
echo "summary: $ok OK, $flaw FLAW/ERROR"
