# F12: below a reference-data element (j:Court, RefCountry, countryDescriptors) a person's status, citizenship, birthplace and address are not read: a status field is accepted
import os,sys; sys.path.insert(0,os.path.dirname(os.path.abspath(__file__))); from _common import *
g=guard()
P=["j:Court/j:CourtCase/j:CaseDefendantParty/nc:EntityPerson/nc:PersonCitizenship/nc:CountryName",
   "j:Court/j:CourtCase/j:CaseDefendantParty/nc:EntityPerson/nc:PersonBirthLocation/nc:LocationCityName",
   "j:Court/j:CourtCase/j:CaseDefendantParty/nc:EntityPerson/nc:PersonResidence/nc:LocationAddress",
   "j:Court/defendant/immigrationStatus","RefCountry/student/birthCountry","countryDescriptors/student/citizenship"]
n=0
for p in P:
    c=sorted(g.classify(p).categories); print(c,p); n+= not c
for doc,scope in [({"j:Court":{"defendant":{"immigrationStatus":"no"}}},"city"),({"RefCountry":{"student":{"birthCountry":"HT"}}},"schools")]:
    d=g.check_submission(doc,scope=scope,requester="local"); print(scope,doc,"->",d.effect); n+= "allow" in str(d.effect).lower()
print("control:",g.check_submission({"defendant":{"immigrationStatus":"no"}},scope="city",requester="local").effect)
print("FLAW" if n else "OK")
