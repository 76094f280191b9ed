# F04: voiding an already-voided entry says "correct that one instead" naming the void; doing so is refused.
import os, sys, re; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); import sg
d=sg.setup()
r=sg.sg(d,"events","add","federal_reimbursement","--case","C-5","--amount","10.00","--occurred-at","2026-03-03 10:00 EST"); a=re.search(r"seq (\d+)",r.stdout).group(1)
r=sg.sg(d,"events","void",a,"--reason","entered_in_error"); v=re.search(r"seq (\d+)",r.stdout).group(1)
r1=sg.sg(d,"events","void",a,"--reason","entered_in_error"); print(r1.stderr.strip())
r2=sg.sg(d,"events","correct",v,"--reason","wrong_details","--amount","20.00"); print(r2.stderr.strip())
print("FLAW" if ("correct that one instead" in r1.stderr and r2.returncode!=0) else "OK")
