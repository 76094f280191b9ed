from sqlprobe import *
import sqlprobe, copy
from status_guard import Claim
stmts = ["SELECT home_address FROM bookings","SELECT charge, release_date FROM bookings","SELECT answer FROM answers WHERE question = 'citizenship_status'",
 "SELECT place_of_birth FROM students","INSERT INTO students (id, place_of_birth) VALUES (1, 'Haiti')","SELECT id FROM people WHERE status = 'undocumented'",
 "INSERT INTO people (id, a_number) VALUES (1, 'A123456789')","SELECT citizenship_status FROM bookings","SELECT a_number FROM people",
 "INSERT INTO holds (person_id, basis) VALUES (1, %s)", "SELECT id FROM people WHERE country_of_birth = %s", "INSERT INTO bookings (id, notes) VALUES (1, %s)"]
kws = []
for sc in ("police","schools","city"):
    for r in ("local","federal","federal_immigration","unknown","public","state"):
        kws.append(dict(scope=sc, requester=r))
        kws.append(dict(scope=sc, requester=r, purpose="ell_services"))
        kws.append(dict(scope=sc, requester=r, purpose="equity_statistics"))
        kws.append(dict(scope=sc, requester=r, purpose="human_trafficking_investigation"))
        kws.append(dict(scope=sc, requester=r, public_record_fields=["**.home_address","**.release_date","**.a_number"]))
        kws.append(dict(scope=sc, requester=r, claims=[Claim("required-by-law", legal_basis="8 U.S.C. §1324a (Form I-9)")]))
        kws.append(dict(scope=sc, requester={"class": r, "agency": "ICE"}))
        kws.append(dict(scope=sc, requester=r, dialect="sqlite"))
params = [("judicial warrant",),("ICE detainer",),("Mexico",),("x",),("he is undocumented",),(None,)]
import random
random.seed(1)
for s in stmts:
    for k1 in kws:
        for k2 in random.sample(kws, 6):
            if "%s" in s:
                for p1 in random.sample(params,2):
                    p2 = random.choice(params)
                    probe(s, s, dict(k1, params=p1), dict(k2, params=p2))
            else:
                probe(s, s, k1, k2)
print("probes", sqlprobe.count, "diffs", len(diffs))
