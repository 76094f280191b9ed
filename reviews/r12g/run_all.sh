#!/bin/bash
# usage: SNAP=/path/to/checkout ./run_all.sh
: "${SNAP:=/work/review/snap-r12g}"; export SNAP
PY=${PY:-/work/main/.venv/bin/python}
cd "$(dirname "$0")/repro"
flaw=0; ok=0
for f in F*.py; do
  last=$(timeout 60 "$PY" "$f" 2>/dev/null | tail -1)
  echo "${f%.py}: $last"
  [ "$last" = "FLAW" ] && flaw=$((flaw+1)) || ok=$((ok+1))
done
echo "summary: $flaw FLAW, $ok OK/other"
