from sqlprobe import *
import sqlprobe
REQS = [dict(scope="police", requester=r) for r in ("local","federal")] + [dict(scope="schools", requester="local"), dict(scope="city", requester="local")]
enc = lambda s: ["'%s'" % s, "E'%s'" % s.replace("_","\\x5f").replace(" ","\\x20").replace("-","\\055"), "U&'%s'" % s.replace("_","\\005f").replace(" ","\\0020"),
                 "$$%s$$" % s, "$q$%s$q$" % s, "N'%s'" % s, "'%s'::text" % s, "E'%s'" % s.replace("i","\\151"), "'%s' " % s, "'%s'" % s.upper(), "'%s'" % s.replace("s","S"), "X'%s'" % s.encode().hex()]
tmpls = [("SELECT answer FROM answers WHERE question = {}", "favorite_color", "citizenship_status"),
         ("SELECT answer FROM answers WHERE question IN ({}, 'x')", "favorite_color", "citizenship_status"),
         ("INSERT INTO answers (person_id, question, answer) VALUES (1, {}, 'no')", "favorite_color", "citizenship_status"),
         ("INSERT INTO holds (person_id, basis) VALUES (1, {})", "judicial warrant", "ICE detainer"),
         ("INSERT INTO holds (person_id, basis) VALUES (1, {})", "judicial warrant", "I-247A"),
         ("UPDATE holds SET basis = {} WHERE id = 1", "judicial warrant", "ICE detainer"),
         ("INSERT INTO students (id, notes) VALUES (1, {})", "hello there", "the child is undocumented"),
         ("INSERT INTO bookings (id, notes) VALUES (1, {})", "hello there", "A123456789"),
         ("SELECT id FROM people WHERE status = {}", "active", "undocumented"),
         ("INSERT INTO people (id, status) VALUES (1, {})", "active", "undocumented"),
         ("INSERT INTO answers (person_id, question, answer) VALUES (1, 'comment', {})", "hello", "I am undocumented")]
for t, benign, bad in tmpls:
    for e in enc(bad):
        for rq in REQS:
            for be in enc(benign)[:3]:
                probe(t.format(be), t.format(e), rq, rq)
# executemany / params
for t, benign, bad in [("INSERT INTO holds (person_id, basis) VALUES (%s, %s)", "judicial warrant", "ICE detainer"),
                       ("INSERT INTO answers (person_id, question, answer) VALUES (%s, %s, 'x')", "color", "citizenship_status"),
                       ("INSERT INTO students (id, notes) VALUES (%s, %s)", "hello", "the child is undocumented")]:
    for rq in REQS:
        probe(t, t, dict(rq, params=[(1, benign),(2, benign)], many=True), dict(rq, params=[(1, benign),(2, bad)], many=True))
        probe(t, t, dict(rq, params=[(1, benign)]*3, many=True), dict(rq, params=[(1, benign)]*2+[(3,bad)], many=True))
        probe(t, t, dict(rq, params=(1, benign)), dict(rq, params=(1, bad)))
print("probes", sqlprobe.count, "diffs", len(diffs))
for s in ["SELECT answer FROM answers WHERE question = E'citizenship\\x5fstatus'", "INSERT INTO holds (person_id, basis) VALUES (1, $$ICE detainer$$)", "INSERT INTO holds (person_id, basis) VALUES (1, U&'ICE\\0020detainer')"]:
    print(s, run(s, fresh_schema(), scope="police", requester="local")[:2], run(s, fresh_schema(), scope="police", requester="federal")[:2])
