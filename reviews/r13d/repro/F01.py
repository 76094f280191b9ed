# F01: key-value lines whose key is a police-export identifier (NEXT_CRT_DT: ...) are not read in notes;
# 040(e) redaction for a federal requester leaves release/hearing dates, A-number, POB in the narrative.
import os, sys
SNAP = os.environ.get("SNAP", "/work/review/snap")
sys.path.insert(0, SNAP + "/src")
import warnings; warnings.filterwarnings("ignore")
from status_guard import Guard
g = Guard.default(audit="memory:")
def cats(name, label=None):
    return set((g.classify(name, label) if label is not None else g.classify(name)).categories)
bad = []

from status_guard.text.integration import redact_free_text, detector_for
lines = {"NEXT_CRT_DT: 01/05/2027": "01/05/2027", "BKG_RLS_DT: 12/14/2026": "12/14/2026",
         "ARRAIGN_DT: 01/06/2027": "01/06/2027", "PROJ_REL_DATE: 12/20/2026": "12/20/2026",
         "ALIEN_REG_NBR: 201555778": "201555778", "POB_CTRY: Haiti": "Haiti"}
doc = {"narrative": "Subject transported to MCI. JMS export follows.\n" + "\n".join(lines)}
r = redact_free_text(detector_for(g), doc, {"release_date", "hearing_information", "alien_registration_number", "place_of_birth"})
out = r.document["narrative"]
for line, val in lines.items():
    if val in out:
        bad.append(line)
print("leaked after redaction:", bad)
# end to end: police API behind the middleware, narrative declared public record, federal officer
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient
from status_guard import StatusGuardMiddleware
NAR = "Subject transported to MCI. JMS export follows.\n" + "\n".join(lines)
async def rec(req):
    return JSONResponse({"booking_id": "B-1", "charge": "OUI", "narrative": NAR})
app = Starlette(routes=[Route("/r", rec)])
app.add_middleware(StatusGuardMiddleware, guard=g, identify=lambda s: "federal", scope="police",
                   public_record_fields=["charge", "booking_id", "narrative"])
body = TestClient(app).get("/r").text
e2e = [line for line, val in lines.items() if val in body]
print("federal officer sees:", e2e)
bad += ["e2e: " + x for x in e2e]
print("FLAW" if bad else "OK")
