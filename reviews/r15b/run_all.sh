#!/bin/bash
# usage: SNAP=/path/to/checkout ./run_all.sh   (PYTHON defaults to /work/main/.venv/bin/python)
: "${SNAP:?set SNAP to the checkout holding src/}"
PY="${PYTHON:-/work/main/.venv/bin/python}"
cd "$(dirname "$0")/repro"
for f in F*.py; do
  last=$(SNAP="$SNAP" timeout 600 "$PY" "$f" 2>/dev/null | tail -1)
  echo "${f%.py}: ${last:-ERROR}"
done
