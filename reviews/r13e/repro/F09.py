# F09: a school lunch form's payment-card question ("Visa / Mastercard") is removed and its answer refused in Chinese, Bengali, Russian
import os,sys; sys.path.insert(0,os.path.dirname(os.path.abspath(__file__))); from _common import *
Q=[("zh","卡类型（Visa、万事达）"),("zh","卡类型：Visa／万事达卡"),("bn","ভিসা বা মাস্টারকার্ড কার্ড"),("ru","Вы принимаете карты Visa?")]
n=0
for lang,q in Q:
    served,stored=school_form(lang,q,"Visa"); print(lang,q,"served:",served,"stored:",stored,"classify:",sorted(guard().classify("q4",q).categories)); n+= not(served and stored)
print("control:",school_form("pt","Cartão Visa ou Mastercard","Visa"))
print(n,"of",len(Q),"refused")
print("FLAW" if n else "OK")
