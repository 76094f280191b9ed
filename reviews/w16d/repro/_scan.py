import os, sys, tempfile, json
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _h import sg
def scan_labels(labels):
    """labels: {key: label}; one HTML form per key; returns {key: effect or None}"""
    d = tempfile.mkdtemp(prefix="w16d-scan-")
    for k, lab in labels.items():
        open(f"{d}/{k}.html", "w", encoding="utf-8").write(
            f'<form><label for="x">{lab}</label><input id="x" name="q_{k}"></form>\n')
    rc, o, e = sg(["scan", d, "--scope", "city", "--format", "json"])
    doc = json.loads(o)
    res = {k: None for k in labels}
    for f in doc["findings"]:
        k = os.path.basename(f["file"]).split(".")[0]
        if k in res:
            res[k] = f.get("effect")
    return res
