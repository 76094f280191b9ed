#!/bin/bash
# usage: runsrv.sh AUDITFILE PORT
cd /work/review/r15b/work
AUDIT="jsonl:$1" PYTHONPATH=/work/review/r15b/work nohup /work/main/.venv/bin/python -m uvicorn srv:app --host 127.0.0.1 --port $2 --no-access-log > srv-$2.log 2>&1 &
echo $! > srv-$2.pid
for i in $(seq 60); do curl -s -o /dev/null localhost:$2/ping -H 'x-test-requester: local' && break; sleep 0.5; done
