from sqlprobe import *
import sqlprobe
REQS = [dict(scope="police", requester=r) for r in ("local","federal","public","unknown")] + [dict(scope="schools", requester="local"), dict(scope="city", requester="local"), dict(scope="police", requester="local", purpose="human_trafficking_investigation")]
T = [
 ("SELECT answer FROM answers WHERE {} = question", ["'favorite_color'","'citizenship_status'"]),
 ("SELECT answer FROM answers WHERE question = 'a' OR question = {}", ["'favorite_color'","'citizenship_status'"]),
 ("SELECT answer FROM answers WHERE question IN ({})", ["'a'","'a','b'","'citizenship_status'","'a','citizenship_status'","'a','b','immigration_status'"]),
 ("SELECT answer FROM answers WHERE question BETWEEN {} AND 'zzz'", ["'a'","'citizenship_status'"]),
 ("SELECT answer FROM answers WHERE question = {} LIMIT 5", ["'favorite_color'","'citizenship_status'"]),
 ("INSERT INTO answers (person_id, question, answer) VALUES {}", ["(1,'a','b')","(1,'a','b'),(2,'c','d')","(1,'a','b'),(2,'citizenship_status','no')","(1,'citizenship_status','no'),(2,'a','b')","(1,'a','b'),(2,'c','d'),(3,'place_of_birth','Haiti')"]),
 ("INSERT INTO holds (person_id, basis) VALUES {}", ["(1,'judicial warrant')","(1,'judicial warrant'),(2,'court order')","(1,'judicial warrant'),(2,'ICE detainer')","(1,'judicial warrant'),(2,'I-200')"]),
 ("SELECT id FROM people WHERE status = {} AND id > 3", ["'active'","'undocumented'","'illegal'","'asylee'","'A123456789'"]),
 ("SELECT id FROM people WHERE id = {}", ["1","'A123456789'","NULL","1.5","-1","TRUE"]),
 ("SELECT id FROM people WHERE status = {}", ["'active'","NULL","'undocumented'","1"]),
 ("SELECT id FROM people WHERE status IS {}", ["NULL","NOT NULL"]),
 ("UPDATE answers SET answer = {} WHERE question = 'citizenship_status'", ["NULL","'yes'","''"]),
 ("UPDATE answers SET answer = 'x' WHERE question = {} AND person_id = 1", ["'color'","'citizenship_status'","'Citizenship Status'","'CITIZENSHIP_STATUS'","'citizenship'","'immigration status'","'country_of_birth'"]),
 ("SELECT answer FROM answers WHERE question = {}", ["'color'","'Citizenship Status'","'CITIZENSHIP_STATUS'","'isUsCitizen'","'cit_stat'","'a_num'","'ALIEN_REG_NBR'","'¿Cuál es su estatus migratorio?'","'homeAddress'","'release date'","'hold_basis'"]),
 ("SELECT answer FROM answers WHERE question = {} ORDER BY id OFFSET 2", ["'color'","'citizenship_status'"]),
 ("DELETE FROM holds WHERE basis = {}", ["'x'","'ICE detainer'"]),
 ("SELECT id FROM holds WHERE basis = {}", ["'x'","'ICE detainer'","'I-247A'"]),
]
for t, lits in T:
    for a in lits:
        for b in lits:
            if a==b: continue
            for rq in REQS: probe(t.format(a), t.format(b), rq, rq)
print("probes", sqlprobe.count, "diffs", len(diffs))
