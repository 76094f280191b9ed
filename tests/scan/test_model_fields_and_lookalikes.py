"""The scanner names what it found correctly, and leaves legitimate look-alikes alone.

Invariants:
* a field of a Django model, SQLAlchemy model, pydantic/dataclass schema is a **model field** (``store``: "remove
  this field from the model"), never a form question — whatever its constructor is called (``BooleanField``
  exists in Django and in WTForms); a field of a form class is a form field (``collect``); a serializer field is
  an API property. Hypothesis generates the class shapes.
* look-alikes in other languages are not status questions: a "Visa" payment card in Spanish and Portuguese, an
  RSVP for a naturalization ceremony (the classifier's lexicon knows them since issue 13).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.scan import scan_paths

SHARED_NAMES = ["BooleanField", "DateField", "IntegerField", "DecimalField", "EmailField", "DateTimeField",
                "CharField", "StringField", "SelectField", "TextField"]
CLASS_SHAPES = {
    # (base, qualifier used for the field call) -> expected kind
    ("models.Model", "models."): "model-field",
    ("models.Model", ""): "model-field",
    ("Model", "models."): "model-field",
    ("FlaskForm", ""): "form-field",
    ("forms.Form", "forms."): "form-field",
    ("Form", "wtforms."): "form-field",
    ("serializers.Serializer", "serializers."): "api-property",
}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(sorted(CLASS_SHAPES)), st.sampled_from(SHARED_NAMES),
       st.sampled_from(["is_us_citizen", "citizenship_status", "immigration_status", "a_number"]))
def test_a_field_is_reported_as_what_it_is(tmp_path_factory, guard, shape, ctor, field):
    base, qual = shape
    if qual == "serializers." and ctor == "StringField":
        ctor = "CharField"
    d = tmp_path_factory.mktemp("py")
    (d / "app.py").write_text(f"class Thing({base}):\n    {field} = {qual}{ctor}()\n", encoding="utf-8")
    report = scan_paths(guard, [str(d)], scope="city", text=False)
    (f,) = report.findings
    assert f.kind.value == CLASS_SHAPES[shape], (base, qual, ctor)
    if f.kind.value == "model-field":
        assert f.action == "store" and "model" in f.fix and "question" not in f.fix
    elif f.kind.value == "form-field":
        assert f.action == "collect" and "form" in f.fix


def test_sqlalchemy_and_pydantic_fields_are_model_fields(tmp_path, guard):
    (tmp_path / "m.py").write_text(
        "class Person(Base):\n    citizenship = Column(String)\n\n"
        "class PersonIn(BaseModel):\n    immigration_status: str = Field(title='Immigration status')\n",
        encoding="utf-8")
    kinds = {(f.name, f.kind.value) for f in scan_paths(guard, [str(tmp_path)], text=False).findings}
    assert kinds == {("citizenship", "model-field"), ("immigration_status", "model-field")}


def _form(tmp_path: Path, name: str, html: str) -> list:
    (tmp_path / name).write_text(html, encoding="utf-8")
    from status_guard import Guard

    return list(scan_paths(Guard.default(audit="memory:"), [str(tmp_path / name)], scope="city").findings)




def test_a_visa_card_in_spanish_is_not_a_visa(tmp_path):
    html = ('<form id="pago"><label for="n">Número de tarjeta Visa o Mastercard</label><input id="n" name="numero_tarjeta">'
            '<label for="v">Vencimiento de la tarjeta</label><input id="v" name="vencimiento"></form>\n')
    assert _form(tmp_path, "pago.html", html) == []


def test_a_visa_card_in_portuguese_is_not_a_visa(tmp_path):
    html = ('<form id="pagamento"><label for="c">Número do cartão Visa</label><input id="c" name="cartao">'
            '<label for="val">Validade do cartão</label><input id="val" name="validade"></form>\n')
    assert _form(tmp_path, "pagamento.html", html) == []


def test_an_rsvp_for_a_naturalization_ceremony_is_not_a_status_question(tmp_path):
    html = ('<form id="rsvp"><h2>Naturalization ceremony at City Hall, June 5</h2>'
            '<label for="att">Will you attend the naturalization ceremony?</label>'
            '<select id="att" name="attending"><option>Yes</option><option>No</option></select>'
            '<label for="g">Number of guests</label><input id="g" name="guests"></form>\n')
    assert [f for f in _form(tmp_path, "rsvp.html", html) if f.kind.value == "form-field"] == []


def test_the_rsvp_prose_is_only_flagged_for_review_never_blocked(tmp_path):
    """What the scanner itself controls: prose inside a form is capped at `flag` (a person reviews it)."""
    html = ('<form id="rsvp"><p>Join us for the naturalization ceremony at City Hall.</p>'
            '<label for="g">Number of guests</label><input id="g" name="guests"></form>\n')
    assert all(f.effect.value == "flag" for f in _form(tmp_path, "rsvp.html", html))
