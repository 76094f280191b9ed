"""Pasted jail-system fields with short capital keys and no ``:``/``=`` (review r13e F14, the shapes
round g left open). Written for these tests.

Invariant (2.129.040(e)): a birthplace, release date or court date pasted into a declared
public-record narrative as ``KEY value`` pairs — a comma/semicolon list of short capital keys
(``DOB 3/4/90, POB Jacmel HT``) or a one-column layout (``POB`` on one line, the value on the
next) — never reaches a federal requester. Look-alike: public columns (agency, officer, unit)
in the same row stay readable, and capital words in prose ("CPD and MSP responded") are not keys.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
PROTECTED = [("POB", ["Jacmel HT", "SAN SALVADOR", "Praia CV"]), ("COB", ["HAITI", "El Salvador"]),
             ("RLS_DT", ["01/14/2027", "02/03/2027"]), ("NEXT_CRT", ["12/09/2026"]), ("RLS", ["01/21/2027"])]
PUBLIC = [("AGCY", ["CPD", "MSP"]), ("OFCR", ["DOE", "Smith"]), ("UNIT", ["4", "12B"])]
PRE = ["Officers responded to Mass Ave at 14:10. Copied from JMS: ", "Subj. ", "From booking sheet:\n"]
POST = [" Report by Sgt. Doe, unit 4.", "\nNo further action.", "."]


@pytest.fixture(scope="module")
def g() -> Guard:
    return Guard.default(audit="memory:")


def _served(g, text: str) -> str:
    r = g.redact({"incident_id": "24-01187", "narrative": text}, scope="police", requester="federal",
                 public_record_fields=["narrative", "incident_id"])
    return str(r.document.get("narrative"))


@st.composite
def row(draw):
    prot = draw(st.lists(st.sampled_from(PROTECTED), min_size=1, max_size=3, unique_by=lambda kv: kv[0]))
    pub = draw(st.lists(st.sampled_from(PUBLIC), min_size=1, max_size=2, unique_by=lambda kv: kv[0]))
    cols = [(k, draw(st.sampled_from(vs)), True) for k, vs in prot] + [(k, draw(st.sampled_from(vs)), False) for k, vs in pub]
    return draw(st.permutations(cols))


@SETTINGS
@given(cols=row(), sep=st.sampled_from([", ", "; ", " , "]), pre=st.sampled_from(PRE), post=st.sampled_from(POST))
def test_federal_officer_never_sees_a_pasted_short_key_list(g, cols, sep, pre, post):
    out = _served(g, pre + sep.join(f"{k} {v}" for k, v, _ in cols) + post)
    for k, v, protected in cols:
        if protected:
            assert v not in out, (k, out)
        else:
            assert f"{k} {v}" in out, (k, out)


@SETTINGS
@given(cols=row(), pre=st.sampled_from(PRE), post=st.sampled_from(POST))
def test_federal_officer_never_sees_a_one_column_layout(g, cols, pre, post):
    out = _served(g, pre.rstrip(" ") + "\n" + "\n".join(f"{k}\n{v}" for k, v, _ in cols) + post)
    for k, v, protected in cols:
        if protected:
            assert v not in out, (k, out)
        else:
            assert f"{k}\n{v}" in out, (k, out)


@pytest.mark.parametrize("text", [
    "Officers from CPD and MSP responded. ICE ERO Boston, DHS HSI were not contacted.",
    "Units: CPD 4, MSP 2; USCIS Form I-130 was found.",
    "NARRATIVE\nOfficer responded to a noise complaint at the park.",
])
def test_capital_words_in_prose_are_not_pasted_fields(g, text):
    assert _served(g, text) == text


@pytest.mark.parametrize("unit", ["POB Jacmel HT, ", "POB Jacmel HT. ", "x POB Jacmel HT x\n", "POB\nJacmel\n",
                                  "RLS_DT 01/14/2027 ", "AB CD EF "])
def test_reading_pasted_rows_costs_linear_time(unit):
    """2.129.040: a long pasted export must not stall the worker (no per-pair rescans of the text)."""
    import time

    from status_guard.text.keyvalue import key_values

    def cpu(n: int) -> float:
        best = float("inf")
        for _ in range(3):
            t0 = time.process_time()
            key_values(unit * n)
            best = min(best, time.process_time() - t0)
        return best

    t1, t2 = cpu(2000), cpu(8000)
    assert t2 < max(6 * t1, 0.05), (unit, t1, t2)  # 4x the text: linear is ~4x, quadratic 16x
