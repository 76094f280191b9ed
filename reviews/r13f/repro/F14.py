import os, sys
SNAP=os.environ.get("SNAP","/work/review/snap-r13f"); sys.path.insert(0, SNAP+"/src")
from status_guard import Guard
g=Guard.default(audit="memory:")
def fed(t, req="federal"):
    return g.redact({"narrative":t},scope="police",requester=req,public_record_fields=["narrative"]).document["narrative"]
def finish(bad,total):
    print(f"{bad}/{total} cases flawed")
    print("FLAW" if bad else "OK")
# look-alike fields refused: a vendor's card acceptance (Visa the card) on a city form; a trip's passport requirement on a school form
cases=[({"accepts_visa":"yes"},"city"),({"visa_accepted":"yes","mastercard_accepted":"yes"},"city"),({"vendor_accepts_visa":"yes"},"city"),
({"acepta_visa":"sí","acepta_mastercard":"sí"},"city"),({"aceita_visa":"sim"},"city"),({"accepte_visa":"oui"},"city"),({"принимает_visa":"да"},"city"),({"接受Visa卡":"是"},"city"),
({"trip":"Montreal","passport_required":"yes"},"schools"),({"trip_requires_passport":"yes"},"schools"),({"event":"Quebec trip","passport_needed":"yes"},"schools"),({"pasaporte_requerido":"sí"},"schools")]
bad=0
for b,sc in cases:
    d=g.check_submission(b,scope=sc,requester="local"); e=str(d.effect).split(".")[-1].lower()
    if e not in ("allow",): bad+=1; print(sc,b,e,sorted(d.categories))
print("control card_type=Visa (city):",g.check_submission({"card_type":"Visa"},scope="city",requester="local").effect)
finish(bad,len(cases))
