"""What the scanner sees and what it reports.

* :class:`Observation` — one field a repository collects, stores or discloses (a form control, a
  DDL column, an API property, a model field, a literal value, a span of template text), with
  its classification. Observations feed the data inventory.
* :class:`Finding` — an observation the policy does not simply allow (or a file that could not
  be checked). Findings feed CI.

Neither ever holds a value from the scanned file: only identifiers and developer-written labels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ..model import MISSING, Effect


class Kind(str, Enum):
    FORM_FIELD = "form-field"
    DDL_COLUMN = "ddl-column"
    API_PROPERTY = "api-property"
    MODEL_FIELD = "model-field"
    TEMPLATE_TEXT = "template-text"
    VALUE_LITERAL = "value-literal"
    DB_COLUMN = "db-column"
    UNPARSEABLE = "unparseable"
    SUPPRESSION = "suppression"  # an inline suppression that is invalid or covers nothing

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Candidate:
    """What an extractor found, before classification and decision.

    ``values`` are literal values attached to the field (select options, enum members, an
    INSERTed literal); they are used for classification and value rules only and never reported.
    ``action`` is ``collect`` | ``store`` | ``disclose``. ``categories`` is set by extractors that
    classify themselves (template text)."""

    kind: Kind
    name: str
    action: str
    line: int
    column: int = 1
    label: str | None = None
    values: tuple[str, ...] = field(default=(), repr=False)
    context: str = ""  # where, in words ("response of GET /people/{id}", "table holds")
    categories: frozenset[str] | None = None
    reasons: tuple[str, ...] = ()
    max_effect: Effect | None = None  # a cap for heuristic extractors (template text: review only)


@dataclass(frozen=True)
class Observation:
    """A classified field and where the repository collects, stores or discloses it."""

    file: str
    line: int
    column: int
    kind: Kind
    name: str
    label: str | None
    action: str
    scope: str
    categories: tuple[str, ...]
    reasons: tuple[str, ...]
    effect: Effect
    context: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file, "line": self.line, "column": self.column, "kind": self.kind.value,
            "name": self.name, "label": self.label, "action": self.action, "scope": self.scope,
            "categories": list(self.categories), "reasons": list(self.reasons), "effect": self.effect.value,
            "context": self.context,
        }


@dataclass(frozen=True)
class Finding:
    """A field (or file) the policy does not simply allow, with the rule behind it and a fix."""

    file: str
    line: int
    column: int
    kind: Kind
    name: str
    effect: Effect
    action: str
    scope: str
    categories: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    citations: tuple[str, ...] = ()
    requesters: tuple[str, ...] = ()  # for disclose: the requester classes this effect applies to
    purpose: str | None = None
    label: str | None = None
    context: str = ""
    explanation: str = ""
    fix: str = ""
    suppressed: str | None = None          # the legal basis an inline suppression declared for it
    suppression_line: int | None = None
    baselined: bool = False                # adopted by the --baseline file: reported, does not fail

    @property
    def rule_id(self) -> str:
        if self.kind is Kind.UNPARSEABLE:
            return "status-guard/unparseable"
        if self.kind is Kind.SUPPRESSION:
            return "status-guard/suppression"
        return self.rules[0] if self.rules else f"status-guard/{self.kind.value}"

    @property
    def fingerprint(self) -> str:
        """Stable across runs and edits elsewhere in the file (no line): baselines and SARIF use it."""
        import hashlib

        return hashlib.sha256(f"{self.file}\x00{self.kind.value}\x00{self.name}\x00{self.rule_id}\x00{self.action}"
                              .encode()).hexdigest()[:32]

    def at_least(self, effect: Effect) -> bool:
        return self.effect.rank >= effect.rank

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file, "line": self.line, "column": self.column, "kind": self.kind.value,
            "name": self.name, "label": self.label, "effect": self.effect.value, "action": self.action,
            "scope": self.scope, "requesters": list(self.requesters), "purpose": self.purpose,
            "categories": list(self.categories), "reasons": list(self.reasons), "rule_id": self.rule_id,
            "rules": list(self.rules), "citations": list(self.citations), "context": self.context,
            "explanation": self.explanation, "fix": self.fix, "fingerprint": self.fingerprint,
            "suppressed": None if self.suppressed is None else {"legal_basis": self.suppressed,
                                                                "line": self.suppression_line},
            "baselined": self.baselined,
        }


@dataclass(frozen=True)
class ScanError:
    """A file that could not be read or parsed (it is also reported as an ``unparseable`` finding)."""

    file: str
    problem: str  # names the problem, never quotes the file


@dataclass(frozen=True)
class ScanReport:
    findings: tuple[Finding, ...]
    observations: tuple[Observation, ...]
    files_scanned: int
    errors: tuple[ScanError, ...] = ()
    files_skipped: int = 0
    scope: str = "city"
    purpose: str | None = None
    policy: dict[str, str] = field(default_factory=dict)
    baseline_fixed: tuple[Any, ...] = ()   # baseline entries that matched nothing (fixed since)
    baseline_used: bool = False

    def worst(self) -> Effect:
        return Effect.strongest(f.effect for f in self.findings)

    def failing(self, threshold: Effect | None) -> tuple[Finding, ...]:
        """Findings at or above ``threshold`` (None: never fail), except those a baseline adopted."""
        if threshold is None:
            return ()
        return tuple(f for f in self.findings if f.at_least(threshold) and not f.baselined)


__all__ = ["Candidate", "Finding", "Kind", "MISSING", "Observation", "ScanError", "ScanReport"]
