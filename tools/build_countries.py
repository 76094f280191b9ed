"""Build the pack's country-name data from pycountry (ISO 3166-1 names and the Debian iso-codes
translations it ships), for every language of the lexicon.

    .venv/bin/python tools/build_countries.py            # writes both copies of the pack data
    .venv/bin/python tools/build_countries.py --check    # exit 1 if the committed file differs

Run at build time, never at run time: the pack carries the result (no network, no pycountry
import in the core). tests/text/test_countries.py re-runs it and compares, so the file cannot
drift from the pinned pycountry release. Demonyms ("Haitian", "haitiano") have no maintained
source; they are a curated table in languages/demonyms (keyed by ISO code, checked against
pycountry here).
"""

from __future__ import annotations

import argparse
import gettext
import sys
from pathlib import Path

import pycountry
import yaml

ROOT = Path(__file__).resolve().parents[1]
#: src/status_guard/data/cambridge-2.129 is a symbolic link to the same folder
TARGETS = [ROOT / "policies" / "cambridge-2.129" / "countries.yaml"]
DEMONYMS = ROOT / "policies" / "cambridge-2.129" / "demonyms.yaml"
#: names a language's catalogue lacks (or has unusable), curated and keyed by ISO code
OVERLAY = ROOT / "policies" / "cambridge-2.129" / "country-names-overlay.yaml"

#: pack language -> iso-codes locales, in order of preference (all are merged)
LOCALES = {
    "en": [], "es": ["es"], "pt": ["pt", "pt_BR"], "ht": ["ht"], "zh": ["zh_CN"], "zh-Hant": ["zh_TW", "zh_HK"],
    "vi": ["vi"], "ar": ["ar"], "ru": ["ru"], "so": ["so"], "fr": ["fr"], "bn": ["bn"], "ko": ["ko"],
    # iso-codes' Amharic catalogue is not usable (its strings are not Amharic words: Ethiopia,
    # Somalia and the United States all come out as unrelated syllables); Amharic names are
    # taken from the curated overlay only
    "am": [],
    # Kabuverdianu has no iso-codes catalogue; its country names are the Portuguese ones
    "kea": ["pt"],
}
#: names too ambiguous to stand for a country in free text or a value (a first name, a US state,
#: an everyday word); they stay in the data for completeness, marked so matching skips them
AMBIGUOUS = {"Jordan", "Chad", "Georgia", "Niger", "Guinea", "Turkey", "Jersey", "Mali", "Oman", "Peru", "Cuba",
             "Togo", "Iran", "Iraq", "China", "India", "Congo"}
AMBIGUOUS_SAFE = {"Iran", "Iraq", "China", "India", "Congo", "Cuba", "Peru"}  # kept: no everyday English sense


def _names(c: object, tr: gettext.NullTranslations | None) -> list[str]:
    out: list[str] = []
    for attr in ("name", "common_name", "official_name"):
        v = getattr(c, attr, None)
        if not v:
            continue
        t = tr.gettext(v) if tr is not None else v
        if tr is not None and t == v:
            continue  # untranslated: the English name is already under "en"
        if t not in out:
            out.append(t)
    return out


def _clean(names: list[str]) -> list[str]:
    """Drop entries with punctuation that iso-codes uses for sorting ("Korea, Republic of")."""
    out = []
    for n in names:
        if "," in n or ";" in n or "፤" in n:
            continue
        out.append(n)
    return out


def build() -> dict:
    locales_dir = Path(pycountry.__file__).parent / "locales"
    translations = {}
    for lang, locs in LOCALES.items():
        translations[lang] = [gettext.translation("iso3166-1", str(locales_dir), languages=[loc]) for loc in locs]
    overlay = yaml.safe_load(OVERLAY.read_text(encoding="utf-8"))["names"] if OVERLAY.exists() else {}
    countries: dict[str, dict[str, list[str]]] = {}
    for c in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        entry: dict[str, list[str]] = {}
        for lang, trs in translations.items():
            names: list[str] = []
            if lang != "en" and not trs:
                trs = []
            for tr in trs if lang != "en" else [None]:
                for n in _clean(_names(c, tr)):
                    if n not in names and not (lang != "en" and n in entry.get("en", [])):
                        names.append(n)
            for n in overlay.get(c.alpha_2, {}).get(lang, []):
                if n not in names:
                    names.append(n)
            if names:
                entry[lang] = names
        countries[c.alpha_2] = entry
    unknown_overlay = sorted(set(overlay) - set(countries))
    if unknown_overlay:
        raise SystemExit(f"country-names-overlay.yaml names unknown ISO codes: {unknown_overlay}")
    demonyms = yaml.safe_load(DEMONYMS.read_text(encoding="utf-8"))["demonyms"] if DEMONYMS.exists() else {}
    unknown = sorted(set(demonyms) - set(countries))
    if unknown:
        raise SystemExit(f"demonyms.yaml names unknown ISO codes: {unknown}")
    return {
        "kind": "countries",
        "source": f"pycountry {pycountry.__version__ if hasattr(pycountry, '__version__') else _version()} "
                  "(ISO 3166-1 names; Debian iso-codes translations); demonyms curated in demonyms.yaml",
        "languages": list(LOCALES),
        "ambiguous": sorted(AMBIGUOUS - AMBIGUOUS_SAFE),
        "countries": countries,
        "demonyms": demonyms,
    }


def _version() -> str:
    from importlib.metadata import version

    return version("pycountry")


def render(data: dict) -> str:
    head = ("# GENERATED by tools/build_countries.py from pycountry — do not edit by hand.\n"
            "# Country names per pack language (ISO 3166-1 and the iso-codes translations);\n"
            "# demonyms come from demonyms.yaml (curated, keyed by ISO code).\n")
    return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    text = render(build())
    if args.check:
        bad = [str(t) for t in TARGETS if not t.exists() or t.read_text(encoding="utf-8") != text]
        if bad:
            print("out of date:", *bad, sep="\n  ")
            return 1
        return 0
    for t in TARGETS:
        t.parent.mkdir(parents=True, exist_ok=True)
        t.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
