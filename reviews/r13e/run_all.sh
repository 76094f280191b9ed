#!/bin/bash
# usage: SNAP=/path/to/checkout ./run_all.sh
: "${SNAP:=/work/review/snap-r13e}"; export SNAP
PY=${PY:-/work/main/.venv/bin/python}
cd "$(dirname "$0")/repro"
for f in F*.py; do r=$($PY "$f" 2>/dev/null | tail -1); echo "${f%.py}: ${r:-ERROR}"; done
