import os, sys, sqlite3, tempfile
sys.path.insert(0, os.environ.get("SNAP","/work/review/snap-r15b")+"/src")
from status_guard import Guard
from status_guard.sql.hooks.dbapi import guard_connection
G = Guard.default()
d = tempfile.mkdtemp(); db = os.path.join(d, "x.db")
raw = sqlite3.connect(db); raw.executescript("CREATE TABLE people (id INTEGER, name TEXT, citizenship_status TEXT, notes TEXT); CREATE TABLE x (id INTEGER, notes TEXT); INSERT INTO people VALUES (1,'Ana','undocumented','hi'); INSERT INTO x VALUES (1,'hello');"); raw.commit(); raw.close()
def conn(req):
    return guard_connection(sqlite3.connect(db), G, scope="police", default_requester=req)
def tryq(c, q):
    try:
        cur = c.cursor(); cur.execute(q); return ("ok", cur.fetchall() if q.lstrip().upper().startswith("SELECT") else None)
    except Exception as e: return ("refused", type(e).__name__)
A = conn("federal"); B = conn("federal")
print("A select x.notes:", tryq(A, "SELECT notes FROM x"))
print("B create temp y:", tryq(B, "CREATE TEMP TABLE y AS SELECT citizenship_status AS notes FROM people"))
print("A select y:", tryq(A, "SELECT notes FROM y"))
print("B select y:", tryq(B, "SELECT notes FROM y"))
# same name temp table on B, after A cached 'SELECT notes FROM z'
L = conn("local")
print("L create table z:", tryq(L, "CREATE TABLE z (id INTEGER, notes TEXT)")); L.commit()
print("A select z:", tryq(A, "SELECT notes FROM z"))
print("B temp z shadow:", tryq(B, "CREATE TEMP TABLE z AS SELECT citizenship_status AS notes FROM people"))
print("B select z:", tryq(B, "SELECT notes FROM z"))
# rename dance on one connection
print("L alter:", tryq(L, "ALTER TABLE z RENAME COLUMN notes TO citizenship_status")); L.commit()
print("A select z.notes after rename:", tryq(A, "SELECT notes FROM z"))
print("A select z.citizenship_status:", tryq(A, "SELECT citizenship_status FROM z"))
print("L alter back via temp:", tryq(L, "ALTER TABLE x RENAME TO x_old"), tryq(L, "ALTER TABLE people RENAME TO x"), L.commit())
print("A select notes FROM x (now people):", tryq(A, "SELECT notes FROM x"), tryq(A, "SELECT citizenship_status FROM x"))
fresh = guard_connection(sqlite3.connect(db), Guard.default(), scope="police", default_requester="federal")
print("fresh select notes FROM x:", tryq(fresh, "SELECT notes FROM x"))
