"""Dates and A-numbers written with typographic dashes or other separators (review r13f F12).
Written for these tests.

Invariant (2.129.040(e), 2.129.030): a release/hearing date or an A-number written with any
Unicode dash or separator variant (en/em dash, non-breaking hyphen, minus sign, middle dot, spaces
of any width; ``A.204.113.998``) is found exactly like its ASCII ``-`` form, and the redaction
covers the characters of the original text (folding keeps offsets).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
DASHES = ["\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212", "\ufe63", "\uff0d", "\u00b7", "\u2027"]
SPACES = [" ", "\u00a0", "\u2009", "\u202f"]
DATE_SENTENCES = ["He will be released on {d}.", "Next court date {d}.", "Expected release {d}.",
                  "Hearing scheduled for {d} at 9 am."]
A_SENTENCES = ["Alien Registration No. {a}.", "A-number {a} on file.", "USCIS# {a}"]
WRAPS = ["{s}", "Report. {s} Officer Doe filed.", "Incident 24-118.\r\n{s}\r\nEnd of paste."]


@pytest.fixture(scope="module")
def g() -> Guard:
    return Guard.default(audit="memory:")


def _served(g, text: str) -> str:
    r = g.redact({"narrative": text}, scope="police", requester="federal", public_record_fields=["narrative"])
    return str(r.document["narrative"])


def _spans(g, text: str) -> set[tuple[str, int, int]]:
    return {(f.category, f.start, f.end) for f in g.detect_text(text)}


@SETTINGS
@given(m=st.integers(1, 12), d=st.integers(1, 28), y=st.integers(2025, 2030), sep=st.sampled_from(DASHES + SPACES),
       sentence=st.sampled_from(DATE_SENTENCES), wrap=st.sampled_from(WRAPS))
def test_federal_officer_never_sees_release_date_written_with_any_dash(g, m, d, y, sep, sentence, wrap):
    ascii_date = f"{m:02d}-{d:02d}-{y}"
    date = ascii_date.replace("-", sep)
    text = wrap.format(s=sentence.format(d=date))
    # same findings, at the same offsets, as the ASCII writing (one character for one)
    assert _spans(g, text) == _spans(g, text.replace(date, ascii_date)), text
    served = _served(g, text)
    assert date not in served and str(y) not in served, (text, served)


@SETTINGS
@given(digits=st.tuples(*[st.integers(100, 999)] * 3), sep=st.sampled_from(DASHES[:9] + ["."]),
       sentence=st.sampled_from(A_SENTENCES), wrap=st.sampled_from(WRAPS))
def test_federal_officer_never_sees_a_number_written_with_any_dash(g, digits, sep, sentence, wrap):
    a = "A" + "".join(sep + str(p) for p in digits)
    text = wrap.format(s=sentence.format(a=a))
    served = _served(g, text)
    assert a not in served and str(digits[1]) + sep + str(digits[2]) not in served, (text, served)


@pytest.mark.parametrize("text", ["Call 617–349–4000 for the library.", "Room 3·14 is open.",
                                  "Score was 3 – 1 on 12 May.", "Pages 12–14 of the permit guide."])
def test_ordinary_dashes_in_city_text_are_not_a_protected_item(g, text):
    assert not [f for f in g.detect_text(text) if f.category in {"release_date", "hearing_information",
                                                                 "alien_registration_number"}], text
