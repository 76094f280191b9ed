from sqlprobe import *
REQS = [dict(scope="police", requester=r) for r in ("local","federal","federal_immigration","unknown","public","state")] + \
       [dict(scope="schools", requester=r) for r in ("local","federal")] + [dict(scope="city", requester="local")]
templates = [
 ("SELECT answer FROM answers WHERE question = '{}'", ["favorite_color","citizenship_status","immigration_status","home_address","release_date","a_number","country_of_birth","Citizenship Status","¿Cuál es su estatus migratorio?"]),
 ("SELECT id FROM answers WHERE question = '{}' AND answer = 'x'", ["favorite_color","citizenship_status"]),
 ("INSERT INTO answers (person_id, question, answer) VALUES (1, '{}', 'yes')", ["favorite_color","citizenship_status","immigration_status","place_of_birth","is_us_citizen"]),
 ("INSERT INTO answers (person_id, question, answer) VALUES (1, 'comment', '{}')", ["hello world","I am undocumented","my A-number is A123456789","she lives at 77 Elm St, Cambridge","Released 2026-11-29"]),
 ("UPDATE answers SET answer = 'no' WHERE question = '{}'", ["favorite_color","citizenship_status"]),
 ("DELETE FROM answers WHERE question = '{}'", ["favorite_color","citizenship_status"]),
 ("INSERT INTO holds (person_id, basis) VALUES (1, '{}')", ["judicial warrant","ICE detainer","I-247A","administrative warrant I-200","DHS Form I-247","court order"]),
 ("UPDATE holds SET basis = '{}' WHERE id = 1", ["judicial warrant","ICE detainer","I-247A"]),
 ("INSERT INTO holds (person_id, basis) VALUES ({}, 'judicial warrant')", ["1","NULL"]),
 ("INSERT INTO bookings (id, notes) VALUES (1, '{}')", ["hello","he is undocumented","A123456789","77 Elm St, Cambridge MA","held by ICE"]),
 ("INSERT INTO students (id, notes) VALUES (1, '{}')", ["hello","the child is undocumented","born in Haiti","A123456789","sin papeles"]),
 ("INSERT INTO students (id, status) VALUES (1, '{}')", ["active","undocumented","permanent resident","citizen"]),
 ("INSERT INTO people (id, status) VALUES (1, '{}')", ["active","undocumented","permanent resident","citizen"]),
 ("SELECT id FROM people WHERE status = '{}'", ["active","undocumented","illegal alien","permanent resident","citizen","deportable"]),
 ("SELECT id FROM people WHERE name = '{}'", ["Ana","undocumented"]),
 ("SELECT id FROM bookings WHERE status = '{}'", ["active","undocumented","ICE hold"]),
 ("SELECT id FROM people WHERE status IN ('{}', 'b')", ["active","undocumented"]),
 ("SELECT id FROM people WHERE a_number = '{}'", ["x","A123456789"]),
 ("SELECT id FROM people WHERE country_of_birth = '{}'", ["x","Mexico"]),
 ("SELECT id FROM students WHERE place_of_birth = '{}'", ["x","Mexico"]),
 ("SELECT charge FROM bookings WHERE id = {}", ["1","NULL"]),
 ("SELECT charge FROM bookings WHERE charge = '{}'", ["x","undocumented"]),
 ("SELECT charge FROM bookings WHERE status BETWEEN '{}' AND 'z'", ["a","undocumented"]),
 ("SELECT charge FROM bookings LIMIT {}", ["1","10"]),
 ("SELECT charge FROM bookings WHERE notes = '{}'", ["x","A123456789"]),
 ("INSERT INTO bookings (id, citizenship_status) VALUES (1, {})", ["NULL","'citizen'","'undocumented'"]),
 ("INSERT INTO students (id, place_of_birth) VALUES (1, {})", ["NULL","'Haiti'"]),
 ("UPDATE students SET place_of_birth = {} WHERE id = 1", ["NULL","'Haiti'"]),
 ("UPDATE people SET a_number = {} WHERE id = 1", ["NULL","'A123456789'"]),
 ("INSERT INTO people (id, a_number) VALUES (1, {})", ["NULL","'A123456789'", "''"]),
 ("INSERT INTO bookings (id, data) VALUES (1, '{}')", ['{{"color":"red"}}','{{"citizenship_status":"undocumented"}}']),
 ("SELECT id FROM bookings WHERE release_date = '{}'", ["2026-01-01","2026-11-29"]),
 ("INSERT INTO bookings (id, name) VALUES (1, '{}')", ["Ana","undocumented immigrant","A-123-456-789"]),
 ("SELECT id FROM people WHERE status = '{}' OR status = 'x'", ["active","undocumented"]),
 ("SELECT id FROM people WHERE status <> '{}'", ["active","citizen"]),
 ("SELECT id FROM people WHERE status LIKE '{}'", ["act%","undoc%"]),
 ("SELECT id FROM people WHERE id = 1 AND status = '{}'", ["active","undocumented"]),
 ("INSERT INTO answers (person_id, question, answer) VALUES (1, '{}', 'yes'), (2, 'color', 'red')", ["favorite_color","citizenship_status"]),
 ("INSERT INTO answers (person_id, question, answer) VALUES (2, 'color', 'red'), (1, '{}', 'yes')", ["favorite_color","citizenship_status"]),
]
import itertools
for tmpl, lits in templates:
    for i, a in enumerate(lits):
        for b in lits:
            if a==b: continue
            for rq in REQS:
                probe(tmpl.format(a), tmpl.format(b), rq, rq)
import sqlprobe; print("probes", sqlprobe.count, "diffs", len(diffs))
import json; json.dump([list(map(str,d)) for d in diffs], open("sql1_diffs.json","w"), indent=1)
