# F02: a one-sentence narrative in a declared public-record field is released whole to a federal requester
import os,sys; sys.path.insert(0,os.path.dirname(os.path.abspath(__file__))); from _common import *
T=["Held without bail pending trial.","Booked at 0300 hours on an OUI charge; remains in custody.","Expected release: Jan 14.",
   "Country of birth: El Salvador.","Trabaja en una panadería en 210 Broadway.","Lugar de nacimiento: Tegucigalpa"]
n=0
for t in T:
    found=sorted({f.category for f in guard().detect_text(t)}); out=fed_narrative(t)
    print("detector finds",found,"| federal receives:",repr(out))
    if out==t and found: n+=1
print(n,"of",len(T),"released whole")
print("FLAW" if n else "OK")
