#!/bin/bash
# usage: SNAP=/path/to/checkout bash run_all.sh
SNAP=${SNAP:-/work/review/snap-w16e}; export SNAP
cd "$(dirname "$0")/repro"; f=0; o=0
for r in F*.py; do last=$(/work/main/.venv/bin/python "$r" 2>&1 | tail -1); echo "$r: $last"; [ "$last" = FLAW ] && f=$((f+1)) || o=$((o+1)); done
echo "summary: $f FLAW, $o OK/other"
