"""SQL inspector cost as ratios to sqlglot's own parse and parse+qualify of the same statements,
measured in the same run (no absolute targets).

    .venv/bin/python benchmarks/bench_sql.py [--repeat N]
"""

from __future__ import annotations

import argparse
import time

import sqlglot
from sqlglot.optimizer.qualify import qualify

from status_guard import Guard
from status_guard.sql import Inspector

SCHEMA = {
    "students": {"id": "int", "name": "text", "citizenship": "text", "home_address": "text", "grade": "int"},
    "holds": {"id": "int", "person_id": "int", "hold_basis": "text", "release_date": "date"},
    "people": {"id": "int", "full_name": "text", "race": "text", "arrest_date": "date"},
}
STATEMENTS = {
    "simple": "SELECT id, name FROM students WHERE id = %s",
    "3-join": "SELECT s.name, h.hold_basis, p.full_name FROM students s JOIN holds h ON h.person_id = s.id "
              "JOIN people p ON p.id = h.person_id WHERE s.grade > %s ORDER BY p.arrest_date",
    "cte": "WITH a AS (SELECT id, grade FROM students WHERE grade > 2), b AS (SELECT person_id, count(*) AS n "
           "FROM holds GROUP BY person_id) SELECT a.id, b.n FROM a JOIN b ON b.person_id = a.id "
           "UNION ALL SELECT id, 0 FROM people WHERE arrest_date IS NULL",
    "insert": "INSERT INTO holds (id, person_id, hold_basis) VALUES (%s, %s, %s)",
}


def per_call(fn, repeat: int) -> float:
    fn()
    t0 = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - t0) / repeat


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=200)
    args = ap.parse_args()
    guard = Guard.default(audit="memory:")
    insp = Inspector(guard, dialect="postgres", schema=SCHEMA, scope="police")
    from sqlglot.schema import MappingSchema

    ms = MappingSchema(SCHEMA, dialect="postgres")
    params = {"simple": (1,), "3-join": (2,), "cte": None, "insert": (1, 2, "judicial_warrant")}
    print(f"{'statement':10} {'parse':>9} {'parse+q':>9} {'cold':>9} {'cached':>9}  cold/parse cold/p+q cached/parse")
    for name, sql in STATEMENTS.items():
        p = per_call(lambda: sqlglot.parse_one(sql, read="postgres"), args.repeat)
        pq = per_call(lambda: qualify(sqlglot.parse_one(sql, read="postgres"), schema=ms, dialect="postgres"), args.repeat)

        def cold() -> None:
            insp._analyses.clear()
            insp._verdicts.clear()
            insp.decide(sql, params[name], requester="local")

        c = per_call(cold, max(20, args.repeat // 4))
        h = per_call(lambda: insp.decide(sql, params[name], requester="local"), args.repeat * 5)
        print(f"{name:10} {p*1e3:8.3f}ms {pq*1e3:8.3f}ms {c*1e3:8.3f}ms {h*1e3:8.4f}ms  "
              f"{c/p:9.2f}x {c/pq:7.2f}x {h/p:10.3f}x")


if __name__ == "__main__":
    main()
