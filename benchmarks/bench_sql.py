"""SQL inspector cost as ratios to sqlglot's own parse and parse+qualify of the same statements,
measured in the same run (issue 15 targets: cached <= 5 us, a literal-only variant of a seen
statement <= 0.1 ms, cold <= 1.5x parse+qualify).

    .venv/bin/python benchmarks/bench_sql.py [--repeat N] [--json PATH]

Columns: ``cold`` every cache emptied (fingerprint included); ``cached`` Inspector.decide of the
same text again; ``check_sql`` the public ``guard.check_sql(..., schema=dict)`` of the same text;
``variant`` the same statement with a new literal every call (the shape seen before).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import time

import sqlglot
from sqlglot.optimizer.qualify import qualify

from status_guard import Guard
from status_guard.sql import Inspector
from status_guard.sql.fingerprint import _fingerprint

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
# literal-only variants: {} is replaced by a new value on every call
VARIANTS = {
    "simple": "SELECT id, name FROM students WHERE id = {}",
    "3-join": "SELECT s.name, h.hold_basis, p.full_name FROM students s JOIN holds h ON h.person_id = s.id "
              "JOIN people p ON p.id = h.person_id WHERE s.grade > {} ORDER BY p.arrest_date",
    "cte": "WITH a AS (SELECT id, grade FROM students WHERE grade > {}), b AS (SELECT person_id, count(*) AS n "
           "FROM holds GROUP BY person_id) SELECT a.id, b.n FROM a JOIN b ON b.person_id = a.id "
           "UNION ALL SELECT id, 0 FROM people WHERE arrest_date IS NULL",
    "insert": "INSERT INTO holds (id, person_id, hold_basis) VALUES (1, 2, 'judicial warrant {}')",
}


def per_call(fn, repeat: int) -> float:
    fn()
    gc.collect()
    t0 = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - t0) / repeat


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=200)
    ap.add_argument("--json", default=None, help="write the figures to this JSON file")
    args = ap.parse_args()
    guard = Guard.default(audit="memory:")
    insp = Inspector(guard, dialect="postgres", schema=SCHEMA, scope="police")
    from sqlglot.schema import MappingSchema

    ms = MappingSchema(SCHEMA, dialect="postgres")
    params = {"simple": (1,), "3-join": (2,), "cte": None, "insert": (1, 2, "judicial_warrant")}
    counter = itertools.count(10)
    rows = []
    print(f"{'statement':10} {'parse':>9} {'parse+q':>9} {'cold':>9} {'cached':>9} {'check_sql':>9} {'variant':>9}"
          f"  cold/p+q cached/p+q variant/p+q")
    for name, sql in STATEMENTS.items():
        p = per_call(lambda: sqlglot.parse_one(sql, read="postgres"), args.repeat)
        pq = per_call(lambda: qualify(sqlglot.parse_one(sql, read="postgres"), schema=ms, dialect="postgres"), args.repeat)

        def cold() -> None:
            for c in (insp._analyses, insp._verdicts, insp._plans, insp._planners, insp._templates):
                c.clear()
            insp._hot.clear()
            _fingerprint.cache_clear()
            insp.decide(sql, params[name], requester="local")

        c = per_call(cold, max(20, args.repeat // 4))
        h = per_call(lambda: insp.decide(sql, params[name], requester="local"), args.repeat * 5)
        cs = per_call(lambda: guard.check_sql(sql, scope="police", requester="local", schema=SCHEMA,
                                              params=params[name]), args.repeat * 5)
        vsql = VARIANTS[name]
        insp.decide(vsql.format(1), requester="local")
        insp.decide(vsql.format(2), requester="local")
        v = per_call(lambda: insp.decide(vsql.format(next(counter)), requester="local"), args.repeat * 2)
        print(f"{name:10} {p*1e3:8.3f}ms {pq*1e3:8.3f}ms {c*1e3:8.3f}ms {h*1e6:7.2f}us {cs*1e6:7.2f}us "
              f"{v*1e3:8.4f}ms  {c/pq:7.2f}x {h/pq:9.4f}x {v/pq:10.3f}x")
        rows.append({"statement": name, "parse_s": p, "parse_qualify_s": pq, "cold_s": c, "cached_s": h,
                     "check_sql_cached_s": cs, "variant_s": v, "cold_over_pq": c / pq, "cached_over_pq": h / pq,
                     "variant_over_pq": v / pq})
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"date": time.strftime("%Y-%m-%d %H:%M:%S"), "repeat": args.repeat, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
