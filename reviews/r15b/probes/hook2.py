import os, sys, sqlite3, tempfile
sys.path.insert(0, os.environ.get("SNAP","/work/review/snap-r15b")+"/src")
from status_guard import Guard
from status_guard.sql.hooks.dbapi import guard_connection
G = Guard.default()
d = tempfile.mkdtemp(); db = os.path.join(d, "x.db")
raw = sqlite3.connect(db); raw.executescript("CREATE TABLE students (id INTEGER, name TEXT, citizenship_status TEXT); CREATE TABLE x (id INTEGER, name TEXT, grade TEXT); INSERT INTO students VALUES (1,'Ana','undocumented'); INSERT INTO x VALUES (1,'Bo','3');"); raw.commit(); raw.close()
def conn(): return guard_connection(sqlite3.connect(db), G, scope="schools", default_requester="local")
def tryq(c, q):
    try:
        cur = c.cursor(); cur.execute(q); return ("ok", cur.fetchall() if q.lstrip().upper().startswith("SELECT") else None)
    except Exception as e: return ("refused", type(e).__name__)
A = conn(); L = conn()
print("A select * from x:", tryq(A, "SELECT * FROM x"))
print("A select * from students:", tryq(A, "SELECT * FROM students"))
print("L renames:", tryq(L, "ALTER TABLE x RENAME TO x_old"), tryq(L, "ALTER TABLE students RENAME TO x")); L.commit()
print("A select * from x (now students):", tryq(A, "SELECT * FROM x"))
print("A select name, grade... :", tryq(A, "SELECT * FROM x WHERE id = 1"))
F = guard_connection(sqlite3.connect(db), Guard.default(), scope="schools", default_requester="local")
print("fresh connection select * from x:", tryq(F, "SELECT * FROM x"))
