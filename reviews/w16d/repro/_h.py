"""Shared helpers for w16d reproducers: run the snapshot's CLI in a fresh temp HOME."""
import os, re, subprocess, sys, tempfile
SNAP = os.environ.get("SNAP", "/work/review/snap16")
sys.path.insert(0, SNAP + "/src")
PY = os.environ.get("PYBIN", "/work/main/.venv/bin/python")

def sg(args, env=None, cwd=None, timeout=120):
    e = {k: v for k, v in os.environ.items() if not k.startswith("STATUS_GUARD_")}
    e["PYTHONPATH"] = SNAP + "/src"
    e["NO_COLOR"] = "1"
    if env:
        for k, v in env.items():
            if v is None:
                e.pop(k, None)
            else:
                e[k] = v
    p = subprocess.run([PY, "-m", "status_guard.cli"] + list(args), env=e, cwd=cwd,
                       capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr

def newenv():
    d = tempfile.mkdtemp(prefix="w16d-")
    for sub in ("keys", "log", "witness"):
        os.makedirs(os.path.join(d, sub))
    rc, o, e = sg(["audit", "keygen", "--signing-key", f"{d}/keys/s.pem", "--person-key", f"{d}/keys/p.key"])
    assert rc == 0, e
    env = {"STATUS_GUARD_AUDIT": f"{d}/log/audit.jsonl",
           "STATUS_GUARD_AUDIT_SIGNING_KEY_FILE": f"{d}/keys/s.pem",
           "STATUS_GUARD_AUDIT_PUBLIC_KEY_FILE": f"{d}/keys/s.pem.pub",
           "STATUS_GUARD_PERSON_KEY_FILE": f"{d}/keys/p.key",
           "STATUS_GUARD_AUDIT_WITNESS": f"dir:{d}/witness"}
    return d, env

def obl(text):
    m = re.search(r"obl[0-9a-f]{16}", text)
    return m.group(0) if m else None

def verdict(flaw):
    print("FLAW" if flaw else "OK")
    sys.exit(0)
