import os, sys
SNAP=os.environ.get("SNAP","/work/review/snap-r13f"); sys.path.insert(0, SNAP+"/src")
from status_guard import Guard
g=Guard.default(audit="memory:")
def fed(t, req="federal"):
    return g.redact({"narrative":t},scope="police",requester=req,public_record_fields=["narrative"]).document["narrative"]
def finish(bad,total):
    print(f"{bad}/{total} cases flawed")
    print("FLAW" if bad else "OK")
# field/label look-alikes still classified as protected: court name, employer name/phone, payroll/animal release, payment/registration holds, court surface
names=["CourtName","courtroom","district_court_name","court_surface_type","license_hearing_date","parking_hearing_date","PayrollReleaseDate","animal_release_date","DischargeDate","PropertyHoldReason","PaymentHoldReason","registration_hold_reason","EmployerName","employer_phone","business_address"]
labels=["Name of the court","Nombre del tribunal","Nom du tribunal","Tên tòa án","Название суда","اسم المحكمة","법원 이름","Nombre del empleador","Nome do empregador","雇主名称","Adrès twou a","坑洼地址","Адрес ямы"]
bad=0
for n in names:
    c=g.classify(n).categories
    if c: bad+=1; print(n,sorted(c))
for l in labels:
    c=g.classify("q1",l).categories
    if c: bad+=1; print(l,sorted(c))
finish(bad,len(names)+len(labels))
