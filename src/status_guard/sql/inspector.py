"""The SQL inspector: statement -> analysis (cached) -> items per action (:mod:`.items`) -> Guard
decisions -> one merged Decision (cached) -> enforcement (raise / audit) in the hooks.

Caches (issue 15; none may change a decision — ``tests/sql/test_verdict_cache.py``):

* **hot verdicts**: one dict lookup keyed on the text, bound-ness, parameter style, the session's
  generation (temporary tables, pending DDL of its open transaction), the schema version (a hash
  of the map, fixed when the map is built or moved by DDL — never re-serialised per call), scope,
  requester class, purpose, claims and policy hash; statements whose bound values decide their
  items are keyed on those values too (plain scalars only);
* analyses by (text, dialect, schema version, parameter style, whether parameters are bound,
  session generation) — failures are cached too;
* **literal variants** (:mod:`.variants`): a statement that differs from one seen before only in
  its literals is bound from its shape's template instead of parsed and qualified, when the shape
  provably cannot depend on its literals' values; otherwise analysed in full;
* verdicts by (that key — or the shape and the literals its items can depend on —, scope,
  requester class, purpose, claims, policy, what about the bound values changed the items:
  NULL-ness of written values, value-ruled values, JSON keys, key-value questions — and the number
  of parameter rows, since the decision's field paths name each row: ``t.c``, ``t[1].c`` …).
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..context import current
from ..errors import AuditUnavailableError, PolicyError
from ..model import MISSING, Claim, Decision, Effect, Requester, RuleHit
from .analysis import Analysis, analyse
from .errors import SQLAnalysisError, SQLLimitError, SQLRefusedError
from .fingerprint import fingerprint
from .functions import safe_keys
from .items import Planner, build
from .merge import merge_decisions, with_requester
from .paramstyles import driver_view
from .parse import DEFAULT_LIMITS, Limits, canonical_dialect, is_passthrough, parse, prepare_text
from .schema import Column, SchemaMap, coerce_schema, sql_public_record
from .session import Session
from .shared import SharedSchema
from .traffic import Traffic
from .variants import BoundAnalysis, bind_template, literals_safe, make_template, probe_text, shape_of, tokens_agree

log = logging.getLogger("status_guard.sql")

# Effects the inspector cannot apply to a statement (it cannot rewrite result rows): refused.
REFUSING = frozenset({Effect.BLOCK, Effect.STRIP, Effect.REDACT})
FAIL_CLOSED_RULE = "sql-fail-closed"
# A statement that cannot be analysed cannot be shown to keep any of 2.129.040's protections.
FAIL_CLOSED_CITATION = "2.129.040"
_BUILTIN_TYPES_UNKNOWN = "?"


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
    given: tuple[str, ...] = ()  # the columns (paths) the statement's results carry
    restricted: bool = False


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
        paramstyle: str = "auto",
        traffic_interval: float = 60.0,
        public_record_fields: Any = None,
    ) -> None:
        self.guard = guard
        # extra public-record path patterns for this database (``table.column``, ``**.column``)
        self.public_record = sql_public_record(public_record_fields, "SQL public_record_fields")
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
        self.paramstyle = paramstyle
        self._analyses = _LRU(cache_size)
        self._plans = _LRU(cache_size)  # items per action, for statements whose bound values change nothing
        self._value_cats: dict[str, frozenset[str]] = {}
        self._planners = _LRU(cache_size)
        self._verdicts = _LRU(cache_size)
        # literal variants (:mod:`.variants`): shape -> _SEEN (once) / Template / None (not bindable)
        self._templates = _LRU(cache_size)
        self._statics = _LRU(cache_size)  # per shape: what each written column gives a write (items.Planner)
        self.variants = True
        self._hot: dict[Any, Any] = {}
        self._hot_size = max(0, cache_size)
        self._schema_lock = threading.Lock()
        # the database's map shared with the other connections' inspectors (.shared, r15b F08)
        self.shared: SharedSchema | None = None
        # re-reads the database's catalog (set by the DB-API hook): a statement naming a relation or
        # column the map lacks is decided again against the catalog, never passed
        self.catalog: Any = None
        self.traffic = Traffic(guard, interval=traffic_interval)
        # statements enforced, by outcome: checked / allowed / flagged / refused / fail_closed (no values)
        self.stats: Counter[str] = Counter()
        self._restricted = frozenset(guard.policy.restricted_requesters)

    # -- configuration --------------------------------------------------------------------------
    @property
    def schema_version(self) -> str:
        return self.schema.version if self.schema is not None else f"none:{self.guard.policy.hash[:16]}"

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.schema.warnings if self.schema is not None else ()

    def set_schema(self, schema: Any) -> None:
        self.schema = coerce_schema(self.guard, schema)
        self._analyses.clear()
        self._plans.clear()
        self._planners.clear()
        self._verdicts.clear()
        self._templates.clear()
        self._statics.clear()
        self._hot.clear()

    def attach(self, shared: SharedSchema) -> None:
        """Share ``shared``'s map: DDL committed through any inspector attached to it is seen by
        every other one before its next statement."""
        self.shared = shared
        self.sync()

    def sync(self) -> None:
        """Read the shared map if another connection moved it (cheap: an identity test)."""
        sh = self.shared
        if sh is not None and sh.schema is not self.schema:
            with self._schema_lock:
                if sh.schema is not self.schema:
                    self.set_schema(sh.schema)

    def _refresh(self, exc: SQLAnalysisError, session: Session | None) -> bool:
        """DDL the guard never saw (r15b F08): a name the map lacks. Re-read the catalog once, then
        decide again; False: nothing to re-read (the statement stays refused)."""
        sh, read = self.shared, self.catalog
        if sh is None or read is None or "is not in the schema" not in exc.reason:
            return False
        if session is not None and session.pending:  # the catalog would show its own uncommitted DDL
            return False
        try:
            if not sh.refresh(read, exc.reason):
                return False
        except Exception as err:  # noqa: BLE001 - a catalog that cannot be read: stay refused
            log.warning("status_guard: could not re-read the catalog (%s); the statement stays refused",
                        type(err).__name__)
            return False
        self.sync()
        return True

    def _move(self, changes: list) -> None:
        """Committed DDL joins the map (the shared one when attached, read-apply-write under its lock)."""
        sh = self.shared
        if sh is not None:
            with self._schema_lock:
                self.set_schema(sh.move(lambda m: m.apply(changes)))
            return
        with self._schema_lock:
            self.set_schema(self.schema.apply(changes))

    # -- lookups ----------------------------------------------------------------------------------
    def schema_for(self, session: Session | None) -> SchemaMap | None:
        """The map as ``session`` sees it: the shared one plus its own uncommitted DDL."""
        if session is None or self.schema is None or not session.pending:
            return self.schema
        return session.schema(self.schema)

    def column(self, table: str, column: str, session: Session | None = None) -> Column | None:
        if session is not None and table in session.temp:
            for c in session.temp[table].columns:
                if c.name == column:
                    return c
        schema = self.schema_for(session)
        return schema.column(table, column) if schema is not None else None

    def columns(self, table: str, session: Session | None = None) -> tuple[Column, ...]:
        if session is not None and table in session.temp:
            return session.temp[table].columns
        schema = self.schema_for(session)
        return schema.columns(table) if schema is not None else ()

    def categories(self, table: str, column: str, session: Session | None = None
                   ) -> tuple[frozenset[str], bool, tuple[str, ...]]:
        col = self.column(table, column, session)
        extra = bool(self.public_record) and self._extra_public(table, column)
        if col is not None:
            return col.categories, col.public_record or extra, col.reasons
        c = self.guard.classify(column)
        return c.categories, extra, c.all_reasons()

    def _extra_public(self, table: str, column: str) -> bool:
        ns, _, name = table.rpartition(".")
        return self.public_record.matches((name, column)) or bool(ns) and self.public_record.matches((ns, name, column))

    # -- analysis --------------------------------------------------------------------------------
    def analysis(self, sql: str, *, bound: bool | None = None, session: Session | None = None,
                 paramstyle: str | None = None) -> Analysis:
        """``bound``: the driver substitutes placeholders (parameters are given); None: describe the
        statement — its placeholders as parameters whose values are unknown, unless the text is not
        valid with substitution (a ``%`` in a literal), then as sent without parameters."""
        if bound is None:
            try:
                return self.analysis(sql, bound=True, session=session, paramstyle=paramstyle)
            except SQLAnalysisError:
                return self.analysis(sql, bound=False, session=session, paramstyle=paramstyle)
        style = paramstyle or self.paramstyle
        temp = session.temp if session is not None and session.temp else None
        key = (sql, self.dialect, self.schema_version, style, bound, _session_key(session))
        hit = self._analyses.get(key)
        if hit is not MISSING:
            if isinstance(hit, SQLAnalysisError):
                raise type(hit)(hit.reason, hit.fingerprint)
            return hit
        if self.variants and self.schema is not None:
            bound_a = self._variant(sql, style, bound, session)
            if bound_a is not None:
                self._analyses.put(key, bound_a)
                return bound_a
        fp = self.fingerprint(sql)
        try:
            result = analyse(sql, self.dialect, self.schema_for(session), self.limits, paramstyle=style, bound=bound,
                             temp=temp)
        except SQLAnalysisError as exc:
            err = exc.with_fingerprint(fp)
            if not isinstance(exc, SQLLimitError) or (isinstance(sql, str) and len(sql) <= self.limits.max_chars):
                self._analyses.put(key, err)
            raise err from None
        self._analyses.put(key, result)
        return result

    def _variant(self, sql: str, style: str, bound: bool, session: Session | None) -> BoundAnalysis | None:
        """The analysis of a literal variant of a shape seen before, bound from its template; None:
        analyse it in full (first sight of the shape, or a shape whose analysis may depend on its
        literals)."""
        shape = shape_of(sql, self.dialect, self.limits.max_chars)
        if shape is None or is_passthrough(sql):
            return None
        tkey = (shape.key, self.dialect, self.schema_version, style, bound, _session_key(session))
        t = self._templates.get(tkey)
        if t is MISSING:  # first sight: the caller analyses it in full
            self._templates.put(tkey, _SEEN)
            return None
        if t is _SEEN:
            t = self._learn(shape, style, bound, session)
            self._templates.put(tkey, t)
        if t is None:
            return None
        return bind_template(t, shape.texts, (tkey, tuple(shape.texts[i] for i in t.relevant)))

    def _learn(self, shape: Any, style: str, bound: bool, session: Session | None) -> Any:
        text, sentinels = probe_text(shape)
        if not tokens_agree(text, self.dialect, sentinels, shape.key[1]):
            return None
        try:
            pm = driver_view(prepare_text(text, self.dialect), self.dialect, style, bound=bound)
            if not literals_safe(parse(pm.text, self.dialect, self.limits), sentinels):
                return None
            temp = session.temp if session is not None and session.temp else None
            a = analyse(text, self.dialect, self.schema_for(session), self.limits, paramstyle=style, bound=bound,
                        temp=temp)
        except SQLAnalysisError:
            return None
        kv = self.schema.key_value if self.schema is not None else {}
        return make_template(a, sentinels, self.fingerprint(text), kv)

    def fingerprint(self, sql: str) -> str:
        return fingerprint(sql, self.dialect, self.limits.max_chars)

    # -- decisions -------------------------------------------------------------------------------
    def _who(self, requester: Any, purpose: str | None, claims: Sequence[Claim] | None, scope: str | None):
        ctx = current()
        if requester is not None:
            if type(requester) is str:  # the same object for the same name (the hot path compares by identity)
                req = _BY_NAME.get(requester)
                if req is None:
                    req = Requester.coerce(requester)
                    if len(_BY_NAME) < 256:
                        _BY_NAME[requester] = req
            else:
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

    def is_restricted(self, requester: Requester) -> bool:
        return requester.cls in self._restricted

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
        session: Session | None = None,
        bound: bool | None = None,
        paramstyle: str | None = None,
    ) -> Verdict:
        """The merged Decision for a statement (raises SQLAnalysisError when it cannot be analysed).
        ``bound``: the driver substitutes placeholders (default: True — describe the statement's
        placeholders even without values; the hooks pass ``params is not None``)."""
        if self.shared is not None:
            self.sync()
        req, purpose, claims_t, scope = self._who(requester, purpose, claims, scope)
        policy = self.guard.policy.hash
        nrows = 1 if params is None or not many else -1
        # the hot path: a statement seen before whose items do not depend on its bound values — one
        # dict lookup keyed on everything the verdict depends on (schema and session generation,
        # requester class, purpose, claims, scope, policy)
        hkey = (sql, bound, paramstyle, _session_key(session), self.schema_version, scope, req.cls, purpose, claims_t,
                policy) if nrows == 1 else None
        vkey = None  # ... and, for a statement whose bound values decide its items, those values
        if hkey is not None:
            hot = self._hot.get(hkey)
            if hot is None:
                pv = _scalar_params(params)
                if pv is not None:
                    vkey = (hkey, pv)
                    hot = self._hot.get(vkey)
            if hot is not None:
                if hot.decision.requester is req:
                    return hot
                return Verdict(with_requester(hot.decision, req), hot.fingerprint, hot.given, hot.restricted)
        try:
            analysis = self.analysis(sql, bound=bound, session=session, paramstyle=paramstyle)
        except SQLAnalysisError as exc:
            if not self._refresh(exc, session):
                raise
            return self.decide(sql, params, many=many, requester=requester, purpose=purpose, claims=claims,
                               scope=scope, session=session, bound=bound, paramstyle=paramstyle)
        variant = getattr(analysis, "variant", None)
        fp = analysis.fingerprint if variant is not None else self.fingerprint(sql)
        src = variant if variant is not None else sql  # what the plan and verdict are keyed on
        rows = _param_rows(params, many, self.limits, fp)
        restricted = self.is_restricted(req)
        if restricted:
            self._allow_list(analysis, fp)
        value_cats = self._value_categories(scope)
        temp = _session_key(session)
        kv = self.schema.key_value if self.schema is not None else {}
        plan_key = None if _param_dependent(analysis, kv) else (src, self.dialect, self.schema_version,
                                                             paramstyle or self.paramstyle, bound, temp, restricted,
                                                             value_cats, len(rows), policy)
        plan = self._plans.get(plan_key) if plan_key is not None else MISSING
        if isinstance(plan, SQLAnalysisError):
            raise type(plan)(plan.reason, plan.fingerprint)
        if plan is MISSING:
            planner = None
            if plan_key is None:  # the bound values matter: keep the static part of the planner
                pkey = (src, self.dialect, self.schema_version, paramstyle or self.paramstyle, bound, temp, restricted,
                        value_cats, policy)
                planner = self._planners.get(pkey)
                if planner is MISSING:
                    planner = Planner(self, analysis, session, fp, value_cats, restricted)
                    self._planners.put(pkey, planner)
            if planner is None and variant is not None:  # a new literal variant: its shape's column facts
                skey = (variant[0], restricted, value_cats, policy)
                statics = self._statics.get(skey)
                if statics is MISSING:
                    statics = {}
                    self._statics.put(skey, statics)
                planner = Planner(self, analysis, session, fp, value_cats, restricted, statics)
            try:
                plan = build(self, analysis, rows, restricted=restricted, session=session, fp=fp, value_cats=value_cats,
                             planner=planner)
            except SQLAnalysisError as exc:
                if plan_key is not None:
                    self._plans.put(plan_key, exc)
                raise
            if plan_key is not None:
                self._plans.put(plan_key, plan)
        key = (src, self.dialect, self.schema_version, paramstyle or self.paramstyle, bound, temp, scope, req.cls,
               purpose, claims_t, tuple(plan.signature), len(rows), policy)  # the paths carry the row index (F06)
        given = tuple(i.path for i in plan.read)
        hit = self._verdicts.get(key)
        if hit is not MISSING:
            verdict = Verdict(with_requester(hit, req), fp, given, restricted)
            self._remember(hkey if plan_key is not None else vkey, verdict)
            return verdict
        decisions = []
        for action in ("store", "select_by", "read"):
            items = getattr(plan, action)
            if items:
                decisions.append(self.guard.decide(action, items, scope=scope, requester=req, purpose=purpose,
                                                   claims=claims_t))
        if plan.adds:
            decisions.append(self._schema_decision(plan.adds, scope, req, purpose, claims_t))
        if not decisions:
            kind = analysis.statements[0].kind if analysis.statements else "read"
            action = "store" if kind in {"insert", "update", "merge", "copy_from", "delete"} else "read"
            decisions.append(self.guard.decide(action, [], scope=scope, requester=req, purpose=purpose, claims=claims_t))
        decision = merge_decisions(decisions)
        self._verdicts.put(key, decision)
        verdict = Verdict(decision, fp, given, restricted)
        self._remember(hkey if plan_key is not None else vkey, verdict)
        return verdict

    def _remember(self, key: Any, value: Any) -> None:
        if key is None or self._hot_size <= 0:
            return
        if len(self._hot) >= self._hot_size:
            self._hot.clear()
        self._hot[key] = value

    def _schema_decision(self, adds: list, scope: str, req: Requester, purpose: str | None,
                         claims: tuple[Claim, ...]) -> Decision:
        """DDL that defines a column is decided as storing its categories. A column the policy lets
        the city store for a declared purpose only (place of birth for English Language Learner
        services, 040(k)) may be defined by a migration that runs without that purpose: the
        definition is flagged and audited with the purpose that allows it, and every statement that
        later writes or reads the column is decided with the purpose it declares. A column no
        purpose can justify (immigration status, 040(b)) stays refused."""
        d = self.guard.decide("store", adds, scope=scope, requester=req, purpose=purpose, claims=claims)
        if not d.blocked or purpose is not None:
            return d
        for p in sorted(self.guard.policy.file.purposes):
            alt = self.guard.decide("store", adds, scope=scope, requester=req, purpose=p, claims=claims)
            if not alt.blocked and alt.exceptions_used:
                return replace(alt, effect=Effect.strongest([alt.effect, Effect.FLAG]), purpose=None)
        return d

    def _value_categories(self, scope: str) -> frozenset[str]:
        hit = self._value_cats.get(scope)
        if hit is None:
            hit = self._value_cats[scope] = frozenset(v.category for v in self.guard.policy.value_rules_for(scope, "store"))
        return hit

    def _allow_list(self, analysis: Analysis, fp: str) -> None:
        """A restricted requester calls only built-ins known to compute from their arguments, and
        casts only to built-in types: anything else may run SQL or read relations unseen."""
        unknown = sorted(analysis.functions - safe_keys())
        if unknown:
            raise SQLAnalysisError(f"function `{unknown[0]}` is not on the allow-list of functions a restricted "
                                   "requester may call", fp)
        types = sorted(t for t in analysis.types if t.startswith(_BUILTIN_TYPES_UNKNOWN))
        if types:
            raise SQLAnalysisError("a cast to a user-defined type (its input function or domain checks may run SQL) "
                                   "is not allowed for a restricted requester", fp)

    # -- enforcement -----------------------------------------------------------------------------
    def enforce(self, sql: str, params: Any = None, *, many: bool = False, route: str | None = None,
                session: Session | None = None, bound: bool | None = None,
                paramstyle: str | None = None) -> Decision | None:
        """Check a statement about to run: raise SQLRefusedError / SQLAnalysisError when refused,
        audit every refusal, every restricted requester's statement and (aggregated) allowed
        local traffic. An audit failure refuses the statement, except in monitor mode."""
        ctx = current()
        monitor = self.monitor or bool(ctx is not None and ctx.monitor)
        request_id = ctx.request_id if ctx is not None else None
        where = route or (ctx.route if ctx else None)
        self.stats["checked"] += 1
        try:
            verdict = self.decide(sql, params, many=many, session=session,
                                  bound=(params is not None) if bound is None else bound, paramstyle=paramstyle)
        except SQLAnalysisError as exc:
            return self.refuse(exc, route=where)
        decision = verdict.decision
        if decision.effect is not Effect.ALLOW or verdict.restricted:
            given = verdict.given if decision.effect not in REFUSING else None
            self._record(decision, verdict.fingerprint, request_id, where, monitor, given=given)
        else:
            self.traffic.add(decision, verdict.fingerprint)
        if decision.effect in REFUSING:
            self.stats["refused"] += 1
            if monitor:
                log.warning("status_guard MONITOR MODE: would refuse SQL %s (%s)", verdict.fingerprint,
                            ", ".join(decision.citations))
                return decision
            raise SQLRefusedError(decision, verdict.fingerprint)
        self.stats["flagged" if decision.effect is Effect.FLAG else "allowed"] += 1
        if decision.effect is Effect.FLAG:
            log.info("status_guard flagged SQL %s (%s)", verdict.fingerprint, ", ".join(decision.citations))
        self._follow(sql, session, params is not None if bound is None else bound, paramstyle)
        return decision

    def refuse(self, exc: SQLAnalysisError, *, route: str | None = None) -> Decision:
        """Refuse a statement that cannot be analysed (fail closed): audit it, then raise ``exc``
        — or, in monitor mode, log it loudly and return the decision. Hooks call this too for
        statements they cannot even turn into text (bytes that are not UTF-8)."""
        ctx = current()
        monitor = self.monitor or bool(ctx is not None and ctx.monitor)
        self.stats["fail_closed"] += 1
        req, purpose, _, scope = self._who(None, None, None, None)
        decision = fail_closed_decision(self.guard, exc.reason, scope, req, purpose)
        self._record(decision, exc.fingerprint, ctx.request_id if ctx is not None else None,
                     route or (ctx.route if ctx else None), monitor)
        if monitor:
            log.warning("status_guard MONITOR MODE: would refuse SQL %s: %s", exc.fingerprint, exc.reason)
            return decision
        raise exc

    def _record(self, decision: Decision, fp: str, request_id: str | None, route: str | None, monitor: bool,
                given: Sequence[str] | None = None) -> None:
        try:
            self.guard.record(decision, adapter="sql", fingerprint=fp, request_id=request_id, route=route,
                              monitor=monitor, given=given)
        except AuditUnavailableError:
            if monitor:  # report-only: say so loudly, never refuse
                log.error("status_guard MONITOR MODE: audit log unavailable for SQL %s", fp)
                return
            raise

    def flush(self) -> int:
        """Write the aggregated allowed-traffic records now."""
        return self.traffic.flush()

    def _follow(self, sql: str, session: Session | None, bound: bool, paramstyle: str | None) -> None:
        """An allowed statement that changes the schema (CREATE/DROP/ALTER TABLE, a temporary
        table) moves the map with it, so later statements resolve against the tables it made. A
        statement that then fails or is rolled back leaves the map ahead of the database: tables
        it has that the database lacks are refused by the database; re-reflect with ``set_schema``
        after a failed migration."""
        if self.schema is None:
            return
        if session is not None and self._transaction_control(sql, session):
            return
        analysis = self.analysis(sql, bound=bound, session=session, paramstyle=paramstyle)
        changes = analysis.changes
        if not changes:
            return
        glob = [c for c in changes if not c.temporary]
        if session is not None and session.open:
            # seen by this session only until COMMIT; undone by ROLLBACK (PostgreSQL's DDL is
            # transactional)
            base = session.schema(self.schema)
            if glob:
                session.add_pending(glob)
            session.apply(changes, base)
            return
        if glob:
            self._move(glob)
        if session is not None:
            session.apply(changes, self.schema)

    def _transaction_control(self, sql: str, session: Session) -> bool:
        """BEGIN / COMMIT / ROLLBACK / SAVEPOINT / RELEASE / ROLLBACK TO sent as statements."""
        m = _TX.match(sql)
        if m is None:
            return False
        word = m.group(1).upper()
        raw = m.group(3) or ""
        name = raw[1:-1].replace('""', '"') if raw.startswith('"') else raw.lower()
        if word in ("BEGIN", "START"):
            session.begin()
        elif word in ("COMMIT", "END"):
            self.commit(session)
        elif word in ("ROLLBACK", "ABORT") and m.group(2):
            session.rollback_to(name)
        elif word in ("ROLLBACK", "ABORT"):
            session.rollback()
        elif word == "SAVEPOINT":
            session.savepoint(name)
        elif word == "RELEASE":
            session.release(name)
        return True

    def commit(self, session: Session | None) -> None:
        """The session's transaction committed (the driver's ``commit()``): its DDL joins the map."""
        if session is None:
            return
        done = session.commit()
        if done and self.schema is not None:
            self._move(done)

    def rollback(self, session: Session | None) -> None:
        """The session's transaction rolled back: its DDL and temporary tables are undone."""
        if session is not None:
            session.rollback()


_TX = re.compile(
    r"^\s*(BEGIN|START|COMMIT|END|ROLLBACK|ABORT|SAVEPOINT|RELEASE)\b"
    r"(?:\s+(?:WORK|TRANSACTION))?(\s+TO)?(?:\s+SAVEPOINT)?(?:\s+(\"(?:[^\"]|\"\")+\"|[A-Za-z_][\w$]*))?",
    re.I)


_SEEN = object()
_BY_NAME: dict[str, Requester] = {}


def _session_key(session: Session | None) -> str:
    return session.version if session is not None and (session.temp or session.pending) else ""


def fail_closed_decision(guard: Any, reason: str, scope: str, requester: Requester, purpose: str | None) -> Decision:
    hit = RuleHit(FAIL_CLOSED_RULE, FAIL_CLOSED_CITATION, f"statement refused: {reason}", Effect.BLOCK)
    return Decision(Effect.BLOCK, "read", scope, requester, purpose, (hit,), (), guard.policy.ref)


# -- parameters ----------------------------------------------------------------------------------


def _param_dependent(analysis: Analysis, kv: Any = ()) -> bool:
    """Whether bound values can change the items a statement is decided on (written values, JSON
    keys, key-value questions); if not, its plan is cached with its analysis."""
    for w in analysis.writes:
        if w.value.kind == "param" or (w.key is not None and w.key.kind == "param"):
            return True
    if any(k.key.kind == "param" for k in analysis.keyed):
        return True
    return bool(kv) and any(p.value.kind == "param" and p.table in kv for s in analysis.statements for p in s.pins)


_SCALARS = (str, int, float, bool, type(None))


def _scalar_params(params: Any) -> Any:
    """Bound values as a hashable key when they are plain scalars (a tuple or a str-keyed dict of
    str/int/float/bool/None — ``1`` and ``True`` are kept apart by their type), else None."""
    if type(params) is tuple or type(params) is list:
        if all(type(v) in _SCALARS for v in params):
            return tuple((type(v), repr(v) if type(v) is float else v) for v in params)
    elif type(params) is dict:
        if all(type(k) is str and type(v) in _SCALARS for k, v in params.items()):
            return ("dict", tuple(sorted(((k, repr(type(v)), repr(v) if type(v) is float else v)
                                          for k, v in params.items()), key=repr)))
    return None


def _param_rows(params: Any, many: bool, limits: Limits, fp: str) -> list[Any]:
    if params is None:
        return [None]
    if many:
        rows = params if isinstance(params, (list, tuple)) else list(params)
        if len(rows) > limits.max_value_rows:
            raise SQLLimitError(f"{len(rows)} parameter rows exceed the limit of {limits.max_value_rows}", fp)
        return list(rows) or [None]
    return [params]


_inspectors: dict[tuple[int, str, Any], Inspector] = {}
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


# the last schema object given to check_sql per (guard, dialect, public): its identity and a copy of
# its contents, so a repeated call finds its inspector without serialising the schema — and a
# mapping changed in place since is noticed (an equality test, not a serialisation)
_recent: dict[tuple[int, str, Any], tuple[Any, Any, Inspector]] = {}


def _snapshot(schema: Any) -> Any:
    if isinstance(schema, Mapping):
        import copy

        try:
            return copy.deepcopy(schema)
        except Exception:
            return MISSING
    return schema


def inspector_for(guard: Any, dialect: str, schema: Any, public_record_fields: Any = None) -> Inspector:
    """A cached inspector per (guard, dialect, schema, public-record declarations) for ``guard.check_sql``."""
    public = tuple(public_record_fields or ())
    rkey = (id(guard), dialect, public)
    hit = _recent.get(rkey)
    if hit is not None and hit[0] is schema and hit[2].guard is guard and _same(hit[1], schema):
        return hit[2]
    d = canonical_dialect(dialect)
    key = (id(guard), d, _schema_key(schema), public)
    with _inspectors_lock:
        insp = _inspectors.get(key)
    if insp is None or insp.guard is not guard:
        insp = Inspector(guard, dialect=d, schema=schema, public_record_fields=public)
        with _inspectors_lock:
            if len(_inspectors) > 64:
                _inspectors.clear()
            _inspectors[key] = insp
    snap = _snapshot(schema)
    with _inspectors_lock:
        if len(_recent) > 64:
            _recent.clear()
        if snap is not MISSING:
            _recent[rkey] = (schema, snap, insp)
    return insp


def _same(snap: Any, schema: Any) -> bool:
    if isinstance(schema, Mapping):
        try:
            return bool(snap == schema)
        except Exception:
            return False
    return True  # a SchemaMap (immutable), a path, None


__all__ = ["FAIL_CLOSED_CITATION", "FAIL_CLOSED_RULE", "Inspector", "REFUSING", "Verdict", "fail_closed_decision",
           "inspector_for"]
