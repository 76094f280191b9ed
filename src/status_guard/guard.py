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

from .classify import Classification, Classifier, flatten, flatten_located
from .context import current
from .decide import decide as _decide
from .errors import AuditUnavailableError, PolicyError
from .model import MISSING, Action, Claim, Decision, Effect, Item, Requester
from .normalize import normalize
from .policy import Policy, load_policy
from .redact import REDACTED, Redaction, apply as _apply_redaction, split_path
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
        self.classifier = Classifier.from_policy(policy)
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
        self._warned_no_text = False
        self._withheld_cache: dict[tuple[str, str, str | None], frozenset[str]] = {}

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
        """A redacted copy of a JSON-like document for this requester (040(e), 040(k), ...).

        Every leaf is addressed by its exact location, never by re-splitting its path string (a key
        may contain ``.`` or ``[``); a bare string or number is a leaf of its own; a mapping key
        that is itself a protected value (an A-number used as a key) is replaced."""
        items: list[Item] = []
        free_text: list[str] = []
        locations: dict[str, list[tuple[Any, ...]]] = {}
        ambiguous: set[str] = set()
        keys: set[Any] = set()  # every mapping key on the way to a leaf, for _redact_keys
        by_key_path: dict[str, Classification] = {}  # list records repeat their key paths
        classify = self.classifier.classify
        wrapped = not isinstance(document, Mapping)
        for parts, path, key_path, value in flatten_located(_as_mapping(document)):
            if wrapped:
                parts = parts[1:]  # drop the wrapper key _as_mapping added
            keys.update(parts)
            places = locations.get(path)
            if places is None:
                places = locations[path] = []
                c = by_key_path.get(key_path)
                if c is None:
                    c = by_key_path[key_path] = classify(key_path)
                items.append(Item(path, c.categories, c.reason_list))
            places.append(parts)
            if len(places) > 1 or split_path(path) != parts:
                ambiguous.add(path)
            if isinstance(value, str) and _looks_like_free_text(value):
                free_text.append(path)
        decision = self.decide("disclose", items, scope=scope, requester=requester, purpose=purpose,
                               public_record_fields=public_record_fields)
        if isinstance(document, tuple):
            document = list(document)
        result = _apply_redaction(document, decision, placeholder, locations)
        if isinstance(placeholder, (str, int, float, bool)) or placeholder is None:
            # the redacted copy holds no mapping key that the first walk did not see: walk it
            # again only when one of those keys is a protected value
            result = self._redact_keys(result, scope, candidates=keys)
        else:
            result = self._redact_keys(result, scope)
        withheld = set(result.redacted) | set(result.removed)
        visible_text = [p for p in free_text if p not in withheld]
        if not visible_text:
            return result  # no free text left visible: nothing to look inside
        if ambiguous & set(visible_text) and self.text_detection != "off":
            # span redaction addresses text by path string: text under an ambiguous key is withheld whole
            hidden = self.withheld_categories(scope, decision.requester, decision.purpose)
            if hidden:
                paths = sorted(ambiguous & set(visible_text))
                extra = self.decide("disclose", [Item(p, hidden, ("free text under an ambiguous key",)) for p in paths],
                                    scope=scope, requester=decision.requester, purpose=decision.purpose, claims=())
                result = _merge_redactions(result, _apply_redaction(result.document, extra, placeholder, locations))
        return self._redact_free_text(result, scope, result.decision)

    def _redact_keys(self, result: Redaction, scope: str, candidates: Iterable[Any] | None = None) -> Redaction:
        """Replace mapping keys that are themselves protected values (``{"A123456789": {...}}``):
        the leaves under them may be harmless, the key is not. ``candidates``: every key the
        document can hold (collected by the caller's walk); when none of them is protected for
        this requester, the document is not walked again."""
        doc = result.document
        if not isinstance(doc, (dict, list)):
            return result
        if candidates is not None and not self._any_protected_key(candidates, scope, result.decision):
            return result
        hidden: frozenset[str] | None = None
        hits: list[Item] = []
        stack: list[tuple[Any, str]] = [(doc, "")]
        seen = 0
        while stack:
            node, path = stack.pop()
            seen += 1
            if seen > 200_000:
                break  # flatten already bounded the document; this is a second walk over it
            if isinstance(node, list):
                stack.extend((v, f"{path}[{i}]") for i, v in enumerate(node) if isinstance(v, (dict, list)))
                continue
            if not isinstance(node, dict):
                continue
            renames: list[tuple[Any, frozenset[str]]] = []
            for k in node:
                if isinstance(k, str) and k:
                    cats = self.classifier.classify_value(k).categories
                    if cats:
                        if hidden is None:
                            hidden = self.withheld_categories(scope, result.decision.requester, result.decision.purpose)
                        if cats & hidden:
                            renames.append((k, cats & hidden))
            if renames:
                new: dict[Any, Any] = {}
                n = 0
                gone = {k for k, _ in renames}
                for k, v in node.items():
                    if k in gone:
                        n += 1
                        nk = REDACTED if n == 1 else f"{REDACTED} {n}"
                        while nk in node or nk in new:
                            n += 1
                            nk = f"{REDACTED} {n}"
                        new[nk] = v
                    else:
                        new[k] = v
                node.clear()
                node.update(new)
                for k, cats in renames:
                    hits.append(Item(f"{path}.(key)" if path else "(key)", cats, ("a mapping key holds a protected value",)))
            stack.extend((v, f"{path}.{k}" if path else str(k)) for k, v in node.items() if isinstance(v, (dict, list)))
        if not hits:
            return result
        d = result.decision
        keys = self.decide("disclose", hits, scope=scope, requester=d.requester, purpose=d.purpose, claims=())
        merged = _merge_decisions(d, keys)
        return Redaction(doc, merged, tuple(sorted(set(result.redacted) | {it.path for it in hits})), result.removed)

    def _any_protected_key(self, keys: Iterable[Any], scope: str, decision: Decision) -> bool:
        hidden: frozenset[str] | None = None
        for k in keys:
            if isinstance(k, str) and k:
                cats = self.classifier.classify_value(k).categories
                if cats:
                    if hidden is None:
                        hidden = self.withheld_categories(scope, decision.requester, decision.purpose)
                    if cats & hidden:
                        return True
        return False

    def withheld_categories(self, scope: str, requester: RequesterLike = None, purpose: str | None = None) -> frozenset[str]:
        """The categories this requester may not receive in this scope (what a disclosure withholds)."""
        req, purpose, _ = self._resolve(requester, purpose, ())
        key = (scope, req.cls, purpose)
        hit = self._withheld_cache.get(key)
        if hit is None:
            cats = sorted(self.policy.file.categories)
            probe = [Item(f"probe.{c}", frozenset({c})) for c in cats]
            d = self.decide("disclose", probe, scope=scope, requester=req, purpose=purpose, claims=())
            hit = frozenset(c for c, f in zip(cats, d.fields) if f.effect in (Effect.REDACT, Effect.STRIP, Effect.BLOCK))
            self._withheld_cache[key] = hit
        return hit

    def _redact_free_text(self, result: Redaction, scope: str, decision: Decision) -> Redaction:
        """Span-level redaction inside free text the requester may otherwise see (a public-record
        narrative that mentions a home address). Fails closed: a value that cannot be checked is
        withheld whole."""
        if self.text_detection == "off":
            return result
        hidden = self.withheld_categories(scope, decision.requester, decision.purpose)
        if not hidden:
            return result
        text = self._text_integration()
        if text is None:
            return result
        ft = text.redact_free_text(text.detector_for(self), result.document, hidden, on_error="withhold")
        if not ft.changed:
            return result
        span_items = [Item(path, frozenset(f.category for f in found), ("free text mentions it",))
                      for path, found in ft.findings.items()]
        span_items += [Item(path, hidden, ("free text could not be checked",)) for path in ft.withheld]
        spans = self.decide("disclose", span_items, scope=scope, requester=decision.requester,
                            purpose=decision.purpose, claims=())
        touched = {it.path for it in span_items}
        merged = Decision(
            effect=Effect.strongest([decision.effect, spans.effect]),
            action=decision.action, scope=decision.scope, requester=decision.requester, purpose=decision.purpose,
            hits=decision.hits + spans.hits,
            fields=tuple(f for f in decision.fields if f.path not in touched) + spans.fields,
            policy=decision.policy, exceptions_used=decision.exceptions_used,
            messages={**decision.messages, **spans.messages},
        )
        redacted = tuple(sorted(set(result.redacted) | touched))
        return Redaction(ft.document, merged, redacted, result.removed)

    # -- adapters (imported lazily: the core never imports them) ---------------------------------
    def check_sql(self, sql: str, dialect: str = "postgres", scope: str = "city", requester: RequesterLike = None,
                  purpose: str | None = None, schema: Mapping[str, Mapping[str, str]] | None = None, **kw: Any) -> Decision:
        from .sql import check_sql as _check_sql  # adapter

        return _check_sql(self, sql, dialect=dialect, scope=scope, requester=requester, purpose=purpose,
                          schema=schema, **kw)

    def detect_text(self, text: str, scope: str | None = None, **kw: Any) -> list[Any]:
        """Findings (category, start, end, score, recognizer) in free text; no excerpts. With a
        ``scope``, only the categories some rule of that scope protects are looked for."""
        from .text.integration import detector_for  # adapter

        detector = detector_for(self)
        if scope is not None and "categories" not in kw:
            self.policy.check_scope(scope)
            kw["categories"] = self._scope_categories(scope) & detector.categories
        return detector.detect(text, **kw)

    def _scope_categories(self, scope: str) -> frozenset[str]:
        out: set[str] = set()
        for r in self.policy.file.rules:
            if scope in r.scopes or "*" in r.scopes:
                out |= set(self.policy.file.categories) if "*" in r.categories else set(r.categories)
        for v in self.policy.file.value_rules:
            if scope in v.scopes or "*" in v.scopes:
                out.add(v.category)
        return frozenset(out)

    def _text_integration(self) -> Any:
        """The free-text adapter module, or None when the optional extra is absent and
        ``text_detection`` is "auto" (with "on", its absence is a configuration error)."""
        try:
            from .text import integration  # adapter, optional extra
        except ImportError:
            if self.text_detection == "on":
                raise PolicyError("text_detection='on' but the text extra (presidio-analyzer) is not installed") from None
            if not self._warned_no_text:
                self._warned_no_text = True
                log.warning("status_guard: the text extra is not installed, so free-text values (notes, comments) "
                            "are classified by field name only; install status_guard[text] or pass text_detection='off'")
            return None
        return integration

    def _with_text_findings(self, items: list[Item], fields: Mapping[str, Any]) -> list[Item]:
        """Add categories found in free-text values (notes, comments) by the text adapter."""
        if self.text_detection == "off":
            return items
        long_text = [it for it in items if isinstance(it.value, str) and _looks_like_free_text(it.value)]
        if not long_text:
            return items
        text = self._text_integration()
        if text is None:
            return items
        found = text.categories_for_values(self, {it.path: it.value for it in long_text})
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
    """What ``flatten`` walks: a mapping as is; a list, or a bare string or number (a leaf of its
    own, which a default-deny requester must not see either), under the empty key."""
    if isinstance(document, Mapping):
        return document
    if isinstance(document, (list, tuple)):
        return {"": list(document)}
    if document is None:
        return {}
    return {"": document}


def _merge_decisions(first: Decision, second: Decision) -> Decision:
    return Decision(
        effect=Effect.strongest([first.effect, second.effect]),
        action=first.action, scope=first.scope, requester=first.requester, purpose=first.purpose,
        hits=first.hits + second.hits, fields=first.fields + second.fields, policy=first.policy,
        exceptions_used=first.exceptions_used, messages={**first.messages, **second.messages},
    )


def _merge_redactions(first: Redaction, second: Redaction) -> Redaction:
    touched = set(second.redacted) | set(second.removed)
    d = second.decision
    merged = _merge_decisions(
        Decision(effect=first.decision.effect, action=first.decision.action, scope=first.decision.scope,
                 requester=first.decision.requester, purpose=first.decision.purpose, hits=first.decision.hits,
                 fields=tuple(f for f in first.decision.fields if f.path not in touched), policy=first.decision.policy,
                 exceptions_used=first.decision.exceptions_used, messages=first.decision.messages), d)
    return Redaction(second.document, merged, tuple(sorted(set(first.redacted) | set(second.redacted))),
                     tuple(sorted(set(first.removed) | set(second.removed))))

