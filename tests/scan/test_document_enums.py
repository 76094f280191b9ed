"""Invariant (2.129.040(b)): a set of choices asking which immigration document a person holds is a
status question wherever it is written (OpenAPI enum, HTML select, WTForms choices), however the
document is spelled; payment cards and ordinary identity documents are not."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.scan import scan_paths

DOCS = ["I-94", "i94", "Form I-94", "I_94 record", "I-551", "Green card", "EAD", "I-766", "Employment Authorization "
        "Document", "Permanent resident card", "DS-2019", "I-20", "Border crossing card", "Re-entry permit"]
HARMLESS_SETS = [["visa", "mastercard", "amex"], ["Visa", "Discover", "Cash"],
                 ["passport", "driver license", "state id"], ["Passport", "Library card", "Student ID"]]


def _write(d, container: str, values: list[str]) -> None:
    if container == "openapi":
        spec = {"openapi": "3.0.0", "info": {"title": "x", "version": "1"}, "paths": {"/a": {"post": {
            "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {
                "docs": {"type": "string", "enum": values}}}}}}, "responses": {"200": {"description": "ok"}}}}}}
        (d / "o.json").write_text(json.dumps(spec))
    elif container == "html":
        opts = "".join(f"<option value='{v}'>{v}</option>" for v in values)
        (d / "f.html").write_text(f"<form><label for=d>Document</label><select id=d name=docs>{opts}</select></form>")
    else:
        choices = ", ".join(f"({v!r}, {v!r})" for v in values)
        (d / "forms.py").write_text(f"from wtforms import SelectField\nclass F(FlaskForm):\n"
                                    f"    docs = SelectField('Document', choices=[{choices}])\n")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(container=st.sampled_from(["openapi", "html", "python"]),
       values=st.one_of(st.lists(st.sampled_from(DOCS), min_size=1, max_size=3, unique=True).map(
           lambda xs: ["passport", *xs]), st.just(["passport", "visa", "i94"]), st.just(["Passport", "Visa"])))
def test_a_choice_of_immigration_documents_is_a_status_question(scan_guard, tmp_path_factory, container, values):
    d = tmp_path_factory.mktemp("doc")
    _write(d, container, values)
    found = [f for f in scan_paths(scan_guard, [d], scope="city").findings if f.name == "docs"]
    assert found and "immigration_status" in found[0].categories, (container, values)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(container=st.sampled_from(["openapi", "html", "python"]), values=st.sampled_from(HARMLESS_SETS))
def test_payment_cards_and_ordinary_identity_documents_are_not(scan_guard, tmp_path_factory, container, values):
    d = tmp_path_factory.mktemp("ok")
    _write(d, container, values)
    assert not scan_paths(scan_guard, [d], scope="city").findings
