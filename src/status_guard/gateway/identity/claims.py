"""Map verified token claims to a requester class and agency, by configuration (first rule wins)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ...model import Requester

# What the audit log accepts as an agency name (status_guard.audit.records.NAME_RE); anything
# else is dropped rather than letting an odd claim make every audit write fail.
_AGENCY_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .&'/_()-]{0,79}")


def safe_agency(value: Any) -> str | None:
    if isinstance(value, str) and _AGENCY_RE.fullmatch(value.strip()):
        return value.strip()
    return None


def claim_value(claims: Mapping[str, Any], path: str) -> Any:
    """``realm_access.roles`` -> ``claims["realm_access"]["roles"]``; a literal key with a dot wins."""
    if path in claims:
        return claims[path]
    node: Any = claims
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _scalar(v: Any) -> str | None:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (str, int)):
        return str(v)
    return None


def rule_matches(rule: Any, claims: Mapping[str, Any]) -> bool:
    v = claim_value(claims, rule.claim)
    if v is None:
        return False
    if rule.equals is not None:
        return _scalar(v) == rule.equals
    if isinstance(v, str):
        return rule.contains in v.split()
    if isinstance(v, (list, tuple)):
        return any(_scalar(x) == rule.contains for x in v)
    return False


def map_claims(rules: Sequence[Any], claims: Mapping[str, Any], default: str) -> tuple[Requester, bool]:
    """The requester for these (already verified) claims, and whether a rule matched."""
    for rule in rules:
        if rule_matches(rule, claims):
            agency = rule.agency
            if rule.agency_claim:
                agency = safe_agency(claim_value(claims, rule.agency_claim)) or agency
            return Requester(rule.requester, safe_agency(agency)), True
    return Requester(default), False
