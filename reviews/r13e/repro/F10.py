# F10: a status a parent volunteers in Korean/Arabic/Amharic is kept by a school app (flag/allow) where the same words in en/es/zh are removed
import os,sys; sys.path.insert(0,os.path.dirname(os.path.abspath(__file__))); from _common import *
V=[("ko","남편은 체류 신분이 없어서 학교 모임에 올 수 없습니다."),("ar","نحن بدون وثائق ونخاف من الحضور."),("am","ባለቤቴ ሕጋዊ ሰነድ ስለሌለው ወደ ስብሰባዎች መምጣት አይችልም።"),
   ("en","My husband has no papers, so he cannot come to the school meetings.")]
n=0
for lang,t in V:
    d=guard().check_submission({"student_name":"Ana","comments":t},scope="schools",requester="local"); e=str(d.effect)
    print(lang,t,"->",e); n+= ("redact" not in e.lower() and "block" not in e.lower())
print(n,"kept")
print("FLAW" if n else "OK")
