# F11: questions about release date, detention length and detention basis: not read, or read as "in custody" only
import os,sys; sys.path.insert(0,os.path.dirname(os.path.abspath(__file__))); from _common import *
Q=[("When will you be released?","release_date"),("When is he getting out?","release_date"),("Quand sort-il de prison ?","release_date"),("Когда его выпустят из тюрьмы?","release_date"),
   ("How long have you been detained?","detention_length"),("Há quanto tempo está detido?","detention_length"),("您被拘留了多长时间？","detention_length"),
   ("Why is the person being held?","detention_basis"),("What is he being held for?","detention_basis"),("Lý do bị giam giữ","detention_basis")]
n=0
for q,exp in Q:
    c=sorted(guard().classify("q1",q).categories); print(q,"expected",exp,"got",c); n+= exp not in c
print(n,"of",len(Q),"wrong")
print("FLAW" if n else "OK")
