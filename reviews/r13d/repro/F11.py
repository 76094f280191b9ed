# F11: addresses that are nobody's home read as home_address: a hospital's (clinic/pharmacy are fine), an IP address with a version, an agency ORI.
import os, sys
SNAP = os.environ.get("SNAP", "/work/review/snap")
sys.path.insert(0, SNAP + "/src")
import warnings; warnings.filterwarnings("ignore")
from status_guard import Guard
g = Guard.default(audit="memory:")
def cats(name, label=None):
    return set((g.classify(name, label) if label is not None else g.classify(name)).categories)
bad = []

for n in ["hospital.address", "hospitalAddress", "HospitalStreetAddress", "ns3:Hospital/ns3:Address", "ipv4_address", "ipv6_address", "ORI_ADDR"]:
    if "home_address" in cats(n):
        bad.append(n)
print(len(bad), "flagged:", bad)
print("FLAW" if bad else "OK")
