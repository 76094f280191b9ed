import os, sys, tempfile
sys.path.insert(0, os.environ.get("SNAP","/work/review/snap-r15b")+"/src")
from status_guard import Guard
import sqlalchemy as sa
from status_guard.sql.hooks.sqlalchemy import install
import status_guard.context as ctx
G = Guard.default()
db = os.path.join(tempfile.mkdtemp(), "s.db")
eng = sa.create_engine("sqlite:///"+db, poolclass=sa.pool.QueuePool)
with eng.begin() as c:
    c.exec_driver_sql("CREATE TABLE students (id INTEGER, name TEXT, citizenship_status TEXT)")
    c.exec_driver_sql("CREATE TABLE x (id INTEGER, name TEXT, grade TEXT)")
    c.exec_driver_sql("INSERT INTO students VALUES (1,'Ana','undocumented')")
import inspect
print(inspect.signature(install))
install(eng, G, scope="schools", default_requester="local")
a = eng.connect(); l = eng.connect()
def q(c, s):
    try: r = c.exec_driver_sql(s); return r.fetchall() if s.startswith("SELECT") else "ok"
    except Exception as e: return "refused " + type(e).__name__
print(q(a, "SELECT * FROM x"))
print(q(l, "ALTER TABLE x RENAME TO x_old"), q(l, "ALTER TABLE students RENAME TO x")); l.commit()
print("a:", q(a, "SELECT * FROM x"))
