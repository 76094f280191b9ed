import sys, time, http.client, json, threading, subprocess
port=int(sys.argv[1]); n=int(sys.argv[2]); k=int(sys.argv[3])
import random
bodies=[json.dumps({"comment": "hello%d " % random.randrange(10**9) + "x"*n}).encode() for _ in range(k)]; body=bodies[0]
res=[]
def post():
    c=http.client.HTTPConnection("127.0.0.1",port,timeout=120)
    t=time.perf_counter(); c.request("POST","/submit",body=bodies.pop(),headers={"x-test-requester":"local","content-type":"application/json"}); r=c.getresponse(); d=r.read()
    res.append((r.status, round(time.perf_counter()-t,2)))
lat = subprocess.Popen([sys.executable, "lat.py", str(port), "12"], stdout=subprocess.PIPE, text=True)
time.sleep(1)
ts=[threading.Thread(target=post) for _ in range(k)]; [t.start() for t in ts]; [t.join() for t in ts]
print("body bytes", len(body), res); print("ping during:", lat.communicate()[0])
