import sys, time, http.client, threading, subprocess
port=8731; path=sys.argv[1]; n=int(sys.argv[2])
def get():
    c=http.client.HTTPConnection("127.0.0.1",port, timeout=300)
    t=time.perf_counter(); c.request("GET",path,headers={"x-test-requester":"local","accept-encoding":"gzip"}); r=c.getresponse(); d=r.read()
    res.append((r.status, round(time.perf_counter()-t,2), len(d)))
res=[]
lat = subprocess.Popen([sys.executable, "lat.py", str(port), sys.argv[3] if len(sys.argv)>3 else "12"], stdout=subprocess.PIPE, text=True)
time.sleep(1)
ts=[threading.Thread(target=get) for _ in range(n)]; [t.start() for t in ts]; [t.join() for t in ts]
print(res); print(lat.communicate()[0])
