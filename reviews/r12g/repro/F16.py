import _h, json
from harness import serve, post_json, accepted
serve("/c/forms/intake.json", json.dumps({"pages": [{"elements": [{"type": "text", "name": "question1", "title": "Are you a U.S. citizen?"}]}]}), "application/json")
bad = 0
for path, body in [("/c/forms/parking/submit", {"question1": "ABC123"}), ("/c/forms/newsletter", {"question1": "a@b.org"})]:
    r = post_json(path, body); print(path, body, "->", r.status_code); bad += not accepted(r)
print("FLAW" if bad else "OK")
