import os, sys
SNAP=os.environ.get("SNAP","/work/review/snap-r13f"); sys.path.insert(0, SNAP+"/src")
from status_guard import Guard
g=Guard.default(audit="memory:")
def fed(t, req="federal"):
    return g.redact({"narrative":t},scope="police",requester=req,public_record_fields=["narrative"]).document["narrative"]
def finish(bad,total):
    print(f"{bad}/{total} cases flawed")
    print("FLAW" if bad else "OK")
# release / hearing dates missed: jail jargon, compact date writings, other-language phrasings; and CJK/Amharic: verb redacted, Latin-script date kept
W=lambda s:"Incident 24-118 reviewed. "+s+" Officer Doe filed the report."
cases=[("Expected out 01/14/2027, per jail staff.","01/14/2027"),("His max-out date is 01/14/2027.","01/14/2027"),
("RLS scheduled 01-14-27 @ 0600.","01-14-27"),("Release 20270114.","20270114"),("Bail hearing 14JAN27 0900.","14JAN27"),
("Il doit comparaître le 14/01/2027.","14/01/2027"),("Taariikhda sii deynta: 14/01/2027.","14/01/2027"),
("출소일은 2027. 1. 14.입니다.","2027. 1. 14"),("يخرج من السجن يوم 14 يناير.","14 يناير"),("Audiencia el 14-ene-2027.","14-ene-2027"),
("Li pral jwenn libète l nan dat 14/01/2027.","14/01/2027"),("আদালতের তারিখ ১৪/০১/২০২৭।","১৪/০১/২০২৭"),
("他将于Jan. 14, 2027获释。","Jan. 14, 2027"),("下次开庭日期是Jan. 14, 2027。","Jan. 14, 2027"),("በJan. 14, 2027 ከእስር ይፈታል።","Jan. 14, 2027"),
("Ele sai amanhã.","amanhã"),("Il sort demain.","demain"),("Sale el próximo martes.","próximo martes"),("다음 주 화요일에 재판이 있습니다.","다음 주 화요일"),("الجلسة يوم الثلاثاء القادم.","الثلاثاء القادم")]
bad=0
for s,sec in cases:
    out=fed(W(s))
    if sec in out: bad+=1; print("LEAK",repr(out[26:-30]))
finish(bad,len(cases))
