# F04: "Have you ever been deported?" written as a sentence is accepted on a school form in several languages
import os,sys; sys.path.insert(0,os.path.dirname(os.path.abspath(__file__))); from _common import *
Q=[("fr","Avez-vous déjà été expulsé(e) ?"),("fr","Avez-vous déjà été expulsé des États-Unis ?"),("ar","هل سبق أن تم ترحيلك؟"),("am","ከአገር ተባረው ያውቃሉ?"),
   ("bn","আপনাকে কি কখনো নির্বাসিত করা হয়েছে?"),("bn","আপনাকে কি কখনো ডিপোর্ট করা হয়েছে?"),("so","Weligaa ma lagu masaafuriyay?"),("so","Ma lagu tarxiilay weligaa?"),
   ("zh","您有没有被递解出境过？"),("en","Were you ever removed from the U.S.?"),("es","¿Cuándo entró a los Estados Unidos?")]
n=0
for lang,q in Q:
    served,stored=school_form(lang,q,"no"); cats=sorted(guard().classify("q4",q).categories)
    print(lang,q,"classify:",cats,"| served:",served,"stored:",stored)
    n+= served or stored
print(n,"of",len(Q),"accepted (control: '¿Alguna vez ha sido deportado?' ->",school_form("es","¿Alguna vez ha sido deportado?","no"),")")
print("FLAW" if n else "OK")
