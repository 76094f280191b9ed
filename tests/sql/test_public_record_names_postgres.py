"""Public-record declarations name SQL columns as PostgreSQL names them (review round 1, flaw 10).

Invariant: a declaration ``table.column`` is read with SQL identifier rules — an unquoted name
folds to lower case, a double-quoted one is exact — so it declares exactly the column the server
would resolve that text to, and never a look-alike that differs only in case (a protected
``"CHARGE"`` beside a public ``charge``). PostgreSQL's own ``parse_ident`` is the oracle.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.sql import Inspector

pytestmark = pytest.mark.postgres

COLUMNS = ["charge", "CHARGE", "Charge", "charge2", "Booking Note"]


@pytest.fixture(scope="module")
def pg(postgres_dsn):
    import psycopg

    conn = psycopg.connect(postgres_dsn, autocommit=True)
    yield conn
    conn.close()


def _spell(col: str, quoted: bool, case: str) -> str:
    if quoted or " " in col:
        return '"' + col.replace('"', '""') + '"'
    return {"same": col, "upper": col.upper(), "lower": col.lower()}[case]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=st.sampled_from(COLUMNS), quoted=st.booleans(), case=st.sampled_from(["same", "upper", "lower"]),
       prefix=st.sampled_from(["cases", "CASES", "**", '"cases"']))
def test_public_record_declaration_names_the_column_postgresql_would_resolve(sg, pg, target, quoted, case, prefix):
    decl = f"{prefix}.{_spell(target, quoted, case)}"
    parsed = pg.execute("SELECT parse_ident(%s)", (decl.replace("**", "x"),)).fetchone()[0]
    table_ok = prefix == "**" or parsed[0] == "cases"
    tables = {"cases": {c: "text" for c in COLUMNS} | {"id": "int"}}
    insp = Inspector(sg, dialect="postgres", scope="police", schema={"tables": tables, "public_record": [decl]})
    for col in COLUMNS:
        want = table_ok and parsed[-1] == col
        got = next(c.public_record for c in insp.schema.columns("cases") if c.name == col)
        assert got == want, (decl, col)
        quoted_col = '"' + col + '"'
        d = insp.decide(f"SELECT {quoted_col} FROM cases", None, requester="federal").decision
        assert d.blocked != want, (decl, col)


def test_a_declaration_that_matches_only_ignoring_case_is_a_warning(sg):
    insp = Inspector(sg, dialect="postgres", scope="police",
                     schema={"tables": {"cases": {"id": "int", "CHARGE": "text"}}, "public_record": ["cases.CHARGE"]})
    assert any('cases."CHARGE"' in w for w in insp.warnings)
