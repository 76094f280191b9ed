"""A redaction covers the protected value where it stands, never the next line (review r13f F02).
Written for these tests.

Invariant (2.129.040(e), 2.129.030): when a place of birth ends a line — a ``Label: value`` line,
a multi-field ``Key: value - Key: value`` line, or an XML element — and a declared narrative is
served to a federal requester, (1) the value is not in the served text and (2) the lines before
and after it are served unchanged (a redaction neither spills onto the next line's first word nor
eats it), whatever the prefix, the line break (LF or CRLF) and the next line.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
PLACES = ["Dakar", "Jacmel", "Tegucigalpa", "Port-au-Prince", "San Pedro Sula"]
FORMS = [
    "Place of birth: {v}", "Lieu de naissance: {v}", "Lugar de nacimiento: {v}", "POB: {v}",
    "<BirthPlace>{v}</BirthPlace>", "<Booking><BirthPlace>{v}</BirthPlace></Booking>",
    "N° écrou: 24-01187 - Lieu de naissance: {v}",
    "Booking 24-01187 - Place of birth: {v}",
]
PREFIXES = ["", "Pasted from JMS:\n", "Incident 24-118 reviewed.\n", "Officer Doe arrived.\r\n"]
# the next line: words of a report (some of which are also country names in some language: "End")
WORDS = ["End", "of", "paste", "Nothing", "further", "Officer", "Doe", "filed", "the", "report", "Mali",
         "Chad", "see", "attached", "Sent", "Monday"]
NEXT = st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(lambda w: " ".join(w) + ".")


@pytest.fixture(scope="module")
def g() -> Guard:
    return Guard.default(audit="memory:")


def _served(g, text: str) -> str:
    r = g.redact({"narrative": text}, scope="police", requester="federal", public_record_fields=["narrative"])
    return str(r.document["narrative"])


@SETTINGS
@given(form=st.sampled_from(FORMS), value=st.sampled_from(PLACES), prefix=st.sampled_from(PREFIXES),
       brk=st.sampled_from(["\n", "\r\n", " \n"]), nxt=NEXT)
def test_federal_officer_never_sees_place_of_birth_and_next_line_is_kept(g, form, value, prefix, brk, nxt):
    text = prefix + form.format(v=value) + brk + nxt
    served = _served(g, text)
    assert value not in served, (text, served)
    assert served.endswith(brk + nxt), (text, served)
    assert served.startswith(prefix), (text, served)


@SETTINGS
@given(value=st.sampled_from(PLACES), prefix=st.sampled_from(PREFIXES), brk=st.sampled_from(["\n", "\r\n"]),
       nxt=NEXT)
def test_detected_place_of_birth_span_is_exactly_the_value(g, value, prefix, brk, nxt):
    text = prefix + "Place of birth: " + value + brk + nxt
    start = len(prefix) + len("Place of birth: ")
    for f in g.detect_text(text):
        if f.category == "place_of_birth":
            assert f.end <= start + len(value), (text, f, text[f.start:f.end])
