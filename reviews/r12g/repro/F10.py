import _h, json
from harness import serve, post_json, post_form, accepted
q = "Are you a U.S. citizen?"
cases = [
 ("jsonforms", {"schema": {"type": "object", "properties": {"f1": {"type": "string"}}}, "uischema": {"type": "VerticalLayout", "elements": [{"type": "Control", "scope": "#/properties/f1", "label": q}]}}, ("json", {"f1": "No"})),
 ("surveyjs_page_title", {"pages": [{"name": "page1", "title": q, "elements": [{"type": "radiogroup", "name": "question5", "choices": ["Yes", "No"]}]}]}, ("json", {"question5": "No"})),
 ("jotform_questions", {"content": {"7": {"qid": "7", "name": "q7_field", "text": q, "type": "control_textbox"}}}, ("form", {"q7_field": "No"})),
 ("wufoo_fields", {"Fields": [{"Title": q, "ID": "Field7", "Type": "text"}]}, ("form", {"Field7": "No"})),
 ("open311_wrapped", {"service_definition": {"service_code": "033", "attributes": {"attribute": [{"code": "Q7", "description": q}]}}}, ("form", {"attribute[Q7]": "N"})),
]
bad = 0
for i, (n, d, (kind, ans)) in enumerate(cases):
    changed, r = serve(f"/c/f10_{i}/form.json", json.dumps(d), "application/json")
    kept = q in r.text
    p = post_json(f"/c/f10_{i}/submit", ans) if kind == "json" else post_form(f"/c/f10_{i}/submit", ans)
    print(n, "definition kept question:", kept, "answer ->", p.status_code)
    bad += kept and accepted(p)
print("FLAW" if bad else "OK")
