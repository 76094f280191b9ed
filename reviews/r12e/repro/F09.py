# F09 (medium): harmless uploads refused by their names (know-your-rights material, a study guide,
# a student's essay, a translated rights handbook, a museum pass).
import os, sys
SNAP = os.environ.get("SNAP", "/work/review/snap"); sys.path.insert(0, SNAP + "/src")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from _h import harness, finish, run
def main():
    bad = []
    harness.fresh()
    for n in ["Know_Your_Rights_Immigrants.pdf", "US_Citizenship_Test_Study_Guide.pdf", "Immigration_History_Essay.docx",
              "移民权利手册.pdf", "direitos_dos_imigrantes.pdf", "refugee_art_show.jpg", "Passport_to_Cambridge_museum_pass.pdf"]:
        for path in ["/city/library/upload", "/schools/assignments"]:
            st, rc, _ = harness.post(path, files={"doc": (n, b"%PDF-1.4 x", "application/pdf")}, data={"title": "upload"})
            if rc is None: bad.append(f"{path} refused {n}")
    finish(bool(bad), "; ".join(bad) or "harmless uploads pass")
run(main)
