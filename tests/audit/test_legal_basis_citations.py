"""A declared legal basis is a citation, and citations of federal codes carry section numbers of five
digits ("52 U.S.C. 21083"): the value-free check must accept them (else every use of the declared
exception answers 503, fail closed), while a value (a long number that is not a code's section, an
A-number, an SSN, a date, a phone number) is still refused and never echoed."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.audit import AuditRecordError, build_record

CODES = ["U.S.C.", "USC", "U.S.C.A.", "C.F.R.", "CFR"]
SECTION = st.integers(min_value=1, max_value=99999).map(str) | st.builds(
    lambda n, a: f"{n}{a}", st.integers(1, 99999), st.sampled_from(["a", "e", "b", "A"]))
SUB = st.lists(st.sampled_from(["(a)", "(b)", "(4)", "(A)", "(i)", "(2)"]), max_size=4).map("".join)


@st.composite
def citations(draw: Any) -> str:
    title = draw(st.integers(1, 52))
    code = draw(st.sampled_from(CODES))
    sign = draw(st.sampled_from(["", "§", "§ ", "§§ "]))
    return f"{title} {code} {sign}{draw(SECTION)}{draw(SUB)}"


@st.composite
def legal_bases(draw: Any) -> str:
    parts = draw(st.lists(citations(), min_size=1, max_size=3))
    name = draw(st.sampled_from(["", "HAVA, ", "NVRA, ", "Form I-9, ", "VCCR art. 36, "]))
    return (name + ", and ".join(parts))[:160]


def _with_basis(make_record: Any, basis: str) -> dict[str, Any]:
    rec = make_record()
    rec["exceptions"][0]["legal_basis"] = basis
    return rec


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(basis=legal_bases())
def test_a_declared_legal_basis_citing_a_code_section_is_accepted(make_record: Any, basis: str) -> None:
    out = build_record(_with_basis(make_record, basis))
    assert out["exceptions"][0]["legal_basis"] == basis


@pytest.mark.parametrize("basis", [
    "HAVA, 52 U.S.C. §21083(b)(4)(A)(i), and NVRA, 52 U.S.C. §20508(b)(2)",
    "52 U.S.C. 21083", "Form I-9, 8 U.S.C. 1324a, 8 CFR 274a.2", "VCCR art. 36, 28 CFR 50.5",
    "Pub. L. 107-252, sec. 303", "42 U.S.C. 2000e-2", "M.G.L. c. 71, s. 37", "section 12101",
])
def test_real_statute_citations_are_accepted(make_record: Any, basis: str) -> None:
    assert build_record(_with_basis(make_record, basis))["exceptions"][0]["legal_basis"] == basis


@pytest.mark.parametrize("value", [
    "ssn 078051120", "record 12345", "52 U.S.C. 078051120", "8 U.S.C. 1324a, case 2026091233",
    "A123456789", "8 U.S.C. 1324a A-123-456-789", "078-05-1120", "1985-04-12", "617-555-0199",
    "123 Main Street",
])
def test_a_value_in_a_legal_basis_is_still_refused_and_not_echoed(make_record: Any, value: str) -> None:
    with pytest.raises(AuditRecordError) as err:
        build_record(_with_basis(make_record, value))
    assert value not in str(err.value)
