"""One-line fix hints for findings, built from the policy (exceptions a rule accepts)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..model import Effect, RuleHit
from .findings import Kind


def _exceptions(policy: Any, hits: Sequence[RuleHit]) -> list[str]:
    out: list[str] = []
    for h in hits:
        try:
            rule = policy.rule(h.rule)
        except Exception:  # noqa: BLE001 - a hit always names a known rule; be robust anyway
            continue
        for e in getattr(rule, "exceptions", ()) or ():
            exc = policy.file.exceptions.get(e)
            if exc is None:
                continue
            if exc.kind == "purpose":
                purposes = ", ".join(exc.purposes) if getattr(exc, "purposes", None) else e
                out.append(f"purpose {purposes} ({exc.citation})")
            elif exc.kind == "legal_basis":
                out.append(f"a declared legal basis `{e}` ({exc.citation})")
    return list(dict.fromkeys(out))


def fix_hint(policy: Any, kind: Kind, action: str, effect: Effect, hits: Sequence[RuleHit],
             requesters: Sequence[str]) -> str:
    value_rule = any(h.value_rule for h in hits)
    if value_rule:
        return ("Remove this basis value: a hold may not rest solely on an ICE detainer or administrative warrant; "
                "record the criminal or judicial basis instead.")
    exc = _exceptions(policy, [h for h in hits if h.effect is effect])
    unless = f" unless {' or '.join(exc)} applies (declare it: it is audited)" if exc else ""
    if kind is Kind.TEMPLATE_TEXT:
        return "Review this form text: if it asks for the protected information, remove the question."
    if action == "disclose":
        who = ", ".join(requesters) or "restricted requesters"
        if effect is Effect.BLOCK:
            return f"Remove this property from the response{unless}."
        return (f"Serve this route behind StatusGuardMiddleware (or guard.redact) so the property is withheld from "
                f"{who}, or drop it from the response schema.")
    if effect is Effect.FLAG:
        return f"Allowed but audited: confirm the need and keep the declared basis{unless and ':' + unless}."
    if kind is Kind.MODEL_FIELD:
        return f"Remove this field from the model (and drop its column in a migration){unless}."
    if kind is Kind.DDL_COLUMN or kind is Kind.DB_COLUMN:
        return f"Do not store this column: drop it (or never add it) in the migration{unless}."
    if kind is Kind.API_PROPERTY and action == "collect":
        return f"Remove this property from the request schema{unless}."
    if action == "collect" and kind is Kind.FORM_FIELD:
        return f"Remove this question from the form{unless}."
    if action == "collect":
        return f"Do not ask for this field{unless}."
    return f"Do not store this field{unless}."
