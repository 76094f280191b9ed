import _h, json
from harness import post_json, RECEIVED
bad = 0
for m in ["Can I pay the field trip fee with a Visa card?", "My Visa card was declined for lunch money.", "Pagué la matrícula con mi tarjeta Visa."]:
    r = post_json("/schools/notes", {"comments": m})
    got = json.loads(RECEIVED.get("last", b"{}"))
    print(r.status_code, r.headers.get("status-guard-notice"), got)
    bad += got.get("comments") != m
print("FLAW" if bad else "OK")
