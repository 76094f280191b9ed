#!/bin/bash
# Runs every w16d reproducer; prints id + FLAW/OK. SNAP defaults to /work/review/snap16.
export SNAP=${SNAP:-/work/review/snap16}
cd "$(dirname "$0")/repro"
for f in F*.py; do
  r=$(timeout 120 /work/main/.venv/bin/python "$f" 2>/dev/null | tail -1)
  echo "${f%.py} ${r:-ERROR}"
done
