"""What a value says about itself, whatever key it sits under.

Two questions the disclosure passes ask of a scalar:

* ``value_shapes(value)`` — does it *look like* data that identifies or locates a person: a date,
  a street address, an e-mail address, a phone number, an identity number (a long digit run)?
  Jurisdiction-neutral shapes, plain regular expressions; they never decide alone — a pass uses
  them (a value-like mapping key is withheld from a default-deny requester; a carve-out never
  releases a date stored "as the status").
* ``status_like(value, ...)`` — could it be a citizenship / immigration-status value (what
  8 U.S.C. §1373 lets through, 2.129.070)? An allow-list, not a list of shapes to refuse:
  ``None``, a boolean, ``0``/``1``, or a short text made only of status vocabulary
  (``status_values``: "Lawful permanent resident", "H-1B", "not a U.S. citizen"). A place, a
  date, a custody word, an employer, a name — any word the vocabulary does not know — makes it
  "not a status", and it is withheld like any other field.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    "oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|"
    "janeiro|fevereiro|mar[cç]o|maio|junho|julho|setembro|outubro|novembro|dezembro|"
    "janvye|fevriye|mas|avril|me|jen|jiyè|jiye|out|septanm|oktòb|oktob|novanm|desanm"
)
_DATE = re.compile(
    r"(?<!\d)\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}(?!\d)"  # 2026-12-01, 2026/12/1
    r"|(?<!\d)\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{2,4}(?!\d)"  # 12/01/2026, 1.12.26
    r"|(?<!\d)(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)"  # 20261201
    rf"|\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b"  # December 1, Dec. 1st
    rf"|(?<!\d)\d{{1,2}}(?:st|nd|rd|th|er|º)?\s+(?:of\s+|de\s+)?(?:{_MONTHS})\b"  # 1 December, 1 de diciembre
    r"|[0-9]{4}年[0-9]{1,2}月(?:[0-9]{1,2}日)?"  # 2026年12月1日
    r"|(?<!\d)\d{1,2}\s*[-/]\s*(?:" + _MONTHS + r")\b",  # 01-Dec
    re.IGNORECASE,
)
_STREET_WORDS = (
    "st|street|ave|av|avenue|rd|road|blvd|boulevard|dr|drive|ln|lane|way|pl|place|plaza|ct|court|ter|terrace|"
    "sq|square|pkwy|parkway|hwy|highway|cir|circle|row|park|pk|trl|trail|aly|alley|cres|crescent|"
    "rua|calle|avenida|avda|camino|travessa|estrada|rue|ri|wout|via|viale|piazza|strada"
)
#: numbers written in words ("seventy-seven Elm St")
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    "seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred"
)
#: street-name suffixes of continental addresses written as one word ("Hauptstraße 5", "Kerkstraat 12")
_STREET_SUFFIXES = (
    "straße|strasse|str\\.|weg|gasse|platz|allee|damm|laan|straat|gracht|plein|vej|gatan|vägen|"
    "katu|utca|ulica|ulitsa|caddesi|sokak"
)
_ADDRESS = re.compile(
    rf"(?<!\d)\d{{1,6}}[A-Za-z]?(?:[-/]\d{{1,4}}[A-Za-z]?)?,?[\s_-]+(?:[\w.'-]+[\s_-]+){{0,4}}(?:{_STREET_WORDS})\b\.?"
    rf"|\b(?:{_STREET_WORDS})\.?\s+[\w.'-]+(?:\s+[\w.'-]+){{0,3}},?\s+\d{{1,6}}\b"  # Rua das Flores, 12
    rf"|\b[^\W\d_][\w.'-]*[\s_-]+(?:{_STREET_WORDS})\.?,?[\s_-]+\d{{1,6}}[A-Za-z]?\b"  # Elm St 77 (street first)
    r"|(?<![\w/])c/\s*[^\W\d_][\w.'-]*(?:\s+[\w.'-]+){0,3},?\s*\d{1,6}\b"  # c/ Mayor 12
    r"|\bp\.?\s*o\.?\s*box\s+\d+"
    r"|\b(?:apt|apartment|unit|suite|ste|floor|fl|flat)\.?\s*#?\s*\d+[A-Za-z]?\b"
    r"|\b\d{5}(?:-\d{4})?\s*$",  # a trailing ZIP code
    re.IGNORECASE,
)
#: a house number and a capitalised name at the end ("12 Elmwood", "40 Oak Hill"): case matters
_NAMED_ADDRESS = re.compile(r"(?<![\w-])\d{1,6}[A-Za-z]?\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,3}\s*$")
_SUFFIX_ADDRESS = re.compile(rf"\b[A-ZÀ-Þ][^\W\d_]+(?i:{_STREET_SUFFIXES})[\s_-]*\d{{1,5}}[A-Za-z]?\b")
_WORDED_ADDRESS = re.compile(
    rf"\b(?:{_NUMBER_WORDS})(?:[\s-]+(?:{_NUMBER_WORDS}|and))*[\s_-]+(?:[\w.'-]+[\s_-]+){{1,3}}(?:{_STREET_WORDS})\b",
    re.IGNORECASE,
)
#: where a person in custody is held: a unit of a facility ("Room 12", "cell B-4", "Pod 3") or a named
#: facility ("Middlesex House of Correction", "Plymouth County Correctional Facility")
_CUSTODY_PLACE = re.compile(
    r"\b(?i:room|rm|cell|bed|bunk|block|pod|tier|dorm|wing|housing\s+unit|unit|bay)\.?\s*#?\s*[A-Za-z]?-?\d{1,4}[A-Za-z]?\b"
    r"|(?:\b[A-Z][\w'.-]*\s+){1,5}(?i:jail|prison|penitentiary|lock-?up|house\s+of\s+corrections?|"
    r"(?:detention|correctional|processing|reentry|pre-?release)\s+(?:center|centre|facility|institution|unit)|"
    r"(?:county|state)\s+(?:jail|prison|facility))\b"
)
_EMAIL = re.compile(r"[^\s@<>]+@[^\s@<>]+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"(?<!\w)(?:\+?\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)|\d{2,4})[\s.-]?\d{3,4}[\s.-]?\d{3,4}(?!\w)")
_ID_NUMBER = re.compile(r"\d{4,}|\d{3}-\d{2}-\d{4}|\d{2,}[-\s]\d{2,}[-\s]\d{2,}")
_WORDS = re.compile(r"[^\W_]+(?:[-'./][^\W_]+)*", re.UNICODE)

SHAPES = ("date", "street_address", "email", "phone", "id_number")


@lru_cache(maxsize=65536)
def _shapes_of_text(s: str) -> frozenset[str]:
    out: set[str] = set()
    if any(c.isdigit() for c in s):  # every shape below has a digit, but e-mail
        if _DATE.search(s):
            out.add("date")
        if (_ADDRESS.search(s) or _NAMED_ADDRESS.search(s) or _SUFFIX_ADDRESS.search(s) or _WORDED_ADDRESS.search(s)
                or _CUSTODY_PLACE.search(s)):
            out.add("street_address")
        if _PHONE.search(s):
            out.add("phone")
        if _ID_NUMBER.search(s):
            out.add("id_number")
    elif _WORDED_ADDRESS.search(s) or _CUSTODY_PLACE.search(s):  # no digit: "seventy-seven Elm St", "Middlesex Jail"
        out.add("street_address")
    if "@" in s and _EMAIL.search(s):
        out.add("email")
    return frozenset(out)


def value_shapes(value: Any) -> frozenset[str]:
    """The person-identifying shapes a scalar has (empty for ``None``, booleans, small numbers)."""
    if value is None or isinstance(value, bool):
        return frozenset()
    if isinstance(value, int):
        if -1000 <= value <= 1000:
            return frozenset()
        s = str(abs(value))
        out = {"id_number"}
        if _DATE.fullmatch(s):
            out.add("date")
        return frozenset(out)
    if isinstance(value, float):
        return frozenset() if abs(value) < 10_000 else frozenset({"id_number"})
    if isinstance(value, str):
        return _shapes_of_text(value[:4096])
    return frozenset({"id_number"})  # an unknown type is not a status, a name or a code


_SLUG_SEPARATORS = re.compile(r"[-_+.:/=;,~|]+")


def slug_shapes(text: str) -> frozenset[str]:
    """The shapes of ``text`` as written and with its words freed from URL / identifier separators
    (``77-Elm-St``, ``Ana_77_Elm_St``, ``release:2026-11-29`` read as ``77 Elm St`` …): what a value
    keeps when an app puts it in a path segment, a slug, a file name or an identifier."""
    shapes = value_shapes(text)
    spaced = _SLUG_SEPARATORS.sub(" ", text)
    if spaced != text:
        shapes = shapes | value_shapes(spaced)
    return shapes


def status_like(value: Any) -> bool:
    """Whether a scalar could be a citizenship / immigration-status value (the only values the
    8 U.S.C. §1373 carve-out may release): made only of status vocabulary (an allow-list,
    ``status_values``) and with no shape above. The caller separately checks that the value
    carries no protected category of its own."""
    from .status_values import is_status_value

    if not is_status_value(value):
        return False
    return not (isinstance(value, str) and value_shapes(value))


def name_like_key(key: str) -> bool:
    """Whether a mapping key / column header reads like a field name (``home_address``,
    ``bookingDate``, ``Charge``) rather than a value used as a key (``12 Elm St``, ``2026-12-01``,
    ``Pereira, Ana``). Identifier-shaped keys pass; keys with spaces or punctuation pass only when
    the caller has recognised them as a field name."""
    k = key.strip()
    if not k or len(k) > 80:
        return False
    if value_shapes(k):
        return False
    return re.fullmatch(r"[^\W\d][\w\-:]*", k, re.UNICODE) is not None


__all__ = ["SHAPES", "name_like_key", "slug_shapes", "status_like", "value_shapes"]
