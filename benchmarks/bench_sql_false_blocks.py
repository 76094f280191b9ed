"""False-block rate of the SQL inspector on real apps: the Django 5.2 school-enrollment app and the
SQLAlchemy 2.x police-records app (``tests/sql/workloads``), on SQLite and on PostgreSQL (when
127.0.0.1:5432 answers), under the hooks installed as docs/sql.md says.

    .venv/bin/python benchmarks/bench_sql_false_blocks.py

A false block is a statement of the local (city staff) workload the inspector refuses or fails
closed on; the federal column shows the statements a federal requester's requests sent, how many
were refused, and the protected sentinel values that reached them (must be 0)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "tests" / "sql" / "workloads"
sys.path.insert(0, str(WORK))


def pg_dsn() -> str | None:
    try:
        import psycopg
    except ImportError:
        return None
    for user in ("postgres", "root"):
        dsn = f"host=127.0.0.1 port=5432 dbname=test user={user} connect_timeout=3"
        try:
            with psycopg.connect(dsn):
                return dsn
        except Exception:  # noqa: BLE001
            continue
    return None


def django(db: str) -> dict:
    app = WORK / "django_school"
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SG_DB": db, "SG_AUDIT": f"jsonl:{tmp}/a.jsonl", "PYTHONPATH": os.pathsep.join((str(app), str(Path(__file__).resolve().parents[1] / "src")))}
        p = subprocess.run([sys.executable, str(app / "run.py")], capture_output=True, text=True, env=env, cwd=app)
    out = json.loads([ln for ln in p.stdout.splitlines() if ln.startswith("SG-RESULT ")][-1][len("SG-RESULT "):])
    return {"local": out["local"], "federal": out["federal"], "leaks": len(out["federal_leaks"])}


def sqlalchemy(url: str, schema: str | None = None) -> dict:
    import police_records

    out = police_records.run(url, schema)
    local = dict(out["local"])
    return {"local": local, "federal": out["federal"], "leaks": len(out["leaks"])}


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(("Django school app", "SQLite", django(f"sqlite:{tmp}/school.db")))
        rows.append(("SQLAlchemy police app", "SQLite", sqlalchemy(f"sqlite:///{tmp}/police.db")))
    dsn = pg_dsn()
    if dsn:
        import psycopg

        user = dsn.split("user=")[1].split()[0]
        for label, fn in (("Django school app", lambda s: django(f"postgres:{dsn};{s}")),
                          ("SQLAlchemy police app",
                           lambda s: sqlalchemy(f"postgresql+psycopg://{user}@127.0.0.1:5432/test", s))):
            schema = f"sg_fb_{uuid.uuid4().hex[:10]}"
            with psycopg.connect(dsn, autocommit=True) as c:
                c.execute(f"CREATE SCHEMA {schema}")
            try:
                rows.append((label, "PostgreSQL", fn(schema)))
            finally:
                with psycopg.connect(dsn, autocommit=True) as c:
                    c.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    print(f"{'app':24} {'db':11} {'local stmts':>11} {'false blocks':>12} {'rate':>7}   {'federal stmts':>13} "
          f"{'refused':>7} {'leaks':>5}")
    for app, db, r in rows:
        loc, fed = r["local"], r["federal"]
        fb = loc["refused"] + loc["fail_closed"]
        print(f"{app:24} {db:11} {loc['checked']:>11} {fb:>12} {fb / max(1, loc['checked']):>6.1%}   "
              f"{fed['checked']:>13} {fed['refused'] + fed['fail_closed']:>7} {r['leaks']:>5}")


if __name__ == "__main__":
    main()
