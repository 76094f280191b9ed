"""F08: DDL committed through one guarded connection is not seen by another guarded connection of
the same Guard: after connection L (DB-API hook, sqlite3) renames `students` (which holds
citizenship_status) to `x`, connection A — same guard, same scope — still decides `SELECT * FROM x`
against the old, harmless `x` it knew and returns a student's citizenship status to school staff
(040(k)). A fresh guarded connection refuses the same statement. Prints FLAW if A gets the rows."""
import os, sys, sqlite3, tempfile
sys.path.insert(0, os.environ["SNAP"] + "/src")
from status_guard import Guard
from status_guard.sql.hooks.dbapi import guard_connection
G = Guard.default()
db = os.path.join(tempfile.mkdtemp(), "school.db")
raw = sqlite3.connect(db)
raw.executescript("CREATE TABLE students (id INTEGER, name TEXT, citizenship_status TEXT);"
                  "CREATE TABLE x (id INTEGER, name TEXT, grade TEXT);"
                  "INSERT INTO students VALUES (1, 'Ana', 'undocumented'); INSERT INTO x VALUES (1, 'Bo', '3');")
raw.commit(); raw.close()
def conn(guard): return guard_connection(sqlite3.connect(db), guard, scope="schools", default_requester="local")
def run(c, q):
    try:
        cur = c.cursor(); cur.execute(q); return cur.fetchall() if q.upper().startswith("SELECT") else "ok"
    except Exception as e: return "refused: " + type(e).__name__
A = conn(G); L = conn(G)
print("A, before (students):", run(A, "SELECT * FROM students"))
print("L renames, commits:", run(L, "ALTER TABLE x RENAME TO x_old"), run(L, "ALTER TABLE students RENAME TO x")); L.commit()
got = run(A, "SELECT * FROM x")
print("A, SELECT * FROM x (now the students table):", got)
print("fresh guarded connection, same statement:", run(conn(Guard.default()), "SELECT * FROM x"))
print("FLAW" if isinstance(got, list) and any("undocumented" in map(str, r) for r in got) else "OK")
