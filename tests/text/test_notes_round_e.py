"""Free text, round e (issue 13, review r13d). Written for these tests, not taken from the blind sets.

Invariants, each with a property test:
* F01 — a key–value line inside a narrative whose key is written as an export column
  (``NEXT_CRT_DT``, ``bkg_rls_dt``, ``projRelDate``, ``booking.release.date``, ``ALIEN-REG-NBR``)
  gets, on its value, every category the *field* classifier gives the key; several such fields
  pasted on one line (a JMS export row) are each read; and a federal requester never sees the
  value of a release date, a hearing date, an A-number or a place of birth (2.129.040(e)).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard
from status_guard.text.integration import detector_for, redact_free_text

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def g() -> Guard:
    return Guard.default(audit="memory:")


# words of export column names, as police / court / immigration exports write them
# (whole words and the abbreviations of the pack's table); a key is 2-4 of them
_SUBJECT = ["next", "nxt", "proj", "exp", "sched", "est", "orig", "curr", "bkg", "booking", "inmate", "subj",
            "alien", "a", "uscis", "ins", "birth", "brth", "pob", "cob", "citizenship", "citz", "natl", "emp", "employer"]
_HEAD = ["crt", "court", "hearing", "hrg", "arraign", "arraignment", "rel", "rls", "release", "reg", "registration",
         "ctry", "country", "city", "place", "plc", "stat", "status", "addr", "address", "work", "origin"]
_TAIL = ["dt", "date", "dte", "nbr", "no", "num", "number", "cd", "code", "ctry", "city", "stat", "loc", "addr"]
_VALUES = ["01/05/2027", "12/14/2026", "2027-01-06", "201555778", "A098-765-432", "Haiti", "Port-au-Prince",
           "400 Main St", "Dec 9 2026", "LPR"]
_PREFIX = ["", "Subject transported to MCI. JMS export follows.\n", "Per booking sheet:\n", "Intake note. ",
           "Called the family back; they confirmed the details.\n"]


def _render(words: list[str], style: str) -> str:
    if style == "UPPER_SNAKE":
        return "_".join(w.upper() for w in words)
    if style == "snake":
        return "_".join(words)
    if style == "camel":
        return words[0] + "".join(w.capitalize() for w in words[1:])
    if style == "Pascal":
        return "".join(w.capitalize() for w in words)
    if style == "dotted":
        return ".".join(words)
    if style == "kebab":
        return "-".join(w.upper() for w in words)
    return " ".join(words)


_KEYS = st.builds(
    lambda a, b, c, style: _render([a, b] + ([c] if c else []), style),
    st.sampled_from(_SUBJECT), st.sampled_from(_HEAD), st.sampled_from(_TAIL + [""]),
    st.sampled_from(["UPPER_SNAKE", "snake", "camel", "Pascal", "dotted", "kebab", "spaced"]))


def _categories_at(g: Guard, text: str, start: int, end: int) -> set[str]:
    return {f.category for f in g.detect_text(text) if f.start <= start and end <= f.end}


@SETTINGS
@given(key=_KEYS, value=st.sampled_from(_VALUES), prefix=st.sampled_from(_PREFIX),
       sep=st.sampled_from([": ", ":", " = ", "：", " : "]))
def test_export_column_key_in_a_note_gets_the_field_classifiers_categories_040e(g, key, value, prefix, sep) -> None:
    """2.129.040(e)/(k): whatever key spelling the field classifier understands, the note detector reads."""
    expected = set(g.classify(key).categories)
    text = f"{prefix}{key}{sep}{value}\nOfficer cleared at 0300."
    start = text.index(sep, len(prefix)) + len(sep)
    assert expected <= _categories_at(g, text, start, start + len(value)), (text, expected)


@SETTINGS
@given(keys=st.lists(_KEYS.filter(lambda k: "_" in k), min_size=2, max_size=4, unique=True),
       values=st.lists(st.sampled_from(_VALUES), min_size=4, max_size=4),
       gap=st.sampled_from([" ", "  ", "   ", "\t"]))
def test_export_row_pasted_on_one_line_reads_every_field_040e(g, keys, values, gap) -> None:
    """A JMS export row (``NEXT_CRT_DT: 01/05/2027   BKG_RLS_DT: 12/14/2026``): each field is read."""
    parts = [f"{k}: {v}" for k, v in zip(keys, values)]
    text = "JMS export follows.\n" + gap.join(parts)
    pos = len("JMS export follows.\n")
    for k, v in zip(keys, values):
        start = pos + len(k) + 2
        expected = set(g.classify(k).categories)
        assert expected <= _categories_at(g, text, start, start + len(v)), (text, k, expected)
        pos = start + len(v) + len(gap)


_PROTECTED_FROM_FEDERAL = {"release_date", "hearing_information", "alien_registration_number", "place_of_birth"}


@SETTINGS
@given(key=_KEYS, value=st.sampled_from(["01/05/2027", "201555778", "Port-au-Prince"]),
       prefix=st.sampled_from(_PREFIX))
def test_federal_requester_never_reads_a_protected_value_in_an_export_line_040e(g, key, value, prefix) -> None:
    """2.129.040(e): a federal requester may see the narrative, not the release/hearing dates,
    A-number or place of birth in it — whatever the key's spelling."""
    if not set(g.classify(key).categories) & _PROTECTED_FROM_FEDERAL:
        return
    doc = {"narrative": f"{prefix}{key}: {value}\nNo further action."}
    out = redact_free_text(detector_for(g), doc, _PROTECTED_FROM_FEDERAL).document["narrative"]
    assert value not in out, out


def test_jms_export_block_behind_the_middleware_serves_no_protected_value_to_a_federal_officer_040e(g) -> None:
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from status_guard import StatusGuardMiddleware

    values = ["01/05/2027", "12/14/2026", "01/06/2027", "12/20/2026", "201555778", "Haiti"]
    narrative = ("Subject transported. Export:\n"
                 f"NXT_HRG_DT: {values[0]}   BOOKING_RLS_DT: {values[1]}   ARRAIGNMENT_DT: {values[2]}\n"
                 f"EST_REL_DT: {values[3]} A_NBR: {values[4]}  BIRTH_CTRY: {values[5]}")

    async def rec(_req):
        return JSONResponse({"booking_id": "B-1", "narrative": narrative})

    app = Starlette(routes=[Route("/r", rec)])
    app.add_middleware(StatusGuardMiddleware, guard=g, identify=lambda s: "federal", scope="police",
                       public_record_fields=["booking_id", "narrative"])
    body = TestClient(app).get("/r").text
    assert "B-1" in body
    assert [v for v in values if v in body] == []


# ------------------------------------------------------------------ F09: A-numbers after any label
_A_LABEL_WORDS = st.sampled_from([
    ["alien", "reg", "no"], ["alien", "registration", "number"], ["alien", "reg", "nbr"], ["alien", "no"],
    ["a", "number"], ["a", "no"], ["uscis", "no"], ["uscis", "number"], ["reg", "no", "(uscis)"],
    ["uscis", "registration", "number"], ["alien", "registration", "no"], ["a", "nbr"]])
_NOT_A_LABEL_WORDS = st.sampled_from([
    ["order", "number"], ["invoice", "no"], ["student", "id"], ["case", "no"], ["vehicle", "reg", "no"],
    ["voter", "reg", "no"], ["account", "number"], ["part", "no"], ["library", "card"], ["reg", "no"]])
_A_DIGITS = st.sampled_from(["098-765-432", "098765432", "098 765 432", "A098765432", "A-098-765-432", "12-345-678"])


def _label(words: list[str], style: str) -> str:
    if style == "title":
        return " ".join(w.capitalize() for w in words)
    if style == "dots":
        return " ".join(w.capitalize() + ("." if len(w) <= 3 and w.isalpha() else "") for w in words)
    return _render(words, style)


_LABEL_STYLE = st.sampled_from(["title", "dots", "UPPER_SNAKE", "camel", "spaced"])


@SETTINGS
@given(words=_A_LABEL_WORDS, style=_LABEL_STYLE, digits=_A_DIGITS,
       sep=st.sampled_from([" ", ": ", " # ", "# ", " - "]),
       tail=st.sampled_from(["", " noted on the form.", ". Client asked for a copy."]))
def test_a_number_after_any_label_the_field_classifier_reads_is_found_040e(g, words, style, digits, sep, tail) -> None:
    """2.129.040(e): an A-number is found after any label the field classifier reads as one,
    with or without a colon."""
    label = _label(words, style)
    if "alien_registration_number" not in g.classify(label).categories:
        return
    text = f"Intake: {label}{sep}{digits}{tail}"
    start = text.index(digits)
    assert "alien_registration_number" in _categories_at(g, text, start, start + len(digits)), text


@SETTINGS
@given(words=_NOT_A_LABEL_WORDS, style=_LABEL_STYLE, digits=st.sampled_from(["098-765-432", "098765432"]),
       sep=st.sampled_from([" ", " # "]))
def test_a_number_shaped_value_after_another_label_is_not_an_a_number_040e(g, words, style, digits, sep) -> None:
    """Look-alike discipline: nine digits after an order, invoice, case or vehicle label are not an A-number."""
    label = _label(words, style)
    text = f"Called about {label}{sep}{digits} today."
    assert "alien_registration_number" not in {f.category for f in g.detect_text(text)}, text


# ------------------------------------------------------------------ F04: release look-alikes in notes
def _owner_words(g: Guard, kinds: tuple[str, ...], lang: str) -> list[str]:
    owners = g.classifier.owners.owners
    return sorted({w for k in kinds for w in owners[k].words.get(lang, []) if " " not in w and w.isalpha()})


_THING_TEMPLATES = {
    "en": ["{T} release scheduled for Dec 9.", "{T} released to owner on 12/09.", "Release of the {t} on Dec 9.",
           "{T} release date: December 9.", "The {t} was released on December 9th."],
    "es": ["Liberación del {t} el 9 de diciembre."],
    "pt": ["Liberação do {t} em 9 de dezembro."],
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), lang=st.sampled_from(sorted(_THING_TEMPLATES)))
def test_release_of_a_thing_in_a_note_is_not_a_persons_release_date(g, data, lang) -> None:
    """Look-alike discipline (issue 13 §6): the owners that make a release a look-alike for the
    field classifier (thing, medical, stay, software) do so in notes too."""
    words = _owner_words(g, ("thing", "medical", "stay", "software"), lang)
    t = data.draw(st.sampled_from(words))
    text = data.draw(st.sampled_from(_THING_TEMPLATES[lang])).format(t=t, T=t.capitalize())
    assert "release_date" not in {f.category for f in g.detect_text(text)}, text


@SETTINGS
@given(data=st.data(), template=st.sampled_from([
    "{P} will be released on Dec 9; the {t} stays in the lot.", "{T} report: {p} will be released on Dec 9.",
    "Released Dec 9, the {t} was returned to {p}.", "{P} release date is Dec 9 per the jail."]))
def test_a_persons_release_next_to_a_thing_is_still_found_040e(g, data, template) -> None:
    """2.129.040(e): a thing named elsewhere in the note never hides the person's release date."""
    t = data.draw(st.sampled_from(_owner_words(g, ("thing", "medical", "software"), "en")))
    p = data.draw(st.sampled_from(["client", "inmate", "defendant", "he", "she", "detainee", "subject"]))
    text = template.format(t=t, T=t.capitalize(), p=p, P=p.capitalize())
    assert "release_date" in {f.category for f in g.detect_text(text)}, text
