"""F06: the SQL verdict cache returns the decision of the call that seeded it, with that call's
field paths: after `INSERT ... VALUES (%s, %s)` was checked with 3 parameter rows (executemany),
the same statement with ONE row is answered with paths students[1].id / students[1].notes that
this call never had (and vice versa a 3-row call after a 2-row call lacks students[2].*). A fresh
guard (same schema contents) answers with the call's own rows. The decision's paths are what the
audit record holds, so records differ from a fresh guard's. Prints FLAW if they differ."""
import os, sys, copy
sys.path.insert(0, os.environ["SNAP"] + "/src")
from status_guard import Guard
G = Guard.default()
S = {"students": {"id": "int", "name": "text", "notes": "text"}}
sql = "INSERT INTO students (id, notes) VALUES (%s, %s)"
def paths(d): return sorted(f.path for f in d.fields)
G.check_sql(sql, scope="schools", requester="local", schema=S, params=[(1, "hello"), (2, "hello"), (3, "hello")], many=True)
warm = G.check_sql(sql, scope="schools", requester="local", schema=S, params=(1, "hello again"))
S2 = copy.deepcopy(S); S2["unrelated_table"] = {"x": "int"}      # same tables, new schema version: no cache
fresh = Guard.default().check_sql(sql, scope="schools", requester="local", schema=S2, params=(1, "hello again"))
print("after a 3-row executemany, one row:", warm.effect.value, paths(warm))
print("fresh guard, one row:              ", fresh.effect.value, paths(fresh))
print("FLAW" if paths(warm) != paths(fresh) else "OK")
