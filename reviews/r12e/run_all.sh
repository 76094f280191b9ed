#!/bin/bash
# Runs every r12e repro; SNAP=${SNAP:-/work/review/snap}
export SNAP=${SNAP:-/work/review/snap}
PY=${PY:-/work/main/.venv/bin/python}
cd "$(dirname "$0")/repro"
for f in F*.py; do
  out=$(timeout 120 "$PY" "$f" 2>/dev/null | tail -1)
  echo "${f%.py} ${out:-ERROR}"
done
