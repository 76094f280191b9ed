# F01: a Chinese police narrative in a declared public-record field reaches a federal requester unredacted
import os,sys; sys.path.insert(0,os.path.dirname(os.path.abspath(__file__))); from _common import *
T=["警员于周二下午两点到达马萨诸塞大道现场，与报案人交谈后将嫌疑人带回警局。他目前被关押在县监狱，下次出庭日期是12月9日，预计1月14日释放。",
   "他目前被關押在縣監獄，下次開庭日期是12月9日。"]
flaw=False
for t in T:
    found=sorted({f.category for f in guard().detect_text(t)})
    out=fed_narrative(t)
    print("detector finds",found,"| federal receives:",out)
    if out==t: flaw=True
print("FLAW" if flaw else "OK")
