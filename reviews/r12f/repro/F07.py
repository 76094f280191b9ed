import os, sys, json, warnings, logging
warnings.filterwarnings("ignore"); logging.disable(logging.CRITICAL)
SNAP = os.environ.get("SNAP") or sys.exit("set SNAP to the checkout holding src/")
sys.path.insert(0, os.path.join(SNAP, "src"))
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient
from status_guard import Guard
from status_guard.asgi import RouteConfig, StatusGuardMiddleware
PAGES, RECEIVED = {}, []
async def endpoint(request: Request):
    if request.method == "GET" and request.url.path in PAGES:
        body, ct = PAGES[request.url.path]
        return Response(body, media_type=ct)
    RECEIVED.append(await request.body())
    return JSONResponse({"received": True})
inner = Starlette(routes=[Route("/{path:path}", endpoint, methods=["GET", "POST"])])
app = StatusGuardMiddleware(inner, guard=Guard.default(audit="memory:"), identify=lambda s: "public",
                            scope="city", routes=[RouteConfig("/schools", "schools")])
client = TestClient(app)
def serve(path, body, ct="text/html; charset=utf-8"):
    PAGES[path] = (body, ct)
    return client.get(path).text
def accepted(path, **kw):
    """True when the app received the request body unchanged"""
    RECEIVED.clear()
    kw.setdefault("headers", {})
    if "json" in kw:
        raw = json.dumps(kw.pop("json")).encode(); kw["headers"]["content-type"] = "application/json"
    elif "form" in kw:
        from urllib.parse import urlencode
        raw = urlencode(kw.pop("form")).encode(); kw["headers"]["content-type"] = "application/x-www-form-urlencoded"
    else:
        raw = kw.pop("content")
    client.post(path, content=raw, **kw)
    return bool(RECEIVED) and RECEIVED[-1] == raw
# ---- probe ----
# Immigrant / city service sign-ups in Spanish, Haitian Creole and Russian are removed and refused.
LABELS = ["Cita para la aceptación de pasaportes: fecha preferida",
          "Permiso de trabajo juvenil: edad del estudiante",
          "Ki sesyon klas sitwayènte ou vle swiv?",
          "На какое занятие курса по гражданству вы хотите записаться?",
          "Хотите подписаться на рассылку Управления по делам иммигрантов?",
          "Agendamento para aceitação de passaporte: data preferida", "护照受理预约：首选日期",
          "Rendez-vous de dépôt de passeport : date souhaitée", "Pèmi travay pou jèn: laj elèv la",
          "青少年工作许可：学生年龄", "Autorização de trabalho para jovens: idade do aluno"]
refused = []
for i, lab in enumerate(LABELS):
    html = f'<html><body><form action="/f07/{i}" method=post><label for=a>{lab}</label><input id=a name=q7><button>Send</button></form></body></html>'
    out = serve(f"/f07page/{i}", html)
    if out != html or not accepted(f"/f07/{i}", form={"q7": "Yes"}):
        refused.append(lab)
print("refused / removed:", refused)
print("FLAW" if refused else "OK")

sys.stdout.flush(); os._exit(0)
