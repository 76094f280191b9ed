import os, sys
SNAP=os.environ.get("SNAP","/work/review/snap-r13f"); sys.path.insert(0, SNAP+"/src")
from status_guard import Guard
g=Guard.default(audit="memory:")
def fed(t, req="federal"):
    return g.redact({"narrative":t},scope="police",requester=req,public_record_fields=["narrative"]).document["narrative"]
def finish(bad,total):
    print(f"{bad}/{total} cases flawed")
    print("FLAW" if bad else "OK")
# detention basis (ICE request/hold) kept: the custody word is redacted, the ICE basis beside it is not
W=lambda s:"Incident 24-118 reviewed. "+s+" Officer Doe filed the report."
cases=[("He is being held for ICE.","for ICE"),("Hold placed by DHS/ERO.","DHS/ERO"),("Retenido a pedido de ICE.","pedido de ICE"),
("Tem uma ordem de detenção da imigração.","detenção da imigração"),("Yo kenbe l pou ICE.","pou ICE"),("Bị giữ theo yêu cầu của ICE.","yêu cầu của ICE"),
("Задержан по запросу ICE.","запросу ICE"),("محتجز بناءً على طلب من ICE.","طلب من ICE"),("Il est détenu à la demande de l'ICE.","demande de l'ICE"),
("Waxaa lagu hayaa codsi ICE.","codsi ICE"),("E sta prezu pa pididu di ICE.","pididu di ICE"),("이민국 요청으로 수감되어 있습니다.","이민국 요청")]
bad=0
for s,sec in cases:
    out=fed(W(s))
    if sec in out: bad+=1; print("LEAK",repr(out[26:-30]))
finish(bad,len(cases))
