import _h
from harness import post_form, post_files, accepted
bad = 0
for n in ["passport_appt_date", "work_permit_age"]:
    r = post_form("/c/f07", {n: "12"}); print(n, r.status_code); bad += not accepted(r)
for f in ["pèmi_travay_jèn.pdf", "permis_de_travail_jeune.pdf"]:
    r = post_files("/c/f07up", {"file": (f, b"x", "application/pdf")}); print(f, r.status_code); bad += not accepted(r)
print("FLAW" if bad else "OK")
