import os, subprocess, sys, tempfile, json, shutil
SNAP=os.environ.get("SNAP","/work/review/snap-w16f")
PY="/work/main/.venv/bin/python"
def env_for(d, **extra):
    e=dict(os.environ); e["PYTHONPATH"]=SNAP+"/src"; e["NO_COLOR"]="1"
    e["STATUS_GUARD_AUDIT"]=f"{d}/log/audit.jsonl"
    e["STATUS_GUARD_AUDIT_SIGNING_KEY_FILE"]=f"{d}/keys/s.pem"
    e["STATUS_GUARD_AUDIT_PUBLIC_KEY_FILE"]=f"{d}/keys/s.pem.pub"
    e["STATUS_GUARD_PERSON_KEY_FILE"]=f"{d}/keys/p.key"
    e["STATUS_GUARD_AUDIT_WITNESS"]=f"dir:{d}/witness"
    e.update(extra); return e
def setup(hmac=False):
    d=tempfile.mkdtemp(prefix="sg", dir="/work/review/w16f/tmp")
    for s in ("keys","log","witness"): os.makedirs(f"{d}/{s}")
    args=["audit","keygen","--signing-key",f"{d}/keys/s.pem","--person-key",f"{d}/keys/p.key"]
    if hmac: args+=["--hmac-key",f"{d}/keys/h.key"]
    r=sg(d,*args); assert r.returncode==0, r.stderr
    return d
def sg(d,*args,env=None,inp=None):
    e=env or env_for(d)
    return subprocess.run([PY,"-c","import sys;from status_guard.cli import main;sys.argv[0]=\"status-guard\";sys.exit(main())",*args],capture_output=True,text=True,env=e,cwd=d,input=inp,timeout=120)
def out(r): return f"rc={r.returncode}\n{r.stdout}\n{r.stderr}"
