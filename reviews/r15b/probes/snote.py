import sys, time, http.client, threading, subprocess
port=int(sys.argv[1]); n=sys.argv[2]; k=int(sys.argv[3]); who=sys.argv[4]
res=[]
def get():
    c=http.client.HTTPConnection("127.0.0.1",port,timeout=120)
    t=time.perf_counter(); c.request("GET","/snote?n="+n,headers={"x-test-requester":who}); r=c.getresponse(); d=r.read()
    res.append((r.status, round(time.perf_counter()-t,2), len(d), d[:80]))
lat = subprocess.Popen([sys.executable, "lat.py", str(port), "10"], stdout=subprocess.PIPE, text=True)
time.sleep(1)
ts=[threading.Thread(target=get) for _ in range(k)]; [t.start() for t in ts]; [t.join() for t in ts]
print(res); print(lat.communicate()[0])
