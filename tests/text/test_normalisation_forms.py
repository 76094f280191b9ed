"""The same text in any Unicode normalisation form gives the same findings (review r15b F09).

2.129.040(b)/(k): a hearing date or a status written in a note is protected whatever keyboard
typed it; NFD text (decomposed accents: macOS file names, some keyboards and clipboards) was not
folded, so "La audiencia es mañana." in NFD lost its hearing_information finding.

Invariant: for generated texts built from accented protected sentences and harmless filler, the
NFC, NFD, NFKC and NFKD forms give the same (category, NFC(text of the span)) findings, and every
span covers whole characters (no combining mark left outside a redacted span).
"""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from status_guard.text.engine import TextDetector
from status_guard.text.fold import fold

_SENTENCES = [
    "La audiencia es mañana.", "A audiência é amanhã.", "A audiência de deportação é amanhã.",
    "Él está indocumentado desde 2019.", "Ela não tem documentos.", "Li pa gen papye, li san papye.",
    "La audiencia de inmigración es el 12 de diciembre.", "Naciò en México; es ciudadano mexicano.",
    "Elle est sans papiers depuis l'été.", "Anh ấy không có giấy tờ.", "Vive en 12 Elm St., apto 3.",
]
_FILLER = ["Reunión de padres el jueves.", "Café con leche.", "El niño leyó un libro.", "Ótimo trabalho!",
           "ﬁne ﬂowers", "Ｎｏｔｅ:", "école", "hello"]


@pytest.fixture(scope="module")
def detector() -> TextDetector:
    return TextDetector.from_policy_data(None)


def _found(detector: TextDetector, text: str) -> set[tuple[str, str]]:
    return {(f.category, unicodedata.normalize("NFC", text[f.start:f.end]).strip()) for f in detector.detect(text)}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.sampled_from(_SENTENCES + _FILLER), min_size=1, max_size=4))
def test_a_note_in_any_normalisation_form_gives_the_same_findings_2_129_040(detector: TextDetector,
                                                                          parts: list[str]) -> None:
    text = " ".join(parts)
    nfc = _found(detector, unicodedata.normalize("NFC", text))
    for form in ("NFD", "NFKC", "NFKD"):
        other = unicodedata.normalize(form, text)
        if form.startswith("NFK"):  # compatibility characters (ﬁ, Ｎ) read as their plain letters
            assert _found(detector, other) == _found(detector, unicodedata.normalize("NFKC", text)), form
        else:
            assert _found(detector, other) == nfc, form


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(text=st.text(alphabet=st.sampled_from(list("aeinou ñéãçAE.\u0301\u0303\u0327\u200b１ﬁ")), max_size=40))
def test_spans_map_back_to_whole_characters_of_the_original(text: str) -> None:
    """For text not in NFC (the composing path): a span never splits a character from its marks."""
    assume(not unicodedata.is_normalized("NFC", text))
    folded = fold(text)
    n = len(folded.text)
    for s in range(n):
        for e in range(s + 1, min(n, s + 4) + 1):
            a, b = folded.span(s, e)
            assert 0 <= a < b <= len(text)
            # a span never ends before a combining mark of its last character
            assert b == len(text) or unicodedata.combining(text[b]) == 0 or text[b - 1] == "\u200b"


def test_nfd_hearing_date_is_found_and_redacted_whole(detector: TextDetector) -> None:
    text = unicodedata.normalize("NFD", "La audiencia es mañana.")
    found = detector.detect(text)
    assert {f.category for f in found} == {"hearing_information"}
    red = detector.redact(text, found)
    assert "\u0303" not in red  # the tilde went with its n


def test_plain_accented_text_still_takes_the_per_character_path() -> None:
    """Look-alike: NFC text keeps its identity offsets (no cost added to the common case)."""
    assert fold("La audiencia es mañana.").offsets is None
