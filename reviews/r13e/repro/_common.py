import os,sys,warnings
warnings.filterwarnings("ignore")
SNAP=os.environ.get("SNAP")
if not SNAP: sys.exit("set SNAP to the checkout holding src/")
sys.path.insert(0,os.path.join(SNAP,"src"))
from status_guard import Guard
_g=None
def guard():
    global _g
    if _g is None: _g=Guard.default(audit="memory:")
    return _g
def fed_narrative(text):
    r=guard().redact({"incident_id":"24-01187","narrative":text},scope="police",requester="federal",public_record_fields=["narrative","incident_id"])
    return r.document.get("narrative")
def school_form(lang,q,value="yes"):
    """serve a one-question school form through StatusGuardMiddleware, post an answer; -> (question served, answer stored)"""
    import html
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse, JSONResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient
    from status_guard import StatusGuardMiddleware
    async def form(request):
        return HTMLResponse(f'<!doctype html><html lang="{lang}"><body><form method="post" action="/enroll"><label for="q4">{html.escape(q)}</label><input id="q4" name="q4"><label for="nm">Name</label><input id="nm" name="student_name"><button>OK</button></form></body></html>')
    async def enroll(request):
        f=await request.form(); return JSONResponse({"stored":dict(f)})
    app=Starlette(routes=[Route("/register",form),Route("/enroll",enroll,methods=["POST"])])
    app.add_middleware(StatusGuardMiddleware, guard=guard(), identify=lambda s:"local", scope="schools")
    c=TestClient(app)
    served='name="q4"' in c.get("/register").text
    r=c.post("/enroll",data={"q4":value,"student_name":"Ana"})
    return served, (r.status_code==200 and "q4" in r.json().get("stored",{}))
