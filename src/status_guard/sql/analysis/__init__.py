"""What a SQL statement does to which physical columns: writes, reads, filters, schema changes.

Like sqlglot's optimizer, the analysis is a tuple of small passes (``RULES``), each in a module
named for its one job, run in order over one parsed statement and a shared :class:`State`:

1. ``kinds.reject_unsafe_statement``      only statement kinds we analyse; no ``Command`` fallbacks,
                                          no settings that change how SQL is read;
2. ``calls.inventory_calls``              functions that run SQL text are refused; every function
                                          and cast type is recorded (the allow-list for restricted
                                          requesters is the inspector's to apply);
3. ``identifiers.normalize_identifiers``  every identifier becomes the name the database resolves
                                          (folding, quoting, 63-byte truncation);
4. ``relations.resolve_relations``        every table name resolves to one relation (temporary
                                          tables, ``pg_catalog``, ``search_path``, ``main``, ``dbo``);
5. ``parameters.bind_placeholders``       every placeholder learns which parameter the driver binds;
6. ``dispatch.writable_ctes``             data-modifying CTEs are analysed, then stand in as SELECTs;
7. ``dispatch.analyse_statement``         per kind (select, insert, update, merge, copy, ddl): the
                                          lineage of every output, filter and written value;
8. ``keys.keyed_uses``                    JSON keys and key-value questions, and WHERE pins;
9. ``accounting.account_columns``         every column node was attributed, or the statement is
                                          refused.

Before parsing, :mod:`..paramstyles` turns the driver's placeholders into the server's, and
:mod:`..parse` refuses what cannot be read with certainty. :func:`analyse` is the short driver.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from sqlglot import exp
from sqlglot.errors import SqlglotError

from ..errors import SQLAnalysisError, SQLLimitError
from ..paramstyles import driver_view
from ..parse import DEFAULT_LIMITS, Limits, canonical_dialect, is_passthrough, parse, prepare_text
from ..schema import Relation, SchemaMap
from .accounting import account_columns
from .calls import inventory_calls
from .dispatch import analyse_statement, writable_ctes
from .identifiers import normalize_identifiers
from .keys import keyed_uses
from .kinds import reject_unsafe_statement
from .model import Analysis, KeyedUse, Output, Pair, Pin, StatementAnalysis, Value, Write
from .parameters import bind_placeholders
from .relations import resolve_relations
from .state import State

RULES: tuple[Callable[[exp.Expression, State], None], ...] = (
    reject_unsafe_statement,
    inventory_calls,
    normalize_identifiers,
    resolve_relations,
    bind_placeholders,
    writable_ctes,
    analyse_statement,
    keyed_uses,
    account_columns,
)


def _finish(st: State) -> StatementAnalysis:
    res = st.result
    assert res is not None
    writes, filters, targets, changes = list(res.writes), set(res.filters), set(res.targets), list(res.changes)
    for n in st.nested:
        writes.extend(n.writes)
        filters |= n.filters
        targets |= n.targets
        changes.extend(n.changes)
    # what the statement uses: its outputs, filters, written columns and where their values come
    # from, and what the per-kind passes named explicitly (INSERT column lists, COPY, constraints)
    references = set(st.references) | set(res.reads) | filters
    for w in writes:
        references.add((w.table, w.column))
        references |= w.sources
    return replace(
        res,
        writes=tuple(writes),
        filters=frozenset(filters),
        targets=frozenset(targets),
        changes=tuple(changes),
        references=frozenset(references),
        functions=frozenset(st.functions),
        types=frozenset(st.types),
        catalogs=frozenset(st.catalogs),
        data_catalogs=frozenset(st.data_catalogs),
        keyed=tuple(st.keyed),
        pins=tuple(st.pins),
        catalog_only=bool(st.catalogs) and not references,
    )


def analyse(sql: str, dialect: str = "postgres", schema: SchemaMap | None = None, limits: Limits = DEFAULT_LIMITS,
            *, paramstyle: str | None = "auto", bound: bool | None = None,
            temp: Mapping[str, Relation] | None = None) -> Analysis:
    """Analyse a statement (or a ``;``-separated script) as the driver ``paramstyle`` sends it
    (``bound``: parameters are given, so the driver substitutes placeholders; None: placeholders
    stand for unknown values, unless the text is only valid without substitution — a ``%`` in a
    literal — then it is read as sent without parameters). ``temp``: the session's temporary
    tables. Raises SQLAnalysisError (without a fingerprint)."""
    d = canonical_dialect(dialect)
    if isinstance(sql, str) and is_passthrough(sql):
        return Analysis(d, (StatementAnalysis("control"),))
    if not isinstance(sql, str):
        raise SQLAnalysisError(f"statement must be text, not {type(sql).__name__}")
    if len(sql) > limits.max_chars:
        raise SQLLimitError(f"statement length {len(sql)} exceeds the limit of {limits.max_chars} characters")
    sql = prepare_text(sql, d)
    if bound is None:
        try:
            pm = driver_view(sql, d, paramstyle, bound=True)
        except SQLAnalysisError:
            pm = driver_view(sql, d, paramstyle, bound=False)
    else:
        pm = driver_view(sql, d, paramstyle, bound=bound)
    statements = parse(pm.text, d, limits)
    results = []
    work = schema
    session = dict(temp or {})
    for stmt in statements:
        st = State(d, work, limits, pm, session)
        for rule in RULES:
            try:
                rule(stmt, st)
            except RecursionError:
                raise SQLLimitError("statement is nested too deeply to analyse") from None
            except SQLAnalysisError:
                raise
            except SqlglotError as exc:
                raise SQLAnalysisError(f"statement cannot be analysed ({exc.__class__.__name__})") from None
            except (AttributeError, TypeError, KeyError, IndexError, ValueError) as exc:
                raise SQLAnalysisError(
                    f"statement uses a construct the analysis does not handle ({exc.__class__.__name__})") from None
        result = _finish(st)
        results.append(result)
        if work is not None and result.changes:  # later statements of a script see earlier DDL
            work = work.apply(c for c in result.changes if not c.temporary)
            for c in result.changes:
                if c.temporary and c.op == "create":
                    rel = work.temp_relation(c)
                    session[rel.name] = rel
                elif c.temporary and c.op == "drop":
                    session.pop(c.relation, None)
    return Analysis(d, tuple(results), len(pm.keys))


__all__ = ["Analysis", "KeyedUse", "Output", "Pair", "Pin", "RULES", "StatementAnalysis", "Value", "Write", "analyse"]
