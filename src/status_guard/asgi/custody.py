"""Custody access (2.129.040(h)): no ICE access — in person, by telephone or by video — to people
in police custody without a judicial warrant or other court order.

The requester supplies a warrant or court-order reference (a header, by default
``X-Judicial-Warrant``). The reference alone proves nothing: a :class:`CustodyVerifier` configured
by the city decides whether it is a real, current judicial instrument (for example by looking it
up in the court clerk's list). Only a verified reference becomes a ``judicial-warrant`` claim, and
its use is audited. No verifier configured means nothing is ever verified (fail closed)."""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from ..model import Claim, Requester

# What a reference may look like: a docket / case number. It is audited, so it must hold no
# personal data and match the audit log's reference pattern.
REFERENCE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/#-]{0,63}")
EXCEPTION_ID = "judicial-warrant"

InstrumentKind = Literal["judicial warrant", "court order"]


@dataclass(frozen=True)
class Verification:
    """A verifier's answer: the instrument is genuine and covers this access."""

    reference: str
    kind: InstrumentKind = "judicial warrant"

    def claim(self) -> Claim:
        return Claim(EXCEPTION_ID, legal_basis=self.kind, reference=self.reference, verified=True)


@runtime_checkable
class CustodyVerifier(Protocol):
    """Decides whether a warrant or court-order reference is genuine. ``verify`` may be a plain or
    an ``async`` method; it returns a :class:`Verification`, or ``None`` to refuse."""

    def verify(self, reference: str, requester: Requester, path: str) -> Verification | None: ...


class WarrantRegistry:
    """The simplest real verifier: a list of judicial warrants and court orders the court clerk
    (or the department's legal counsel) has entered, each mapped to its kind. An ICE administrative
    warrant (I-200, I-203, I-205) is not a judicial warrant and must never be entered here."""

    def __init__(self, instruments: Mapping[str, InstrumentKind]) -> None:
        for ref, kind in instruments.items():
            if not REFERENCE_RE.fullmatch(ref):
                raise ValueError("a registry reference must be a docket-style number (letters, digits, . _ : / # -)")
            if kind not in ("judicial warrant", "court order"):
                raise ValueError("instrument kind must be 'judicial warrant' or 'court order'")
        self._instruments = dict(instruments)

    def verify(self, reference: str, requester: Requester, path: str) -> Verification | None:
        kind = self._instruments.get(reference)
        return Verification(reference, kind) if kind is not None else None


def well_formed(reference: str | None) -> bool:
    return reference is not None and REFERENCE_RE.fullmatch(reference) is not None


async def verify_reference(
    verifier: CustodyVerifier | None, reference: str | None, requester: Requester, path: str
) -> Verification | None:
    """Run the verifier (sync or async). Malformed references, a missing verifier and a verifier
    that raises all mean *not verified*."""
    if verifier is None or not well_formed(reference):
        return None
    assert reference is not None
    try:
        result = verifier.verify(reference, requester, path)
        if inspect.isawaitable(result):
            result = await result
    except Exception:  # a broken verifier verifies nothing
        return None
    if isinstance(result, Verification) and result.reference == reference:
        return result
    return None
