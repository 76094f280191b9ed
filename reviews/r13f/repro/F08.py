# school app: a parent's note that they paid with a Visa card is removed as a status disclosure (040(k)); 'my' removed from a citizenship-class signup
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
cases=["I paid the field trip fee with my Visa card.","Pagué con mi tarjeta Visa.","Mwen peye ak kat Visa.","Tôi trả bằng thẻ Visa.","Я оплатил картой Visa.","비자 카드로 결제했습니다.","Waxaan ku bixiyay kaarka Visa.","J'ai payé avec ma carte Visa.","আমি ভিসা কার্ড দিয়ে পরিশোধ করেছি।","N paga ku kartãu Visa.","Please sign my son up for the citizenship class on Tuesdays."]
bad=0
for t in cases:
    STORED.clear(); r=c.post("/submit",json={"notes":t}); got=STORED[0]["notes"] if STORED else None
    if got!=t: bad+=1; print(r.status_code,repr(t),"->",repr(got))
print(f"{bad}/{len(cases)} cases flawed"); print("FLAW" if bad else "OK")
