"""The vocabulary shared by every part of status_guard: effects, actions, requesters, claims,
items, rule hits and decisions. Plain frozen dataclasses; no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Iterable, Mapping


class Effect(str, Enum):
    """What a decision does. Ordered from weakest to strongest."""

    ALLOW = "allow"
    FLAG = "flag"
    REDACT = "redact"
    STRIP = "strip"
    BLOCK = "block"

    @property
    def rank(self) -> int:
        return _EFFECT_RANK[self]

    def __str__(self) -> str:  # "block", not "Effect.BLOCK"
        return self.value

    @classmethod
    def strongest(cls, effects: Iterable[Effect]) -> Effect:
        best = cls.ALLOW
        for e in effects:
            if _EFFECT_RANK[e] > _EFFECT_RANK[best]:
                best = e
        return best


_EFFECT_RANK = {Effect.ALLOW: 0, Effect.FLAG: 1, Effect.REDACT: 2, Effect.STRIP: 3, Effect.BLOCK: 4}


class Action(str, Enum):
    """What is being done to the data."""

    COLLECT = "collect"  # a form asks / a request submits
    STORE = "store"  # INSERT / UPDATE / MERGE / COPY / DDL
    SELECT_BY = "select_by"  # a filter, join or sort on the category
    READ = "read"  # a query reads it
    DISCLOSE = "disclose"  # a response leaves the app
    ACCESS = "access"  # custody visit / call / video
    DETAIN = "detain"  # hold / extend detention

    def __str__(self) -> str:
        return self.value


MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING", "__bool__": lambda self: False})()


@dataclass(frozen=True)
class Requester:
    """Who receives data or asks for it, as resolved from the app's own authentication."""

    cls: str
    agency: str | None = None
    subject: str | None = None  # an officer or account id; audited only as a keyed hash

    @classmethod
    def coerce(cls, value: Requester | str | Mapping[str, Any] | None) -> Requester:
        if value is None:
            return cls("unknown")
        if isinstance(value, Requester):
            return value
        if isinstance(value, str):
            return cls(value.strip().lower() or "unknown")
        if isinstance(value, Mapping):
            klass = value.get("cls") or value.get("class") or "unknown"
            return cls(str(klass).lower(), value.get("agency"), value.get("subject"))
        raise TypeError(f"requester must be a class name, a Requester or a mapping, not {type(value).__name__}")


@dataclass(frozen=True)
class Claim:
    """A declared exception: the calling code says a legal basis (or verified instrument) covers it.

    ``exception`` is the id of an exception in the policy pack. ``categories`` (optional) limits
    the claim to those categories (a Form I-9 covers citizenship and immigration status, not a
    home address). ``verified`` is set by a verifier (e.g. a judicial-warrant checker), never by
    the requester."""

    exception: str
    legal_basis: str = ""
    reference: str | None = None
    categories: frozenset[str] | None = None
    verified: bool = False

    def __post_init__(self) -> None:
        if self.categories is not None and not isinstance(self.categories, frozenset):
            object.__setattr__(self, "categories", frozenset(self.categories))


@dataclass(frozen=True)
class Item:
    """One thing the action touches: a form field, a JSON path, a table.column."""

    path: str
    categories: frozenset[str] = frozenset()
    reasons: tuple[str, ...] = ()
    value: Any = field(default=MISSING, compare=False, repr=False)
    public_record: bool = False
    #: Whether a carve-out (e.g. 8 U.S.C. §1373 status sharing) may release this item. ``None``:
    #: not a document leaf (a column, a form field) — decided by its categories alone. ``True`` /
    #: ``False``: a leaf of a disclosed document, where a carve-out applies only to a scalar whose
    #: own key is a status key and whose value is itself a status (see ``status_guard.disclose``);
    #: nothing inherits a carve-out from a parent key.
    carve_out: bool | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.categories, frozenset):
            object.__setattr__(self, "categories", frozenset(self.categories))


@dataclass(frozen=True)
class ExceptionUse:
    """An exception that changed a decision. Never silent: it is part of every audit record."""

    exception: str
    citation: str
    rule: str
    kind: str  # "legal_basis" | "purpose" | "verified_instrument"
    legal_basis: str = ""
    reference: str | None = None
    purpose: str | None = None


@dataclass(frozen=True)
class RuleHit:
    """A rule that fired, with the items it fired on."""

    rule: str
    citation: str
    reason: str
    effect: Effect
    categories: frozenset[str] = frozenset()
    paths: tuple[str, ...] = ()
    exception: ExceptionUse | None = None
    value_rule: bool = False


@dataclass(frozen=True)
class FieldOutcome:
    """What the decision does to one item."""

    path: str
    categories: frozenset[str]
    effect: Effect
    rules: tuple[str, ...] = ()
    citations: tuple[str, ...] = ()
    match_reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class PolicyRef:
    id: str
    version: str
    hash: str


@dataclass(frozen=True)
class Decision:
    """The outcome of one check. Plain data, holds no field values."""

    effect: Effect
    action: str
    scope: str
    requester: Requester
    purpose: str | None
    hits: tuple[RuleHit, ...]
    fields: tuple[FieldOutcome, ...]
    policy: PolicyRef
    exceptions_used: tuple[ExceptionUse, ...] = ()
    messages: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    # -- convenience -------------------------------------------------------------------------
    @property
    def citations(self) -> tuple[str, ...]:
        """The citations behind the effect, in order, unique: every rule that refused, redacted or
        flagged (and every exception used); for an allowed decision, the carve-outs that allowed it
        (e.g. 2.129.070)."""
        seen: dict[str, None] = {}
        for h in self.hits:
            if h.effect is not Effect.ALLOW or h.exception is not None:
                seen.setdefault(h.citation, None)
            if h.exception is not None:
                seen.setdefault(h.exception.citation, None)
        if not seen:
            for h in self.hits:
                seen.setdefault(h.citation, None)
        return tuple(seen)

    @property
    def all_citations(self) -> tuple[str, ...]:
        """Every rule that fired, including carve-outs that allowed part of the decision."""
        return tuple(dict.fromkeys(h.citation for h in self.hits))

    @property
    def allowed(self) -> bool:
        return self.effect is not Effect.BLOCK

    @property
    def blocked(self) -> bool:
        return self.effect is Effect.BLOCK

    @property
    def categories(self) -> frozenset[str]:
        out: set[str] = set()
        for f in self.fields:
            if f.effect is not Effect.ALLOW:
                out |= f.categories
        for h in self.hits:
            out |= h.categories
        return frozenset(out)

    def paths_with(self, *effects: Effect | str) -> tuple[str, ...]:
        wanted = {Effect(e) for e in effects}
        return tuple(f.path for f in self.fields if f.effect in wanted)

    def field(self, path: str) -> FieldOutcome | None:
        for f in self.fields:
            if f.path == path:
                return f
        return None

    def explain(self, lang: str = "en") -> str:
        """A plain-language account of the decision (no values)."""
        if not self.hits:
            return f"{self.action} allowed in {self.scope} scope for a {self.requester.cls} requester: no rule applies."
        parts = []
        for h in self.hits:
            where = f" ({', '.join(h.paths)})" if h.paths else ""
            reason = self.reason_for(h, lang)
            line = f"{h.effect.value.upper()} {h.citation}{where}: {reason}"
            if h.exception is not None:
                basis = h.exception.legal_basis or h.exception.purpose or h.exception.reference or ""
                line += f" [exception {h.exception.exception} ({h.exception.citation}) used: {basis}]"
            parts.append(line)
        return "; ".join(parts)

    def reason_for(self, hit: RuleHit, lang: str = "en") -> str:
        texts = self.messages.get(hit.rule)
        if texts and lang != "en":
            # messages maps rule id -> tuple of "lang:text" entries
            for t in texts:
                if t.startswith(lang + ":"):
                    return t[len(lang) + 1 :]
        return hit.reason

    def to_record(self) -> dict[str, Any]:
        """The value-free part of an audit record."""
        return {
            "action": self.action,
            "effect": self.effect.value,
            "citations": list(self.citations),
            "rules": list(dict.fromkeys(h.rule for h in self.hits)),
            "categories": sorted(self.categories),
            "fields": [f.path for f in self.fields if f.effect is not Effect.ALLOW],
            "scope": self.scope,
            "requester": {"class": self.requester.cls, "agency": self.requester.agency},
            "purpose": self.purpose,
            "exceptions": [
                {
                    "id": e.exception,
                    "citation": e.citation,
                    "kind": e.kind,
                    "legal_basis": e.legal_basis or None,
                    "reference": e.reference,
                    "purpose": e.purpose,
                }
                for e in self.exceptions_used
            ],
            "policy": {"id": self.policy.id, "version": self.policy.version, "hash": self.policy.hash},
        }

    def __str__(self) -> str:
        return f"Decision({self.effect.value}: {self.explain()})"
