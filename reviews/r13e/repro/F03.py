# F03: "In what country were you born?" written as a sentence is accepted on a school form in several languages
import os,sys; sys.path.insert(0,os.path.dirname(os.path.abspath(__file__))); from _common import *
Q=[("ar","في أي بلد ولدت؟"),("am","በየትኛው አገር ተወለዱ?"),("bn","আপনি কোন দেশে জন্মগ্রহণ করেছেন?"),("kea","Na ki país bu nasi?"),("ko","어느 나라에서 태어나셨습니까?"),
   ("ht","Kote ou te fèt?"),("am","የት ነው የተወለዱት?"),("kea","Undi ki bu nasi?"),("ar","ما هو بلد ميلادك؟")]
n=0
for lang,q in Q:
    served,stored=school_form(lang,q,"Haiti"); cats=sorted(guard().classify("q4",q).categories)
    print(lang,q,"classify:",cats,"| served:",served,"stored:",stored)
    n+= served or stored
print(n,"of",len(Q),"accepted (control: 'In what country were you born?' ->",school_form("en","In what country were you born?","Haiti"),")")
print("FLAW" if n else "OK")
