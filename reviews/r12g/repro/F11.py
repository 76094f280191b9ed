import _h, json
from harness import serve, post_json, accepted
q = "Are you a U.S. citizen?"
cases = [
 ("formio_panel", {"components": [{"type": "panel", "title": q, "key": "panel1", "components": [{"type": "radio", "key": "radio1", "label": "Select one", "values": [{"label": "Yes", "value": "y"}, {"label": "No", "value": "n"}]}]}]}, {"data": {"radio1": "n"}}),
 ("surveyjs_panel", {"pages": [{"elements": [{"type": "panel", "name": "p1", "title": q, "elements": [{"type": "radiogroup", "name": "question3", "title": "Select", "choices": ["Yes", "No"]}]}]}]}, {"question3": "No"}),
 ("tally", {"fields": [{"uuid": "u1", "type": "INPUT_TEXT", "label": q, "key": "question_abc"}]}, {"data": {"fields": [{"key": "question_abc", "type": "INPUT_TEXT", "value": "No"}]}}),
]
bad = 0
for i, (n, d, ans) in enumerate(cases):
    changed, r = serve(f"/c/f11_{i}/form.json", json.dumps(d), "application/json")
    p = post_json(f"/c/f11_{i}/submit", ans)
    print(n, "definition changed:", changed, "answer ->", p.status_code)
    bad += changed and accepted(p)
print("FLAW" if bad else "OK")
