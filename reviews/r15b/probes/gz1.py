import gzip, json, sys, time, http.client, threading, subprocess
port=8731
def post(body, headers):
    c=http.client.HTTPConnection("127.0.0.1",port, timeout=300)
    t=time.perf_counter(); c.request("POST","/submit",body=body,headers=headers); r=c.getresponse(); d=r.read()
    return r.status, time.perf_counter()-t, d[:200]
variants = {
 "short_period": json.dumps({"notes": "12 Elm St "*180000}),
 "short_period_99k": json.dumps({"notes": "12 Elm St "*9990}),
 "many_fields_99k": json.dumps({f"n{i}": "12 Elm St "*9990 + str(i) for i in range(30)}),
 "form_many": "&".join(f"n{i}="+"12+Elm+St+"*9990+str(i) for i in range(30)),
 "json_one_value": json.dumps({"notes": "My neighbour lives at 12 Elm Street and was released on 2026-11-29. "*27000}),
 "json_many_same": json.dumps({f"n{i}": "My neighbour lives at 12 Elm Street, released 2026-11-29." for i in range(5000)}),
 "json_many_unique": json.dumps({f"n{i}": f"My neighbour {i} lives at {i} Elm Street, released on day {i}." for i in range(5000)}),
}
which = sys.argv[1]
raw = variants[which].encode()
gz = gzip.compress(raw, 9)
import os
if os.environ.get("NOGZ"): gz = raw
print(which, "raw", len(raw), "gz", len(gz))
lat = subprocess.Popen([sys.executable, "lat.py", str(port), "25"], stdout=subprocess.PIPE, text=True)
time.sleep(1)
res=[]
def go():
    res.append(post(gz, {"content-type":"application/x-www-form-urlencoded" if which.startswith("form") else "application/json",**({} if os.environ.get("NOGZ") else {"content-encoding":"gzip"}),"x-test-requester":"local"}))
ts=[threading.Thread(target=go) for _ in range(int(sys.argv[2]) if len(sys.argv)>2 else 1)]
[t.start() for t in ts]; [t.join() for t in ts]
for r in res: print(r)
print(lat.communicate()[0])
