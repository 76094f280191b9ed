"""The Guard: the one object applications hold. It wraps a policy pack, its classifier, the
decision engine and the audit log; adapters (middleware, SQL inspector, text detection) are
reached through it and imported lazily."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .classify import Classification, Classifier, flatten
from .context import current
from .decide import decide as _decide
from .errors import AuditUnavailableError, PolicyError
from .model import MISSING, Action, Claim, Decision, Effect, Item, Requester
from .normalize import normalize
from .policy import Policy, load_policy
from .redact import REDACTED, Redaction, apply as _apply_redaction
from .safe_paths import audit_safe, new_request_id

log = logging.getLogger("status_guard")

RequesterLike = Requester | str | Mapping[str, Any] | None


class Guard:
    """Policy + classifier + decisions + audit.

    >>> guard = Guard.default()
    >>> guard.check_submission({"citizenship": "yes"}, scope="city", requester="local").effect
    <Effect.BLOCK: 'block'>
    """

    def __init__(
        self,
        policy: Policy,
        *,
        audit: Any = None,
        public_record_fields: Iterable[str] = (),
        text_detection: str = "auto",
    ) -> None:
        self.policy = policy
        self.classifier = Classifier(policy.file.categories)
        self.public_record_fields = frozenset(
            normalize(f) for f in list(policy.file.public_record_fields) + list(public_record_fields)
        )
        if text_detection not in {"auto", "on", "off"}:
            raise PolicyError("text_detection must be 'auto', 'on' or 'off'")
        self.text_detection = text_detection
        self._audit_spec = audit
        self._audit: Any = None
        self._audit_lock = threading.Lock()
        self._sql: Any = None

    # -- construction --------------------------------------------------------------------------
    @classmethod
    def default(cls, audit: Any = None, **kwargs: Any) -> Guard:
        """The Cambridge 2.129 pack. ``audit``: "jsonl:PATH" | "sqlite:PATH" | "postgresql://..." |
        an AuditLog | None (then ``STATUS_GUARD_AUDIT``, else an in-memory log)."""
        return cls(load_policy(None), audit=audit, **kwargs)

    @classmethod
    def from_policy(cls, path: str | Path, audit: Any = None, **kwargs: Any) -> Guard:
        return cls(load_policy(path), audit=audit, **kwargs)

    # -- classification ------------------------------------------------------------------------
    def classify(self, name: str, label: str | None = None, value: Any = MISSING) -> Classification:
        return self.classifier.classify(name, label, value)

    def classify_field(self, name: str, label: str | None = None, value: Any = MISSING) -> frozenset[str]:
        """Categories of a field, from its name, label and (optionally) value."""
        return self.classifier.classify(name, label, value).categories

    def item(self, path: str, *, key_path: str | None = None, label: str | None = None, value: Any = MISSING) -> Item:
        c = self.classifier.classify(key_path if key_path is not None else path, label, value)
        return Item(path, c.categories, c.reason_list, value)

    def items_from_fields(
        self, fields: Mapping[str, Any], labels: Mapping[str, str] | None = None, *, with_values: bool = True
    ) -> list[Item]:
        labels = labels or {}
        out: list[Item] = []
        for path, key_path, value in flatten(fields):
            out.append(
                self.item(path, key_path=key_path, label=labels.get(path) or labels.get(key_path),
                          value=value if with_values else MISSING)
            )
        return out

    # -- context -------------------------------------------------------------------------------
    def _resolve(self, requester: RequesterLike, purpose: str | None, claims: Sequence[Claim] | None):
        ctx = current()
        if requester is None:
            req = ctx.requester if ctx is not None else Requester("unknown")
        else:
            req = Requester.coerce(requester)
        if purpose is None and ctx is not None:
            purpose = ctx.purpose
        if claims is None:
            claims = ctx.claims if ctx is not None else ()
        return req, purpose, tuple(claims)

    # -- decisions -----------------------------------------------------------------------------
    def decide(
        self,
        action: str | Action,
        items: Sequence[Item],
        *,
        scope: str,
        requester: RequesterLike = None,
        purpose: str | None = None,
        claims: Sequence[Claim] | None = None,
        public_record_fields: Iterable[str] | None = None,
        block_as_strip: bool = False,
    ) -> Decision:
        req, purpose, claims_t = self._resolve(requester, purpose, claims)
        public = self.public_record_fields
        if public_record_fields:
            public = public | frozenset(normalize(f) for f in public_record_fields)
        return _decide(
            self.policy,
            action=str(action),
            items=items,
            scope=scope,
            requester=req,
            purpose=purpose,
            claims=claims_t,
            public_record=public,
            block_as_strip=block_as_strip,
        )

    def check_submission(
        self,
        fields: Mapping[str, Any],
        scope: str,
        requester: RequesterLike = None,
        purpose: str | None = None,
        *,
        claims: Sequence[Claim] | None = None,
        labels: Mapping[str, str] | None = None,
        strip: bool = False,
        action: str = "collect",
    ) -> Decision:
        """Check a submitted form / JSON body (nested keys and lists allowed) before it is accepted."""
        items = self.items_from_fields(fields, labels)
        items = self._with_text_findings(items, fields)
        return self.decide(action, items, scope=scope, requester=requester, purpose=purpose, claims=claims,
                           block_as_strip=strip)

    def check_access(
        self, scope: str, requester: RequesterLike = None, *, claims: Sequence[Claim] | None = None,
        purpose: str | None = None,
    ) -> Decision:
        """Custody access (visit, call, video) — 040(h) in the Cambridge pack."""
        return self.decide("access", [], scope=scope, requester=requester, purpose=purpose, claims=claims)

    def check_disclosure(
        self, document: Any, scope: str, requester: RequesterLike = None, *, purpose: str | None = None,
        public_record_fields: Iterable[str] | None = None,
    ) -> Decision:
        items = self.items_from_fields(document if isinstance(document, Mapping) else {"": document}, with_values=False)
        return self.decide("disclose", items, scope=scope, requester=requester, purpose=purpose,
                           public_record_fields=public_record_fields)

    def redact(
        self,
        document: Any,
        scope: str,
        requester: RequesterLike = None,
        public_record_fields: Iterable[str] | None = None,
        *,
        purpose: str | None = None,
        placeholder: Any = REDACTED,
    ) -> Redaction:
        """A redacted copy of a JSON-like document for this requester (040(e), 040(k), ...)."""
        items = self.items_from_fields(_as_mapping(document), with_values=False)
        decision = self.decide("disclose", items, scope=scope, requester=requester, purpose=purpose,
                               public_record_fields=public_record_fields)
        if isinstance(document, tuple):
            document = list(document)
        return _apply_redaction(document, decision, placeholder)

    # -- adapters (imported lazily: the core never imports them) ---------------------------------
    def check_sql(self, sql: str, dialect: str = "postgres", scope: str = "city", requester: RequesterLike = None,
                  purpose: str | None = None, schema: Mapping[str, Mapping[str, str]] | None = None, **kw: Any) -> Decision:
        from .sql import check_sql as _check_sql  # adapter

        return _check_sql(self, sql, dialect=dialect, scope=scope, requester=requester, purpose=purpose,
                          schema=schema, **kw)

    def detect_text(self, text: str, scope: str | None = None, **kw: Any) -> list[Any]:
        from .text import get_detector  # adapter

        return get_detector(self.policy.file.text).detect(text, **kw)

    def _with_text_findings(self, items: list[Item], fields: Mapping[str, Any]) -> list[Item]:
        """Add categories found in free-text values (notes, comments) by the text adapter."""
        if self.text_detection == "off":
            return items
        long_text = [it for it in items if isinstance(it.value, str) and _looks_like_free_text(it.value)]
        if not long_text:
            return items
        try:
            from .text.integration import categories_for_values  # adapter, optional extra
        except ImportError:
            if self.text_detection == "on":
                raise PolicyError("text_detection='on' but the text extra (presidio-analyzer) is not installed") from None
            return items
        found = categories_for_values(self, {it.path: it.value for it in long_text})
        out = []
        for it in items:
            extra = found.get(it.path)
            if extra:
                out.append(Item(it.path, it.categories | frozenset(extra),
                                it.reasons + tuple(f"{c}: free text mentions it" for c in sorted(extra)), it.value))
            else:
                out.append(it)
        return out

    # -- audit -----------------------------------------------------------------------------------
    @property
    def audit(self) -> Any:
        if self._audit is None:
            with self._audit_lock:
                if self._audit is None:
                    spec = self._audit_spec
                    if spec is None or isinstance(spec, (str, os.PathLike)):
                        from .audit import open_audit

                        self._audit = open_audit(str(spec) if spec is not None else None)
                    else:
                        self._audit = spec
        return self._audit

    def record(
        self,
        decision: Decision,
        *,
        adapter: str,
        request_id: str | None = None,
        route: str | None = None,
        fingerprint: str | None = None,
        monitor: bool = False,
        department: str | None = None,
    ) -> dict[str, Any]:
        """Append the decision to the audit log. Raises AuditUnavailableError when the record
        cannot be written: the caller must then refuse the guarded action (NIST AU-5)."""
        rec = audit_safe(decision).to_record()
        rec.update(
            adapter=adapter,
            request_id=request_id or new_request_id(),
            monitor=bool(monitor),
        )
        if route is not None:
            rec["route"] = route
        if fingerprint is not None:
            rec["fingerprint"] = fingerprint
        if department is not None:
            rec["department"] = department
        try:
            return self.audit.append(rec)
        except AuditUnavailableError:
            raise
        except Exception as exc:  # any sink failure is an audit failure
            raise AuditUnavailableError(f"audit log unavailable: {exc.__class__.__name__}") from None


def _looks_like_free_text(value: str) -> bool:
    return len(value) >= 24 and " " in value.strip()


def _as_mapping(document: Any) -> Mapping[str, Any]:
    if isinstance(document, Mapping):
        return document
    if isinstance(document, (list, tuple)):
        return {"": list(document)}
    return {}

