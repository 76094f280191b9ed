#!/bin/bash
# usage: SNAP=/path/to/checkout ./run_all.sh
cd "$(dirname "$0")"
: "${SNAP:=/work/review/snap-r13f}"; export SNAP
PY=${PY:-/work/main/.venv/bin/python}
flaw=0; ok=0
for f in repro/F[0-9]*.py; do
  r=$(timeout 90 "$PY" "$f" 2>/dev/null | tail -1)
  echo "$(basename "$f" .py): ${r:-ERROR}"
  [ "$r" = "FLAW" ] && flaw=$((flaw+1)); [ "$r" = "OK" ] && ok=$((ok+1))
done
echo "summary: $flaw FLAW, $ok OK"
