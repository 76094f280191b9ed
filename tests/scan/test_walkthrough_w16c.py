"""What the third walkthrough (w16c) found in the scanner, as the law names it.

Invariants:
* 2.129.030 (no city form asks about citizenship or immigration status): a form field asking for the date
  or certificate of a person's naturalization is a citizenship question in Spanish and Portuguese as in
  English (F03) — whatever the wording's accents, case or the field's name;
* a city service named after naturalization (the ceremony, its RSVP, classes) stays a look-alike in
  every one of those languages: the new words never turn an invitation into a status question.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard
from status_guard.scan import scan_paths

GUARD = Guard.default(audit="memory:")
FIELDS = {
    "es": ["Fecha de naturalización", "Número de certificado de naturalización", "Certificado de naturalización",
           "Número de naturalización", "Naturalización"],
    "pt": ["Data de naturalização", "Certificado de naturalização", "Número do certificado de naturalização",
           "Naturalização"],
    "en": ["Date of naturalization", "Naturalization certificate number"],
}
SERVICES = {
    "es": ["¿Asistirá a la ceremonia de naturalización?", "Ceremonia de naturalización: número de invitados",
           "Inscríbase en las clases de naturalización", "Taller de naturalización"],
    "pt": ["Vai participar da cerimônia de naturalização?", "Cerimônia de naturalização: número de convidados",
           "Aulas de naturalização"],
    "en": ["Will you attend the naturalization ceremony?", "Naturalization ceremony RSVP: number of guests"],
}
SHOUT = st.sampled_from([str, str.lower, str.upper, lambda s: "".join(
    c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")])  # typed without accents
SCAN = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _findings(tmp: Path, label: str, name: str) -> list:
    f = tmp / "form.html"
    f.write_text(f'<form id="f"><label for="a">{label}</label><input id="a" name="{name}"></form>\n', encoding="utf-8")
    return [x for x in scan_paths(GUARD, [str(f)], scope="city").findings if x.kind.value == "form-field"]


@SCAN
@given(lang=st.sampled_from(sorted(FIELDS)), data=st.data(), shape=SHOUT,
       name=st.sampled_from(["campo1", "f_2", "answer", "dato"]))
def test_030_a_naturalization_field_is_a_citizenship_question_in_spanish_and_portuguese(
        tmp_path_factory, lang, data, shape, name):
    label = shape(data.draw(st.sampled_from(FIELDS[lang])))
    found = _findings(tmp_path_factory.mktemp("f"), label, name)
    assert found and all("citizenship_status" in f.categories for f in found), (label, found)
    assert all(f.effect.value == "block" for f in found)


@SCAN
@given(lang=st.sampled_from(sorted(SERVICES)), data=st.data(), shape=SHOUT)
def test_030_a_naturalization_ceremony_rsvp_stays_a_look_alike(tmp_path_factory, lang, data, shape):
    label = shape(data.draw(st.sampled_from(SERVICES[lang])))
    assert _findings(tmp_path_factory.mktemp("r"), label, "respuesta") == [], label


# -- F10: a damaged baseline is named with where it is damaged and how to regenerate it ----------------
VALID = ('{\n  "status_guard_baseline": 1,\n  "findings": [\n    {"fingerprint": "ab12", "file": "f.html", '
         '"count": 1}\n  ]\n}\n')


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(at=st.integers(0, len(VALID) - 1), cut=st.integers(1, 5), junk=st.sampled_from(["", ",", "}", "x", '"', "{"]))
def test_a_damaged_baseline_names_the_file_line_and_column_and_how_to_regenerate_it(tmp_path_factory, at, cut, junk):
    import json

    from click.testing import CliRunner

    from status_guard.cli import cli

    text = VALID[:at] + junk + VALID[at + cut:]
    try:
        json.loads(text)
        return  # still JSON: the structural checks answer it (tested below)
    except json.JSONDecodeError as e:
        where = f"line {e.lineno} column {e.colno}"
    d = tmp_path_factory.mktemp("b")
    (d / "app").mkdir()
    (d / "app" / "form.html").write_text('<form><input name="guests"></form>\n', encoding="utf-8")
    (d / "base.json").write_text(text, encoding="utf-8")
    res = CliRunner().invoke(cli, ["scan", str(d / "app"), "--baseline", str(d / "base.json")])
    assert res.exit_code == 2
    assert f"{d / 'base.json'} is not a valid baseline file: {where}: " in res.output, res.output
    assert f"--write-baseline {d / 'base.json'}" in res.output and str(d / "app") in res.output
    assert "Error" not in res.output and "JSON" not in res.output.replace("JSON Lines", "")


def test_a_baseline_of_another_shape_is_named_and_how_to_regenerate_it(tmp_path):
    from click.testing import CliRunner

    from status_guard.cli import cli

    (tmp_path / "form.html").write_text('<form><input name="guests"></form>\n', encoding="utf-8")
    for text in ('{"findings": []}', '[1, 2]', '{"status_guard_baseline": 1, "findings": [{"count": 1}]}',
                 '{"status_guard_baseline": 1, "findings": [{"fingerprint": "a", "count": 0}]}'):
        (tmp_path / "b.json").write_text(text, encoding="utf-8")
        res = CliRunner().invoke(cli, ["scan", str(tmp_path / "form.html"), "--baseline", str(tmp_path / "b.json")])
        assert res.exit_code == 2 and f"{tmp_path / 'b.json'} is not a valid baseline file: " in res.output
        assert "--write-baseline" in res.output
