"""F11: the dashboard menu forgets the chosen period once the officer visits '040(g) notices' or a record
page: their menu links are bare (/, /events, /records) -- docs/compliance.md step 6: 'the menu keeps the
period you chose as you move between pages'."""
import os, sys, time, socket, subprocess, re
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _h import sg, newenv, verdict, SNAP, PY
import httpx
d, env = newenv()
sg(["events", "add", "federal_reimbursement", "--case", "C-1", "--amount", "1.00",
    "--occurred-at", "2026-03-03 14:00 America/New_York"], env)
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
e2 = {k: v for k, v in os.environ.items() if not k.startswith("STATUS_GUARD_")}
e2.update(env); e2["PYTHONPATH"] = SNAP + "/src"
p = subprocess.Popen([PY, "-m", "status_guard.cli", "dashboard", "--port", str(port)], env=e2,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
base = f"http://127.0.0.1:{port}"
try:
    t0 = time.time(); ov = ""
    while time.time() - t0 < 40:
        try:
            ov = httpx.get(base + "/?from=2026-03-01&to=2026-03-31", timeout=5).text
            if "Checking the audit log" not in ov:
                break
        except Exception:
            pass
        time.sleep(1)
    nav = lambda html: re.findall(r'<nav aria-label="Main">(.*?)</nav>', html, re.S)[0]
    ob_link = re.findall(r'href="(/obligations[^"]*)"', nav(ov))[0]
    ob = httpx.get(base + ob_link.replace("&amp;", "&"), timeout=10).text
    home = re.findall(r'href="(/\?[^"]*|/)"', nav(ob))
    print("040(g) link from overview:", ob_link, "| Overview link on the 040(g) page:", home)
    lost = not any("2026-03-01" in h for h in home)
finally:
    p.terminate(); p.wait(10)
verdict(lost)
