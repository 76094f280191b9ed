# F05: conversions other than CRLF / trailing empty lines (UTF-8 BOM from Notepad, CR-only line ends,
# trailing spaces) give a red alarm with no CONVERTED hint; the BOM case says heads were "moved or copied from elsewhere".
import os, sys, re; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); import sg
d=sg.setup()
for i in range(2): sg.sg(d,"events","add","ice_hold","--person-id","BK-%d"%i,"--occurred-at","2026-03-0%d 10:00 EST"%(i+1))
p=d+"/log/audit.jsonl"; src=open(p,"rb").read(); nohint=0
for label,data in [("bom",b"\xef\xbb\xbf"+src),("cr-only",src.replace(b"\n",b"\r")),("trailing spaces",src.replace(b"\n",b" \n"))]:
    open(p,"wb").write(data); r=sg.sg(d,"audit","verify"); t=r.stdout+r.stderr
    hint="CONVERTED" in t and "otherwise intact" in t
    print(label,"rc",r.returncode,"hint" if hint else "no 'records otherwise intact' hint", [l.strip()[:90] for l in t.splitlines() if "CONVERTED" in l or "CORRUPT" in l or "moved or copied" in l][:2])
    nohint+= not hint
print(f"{nohint}/3 without a conversion hint"); print("FLAW" if nohint else "OK")
