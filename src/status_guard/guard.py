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
from .disclose.audience import Audience
from .disclose.paths import PathPatterns, compile_patterns, declared_patterns
from .errors import AuditUnavailableError, PolicyError
from .model import MISSING, Action, Claim, Decision, Effect, Item, Requester
from .policy import Policy, load_policy
from .redact import REDACTED, Redaction
from .safe_paths import new_request_id, summarise_paths

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
        public_record_fields = declared_patterns(public_record_fields, where="Guard public_record_fields")
        #: the declared public-record path patterns (see status_guard.disclose.paths)
        self.public_record_fields: tuple[str, ...] = tuple(
            dict.fromkeys(list(policy.file.public_record_fields) + list(public_record_fields)))
        self.public_record = compile_patterns(self.public_record_fields)
        if text_detection not in {"auto", "on", "off"}:
            raise PolicyError("text_detection must be 'auto', 'on' or 'off'")
        self.text_detection = text_detection
        self._audit_spec = audit
        self._audit: Any = None
        self._audit_lock = threading.Lock()
        self._sql: Any = None
        self._warned_no_text = False
        self._audiences: dict[tuple[Any, ...], Audience] = {}
        self._safe_keys: dict[str, bool] = {}

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
        public_record_fields: Iterable[str] | PathPatterns | None = None,
        block_as_strip: bool = False,
    ) -> Decision:
        req, purpose, claims_t = self._resolve(requester, purpose, claims)
        public = self.public_record_patterns(public_record_fields)
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
        """Check a submitted form / JSON body (nested keys and lists allowed) before it is accepted.

        The submission is read like the ASGI middleware reads it (``status_guard.collection``):
        form-builder question/answer shapes, JSON inside strings, GraphQL operations; a question
        the submission asks vs what a person volunteered in their own words (040(b), 040(k))."""
        from . import collection  # core: the passes that read what a submission asks

        reading = collection.read(fields, "json", labels=labels)
        return collection.check(self, reading, scope=scope, requester=requester, purpose=purpose, claims=claims,
                                strip=strip, action=action).decision

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
        """What disclosing ``document`` to this requester would withhold, without the copy."""
        return self.redact(document, scope, requester, public_record_fields, purpose=purpose).decision

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

        Decided **per leaf** by the passes of :mod:`status_guard.disclose`: every scalar is an item
        of its own (a bare string or number too); a carve-out (8 U.S.C. §1373) releases only a
        status value under its own status key; ``public_record_fields`` are path patterns
        (``bookings[*].charge``, ``**.charge``; see :mod:`status_guard.disclose.paths`), matched
        against each leaf's exact location; a mapping key that is itself a value is renamed; free
        text left visible is redacted span by span."""
        from .disclose.apply_json import apply_json, deep_copy
        from .disclose.leaves import json_leaves
        from .disclose.pipeline import run, withheld_paths

        audience = self.audience(scope, requester, purpose, public_record_fields)
        doc = deep_copy(document)  # the caller's document is never modified
        flat = json_leaves(doc, safe_key=self._path_safe_key)
        outcome = run(self, flat, audience)
        doc = apply_json(doc, flat, outcome, placeholder)
        redacted, removed = withheld_paths(flat, outcome)
        return Redaction(doc, outcome.decision, redacted, removed)

    def audience(self, scope: str, requester: RequesterLike = None, purpose: str | None = None,
                 public_record_fields: Iterable[str] | PathPatterns | None = None) -> Audience:
        """Who receives a disclosure and what the policy withholds from them (cached)."""
        req, purpose, _ = self._resolve(requester, purpose, ())
        public = self.public_record_patterns(public_record_fields)
        key = (scope, req, purpose, public.patterns)
        hit = self._audiences.get(key)
        if hit is None:
            from .disclose.audience import audience_for

            hit = audience_for(self, scope, req, purpose, public)
            if len(self._audiences) > 4096:
                self._audiences.clear()
            self._audiences[key] = hit
        return hit

    def public_record_patterns(self, extra: Iterable[str] | PathPatterns | None = None) -> PathPatterns:
        """The pack's and this Guard's public-record path patterns, plus ``extra`` (validated)."""
        if extra is None:
            return self.public_record
        if isinstance(extra, PathPatterns):
            return self.public_record | extra
        return self.public_record | compile_patterns(declared_patterns(extra, where="public_record_fields"),
                                                     where="public_record_fields")

    def withheld_categories(self, scope: str, requester: RequesterLike = None, purpose: str | None = None) -> frozenset[str]:
        """The categories this requester may not receive in this scope (what a disclosure withholds)."""
        return self.audience(scope, requester, purpose).hidden

    def _path_safe_key(self, key: str) -> bool:
        hit = self._safe_keys.get(key)
        if hit is None:
            from .disclose.keys import path_safe_key

            hit = path_safe_key(self.classifier, key)
            if len(self._safe_keys) > 65536:
                self._safe_keys.clear()
            self._safe_keys[key] = hit
        return hit

    def _free_text_detector(self) -> Any:
        """The free-text detector, or None when text detection is off or (``auto``) not installed."""
        if self.text_detection == "off":
            return None
        text = self._text_integration()
        if text is None:
            return None
        return text.detector_for(self)

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
        given: Sequence[str] | None = None,
        count: int | None = None,
    ) -> dict[str, Any]:
        """Append the decision to the audit log. Raises AuditUnavailableError when the record
        cannot be written: the caller must then refuse the guarded action (NIST AU-5).

        ``given``: for an allowed decision, the field paths the requester was given (what a
        2.129.060(e) review asks about; no values). ``count``: the record stands for this many
        identical allowed decisions (aggregated traffic)."""
        rec = self.record_fields(decision, adapter=adapter, request_id=request_id, route=route,
                                 fingerprint=fingerprint, monitor=monitor, department=department, given=given,
                                 count=count)
        try:
            return self.audit.append(rec)
        except AuditUnavailableError:
            raise
        except Exception as exc:  # any sink failure is an audit failure
            raise AuditUnavailableError(f"audit log unavailable: {exc.__class__.__name__}") from None

    def record_fields(
        self,
        decision: Decision,
        *,
        adapter: str,
        request_id: str | None = None,
        route: str | None = None,
        fingerprint: str | None = None,
        monitor: bool = False,
        department: str | None = None,
        given: Sequence[str] | None = None,
        count: int | None = None,
    ) -> dict[str, Any]:
        """What :meth:`record` offers the audit log for ``decision`` (not yet validated or chained)."""
        rec = _decision_record(decision, tuple(given or ()), adapter == "sql")
        if count is not None:
            rec["count"] = count
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
        return rec

    def record_each(self, items: Sequence[tuple[Decision, Mapping[str, Any]]]) -> list[dict[str, Any] | Exception]:
        """Append several decisions — ``(decision, keyword arguments of record())`` each — in ONE
        durable commit (group commit: one write, one fsync). Returns, per item and in order, the
        stored record or an AuditUnavailableError: a record that cannot be built or is refused does
        not keep the others out; a storage failure is every item's answer (none is durable)."""
        out: list[dict[str, Any] | Exception] = [None] * len(items)  # type: ignore[list-item]
        recs: list[dict[str, Any]] = []
        where: list[int] = []
        for i, (decision, kw) in enumerate(items):
            try:
                recs.append(self.record_fields(decision, **kw))
            except Exception as exc:  # noqa: BLE001 - this item's answer
                out[i] = AuditUnavailableError(f"audit log unavailable: {exc.__class__.__name__}")
                continue
            where.append(i)
        if not recs:
            return out
        try:
            audit = self.audit
            each = getattr(audit, "append_each", None)
            if each is not None:
                results: list[Any] = list(each(recs))
            else:  # a caller-supplied log without batches: one append per record
                results = []
                for rec in recs:
                    try:
                        results.append(audit.append(rec))
                    except Exception as exc:  # noqa: BLE001
                        results.append(exc)
        except Exception as exc:  # noqa: BLE001 - any sink failure is every record's audit failure
            results = [exc] * len(recs)
        if len(results) != len(recs):
            results = [AuditUnavailableError("audit log unavailable: a batch answered for the wrong number of "
                                             "records")] * len(recs)
        for i, res in zip(where, results):
            if isinstance(res, AuditUnavailableError) or not isinstance(res, BaseException):
                out[i] = res
            else:
                out[i] = AuditUnavailableError(f"audit log unavailable: {res.__class__.__name__}")
        return out


#: the value-free part of the audit record of a decision object, remembered by the decision's
#: identity (issue 15): a remembered verdict replays the SAME frozen Decision objects on every
#: request, and a redaction over many fields spent most of its audit CPU re-summarising its paths.
#: The entry holds the decision itself, so its id cannot be reused while it is remembered.
_RECORD_MEMO: dict[tuple[int, tuple[str, ...], bool], tuple[Decision, dict[str, Any]]] = {}
_RECORD_MEMO_MAX = 2048


def _decision_record(decision: Decision, given: tuple[str, ...], names: bool) -> dict[str, Any]:
    """``decision.to_record()`` with its field paths summarised (``summarise_paths``), as a fresh
    copy the caller may change: a pure function of the (frozen) decision, ``given`` and ``names``."""
    key = (id(decision), given, names)
    hit = _RECORD_MEMO.get(key)
    if hit is None or hit[0] is not decision:
        rec = decision.to_record()
        # a redaction over 3 000 records names one path per record: summarised so the record fits
        # the log's limits and holds no value a client chose as a key (never dropped)
        # SQL paths are the database's own table and column names (not keys a client chose): kept
        # exactly, digits included, unless the log would read them as a value (names=True)
        rec["fields"] = summarise_paths([*rec["fields"], *given], names=names)
        if len(_RECORD_MEMO) >= _RECORD_MEMO_MAX:
            _RECORD_MEMO.clear()
        _RECORD_MEMO[key] = (decision, rec)
    else:
        rec = hit[1]
    return _copy_record(rec)


def _copy_record(rec: dict[str, Any]) -> dict[str, Any]:
    """A copy of a record template deep enough that no list or mapping is shared with it."""
    out: dict[str, Any] = {}
    for k, v in rec.items():
        if isinstance(v, list):
            out[k] = [dict(x) if isinstance(x, dict) else x for x in v]
        elif isinstance(v, dict):
            out[k] = dict(v)
        else:
            out[k] = v
    return out


def _looks_like_free_text(value: str) -> bool:
    return len(value) >= 24 and " " in value.strip()
