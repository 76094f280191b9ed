# "when did you arrive in this country?" (entry date, 040(b)) asked on a school form in Spanish / French is served and stored; English is refused
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
cases=["¿Cuándo llegó a este país?","Quand êtes-vous arrivé aux États-Unis ?"]
bad=0
for q in cases:
    for body in ({"fields":[{"label":q,"value":"2019"}]},{q:"2019"}):
        STORED.clear(); r=c.post("/submit",json=body)
        if r.status_code<400 and STORED and "2019" in str(STORED[0]): bad+=1; print(r.status_code,"stored",STORED[0])
names=["fecha_llegada_eeuu","Fecha de llegada a los EE.UU.","data_chegada_eua","date_arrivee_usa","date_arrived_us","us_arrival_date","CountryArrivalDate","YearArrivedUS","到美国的日期","যুক্তরাষ্ট্রে আসার তারিখ"]
for n in names:
    STORED.clear(); r=c.post("/submit",json={n:"2019-05-01"})
    if r.status_code<400 and STORED and "2019" in str(STORED[0]): bad+=1; print(r.status_code,"stored",STORED[0])
cases=cases+names
for n in ["date_entered_us","Data de chegada aos EUA","Ngày đến Mỹ"]:
    STORED.clear(); r=c.post("/submit",json={n:"2019-05-01"}); print("control",n,r.status_code)
STORED.clear(); r=c.post("/submit",json={"When did you arrive in the United States?":"2019"}); print("control en:",r.status_code,STORED)
print(f"{bad} flawed of {len(cases)+2} cases"); print("FLAW" if bad else "OK")
