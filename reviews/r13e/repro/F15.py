# F15: one Latin look-alike letter inside a Russian word hides the question (the reverse of the folding the docs describe)
import os,sys; sys.path.insert(0,os.path.dirname(os.path.abspath(__file__))); from _common import *
Q=[("ru","Гражданствo"),("ru","Местo рождения"),("ru","Иммигрaционный статус"),("ru","Место рoждения")]   # one Latin 'o'/'a' each
n=0
for lang,q in Q:
    served,stored=school_form(lang,q,"Украина"); print(repr(q),"classify:",sorted(guard().classify("q4",q).categories),"served:",served,"stored:",stored); n+= served or stored
print("control (all Cyrillic):",school_form("ru","Место рождения","Украина"))
print(n,"of",len(Q),"accepted")
print("FLAW" if n else "OK")
