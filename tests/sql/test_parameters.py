"""Parameters bind in text order, for every statement shape (2.129.040(b), (d)).

Invariant: the value the inspector decides on for a column is the value the driver binds to the
placeholder the database stores in that column. psycopg numbers every ``%s`` in the order it
appears in the text — in a WITH clause before a MERGE, in a DISTINCT ON before the SELECT list,
in ON CONFLICT, in LIMIT — so the inspector reads the driver's numbering from the text, not from
the grammar's clause order.

The generator writes statements left to right and records, for each placeholder, whether its
value ends up in ``holds.hold_basis``; one placeholder at random carries an ICE detainer. The
hold is refused (040(d)) exactly when that placeholder is one stored as the basis. The same
statements are compared with PostgreSQL's own parameter numbering in ``test_oracle_postgres``.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.sql import Inspector

from .conftest import SCHEMA
from .generators import write_statements


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(gen=write_statements(), data=st.data())
def test_a_detainer_bound_to_any_placeholder_is_decided_where_it_is_stored(sg, gen, data):
    n = len(gen.into_basis)
    marker = data.draw(st.integers(0, n - 1))
    params = tuple("ice_detainer" if i == marker else ("judicial_warrant" if gen.into_basis[i] else i + 1)
                   for i in range(n))
    insp = Inspector(sg, dialect="postgres", schema=SCHEMA, scope="police")
    d = insp.decide(gen.sql, params, requester="local", bound=True).decision
    refused = d.blocked and "2.129.040(d)" in d.citations
    assert refused == gen.into_basis[marker], (gen.sql, marker)


def test_merge_with_a_cte_binds_the_cte_parameters_first(sg):
    sql = ("WITH src AS (SELECT %s::int AS id, %s::text AS basis) MERGE INTO holds h USING src ON h.id = src.id "
           "WHEN NOT MATCHED THEN INSERT (id, hold_basis) VALUES (src.id, src.basis)")
    insp = Inspector(sg, dialect="postgres", schema=SCHEMA, scope="police")
    assert insp.decide(sql, (1, "ice_detainer"), requester="local").decision.blocked
    assert not insp.decide(sql, ("ice_detainer", "judicial_warrant"), requester="local").decision.blocked


def test_distinct_on_parameters_come_before_the_select_list(sg):
    sql = ("INSERT INTO holds (id, hold_basis) SELECT DISTINCT ON (s.grade) %s::int, %s::text FROM students s "
           "WHERE s.grade > %s ORDER BY s.grade LIMIT %s")
    insp = Inspector(sg, dialect="postgres", schema=SCHEMA, scope="police")
    assert insp.decide(sql, (1, "ice_detainer", 2, 3), requester="local").decision.blocked
    assert not insp.decide(sql, (1, "judicial_warrant", "ice_detainer", 3), requester="local").decision.blocked
