import os, sys
SNAP=os.environ.get("SNAP","/work/review/snap-r13f"); sys.path.insert(0, SNAP+"/src")
from status_guard import Guard
g=Guard.default(audit="memory:")
def fed(t, req="federal"):
    return g.redact({"narrative":t},scope="police",requester=req,public_record_fields=["narrative"]).document["narrative"]
def finish(bad,total):
    print(f"{bad}/{total} cases flawed")
    print("FLAW" if bad else "OK")
# look-alikes redacted in a 311/police description sent to a federal requester: public hearings, 311 addresses, tow/animal/software/payroll releases, 'parolee', 'green card game'
W=lambda s:"Call 311-2026-0042. "+s+" Closed by dispatcher."
cases=["Zoning Board of Appeals hearing on 01/14/2027 at City Hall.","Audiencia pública del consejo municipal el 14/01/2027.",
"Audiência pública da Câmara em 14/01/2027.","Audience publique du conseil municipal le 14/01/2027.","市议会公开听证会于2027年1月14日举行。",
"Публичные слушания городского совета 14.01.2027.","جلسة استماع عامة لمجلس المدينة في 14/01/2027.","Dhegeysiga guud ee golaha magaalada 14/01/2027.",
"Gen yon twou nan 45 Windsor St.","温莎街45号有坑洼。","Яма на дороге у дома 45 Windsor St.","حفرة في 45 Windsor St.","45 Windsor St에 포트홀이 있습니다.","God ku yaal 45 Windsor St.",
"Trash pickup delayed to 01/14/2027 for 45 Windsor St.","Le véhicule a été libéré de la fourrière le 14/01/2027.","تم الإفراج عن السيارة من الحجز في 14/01/2027.",
"The dog was released from the animal shelter on 01/14/2027.","Software version 2.1 released 01/14/2027.","Quarterly payroll release date: 01/14/2027.",
"The parolee program meeting is canceled.","Green card game night at the senior center.","Parking ticket hearing at Traffic Department, 344 Broadway, 01/14/2027."]
bad=0
for s in cases:
    t=W(s); out=g.redact({"description":t},scope="police",requester="federal",public_record_fields=["description"]).document["description"]
    if out!=t: bad+=1; print("REDACTED",repr(out[20:-23]))
finish(bad,len(cases))
