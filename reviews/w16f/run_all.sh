#!/bin/bash
# usage: SNAP=/path/to/checkout bash run_all.sh
cd "$(dirname "$0")"; : "${SNAP:?set SNAP}"; export SNAP
flaw=0; ok=0
for f in repro/F*.py; do
  last=$(timeout 120 /work/main/.venv/bin/python "$f" 2>&1 | tail -1)
  echo "$(basename $f .py): $last"
  [ "$last" = FLAW ] && flaw=$((flaw+1)) || ok=$((ok+1))
done
echo "summary: $flaw FLAW, $ok OK/other"
