# F08: "Visa" as a payment card next to Korean / Arabic / German words for "card (number)" is blocked as a visa question.
import os, sys, subprocess, tempfile, json
SNAP=os.environ.get("SNAP","/work/review/snap-w16f"); PY="/work/main/.venv/bin/python"
labels=["Visa 카드 번호","رقم بطاقة Visa","Visa-Kartennummer","Visa-Karte"]
controls=["Carte Visa","Cartão Visa","Número de tarjeta Visa"]; blocked=0
for i,l in enumerate(labels):
    d=tempfile.mkdtemp(); open(d+"/f.html","w").write(f'<form><label for="f">{l}</label><input id="f" name="f{i}"></form>\n')
    r=subprocess.run([PY,"-c","import sys;from status_guard.cli import main;sys.argv[0]='status-guard';sys.exit(main())","scan",d,"--scope","city","--format","json"],capture_output=True,text=True,env=dict(os.environ,PYTHONPATH=SNAP+"/src"))
    cats=[f["categories"] for f in json.loads(r.stdout).get("findings",[])] if r.stdout.strip() else r.stderr[-100:]
    print(repr(l),"rc",r.returncode,cats); blocked+= r.returncode==1
for l in controls:
    d=tempfile.mkdtemp(); open(d+"/f.html","w").write(f'<form><label for="f">{l}</label><input id="f" name="f9"></form>\n')
    r=subprocess.run([PY,"-c","import sys;from status_guard.cli import main;sys.argv[0]='status-guard';sys.exit(main())","scan",d,"--scope","city"],capture_output=True,text=True,env=dict(os.environ,PYTHONPATH=SNAP+"/src")); print("control",repr(l),"rc",r.returncode)
print(f"{blocked}/{len(labels)} payment-card labels blocked (control: 'Carte Visa','Cartão Visa','비자 카드 번호' pass)")
print("FLAW" if blocked else "OK")
