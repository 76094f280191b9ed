import os, sys, json, itertools, copy
sys.path.insert(0, os.environ.get("SNAP","/work/review/snap-r15b")+"/src")
from status_guard import Guard
G = Guard.default()
SCHEMA = {"tables": {
  "bookings": {"id":"int","booking_id":"text","charge":"text","home_address":"text","release_date":"date","citizenship_status":"text","status":"text","notes":"text","name":"text","data":"jsonb","person_id":"int"},
  "holds": {"id":"int","person_id":"int","basis":"text","status":"text"},
  "people": {"id":"int","name":"text","status":"text","country_of_birth":"text","a_number":"text"},
  "answers": {"id":"int","person_id":"int","question":"text","answer":"text"},
  "students": {"id":"int","name":"text","place_of_birth":"text","notes":"text","grade":"int","status":"text"},
  },
  "key_value": {"answers": ["question","answer"]},
  "public_record": ["bookings.charge","bookings.booking_id"],
}
n=[0]
def key(d):
    try:
        return (str(d.effect), tuple(sorted(d.all_citations)), tuple(sorted(d.categories)), tuple(sorted((f.path, tuple(sorted(f.categories)), str(f.effect)) for f in d.fields)), tuple(sorted(d.exceptions_used, key=str)))
    except Exception as e:
        return ("ERR", type(d).__name__)
def run(sql, schema, **kw):
    try:
        return key(G.check_sql(sql, dialect=kw.pop("dialect","postgres"), schema=schema, **kw))
    except Exception as e:
        return ("EXC", type(e).__name__)
def fresh_schema():
    n[0]+=1
    s = copy.deepcopy(SCHEMA); s["tables"][f"zz_dummy_{n[0]}"]={"x":"int"}; return s
diffs=[]; count=0
def probe(seed, variant, seedkw, varkw, schema=None):
    global count
    count+=1
    warm = schema if schema is not None else SCHEMA_OBJ
    run(seed, warm, **dict(seedkw))
    a = run(variant, warm, **dict(varkw))
    b = run(variant, fresh_schema(), **dict(varkw))
    if a!=b:
        diffs.append((seed, variant, seedkw, varkw, a, b))
        print("DIFF", seed, "=>", variant, seedkw, varkw, "\n   warm:", a, "\n   fresh:", b, flush=True)
SCHEMA_OBJ = copy.deepcopy(SCHEMA)
