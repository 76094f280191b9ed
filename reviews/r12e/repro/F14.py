# F14 (low): a question in a table header row (<th>) above its controls stays on the page after
# the controls are removed.
import os, sys
SNAP = os.environ.get("SNAP", "/work/review/snap"); sys.path.insert(0, SNAP + "/src")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from _h import harness, finish, run
def main():
    harness.fresh()
    q = "What is your immigration status?"
    r = harness.serve("/city/intake", f"<form action='/city/intake/send' method=post><table><tr><th>{q}</th></tr><tr><td>Check the box that applies.</td></tr><tr><td><input type=radio name=q7 value=y>Yes <input type=radio name=q7 value=n>No</td></tr></table><input name=name></form>")
    finish(q in r.text, f"question still on page: {q in r.text}")
run(main)
