#!/bin/sh
# usage: SNAP=/path/to/snap sh run_all.sh
PY=${PY:-/work/main/.venv/bin/python}
cd "$(dirname "$0")/repro"
for f in F*.py; do
  r=$($PY "$f" 2>&1 | tail -1)
  echo "${f%.py} $r"
done
