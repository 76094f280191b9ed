import sys, time, http.client, threading, os, signal, sqlite3
port=int(sys.argv[1]); db=sys.argv[2]; killafter=float(sys.argv[3]); nthreads=int(sys.argv[4])
pid=int(open(f"srv-{port}.pid").read())
ok=[0]; lock=threading.Lock(); stop=[False]
def worker(i):
    c=None
    while not stop[0]:
        try:
            if c is None: c=http.client.HTTPConnection("127.0.0.1",port,timeout=10)
            c.request("GET","/rec",headers={"x-test-requester":["federal","unknown"][i%2]}); r=c.getresponse(); d=r.read()
            with lock:
                if r.status==200 and b"[REDACTED]" in d: ok[0]+=1
        except Exception: c=None; time.sleep(0.01)
ts=[threading.Thread(target=worker,args=(i,)) for i in range(nthreads)]; [t.start() for t in ts]
time.sleep(killafter)
with lock: os.kill(pid, signal.SIGKILL); confirmed=ok[0]
stop[0]=True; [t.join() for t in ts]
con=sqlite3.connect(db); tabs=[r[0] for r in con.execute("select name from sqlite_master where type='table'")]
print("tables", tabs)
for t in tabs: print(t, con.execute(f"select count(*) from {t}").fetchone())
print("confirmed", confirmed)
