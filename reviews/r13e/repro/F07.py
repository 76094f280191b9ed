# F07: an A-number written with a lower-case 'a' after its label is not found (and reaches a federal requester in a narrative)
import os,sys; sys.path.insert(0,os.path.dirname(os.path.abspath(__file__))); from _common import *
labels=["A-number","A number","A No.","Alien Reg. No.","Alien Registration Number","USCIS number","INS no.","número A","numéro A","số A","A-номер","A号码"]
miss=[l for l in labels if "alien_registration_number" not in {f.category for f in guard().detect_text(f"Subject's {l} a204113998 was on the I-213.")}]
print("labels missed with value a204113998:",len(miss),"/",len(labels),miss)
t="Subject A-number a204113998 noted by officer during booking today."
out=fed_narrative(t); print("federal receives:",out)
print("FLAW" if miss or (out and "a204113998" in out) else "OK")
