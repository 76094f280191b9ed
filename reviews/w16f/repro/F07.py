# F07: a retry under the same idempotency key whose case reference differs only in letter case is refused
# as "its case differs", although docs say case references are one identifier whatever their case.
import os, sys; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); import sg
d=sg.setup()
sg.sg(d,"events","add","federal_reimbursement","--case","C-1","--amount","50.00","--occurred-at","2026-02-02 10:00 EST","--idempotency-key","POL-2026-000010")
r=sg.sg(d,"events","add","federal_reimbursement","--case","c-1","--amount","50.00","--occurred-at","2026-02-02 10:00 EST","--idempotency-key","POL-2026-000010")
print(r.returncode,(r.stdout+r.stderr).strip()[:200])
print("FLAW" if "case differs" in r.stderr else "OK")
