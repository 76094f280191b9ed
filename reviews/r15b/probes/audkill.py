import sys, time, http.client, threading, os, signal, json, subprocess
port=int(sys.argv[1]); audit=sys.argv[2]; killafter=float(sys.argv[3]); nthreads=int(sys.argv[4])
pid=int(open(f"srv-{port}.pid").read())
ok=[0]; other={}; lock=threading.Lock(); stop=[False]
def worker(i):
    c=None
    while not stop[0]:
        try:
            if c is None: c=http.client.HTTPConnection("127.0.0.1",port,timeout=10)
            req = ["federal","unknown","federal_immigration","public"][i%4]
            c.request("GET","/rec",headers={"x-test-requester":req}); r=c.getresponse(); d=r.read()
            with lock:
                if r.status==200 and b"[REDACTED]" in d: ok[0]+=1
                else: other[r.status]=other.get(r.status,0)+1
        except Exception as e:
            c=None
            if stop[0]: break
            time.sleep(0.01)
ts=[threading.Thread(target=worker,args=(i,)) for i in range(nthreads)]; [t.start() for t in ts]
time.sleep(killafter)
with lock:
    os.kill(pid, signal.SIGKILL); confirmed=ok[0]
stop[0]=True; [t.join() for t in ts]
time.sleep(0.5)
recs=[json.loads(l) for l in open(audit) if l.strip()]
dec=[r for r in recs if r.get("kind")=="decision" and r.get("route")=="GET /"]
print("confirmed redacted 200s:", confirmed, "after-kill counted:", ok[0], "other:", other, "decision records:", len(dec), "total lines", len(recs))
print("MISSING" if len(dec) < confirmed else "ok")
