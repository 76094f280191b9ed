import sys, time, http.client, json, threading, subprocess
port=int(sys.argv[1])
def post(body):
    c=http.client.HTTPConnection("127.0.0.1",port,timeout=60)
    t=time.perf_counter(); c.request("POST","/submit",body=body,headers={"x-test-requester":"local","content-type":"application/json"}); r=c.getresponse(); d=r.read()
    return r.status, round(time.perf_counter()-t,3)
for n in [100,200,400,800,1200,1600,2000,2500,3000]:
    for ch in ["x", "a1", "1", "-"]:
        s = "hello " + (ch*n)[:n] 
        print(n, repr(ch), post(json.dumps({"notes": s}).encode()))
