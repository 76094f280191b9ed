from sqlprobe import *
import sqlprobe, copy
res=[]
def t(name, stmt, kw, mutate):
    s = copy.deepcopy(SCHEMA)
    before = run(stmt, s, **dict(kw))
    mutate(s)
    warm = run(stmt, s, **dict(kw))
    s2 = copy.deepcopy(s); s2["tables"]["zz_fresh_"+name]={"x":"int"}
    fresh = run(stmt, s2, **dict(kw))
    print(("DIFF " if warm!=fresh else "ok   ")+name, "\n  before", before[:2], "\n  warm", warm[:3], "\n  fresh", fresh[:3])
fed=dict(scope="police", requester="federal"); loc=dict(scope="city", requester="local")
def m1(s): s.setdefault("overrides",{})["people.status"]=["immigration_status"]
t("override_add", "SELECT id, status FROM people", fed, m1)
t("override_add_filter", "SELECT id FROM people WHERE status = 'x'", dict(scope="police", requester="local"), m1)
def m2(s): s["public_record"].append("bookings.home_address")
t("public_add", "SELECT home_address FROM bookings", fed, m2)
def m3(s): s["public_record"].remove("bookings.charge")
t("public_remove", "SELECT charge FROM bookings", fed, m3)
def m4(s): s["tables"]["bookings"]["nickname"]="text"
t("col_add", "SELECT nickname FROM bookings", fed, m4)
def m5(s): del s["key_value"]["answers"]
t("kv_remove", "SELECT answer FROM answers WHERE question='citizenship_status'", fed, m5)
def m6(s): s.setdefault("overrides",{})["students.notes"]=["place_of_birth"]
t("override_students", "INSERT INTO students (id, notes) VALUES (1,'x')", dict(scope="schools", requester="local"), m6)
def m7(s): s["tables"]["people"]["status"]="int"
t("type_change", "SELECT id FROM people WHERE status = 1", fed, m7)
def m8(s): s.setdefault("overrides",{})["people.a_number"]=[]
t("override_clear", "SELECT a_number FROM people", fed, m8)
def m9(s): s["tables"]["bookings"].pop("home_address")
t("col_drop", "SELECT home_address FROM bookings", fed, m9)
def m10(s): s["tables"]["holds2"]=s["tables"].pop("holds")
t("tbl_rename", "INSERT INTO holds (person_id, basis) VALUES (1,'ICE detainer')", loc, m10)
