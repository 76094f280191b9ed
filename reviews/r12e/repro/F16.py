# F16 (medium): schools - a parent's note that volunteers a status AND says something else in the
# same sentence ("... and my landlord won't fix the heat") loses the whole message, not only the
# disclosing words: the rest of what the person wrote never reaches the school.
import os, sys
SNAP = os.environ.get("SNAP", "/work/review/snap"); sys.path.insert(0, SNAP + "/src")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from _h import harness, finish, run
def main():
    bad = []
    harness.fresh()
    notes = [("I am undocumented and my landlord won't fix the heat.", "heat"),
             ("Je suis sans papiers et mon propriétaire refuse de réparer le chauffage.", "chauffage"),
             ("Tôi không có giấy tờ và chủ nhà không sửa máy sưởi.", "máy sưởi"),
             ("Mwen pa gen papye e mèt kay la refize ranje chofaj la.", "chofaj"),
             ("Eu pedi asilo e o senhorio quer me despejar.", "despejar"),
             ("Tengo TPS y mi jefe no me paga las horas extras.", "horas extras"),
             ("I have a green card but my landlord says I can't complain.", "landlord")]
    for t, rest in notes:
        st, rc, r = harness.post("/schools/enroll", json={"child": "B", "parent_note": t})
        if rc is None or rest not in rc["body"]:
            bad.append(f"{rest!r} lost: {rc['body'] if rc else st}")
    finish(bool(bad), "; ".join(bad) or "the rest of each note arrives")
run(main)
