"""Run the PostgreSQL oracle over the statements a workload sent (helper for the workload tests)."""

from __future__ import annotations

import re
from typing import Any

from .pg_oracle import Oracle

_DML = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH|MERGE)\b", re.I)


def oracle_over(statements: dict[str, bool], conn: Any, schema_map: Any) -> dict[str, int]:
    """Compare every SELECT/INSERT/UPDATE/DELETE/MERGE the workload sent with PostgreSQL's own
    reading (same connection, same search path). Returns counts; a disagreement raises."""
    from .test_oracle_postgres import drop_defaults, inspector_view, server_view

    oracle = Oracle("", {}, conn=conn)
    compared = 0
    for sql, had_params in statements.items():
        if not _DML.match(sql):
            continue
        params = () if had_params else None
        if had_params and re.search(r"%\([^)]+\)s", sql):
            params = {m: None for m in re.findall(r"%\(([^)]+)\)s", sql)}
        elif had_params:
            params = tuple(None for _ in re.findall(r"(?<!%)%[sbt]", sql.replace("%%", "")))
        server = oracle.view(sql, params)
        mine = inspector_view(sql, params, schema_map, "")
        theirs = server_view(server)
        drop_defaults(mine, theirs)
        assert mine["outputs"] == theirs["outputs"], f"outputs differ for {sql!r}"
        assert mine["filters"] == theirs["filters"], f"filters differ for {sql!r}"
        assert mine["writes"] == theirs["writes"], f"writes differ for {sql!r}"
        compared += 1
    return {"compared": compared, "sent": len(statements)}
