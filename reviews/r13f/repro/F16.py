# Kabuverdianu "land/country of birth" labels are served and the answer stored on a school form (040(k)); also unread labels fr/ru/so
import os, sys, warnings
warnings.filterwarnings("ignore")
SNAP=os.environ.get("SNAP","/work/review/snap-r13f"); sys.path.insert(0, SNAP+"/src")
from status_guard import Guard, StatusGuardMiddleware
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import JSONResponse
from starlette.testclient import TestClient
g=Guard.default(audit="memory:"); STORED=[]
async def submit(req):
    STORED.append(await req.json()); return JSONResponse({"ok":True})
c=TestClient(StatusGuardMiddleware(Starlette(routes=[Route("/submit",submit,methods=["POST"])]),guard=g,identify=lambda s:"local",scope="schools"))
cases=["Téra di nasimentu","Kal ki bu téra di nasimentu?","Terra di nascimentu","Pais di nasimentu","Lugar di nasimentu"]
bad=0;tot=0
for q in cases:
    tot+=1; STORED.clear(); r=c.post("/submit",json={"fields":[{"label":q,"value":"Kabu Verdi"}]})
    if r.status_code<400 and STORED and "Kabu Verdi" in str(STORED[0]): bad+=1; print(r.status_code,"stored",STORED[0])
STORED.clear(); r=c.post("/submit",json={"fields":[{"label":"Téra undi bu nasi","value":"Kabu Verdi"}]}); print("control 'Téra undi bu nasi':",r.status_code)
for l in ["Date de la prochaine audience","Дата следующего заседания","Goorta laga sii deynayo"]:
    tot+=1; cs=g.classify("q1",l).categories
    if not cs: bad+=1; print("label unread:",l)
print(f"{bad}/{tot} cases flawed"); print("FLAW" if bad else "OK")
