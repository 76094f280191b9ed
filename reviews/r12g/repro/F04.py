import _h, json
from harness import post_json, RECEIVED
bad = 0
for m in ["We're here on expired visas. Leo needs the bus.", "تأشيرتنا منتهية. ليو يحتاج الحافلة.", "Fiisahayagu wuu dhacay. Leo wuxuu u baahan yahay baska."]:
    r = post_json("/schools/notes", {"comments": m})
    got = json.loads(RECEIVED.get("last", b"{}"))
    print(r.status_code, r.headers.get("status-guard-notice"), got)
    bad += got.get("comments") == m
print("FLAW" if bad else "OK")
