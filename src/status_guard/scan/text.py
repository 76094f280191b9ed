"""Prose inside template forms (a question asked in a paragraph rather than a label), checked
with the free-text detector through ``guard.detect_text`` when the text extra is installed.

Free text cannot tell asking from informing ("we never ask about immigration status"), so a
template-text finding is capped at ``flag``: a person reviews it. No excerpt is ever reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import StatusGuardError
from ..model import Effect
from .findings import Candidate, Kind
from .html import TextBlock


def text_available(guard: Any) -> bool:
    if getattr(guard, "text_detection", "auto") == "off":
        return False
    try:
        return guard._text_integration() is not None
    except StatusGuardError:
        return False


def text_candidates(guard: Any, blocks: Sequence[TextBlock], scope: str) -> list[Candidate]:
    """One candidate per block that mentions a protected category (categories preset)."""
    out: list[Candidate] = []
    for b in blocks:
        findings = guard.detect_text(b.text, scope=scope)
        cats = frozenset(f.category for f in findings)
        if not cats:
            continue
        reasons = tuple(sorted({f"{f.category}: text mentions it ({f.recognizer})" for f in findings}))
        out.append(Candidate(Kind.TEMPLATE_TEXT, f"text in form {b.form}", "collect", b.line, b.column,
                             context=f"prose inside form {b.form}", categories=cats, reasons=reasons,
                             max_effect=Effect.FLAG))
    return out
