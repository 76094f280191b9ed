# F08: look-alikes read as protected: a court's name, payroll/software/property releases, property/tow holds, an employer's name/phone
import os,sys; sys.path.insert(0,os.path.dirname(os.path.abspath(__file__))); from _common import *
N=[("CRT_NAME",None),("Court_Name__c",None),("courtroomNumber",None),("court.name",None),("court.clerk.phone",None),("q1","Name of the court"),("q2","Nombre del tribunal"),
   ("Payroll_Release_Date",None),("RADIO_RLS_VER",None),("PROPERTY_HOLD_REASON",None),("TOW_HOLD_REASON",None),("PROP_CUSTODY_LOC",None),("inmate.property.releaseDate",None),
   ("employer.name",None),("employer.phone",None)]
n=0
for name,lab in N:
    c=sorted(guard().classify(name,lab).categories) if lab else sorted(guard().classify(name).categories)
    print(name,lab or "",c); n+=bool(c)
T=["Software release 4.2 is scheduled for January 14.","The school is at 159 Thorndike Street.","He was released from the hospital after a 3-day stay."]
for t in T:
    c=sorted({f.category for f in guard().detect_text(t)}); print(repr(t),c); n+=bool(c)
print(n,"of",len(N)+len(T),"look-alikes flagged")
print("FLAW" if n else "OK")
