"""F17: Haitian Creole questions about the person's own naturalization pass the scanner ('Dat
natiralizasyon', 'Nimewo sètifika natiralizasyon') while French/Spanish/Portuguese/English are blocked
(docs/scan.md: 'A field that asks for the person's own naturalization is one, in every language the pack reads')."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _scan import scan_labels
from _h import verdict
r = scan_labels({"en": "Date of naturalization", "fr": "Date de naturalisation",
                 "ht": "Dat natiralizasyon", "ht2": "Nimewo sètifika natiralizasyon"})
print(r)
verdict(r["en"] == "block" and (r["ht"] is None or r["ht2"] is None))
