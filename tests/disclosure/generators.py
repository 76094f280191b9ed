"""Hypothesis strategies for documents of generated shape, each with its ground truth.

Every value that matters carries a unique sentinel: a token (letters only, so it has no shape of
its own) — ``zqp…`` in protected leaves, ``zqr…`` in declared public-record leaves — and, in status
values under a status key, a status phrase used once per document ("Lawful permanent resident
(pending)"): a status value is a status and nothing else (8 U.S.C. §1373 releases nothing more),
so it cannot carry a token; it is found again as a whole leaf (``leaf_present``). The generator,
not the code under test, decides which is which — from the law (040(e) default-deny, 8 U.S.C.
§1373 status under its own key, declared public records), never from the classifier's output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

# --- vocabularies (what each key means in law, checked against the pack in test_generators) ----
PROTECTED_KEYS = ["home_address", "release_date", "hearing_date", "work_address", "incarceration_status",
                  "detention_length_days", "name", "dob", "phone", "emergency_contact", "custody",
                  "notes", "comments", "favourite_colour", "shoe_size", "booking_id", "status", "grade", "x1",
                  "HomeAddress", "releaseDate", "Release date", "nextHearing"]
STATUS_KEYS = ["citizenship_status", "immigration_status", "citizenship", "immigrationStatus",
               "Citizenship Status", "estatus_migratorio"]
STATUS_VALUES = ["US citizen", "Lawful permanent resident", "Permanent resident", "Asylee", "Refugee",
                 "Non-citizen", "H-1B", "F-1 student", "DACA recipient", "Naturalized citizen", "Undocumented",
                 "TPS holder", "Humanitarian parolee", "not a U.S. citizen", "Green card holder", "Conditional resident",
                 "Asylum applicant", "J-1 exchange visitor", "ciudadano estadounidense", "residente permanente",
                 "sitwayen ameriken", "citoyen américain", "cidadão americano", "LPR"]
_QUALIFIERS = ["", " (granted)", " (pending)", " (verified)", " (expired)", " (unverified)", " - derived",
               " (conditional)", " - yes", " (current)"]
#: status phrases, each used at most once per document
STATUS_PHRASES = [b + q for b in STATUS_VALUES for q in _QUALIFIERS]
NEUTRAL = ["person", "record", "data", "entry", "result", "details", "subject"]
#: the deployment's declarations, in the documented syntax
PUBLIC_PATTERNS = ["charge", "bookings[*].charge", "arrest.charge", "**.case_number", "Arrest Date"]
SCHOOL_PROTECTED_KEYS = ["place_of_birth", "country_of_birth", "citizenship_status", "immigration_status",
                         "citizenship", "a_number"]


_BEFORE = "\r\n,;\t|\"'>"
_AFTER = "\r\n,;\t|\"'<"


def leaf_present(out: str, phrase: str) -> bool:
    """Whether ``phrase`` is a whole leaf of the serialised document ``out`` (a JSON string, a CSV
    cell, an XML/HTML element's text or attribute value) — not part of a longer value."""
    import re

    return re.search(f"(?:^|[{re.escape(_BEFORE)}])" + re.escape(phrase) + f"(?:$|[{re.escape(_AFTER)}])", out) is not None


def letters(n: int) -> str:
    out = ""
    n += 26 * 26  # at least three letters
    while n:
        n, r = divmod(n, 26)
        out = "abcdefghijklmnopqrstuvwxyz"[r] + out
    return out


@dataclass
class Truth:
    protected: list[str] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    public: list[str] = field(default_factory=list)
    n: int = 0
    digits: int = 0

    def token(self, kind: str) -> str:
        self.n += 1
        return f"zq{kind}{letters(self.n)}"

    def number(self) -> int:
        self.digits += 1
        return 700_000_000 + self.digits * 7919


class Maker:
    """Draws values and records what they are."""

    def __init__(self, draw: Any, truth: Truth) -> None:
        self.draw = draw
        self.t = truth

    def protected_scalar(self) -> Any:
        kind = self.draw(st.sampled_from(["plain", "date", "address", "long", "anumber", "int", "phone", "email"]))
        if kind == "int":
            v = self.t.number()
            self.t.protected.append(str(v))
            return v
        if kind == "anumber":
            v = self.t.number()
            self.t.protected.append(str(v))
            return f"A{v}"
        tok = self.t.token("p")
        self.t.protected.append(tok)
        day = self.draw(st.integers(1, 28))
        return {
            "plain": tok,
            "date": f"2026-12-{day:02d} {tok}",
            "address": f"{day} Elm St {tok}",
            "long": f"Lives at {day} Prospect Street, Cambridge with family; contact {tok} after release",
            "phone": f"617-555-01{day:02d} {tok}",
            "email": f"{tok}@example.org",
        }[kind]

    def status_scalar(self) -> Any:
        free = [p for p in STATUS_PHRASES if p not in self.t.status]
        if not free:
            return self.draw(st.sampled_from([True, False, None]))
        phrase = self.draw(st.sampled_from(free))
        self.t.status.append(phrase)
        return phrase

    def public_scalar(self) -> str:
        tok = self.t.token("r")
        self.t.public.append(tok)
        return f"{self.draw(st.sampled_from(['Larceny', 'Trespass', 'Disorderly conduct', 'OUI']))} {tok}"

    def protected_tree(self, depth: int) -> Any:
        """A container or scalar holding only protected values (status keys inside it included:
        anything nested below a status key, or a non-status value under one, is protected)."""
        if depth <= 0 or self.draw(st.integers(0, 2)) == 0:
            return self.protected_scalar()
        shape = self.draw(st.sampled_from(["dict", "list", "scalars"]))
        if shape == "scalars":
            return [self.protected_scalar() for _ in range(self.draw(st.integers(1, 3)))]
        if shape == "list":
            return [self.protected_tree(depth - 1) for _ in range(self.draw(st.integers(1, 3)))]
        out: dict[str, Any] = {}
        for _ in range(self.draw(st.integers(1, 3))):
            k = self.draw(st.sampled_from(PROTECTED_KEYS + ["charge", "name"]))
            out[k] = self.protected_tree(depth - 1)
        return out


@st.composite
def police_documents(draw: Any) -> tuple[Any, Truth]:
    """A police record as a city app might return it, with every trap the review found."""
    t = Truth()
    m = Maker(draw, t)

    def record(depth: int) -> dict[str, Any]:
        rec: dict[str, Any] = {}
        for _ in range(draw(st.integers(1, 6))):
            what = draw(st.sampled_from([
                "protected", "protected", "status", "status_list", "status_nested", "status_not_status",
                "case_number", "decoy", "value_key", "anumber_key", "nested_record", "records", "bool_status",
            ]))
            if what == "protected":
                rec[draw(st.sampled_from(PROTECTED_KEYS))] = m.protected_tree(2)
            elif what == "status":
                rec[draw(st.sampled_from(STATUS_KEYS))] = m.status_scalar()
            elif what == "status_list":
                rec[draw(st.sampled_from(STATUS_KEYS))] = [m.status_scalar() for _ in range(draw(st.integers(1, 2)))]
            elif what == "status_nested":  # a subtree under a status key: nothing inherits the carve-out
                rec[draw(st.sampled_from(STATUS_KEYS))] = {draw(st.sampled_from(PROTECTED_KEYS + ["since", "detail"])):
                                                           m.protected_tree(1)}
            elif what == "status_not_status":  # a date / address / long text stored "as the status"
                tok = t.token("p")
                t.protected.append(tok)
                day = draw(st.integers(1, 28))
                rec[draw(st.sampled_from(STATUS_KEYS))] = draw(st.sampled_from([
                    f"2026-12-{day:02d} {tok}", f"{day} Elm St {tok}",
                    f"US citizen since 2019, lives at {day} Elm St, contact {tok} before release"]))
            elif what == "case_number":
                rec["case_number"] = m.public_scalar()  # declared with an explicit **: any depth
            elif what == "decoy":  # a public-record name in an undeclared place
                rec[draw(st.sampled_from(["employer", "emergency_contact", "home_address"]))] = {
                    draw(st.sampled_from(["charge", "name"])): m.protected_scalar()}
            elif what == "value_key":  # a protected value used as a key
                tok = t.token("p")
                t.protected.append(tok)
                day = draw(st.integers(1, 28))
                key = draw(st.sampled_from([f"{day} Elm St {tok}", f"2026-12-{day:02d} {tok}", f"Pereira, {tok}",
                                            f"{tok}@example.org"]))
                rec[key] = m.protected_tree(1)
            elif what == "anumber_key":
                v = t.number()
                t.protected.append(str(v))
                rec[f"A{v}"] = {"grade": m.protected_scalar()}
            elif what == "bool_status":
                rec[draw(st.sampled_from(STATUS_KEYS))] = draw(st.sampled_from([True, False, None]))
            elif what == "nested_record" and depth > 0:
                rec[draw(st.sampled_from(NEUTRAL))] = record(depth - 1)
            elif what == "records" and depth > 0:
                rec[draw(st.sampled_from(["records", "items", "people"]))] = [record(depth - 1) for _ in
                                                                             range(draw(st.integers(1, 3)))]
        return rec

    doc = record(2)
    if draw(st.booleans()):
        doc["charge"] = m.public_scalar()
    if draw(st.booleans()):
        doc["bookings"] = [{"charge": m.public_scalar(), draw(st.sampled_from(PROTECTED_KEYS)): m.protected_scalar()}
                           for _ in range(draw(st.integers(1, 3)))]
    if draw(st.booleans()):
        doc["arrest"] = {"charge": m.public_scalar(), "home_address": m.protected_scalar()}
    shape = draw(st.sampled_from(["object", "object", "list", "wrapped"]))
    if shape == "list":
        # a top-level list: its rows' `charge` is declared by the pattern `charge` (positions are transparent)
        return [doc, {"person": {"name": m.protected_scalar()}}], t
    if shape == "wrapped":
        return {"data": {"result": doc}}, _declared_only_at_root(t, doc)
    return doc, t


def _declared_only_at_root(t: Truth, doc: dict[str, Any]) -> Truth:
    """Wrapping moves `charge`, `bookings`, `arrest` away from the declared paths: those
    sentinels become protected (``**.case_number`` still matches anywhere)."""
    moved: list[str] = []
    for key in ("charge", "bookings", "arrest"):
        if key in doc:
            moved.extend(_tokens(doc[key], "zqr"))
    t.public = [p for p in t.public if p not in moved]
    t.protected.extend(moved)
    return t


def _tokens(node: Any, prefix: str) -> list[str]:
    out: list[str] = []
    if isinstance(node, dict):
        for v in node.values():
            out += _tokens(v, prefix)
    elif isinstance(node, list):
        for v in node:
            out += _tokens(v, prefix)
    elif isinstance(node, str):
        out += [w for w in node.replace("@", " ").split() if w.startswith(prefix)]
    return out


@st.composite
def school_documents(draw: Any) -> tuple[Any, Truth]:
    """A student roster for school staff (040(k)): status, A-numbers and place of birth are
    protected wherever they sit; ordinary fields are not."""
    t = Truth()
    students = []
    for _ in range(draw(st.integers(1, 4))):
        s: dict[str, Any] = {"grade": draw(st.integers(1, 12))}
        for _ in range(draw(st.integers(1, 4))):
            what = draw(st.sampled_from(["status", "pob", "anumber", "status_value_notes", "by_status", "nested"]))
            tok = t.token("p")
            t.protected.append(tok)
            if what == "status":
                s[draw(st.sampled_from(STATUS_KEYS))] = f"{draw(st.sampled_from(STATUS_VALUES))} {tok}"
            elif what == "pob":
                s[draw(st.sampled_from(["place_of_birth", "country_of_birth", "birthplace"]))] = f"Mexico {tok}"
            elif what == "anumber":
                t.protected.pop()
                v = t.number()
                t.protected.append(str(v))
                s[draw(st.sampled_from(["a_number", "alien_number", "notes"]))] = f"A{v}"
            elif what == "status_value_notes":  # a status phrase stored under an ordinary key
                t.protected.pop()
                phrase = draw(st.sampled_from(["undocumented", "Undocumented", "green card holder"]))
                t.protected.append(phrase)
                s["notes"] = phrase
            elif what == "by_status":  # a status used as a key
                t.protected.pop()
                phrase = draw(st.sampled_from(["undocumented", "permanent resident"]))
                t.protected.append(phrase)
                s["by_status"] = {phrase: 1}
            elif what == "nested":
                s[draw(st.sampled_from(STATUS_KEYS))] = {"detail": f"since 2019 {tok}"}
        students.append(s)
    return {"students": students}, t


__all__ = ["NEUTRAL", "PROTECTED_KEYS", "PUBLIC_PATTERNS", "STATUS_KEYS", "STATUS_PHRASES", "STATUS_VALUES", "Maker",
           "Truth", "leaf_present", "letters", "police_documents", "school_documents"]
