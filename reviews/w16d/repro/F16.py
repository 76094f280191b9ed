"""F16: a naturalization-ceremony RSVP in French or Vietnamese (languages the pack reads) is BLOCKED as a
citizenship question; the English/Spanish/Portuguese ones pass (README: 'Look-alikes hold in every language')."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _scan import scan_labels
from _h import verdict
r = scan_labels({"en": "Will you attend the naturalization ceremony?",
                 "es": "¿Asistirá a la ceremonia de naturalización?",
                 "fr": "Participerez-vous à la cérémonie de naturalisation ?",
                 "vi": "Bạn sẽ tham dự buổi lễ nhập quốc tịch không?"})
print(r)
verdict(r["en"] is None and (r["fr"] == "block" or r["vi"] == "block"))
