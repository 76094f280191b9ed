"""Pasted jail-system rows without ``:``/``=`` inside a narrative (review r13e F14). Written for
these tests.

Invariant (2.129.040(e)/(k)): a release date, court date or birthplace pasted into a declared
public-record narrative as an export row — space-separated ``KEY value`` pairs, a pipe/comma header
line with a data line, or JSON members — never reaches a federal requester. Look-alike: columns
that are public record (booking number, charge) stay readable.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
PROTECTED = {"RLS_DT": "01/14/2027", "NEXT_CRT_DT": "12/09/2026", "POB_CITY": "JACMEL"}
PRE, POST = "Officers responded to Mass Ave at 14:10. Copied from JMS: ", " Report by Sgt. Doe, unit 4."


@pytest.fixture(scope="module")
def g() -> Guard:
    return Guard.default(audit="memory:")


def _served(g, text: str) -> str:
    r = g.redact({"incident_id": "24-01187", "narrative": text}, scope="police", requester="federal",
                 public_record_fields=["narrative", "incident_id"])
    return str(r.document.get("narrative"))


def _row(shape: str, cols: list[tuple[str, str]]) -> str:
    if shape == "space":
        return " ".join(f"{k} {v}" for k, v in cols)
    if shape == "json":
        return json.dumps(dict(cols))
    sep = "|" if shape == "pipe" else ","
    return sep.join(k for k, _ in cols) + "\n" + sep.join(v for _, v in cols)


@SETTINGS
@given(keys=st.lists(st.sampled_from(sorted(PROTECTED)), min_size=1, max_size=3, unique=True),
       shape=st.sampled_from(["space", "json", "pipe", "csv"]), booking_first=st.booleans())
def test_federal_officer_never_sees_dates_from_a_pasted_export_row_040e(g, keys, shape, booking_first):
    cols = [(k, PROTECTED[k]) for k in keys]
    booking_first = booking_first or shape in ("pipe", "csv")  # a table has two columns at least
    if booking_first:
        cols.insert(0, ("BKG_NO", "24-01187"))
    served = _served(g, PRE + _row(shape, cols) + POST)
    for _, v in cols[1 if booking_first else 0:]:
        assert v not in served, (shape, cols, served)


@pytest.mark.parametrize("shape", ["pipe", "csv", "json"])
def test_public_columns_of_a_pasted_row_stay(g, shape):
    served = _served(g, PRE + _row(shape, [("CASE_TYPE", "TRESPASS"), ("UNIT_ID", "CAR4")]) + POST)
    assert "TRESPASS" in served and "CAR4" in served
