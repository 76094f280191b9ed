import sys, time, http.client, threading, json, gzip
port=int(sys.argv[1]); audit=sys.argv[2]; total=int(sys.argv[3]); nthreads=int(sys.argv[4])
cnt={}; lock=threading.Lock(); left=[total]
BODIES=[("GET","/rec",None,{}),
        ("POST","/submit",json.dumps({"citizenship_status":"no"}).encode(),{"content-type":"application/json"}),
        ("POST","/submit",b"citizenship=no&name=x",{"content-type":"application/x-www-form-urlencoded"}),
        ("POST","/submit",json.dumps({"notes":"I am undocumented and scared"}).encode(),{"content-type":"application/json"}),
        ("POST","/submit",json.dumps({"notes":"hello "+"x"*5000}).encode(),{"content-type":"application/json"}),
        ]
def worker(i):
    c=http.client.HTTPConnection("127.0.0.1",port,timeout=60)
    while True:
        with lock:
            if left[0]<=0: return
            left[0]-=1; k=left[0]
        m,p,b,h=BODIES[k%len(BODIES)]
        req=["federal","unknown","local","public"][k%4]
        c.request(m,p,body=b,headers={"x-test-requester":req, **h}); r=c.getresponse(); d=r.read()
        with lock: cnt[(k%len(BODIES), req, r.status)]=cnt.get((k%len(BODIES), req, r.status),0)+1
ts=[threading.Thread(target=worker,args=(i,)) for i in range(nthreads)]; [t.start() for t in ts]; [t.join() for t in ts]
time.sleep(1)
recs=[json.loads(l) for l in open(audit) if l.strip()]
dec=[r for r in recs if r.get("kind")=="decision"]
from collections import Counter
print(sorted(cnt.items()))
print(Counter((r.get("route"), r["requester"]["class"], r.get("effect"), r.get("action")) for r in dec))
print("records", len(dec))
