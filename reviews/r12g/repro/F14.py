import _h
from harness import post_json, accepted
bad = 0
for d in ["green_card_front.jpg", "i-551_scan.jpg", "EAD front.png"]:
    r1 = post_json("/c/gql", {"query": f'mutation {{ uploadDoc(fileName: "{d}") {{ id }} }}'})
    r2 = post_json("/c/gql", {"query": "mutation($f: String!) { uploadDoc(fileName: $f) { id } }", "variables": {"f": d}})
    print(d, "inline ->", r1.status_code, "| variable ->", r2.status_code)
    bad += accepted(r1) and not accepted(r2)
print("FLAW" if bad else "OK")
