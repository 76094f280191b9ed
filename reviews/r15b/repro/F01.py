"""F01: a ~2 KB JSON submission whose free-text value is one long unbroken token is checked
inline on the event loop (it is under the 4 KiB offload estimate) and free-text detection is
super-linear on it: the worker answers nothing else for ~2 s per request.
Prints FLAW if a cheap request on the same uvicorn worker waits > 1 s meanwhile."""
import os, sys, time, json, random, subprocess, tempfile, threading, http.client, socket
SNAP = os.environ["SNAP"]; PY = os.environ.get("PYTHON", "/work/main/.venv/bin/python")
APP = '''
import os, sys
sys.path.insert(0, os.environ["SNAP"] + "/src")
from starlette.applications import Starlette
from starlette.responses import Response, JSONResponse
from starlette.routing import Route
from status_guard import Guard, StatusGuardMiddleware
G = Guard.default(audit="jsonl:" + os.environ["AUDIT_FILE"])
def identify(scope): return "local"
async def ping(request): return Response(b"{}", media_type="application/json")
async def submit(request): return JSONResponse({"got": len(await request.body())})
app = StatusGuardMiddleware(Starlette(routes=[Route("/ping", ping), Route("/submit", submit, methods=["POST"])]),
                            guard=G, identify=identify, scope="city")
'''
def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
def main(body_fn, headers):
    d = tempfile.mkdtemp(); open(os.path.join(d, "reproapp.py"), "w").write(APP)
    port = free_port()
    env = dict(os.environ, PYTHONPATH=d, AUDIT_FILE=os.path.join(d, "audit.jsonl"))
    srv = subprocess.Popen([PY, "-m", "uvicorn", "reproapp:app", "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
                           env=env, cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(240):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=5); c.request("GET", "/ping"); c.getresponse().read(); break
            except OSError: time.sleep(0.5)
        lat = []; stop = [False]
        def pinger():
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            while not stop[0]:
                t = time.perf_counter(); c.request("GET", "/ping"); c.getresponse().read(); lat.append(time.perf_counter() - t)
        th = threading.Thread(target=pinger); th.start(); time.sleep(1)
        res = []
        def post():
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            b = body_fn(); t = time.perf_counter()
            c.request("POST", "/submit", body=b, headers=headers); r = c.getresponse(); r.read()
            res.append((len(b), r.status, round(time.perf_counter() - t, 2)))
        ps = [threading.Thread(target=post) for _ in range(2)]; [p.start() for p in ps]; [p.join() for p in ps]
        time.sleep(0.5); stop[0] = True; th.join()
        mx = max(lat)
        print("submissions (body bytes, status, seconds):", res)
        print(f"cheap requests meanwhile: {len(lat)}, longest wait {mx*1000:.0f} ms")
        return mx
    finally:
        srv.terminate(); srv.wait()
if __name__ == "__main__":
    body = lambda: json.dumps({"comment": "hello%d " % random.randrange(10**9) + "x" * 2000}).encode()
    mx = main(body, {"content-type": "application/json"})
    print("FLAW" if mx > 1.0 else "OK")
