"""The SQL inspector: statement -> analysis (cached) -> items per action -> Guard decisions ->
one merged Decision (cached) -> enforcement (raise / audit) in the hooks.

Caches:
* analysis by (statement text, dialect, schema version) — failures are cached too;
* verdicts by (statement text, dialect, schema version, scope, requester class, purpose, claims,
  and the values of bound parameters that reach a classified column — their NULL-ness, or the
  value itself for a value-ruled column such as a hold basis).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..disclose.paths import compile_patterns, parse_pattern
from ..context import current
from ..errors import PolicyError
from ..model import MISSING, Claim, Decision, Effect, Item, Requester, RuleHit
from ..normalize import normalize
from .analyze import Analysis, Value, Write, analyse
from .errors import SQLAnalysisError, SQLLimitError, SQLRefusedError
from .fingerprint import fingerprint
from .merge import merge_decisions, with_requester
from .parse import DEFAULT_LIMITS, Limits, canonical_dialect
from .schema import SchemaMap, coerce_schema

log = logging.getLogger("status_guard.sql")

# Effects the inspector cannot apply to a statement (it cannot rewrite result rows): refused.
REFUSING = frozenset({Effect.BLOCK, Effect.STRIP, Effect.REDACT})
FAIL_CLOSED_RULE = "sql-fail-closed"
FAIL_CLOSED_CITATION = "status_guard fail-closed"


class _LRU:
    def __init__(self, size: int):
        self.size = size
        self.data: OrderedDict[Any, Any] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Any) -> Any:
        with self.lock:
            try:
                v = self.data[key]
            except KeyError:
                self.misses += 1
                return MISSING
            self.data.move_to_end(key)
            self.hits += 1
            return v

    def put(self, key: Any, value: Any) -> None:
        if self.size <= 0:
            return
        with self.lock:
            self.data[key] = value
            self.data.move_to_end(key)
            while len(self.data) > self.size:
                self.data.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.data.clear()


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    fingerprint: str


class Inspector:
    """Decides statements for one database (dialect + schema). Thread-safe; share one per engine."""

    def __init__(
        self,
        guard: Any,
        *,
        dialect: str = "postgres",
        schema: Any = None,
        scope: str | None = None,
        monitor: bool = False,
        limits: Limits = DEFAULT_LIMITS,
        cache_size: int = 4096,
        default_requester: Any = None,
        public_record_fields: Any = None,
    ) -> None:
        self.guard = guard
        # extra public-record path patterns for this database (``table.column``, ``**.column``)
        self.public_record = compile_patterns(tuple(public_record_fields or ()), where="SQL public_record_fields")
        for p in self.public_record.patterns:
            if len(parse_pattern(p)) == 1:
                raise PolicyError(f"SQL public_record_fields: {p!r} names no table; write 'table.{p}' or '**.{p}'")
        # who is asking when a statement runs outside any request (a batch job, a migration):
        # `unknown` — the most restricted class — unless the deployment names one explicitly
        self.default_requester = Requester.coerce(default_requester) if default_requester is not None else None
        if self.default_requester is not None:
            guard.policy.check_requester(self.default_requester.cls)
        self.dialect = canonical_dialect(dialect)
        self.schema: SchemaMap | None = coerce_schema(guard, schema)
        self.scope = scope
        if scope is not None:
            guard.policy.check_scope(scope)
        self.monitor = monitor
        self.limits = limits
        self._analyses = _LRU(cache_size)
        self._verdicts = _LRU(cache_size)
        self._schema_lock = threading.Lock()

    # -- configuration --------------------------------------------------------------------------
    @property
    def schema_version(self) -> str:
        return self.schema.version if self.schema is not None else f"none:{self.guard.policy.hash[:16]}"

    def set_schema(self, schema: Any) -> None:
        self.schema = coerce_schema(self.guard, schema)
        self._analyses.clear()
        self._verdicts.clear()

    # -- analysis --------------------------------------------------------------------------------
    def analysis(self, sql: str) -> Analysis:
        key = (sql, self.dialect, self.schema_version)
        hit = self._analyses.get(key)
        if hit is not MISSING:
            if isinstance(hit, SQLAnalysisError):
                raise type(hit)(hit.reason, hit.fingerprint)
            return hit
        fp = self.fingerprint(sql)
        try:
            result = analyse(sql, self.dialect, self.schema, self.limits)
        except SQLAnalysisError as exc:
            err = exc.with_fingerprint(fp)
            if not isinstance(exc, SQLLimitError) or len(sql) <= self.limits.max_chars:
                self._analyses.put(key, err)
            raise err from None
        self._analyses.put(key, result)
        return result

    def fingerprint(self, sql: str) -> str:
        if not isinstance(sql, str) or len(sql) > self.limits.max_chars:
            return "sql:oversize"
        return fingerprint(sql, self.dialect)

    # -- decisions -------------------------------------------------------------------------------
    def _who(self, requester: Any, purpose: str | None, claims: Sequence[Claim] | None, scope: str | None):
        ctx = current()
        if requester is not None:
            req = Requester.coerce(requester)
        elif ctx is not None:
            req = ctx.requester
        else:
            req = self.default_requester or Requester("unknown")
        if purpose is None and ctx is not None:
            purpose = ctx.purpose
        if claims is None:
            claims = ctx.claims if ctx is not None else ()
        scope = scope or self.scope or (ctx.scope if ctx is not None else None)
        if scope is None:
            raise PolicyError("the SQL inspector needs a scope (configure one, or run inside a request whose context names it)")
        return req, purpose, tuple(claims), scope

    def decide(
        self,
        sql: str,
        params: Any = None,
        *,
        many: bool = False,
        requester: Any = None,
        purpose: str | None = None,
        claims: Sequence[Claim] | None = None,
        scope: str | None = None,
    ) -> Verdict:
        """The merged Decision for a statement (raises SQLAnalysisError when it cannot be analysed)."""
        req, purpose, claims_t, scope = self._who(requester, purpose, claims, scope)
        analysis = self.analysis(sql)
        fp = self.fingerprint(sql)
        rows = _param_rows(params, many, self.limits, fp)
        value_cats = self._value_categories(scope)
        sig = _param_signature(analysis, rows, self, value_cats, fp)
        key = (sql, self.dialect, self.schema_version, scope, req.cls, purpose, claims_t, sig)
        hit = self._verdicts.get(key)
        if hit is not MISSING:
            return Verdict(with_requester(hit, req), fp)
        decision = self._decide(analysis, rows, scope, req, purpose, claims_t, value_cats, fp)
        self._verdicts.put(key, decision)
        return Verdict(decision, fp)

    def _value_categories(self, scope: str) -> frozenset[str]:
        return frozenset(v.category for v in self.guard.policy.value_rules_for(scope, "store"))

    def categories(self, table: str, column: str) -> tuple[frozenset[str], bool, tuple[str, ...]]:
        col = self.schema.column(table, column) if self.schema is not None else None
        extra = bool(self.public_record) and self.public_record.matches((table, column))
        if col is not None:
            return col.categories, col.public_record or extra, col.reasons
        c = self.guard.classify(column)
        return c.categories, extra, c.all_reasons()

    def _decide(self, analysis: Analysis, rows: list[Any], scope: str, req: Requester, purpose: str | None,
                claims: tuple[Claim, ...], value_cats: frozenset[str], fp: str) -> Decision:
        store: dict[str, Item] = {}
        for row_no, row in enumerate(rows):
            for w in analysis.writes:
                item = self._write_item(w, row, row_no, value_cats, fp)
                if item is not None:
                    _put(store, item)
        for t, c in analysis.adds:
            cats, public, reasons = self.categories(t, c)
            _put(store, Item(f"{t}.{c}", cats, reasons, MISSING, public))
        filters = [self._item(t, c) for t, c in sorted(analysis.filters)]
        reads = [self._item(t, c) for t, c in sorted(analysis.reads)]
        decisions = []
        for action, items in (("store", list(store.values())), ("select_by", filters), ("read", reads)):
            if items:
                decisions.append(self.guard.decide(action, items, scope=scope, requester=req, purpose=purpose, claims=claims))
        if not decisions:
            kind = analysis.statements[0].kind if analysis.statements else "read"
            action = "store" if kind in {"insert", "update", "merge", "copy_from", "delete"} else "read"
            decisions.append(self.guard.decide(action, [], scope=scope, requester=req, purpose=purpose, claims=claims))
        return merge_decisions(decisions)

    def _item(self, table: str, column: str) -> Item:
        cats, public, reasons = self.categories(table, column)
        return Item(f"{table}.{column}", cats, reasons, MISSING, public)

    def _write_item(self, w: Write, row: Any, row_no: int, value_cats: frozenset[str], fp: str) -> Item | None:
        cats, public, reasons = self.categories(w.table, w.column)
        for t, c in sorted(w.sources):
            scats, _, sreasons = self.categories(t, c)
            if scats:
                cats = cats | scats
                reasons = reasons + tuple(f"value copied from {t}.{c}: {r}" for r in sreasons)
        value = _bind(w.value, row, fp)
        if value is None:
            return None  # writing NULL erases; it collects nothing
        if value is MISSING and cats & value_cats:
            raise SQLAnalysisError(
                f"the value written to {w.table}.{w.column} ({', '.join(sorted(cats & value_cats))}) cannot be "
                "determined before the statement runs",
                fp,
            )
        r = w.row if row_no == 0 else row_no
        path = f"{w.table}.{w.column}" if r == 0 else f"{w.table}[{r}].{w.column}"
        return Item(path, cats, reasons, value, public)

    # -- enforcement -----------------------------------------------------------------------------
    def enforce(self, sql: str, params: Any = None, *, many: bool = False, route: str | None = None) -> Decision | None:
        """Check a statement about to run: raise SQLRefusedError / SQLAnalysisError when refused,
        audit every non-allow decision (an audit failure refuses the statement)."""
        ctx = current()
        monitor = self.monitor or bool(ctx is not None and ctx.monitor)
        request_id = ctx.request_id if ctx is not None else None
        try:
            verdict = self.decide(sql, params, many=many)
        except SQLAnalysisError as exc:
            req, purpose, _, scope = self._who(None, None, None, None)
            decision = fail_closed_decision(self.guard, exc.reason, scope, req, purpose)
            self.guard.record(decision, adapter="sql", fingerprint=exc.fingerprint, request_id=request_id,
                              route=route or (ctx.route if ctx else None), monitor=monitor)
            if monitor:
                log.warning("status_guard MONITOR MODE: would refuse SQL %s: %s", exc.fingerprint, exc.reason)
                return decision
            raise
        decision = verdict.decision
        if decision.effect is not Effect.ALLOW:
            self.guard.record(decision, adapter="sql", fingerprint=verdict.fingerprint, request_id=request_id,
                              route=route or (ctx.route if ctx else None), monitor=monitor)
        if decision.effect in REFUSING:
            if monitor:
                log.warning("status_guard MONITOR MODE: would refuse SQL %s (%s)", verdict.fingerprint,
                            ", ".join(decision.citations))
                return decision
            raise SQLRefusedError(decision, verdict.fingerprint)
        if decision.effect is Effect.FLAG:
            log.info("status_guard flagged SQL %s (%s)", verdict.fingerprint, ", ".join(decision.citations))
        self._follow_renames(sql)
        return decision

    def _follow_renames(self, sql: str) -> None:
        """An allowed ``ALTER TABLE t RENAME TO u`` moves ``t`` to ``u`` in the schema map, so later
        statements resolve against the table's real columns. If the statement then fails or is rolled
        back, ``t`` is unknown to the map and refused (fail closed): re-reflect with ``set_schema``."""
        if self.schema is None:
            return
        renames = self.analysis(sql).renames
        if not renames:
            return
        with self._schema_lock:
            schema = self.schema
            for old, new in renames:
                if schema.table_key(old) is not None:
                    schema = schema.renamed(old, new)
            self.set_schema(schema)


def fail_closed_decision(guard: Any, reason: str, scope: str, requester: Requester, purpose: str | None) -> Decision:
    hit = RuleHit(FAIL_CLOSED_RULE, FAIL_CLOSED_CITATION, f"statement refused: {reason}", Effect.BLOCK)
    return Decision(Effect.BLOCK, "read", scope, requester, purpose, (hit,), (), guard.policy.ref)


# -- parameters ----------------------------------------------------------------------------------


def _param_rows(params: Any, many: bool, limits: Limits, fp: str) -> list[Any]:
    if params is None:
        return [None]
    if many:
        rows = params if isinstance(params, (list, tuple)) else list(params)
        if len(rows) > limits.max_value_rows:
            raise SQLLimitError(f"{len(rows)} parameter rows exceed the limit of {limits.max_value_rows}", fp)
        return list(rows) or [None]
    return [params]


def _bind(value: Value, row: Any, fp: str) -> Any:
    """The Python value a write will store: None (NULL), MISSING (unknown), or the value."""
    if value.kind == "null":
        return None
    if value.kind == "literal":
        return value.text
    if value.kind != "param":
        return MISSING
    if row is None:
        return MISSING
    p = value.param
    try:
        if isinstance(p, int):
            if isinstance(row, Mapping):
                raise SQLAnalysisError("positional placeholders were given named parameters", fp)
            return row[p]
        if isinstance(row, Mapping):
            return row[p]
        raise SQLAnalysisError(f"named placeholder `{p}` was given positional parameters", fp)
    except (IndexError, KeyError):
        raise SQLAnalysisError("the parameters do not match the statement's placeholders", fp) from None
    except TypeError:
        raise SQLAnalysisError("parameters must be a sequence or a mapping", fp) from None


def _param_signature(analysis: Analysis, rows: list[Any], insp: Inspector, value_cats: frozenset[str], fp: str) -> tuple:
    """What about the bound values changes the verdict: NULL-ness of classified writes, and the
    normalised value of value-ruled writes. Everything else does not enter the cache key."""
    param_writes = [w for w in analysis.writes if w.value.kind == "param"]
    if not param_writes or rows == [None]:
        return ("rows", len(rows)) if len(rows) > 1 else ()
    sig: list[Any] = [len(rows)]
    for row in rows:
        for w in param_writes:
            cats = insp.categories(w.table, w.column)[0]
            for t, c in w.sources:
                cats = cats | insp.categories(t, c)[0]
            if not cats:
                continue
            v = _bind(w.value, row, fp)
            if cats & value_cats:
                sig.append(normalize(str(v)) if v is not None else None)
            else:
                sig.append(v is None)
    return tuple(sig)


def _put(items: dict[str, Item], item: Item) -> None:
    path = item.path
    n = 1
    while path in items:
        n += 1
        path = f"{item.path}#{n}"
    if path != item.path:
        item = Item(path, item.categories, item.reasons, item.value, item.public_record)
    items[path] = item


_inspectors: dict[tuple[int, str, str], Inspector] = {}
_inspectors_lock = threading.Lock()


def _schema_key(schema: Any) -> Any:
    if schema is None:
        return "none"
    if isinstance(schema, SchemaMap):
        return ("map", schema.version)
    if isinstance(schema, Mapping):
        import json

        try:
            return ("dict", json.dumps(schema, sort_keys=True, default=str))
        except (TypeError, ValueError):
            return ("id", id(schema))
    return ("other", str(schema))


def inspector_for(guard: Any, dialect: str, schema: Any, public_record_fields: Any = None) -> Inspector:
    """A cached inspector per (guard, dialect, schema, public-record declarations) for ``guard.check_sql``."""
    d = canonical_dialect(dialect)
    public = tuple(public_record_fields or ())
    key = (id(guard), d, _schema_key(schema), public)
    with _inspectors_lock:
        insp = _inspectors.get(key)
        if insp is not None and insp.guard is guard:
            return insp
    insp = Inspector(guard, dialect=d, schema=schema, public_record_fields=public)
    with _inspectors_lock:
        if len(_inspectors) > 64:
            _inspectors.clear()
        _inspectors[key] = insp
    return insp


__all__ = ["Inspector", "REFUSING", "Verdict", "fail_closed_decision", "inspector_for"]
