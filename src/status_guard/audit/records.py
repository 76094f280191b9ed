"""The record allow-list: what an audit record may hold, and nothing else (NIST AU-3(3)).

``build_record(fields)`` validates what a caller offers (the dict from ``Decision.to_record()``
plus the facade's adapter, request id, route or fingerprint; or a compliance ``event``) and returns
a normalised copy. Every key is allow-listed and every value is typed: enums, identifiers, hex
digests, short reference strings, field paths and citations, each checked against a strict
pattern, plus a check for value shapes (A-numbers, long digit runs, dates, phone numbers, street
numbers) that have no business in a path or a name. Anything else is refused with an
:class:`AuditRecordError` naming the key, never the value.

``validate_stored(record)`` applies the same rules to a record read back from a sink (the chain
fields and markers included), so a value smuggled into a stored record is a verification problem.

The patterns are conservative on purpose: a record that cannot be shown to be value-free is not
written (the guard then fails closed), and the developer sees which key to fix.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from enum import Enum
from typing import Any

import orjson

from .errors import AuditRecordError

RECORD_VERSION = 2
READABLE_VERSIONS = (1, 2)  # v1: before Merkle tree heads (still verified)
MAX_LIST = 256
MAX_RECORD_BYTES = 64 * 1024

# --- vocabularies -------------------------------------------------------------------------------

CALLER_KINDS = frozenset({"decision", "event"})
MARKER_KINDS = frozenset({"start", "continuation", "end", "checkpoint", "heartbeat", "discontinuity"})
KINDS = CALLER_KINDS | MARKER_KINDS
ADAPTERS = frozenset({"asgi", "sql", "scan", "cli", "event", "text", "compliance", "dashboard"})
ACTIONS = frozenset({"collect", "store", "select_by", "read", "disclose", "access", "detain"})
EFFECTS = frozenset({"allow", "flag", "redact", "strip", "block"})
EXCEPTION_KINDS = frozenset({"legal_basis", "purpose", "verified_instrument"})

# --- patterns -----------------------------------------------------------------------------------

IDENT_RE = re.compile(r"[a-z][a-z0-9_]{0,63}")
RULE_ID_RE = re.compile(r"[a-z0-9][a-z0-9_.:-]{0,95}")
REF_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/#-]{0,63}")
REQUEST_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .&'/_()-]{0,79}")  # agency, department
LEGAL_BASIS_RE = re.compile(r"[A-Za-z0-9§][A-Za-z0-9 .,;:§()'/&-]{0,159}")
CITATION_RE = re.compile(
    r"(?:[A-Z][A-Za-z.]{0,11} )?§? ?[0-9][0-9A-Za-z.:-]{0,31}(?:\([0-9A-Za-z]{1,5}\)){0,6}"
)
FIELD_CHARS_RE = re.compile(r"[\w.\[\]* -]{1,200}", re.UNICODE)
ROUTE_RE = re.compile(r"(?:[A-Z]{2,7} )?/[A-Za-z0-9._~{}/:*-]{0,255}")
HEX_RE = re.compile(r"[0-9a-f]{16,128}")
HASH64_RE = re.compile(r"[0-9a-f]{64}")
POLICY_VERSION_RE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._+:-]{0,63}")
POLICY_HASH_RE = re.compile(r"(?:sha256:)?[0-9a-f]{64}")
AMOUNT_RE = re.compile(r"-?[0-9]{1,12}(?:\.[0-9]{1,4})?")
CURRENCY_RE = re.compile(r"[A-Z]{3}")
TIME_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?Z")
DATE_OR_TIME_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?Z)?")
SIGNATURE_RE = re.compile(r"[0-9a-f]{128}")
AUTH_RE = re.compile(r"[0-9a-f]{32}")
MARKER_KIND_RE = re.compile(r"start|continuation|checkpoint|end|discontinuity")
PREFIXED_DIGEST_RE = re.compile(r"[a-z]{1,12}:[0-9a-f]{16,64}")
SQL_TEMPLATE_CHARS_RE = re.compile(r"[\w\s.,;()*=<>!?$%:\"`+/|&\[\]{}^~@#-]{1,4000}", re.UNICODE)

# Value shapes that never belong in a path, a name or a reference.
_A_NUMBER = re.compile(r"(?<![A-Za-z0-9])A[- ]?\d{3}[- ]?\d{3}[- ]?\d{2,3}(?![0-9])", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+", re.UNICODE)
_DIGIT_RUN = re.compile(r"\d{5,}")
_SSN = re.compile(r"(?<!\d)\d{3}[- ]\d{2}[- ]\d{4}(?!\d)")  # also in references, where digits are allowed
_DATE = re.compile(r"(?<!\d)(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})(?!\d)")
_PHONE = re.compile(r"(?<!\d)(?:\(\d{3}\)\s?|\d{3}[\s.-])?\d{3}[\s.-]\d{4}(?!\d)")
_STREET_NUMBER = re.compile(r"(?<![\w.\[])\d{1,6}\s+[^\W\d_]", re.UNICODE)
_LEGAL_CITE = re.compile(r"§|U\.?S\.?C\b|C\.?F\.?R\b|Pub\. ?L|\bc\. ?\d|\bch\. ?\d|\bs\. ?\d|\bart\. ?\d"
                         r"|\bM\.?G\.?L\b|\bstat\.", re.IGNORECASE)
# A section number written right after a code's name or a section sign: "52 U.S.C. 21083(b)(4)",
# "8 CFR § 274a.2", "§§ 20508", "Pub. L. 107-252", "section 12101". Federal sections run to five
# digits (and a letter), so a citation's own number is not a value; it is cut out before the value
# shapes are checked, and a run of digits anywhere else (or longer than a section number) still is.
_SECTION_NUMBER = re.compile(
    r"(?:\bU\.?\s?S\.?\s?C\.?(?:A\.?)?|\bC\.?\s?F\.?\s?R\.?|§§?|\bsec(?:tion|s?\.)|\bPub\.\s?L\.(?:\s?No\.)?"
    r"\s?\d{1,3}\s?[-–]|\bStat\.)\s*§{0,2}\s*\d{1,6}[a-z]{0,2}(?:[-.]\d{1,6}[a-z]?)?(?![\d])",
    re.IGNORECASE)
_SQL_NUMBER = re.compile(r"(?<![\w$:.])\d+(?:\.\d+)?(?![\w])", re.UNICODE)
_SQL_FORBIDDEN = ("'", "--", "/*", "*/", "$$", "#")

FORBIDDEN_KEY_HINTS = frozenset(
    {"value", "values", "body", "sql", "statement", "text", "excerpt", "params", "parameters", "data",
     "document", "payload", "literal", "literals", "message", "reason", "name", "subject"}
)


def _fail(path: str, problem: str) -> AuditRecordError:
    return AuditRecordError(path, problem)


def _describe_key(key: object) -> str:
    if isinstance(key, str) and IDENT_RE.fullmatch(key):
        return repr(key)
    return "a key that is not an allowed name"


def _value_shape(path: str, s: str, *, digits_ok: bool = False) -> None:
    if _A_NUMBER.search(s):
        raise _fail(path, "looks like an A-number (alien registration number); values are never logged")
    if _EMAIL.search(s):
        raise _fail(path, "looks like an e-mail address; values are never logged")
    if _SSN.search(s):
        raise _fail(path, "looks like a Social Security number; values are never logged")
    if not digits_ok and _DIGIT_RUN.search(s):
        raise _fail(path, "holds a run of 5 or more digits, which looks like a value, not a name")
    if _DATE.search(s):
        raise _fail(path, "looks like a date; values are never logged")
    if _PHONE.search(s):
        raise _fail(path, "looks like a phone number; values are never logged")


def _str(path: str, v: object, pattern: re.Pattern[str], what: str) -> str:
    if isinstance(v, Enum):
        v = v.value
    if not isinstance(v, str):
        raise _fail(path, f"must be a string ({what}), got {type(v).__name__}")
    if not pattern.fullmatch(v):
        raise _fail(path, f"is not a valid {what} (length {len(v)})")
    return v


# --- scalar validators --------------------------------------------------------------------------

Validator = Callable[[str, Any], Any]
_CACHE_MAX = 8192


def cached(fn: Validator) -> Validator:
    """Remember strings that passed (the same paths, citations and routes recur in every record).

    Only accepted strings are kept, and those are written to the log anyway; refusals re-run."""
    ok: dict[str, Any] = {}

    def check(path: str, v: Any) -> Any:
        if type(v) is str:
            hit = ok.get(v)
            if hit is not None:
                return hit
            out = fn(path, v)
            if len(ok) >= _CACHE_MAX:
                ok.clear()
            ok[v] = out
            return out
        return fn(path, v)

    check.__name__ = getattr(fn, "__name__", "check")
    check.__doc__ = fn.__doc__
    return check


def enum_of(values: frozenset[str], what: str) -> Validator:
    def check(path: str, v: Any) -> str:
        if isinstance(v, Enum):
            v = v.value
        if not isinstance(v, str) or v not in values:
            raise _fail(path, f"must be one of {sorted(values)} ({what})")
        return v

    return check


@cached
def ident(path: str, v: Any) -> str:
    return _str(path, v, IDENT_RE, "lower-case identifier")


@cached
def rule_id(path: str, v: Any) -> str:
    s = _str(path, v, RULE_ID_RE, "rule or exception id")
    _value_shape(path, s)
    return s


@cached
def reference(path: str, v: Any) -> str:
    s = _str(path, v, REF_RE, "reference (letters, digits, ._:/#-; at most 64)")
    _value_shape(path, s, digits_ok=True)
    return s


@cached
def request_id(path: str, v: Any) -> str:
    s = _str(path, v, REQUEST_ID_RE, "request id (letters, digits, ._:-; at most 128)")
    _value_shape(path, s, digits_ok=True)
    return s


@cached
def name(path: str, v: Any) -> str:
    s = _str(path, v, NAME_RE, "agency or department name (at most 80 plain characters)")
    _value_shape(path, s)
    if _STREET_NUMBER.search(s):
        raise _fail(path, "looks like a street address; values are never logged")
    return s


@cached
def legal_basis(path: str, v: Any) -> str:
    if isinstance(v, str):
        v = unicodedata.normalize("NFC", v.strip())
    s = _str(path, v, LEGAL_BASIS_RE, "legal basis (at most 160 characters of letters, digits, .,;:§()'/&-)")
    _value_shape(path, s, digits_ok=True)  # A-numbers, e-mail, SSNs, dates and phones: the whole text
    if _DIGIT_RUN.search(_SECTION_NUMBER.sub(" § ", s)):  # long numbers: only as a section of a code
        raise _fail(path, "holds a run of 5 or more digits that is not a section number of a cited code "
                          "(write it as '52 U.S.C. 21083' or '§ 21083'); values are never logged")
    if _STREET_NUMBER.search(s) and not _LEGAL_CITE.search(s):
        raise _fail(path, "looks like a street address; values are never logged")
    return s


@cached
def citation(path: str, v: Any) -> str:
    s = _str(path, v, CITATION_RE, "citation such as 2.129.040(b)")
    _value_shape(path, s)
    return s


@cached
def field_path(path: str, v: Any) -> str:
    if isinstance(v, str):
        v = unicodedata.normalize("NFC", v)
    if not isinstance(v, str):
        raise _fail(path, f"must be a string (field path), got {type(v).__name__}")
    if not FIELD_CHARS_RE.fullmatch(v) or v[0] == " " or v[-1] == " " or "  " in v:
        raise _fail(path, f"is not a field path (letters, digits, ._-[]* and single spaces; length {len(v)})")
    _value_shape(path, v)
    if _STREET_NUMBER.search(v):
        raise _fail(path, "looks like a street address or a free-text value; values are never logged")
    return v


@cached
def route(path: str, v: Any) -> str:
    s = _str(path, v, ROUTE_RE, "route template such as 'POST /students/{id}' (no query string)")
    _value_shape(path, s)
    return s


@cached
def fingerprint(path: str, v: Any) -> str:
    """A statement fingerprint: a hex digest (optionally prefixed, ``sql:9f86d081884c7d65``), or a
    SQL template with every literal stripped."""
    if isinstance(v, str) and (HEX_RE.fullmatch(v) or PREFIXED_DIGEST_RE.fullmatch(v)):
        return v
    if not isinstance(v, str):
        raise _fail(path, f"must be a string (statement fingerprint), got {type(v).__name__}")
    if not SQL_TEMPLATE_CHARS_RE.fullmatch(v):
        raise _fail(path, f"is not a statement fingerprint (length {len(v)})")
    for bad in _SQL_FORBIDDEN:
        if bad in v:
            raise _fail(path, "holds a string literal or comment; fingerprints must have literals stripped")
    if _SQL_NUMBER.search(v):
        raise _fail(path, "holds a numeric literal; fingerprints must have literals stripped")
    _value_shape(path, v)
    return v


@cached
def hex_digest(path: str, v: Any) -> str:
    return _str(path, v, HEX_RE, "lower-case hex digest (16-128 characters)")


@cached
def hash64(path: str, v: Any) -> str:
    return _str(path, v, HASH64_RE, "SHA-256 hex digest")


def boolean(path: str, v: Any) -> bool:
    if not isinstance(v, bool):
        raise _fail(path, f"must be true or false, got {type(v).__name__}")
    return v


def count(path: str, v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 10**12:
        raise _fail(path, "must be a non-negative integer")
    return v


def amount(path: str, v: Any) -> str:
    if isinstance(v, int) and not isinstance(v, bool):
        v = str(v)
    s = _str(path, v, AMOUNT_RE, "decimal amount as a string, e.g. '1250.00'")
    return s


@cached
def utc_time(path: str, v: Any) -> str:
    return _str(path, v, TIME_RE, "UTC timestamp YYYY-MM-DDTHH:MM:SS[.ffffff]Z")


def date_or_time(path: str, v: Any) -> str:
    return _str(path, v, DATE_OR_TIME_RE, "ISO date or UTC timestamp")


def list_of(item: Validator, *, max_items: int = MAX_LIST) -> Validator:
    def check(path: str, v: Any) -> list[Any]:
        if isinstance(v, (str, bytes)) or not isinstance(v, (Sequence, set, frozenset)):
            raise _fail(path, "must be a list")
        if len(v) > max_items:
            raise _fail(path, f"has {len(v)} items; at most {max_items}")
        out: list[Any] = []
        for i, x in enumerate(v):
            y = item(f"{path}[{i}]", x)
            if y not in out:
                out.append(y)
        return out

    return check


def dict_of(spec: Mapping[str, Validator], *, required: frozenset[str] = frozenset()) -> Validator:
    def check(path: str, v: Any) -> dict[str, Any]:
        if not isinstance(v, Mapping):
            raise _fail(path, f"must be an object, got {type(v).__name__}")
        return _check_mapping(path, v, spec, required)

    return check


_WHERE: dict[tuple[str, str], str] = {}
_VALUE_OK: dict[tuple[int, bytes], Any] = {}


def _clone(v: Any) -> Any:
    """A copy of a validated value (lists and dicts of JSON scalars, nested): cached values are
    never handed out themselves, so a caller that changes a returned record changes only its own."""
    t = type(v)
    if t is list:
        return [_clone(x) if type(x) in (list, dict) else x for x in v]
    if t is dict:
        return {k: (_clone(x) if type(x) in (list, dict) else x) for k, x in v.items()}
    return v


def _where(path: str, key: Any) -> str:
    if type(key) is str:
        w = _WHERE.get((path, key))
        if w is not None:
            return w
    named = isinstance(key, str) and IDENT_RE.fullmatch(key)
    w = (f"{path}.{key}" if path else key) if named else (path or "record")
    if type(key) is str:
        if len(_WHERE) >= _CACHE_MAX:
            _WHERE.clear()
        _WHERE[(path, key)] = w
    return w


def _check_mapping(
    path: str, v: Mapping[Any, Any], spec: Mapping[str, Validator], required: frozenset[str]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, val in v.items():
        check = spec.get(key) if type(key) is str else None
        if check is None:
            hint = ""
            if isinstance(key, str) and key.lower() in FORBIDDEN_KEY_HINTS:
                hint = " (audit records never hold values, statements or free text)"
            raise _fail(_where(path, key), f"{_describe_key(key)} is not an allowed key{hint}")
        if val is None:
            continue
        t = type(val)
        if t is dict or t is list:
            # the same objects (requester, policy, exceptions, citations) recur in every record:
            # remember ones that passed, by their canonical bytes (refusals always re-run)
            try:
                kb = orjson.dumps(val, option=orjson.OPT_SORT_KEYS)
            except TypeError:
                kb = None
            if kb is not None:
                hit = _VALUE_OK.get((id(check), kb))
                if hit is not None:
                    out[key] = _clone(hit)
                    continue
                res = check(_where(path, key), val)
                if len(_VALUE_OK) >= _CACHE_MAX:
                    _VALUE_OK.clear()
                _VALUE_OK[(id(check), kb)] = _clone(res)
                out[key] = res
                continue
        out[key] = check(_where(path, key), val)
    missing = required - out.keys()
    if missing:
        raise _fail(path or "record", f"missing required key(s) {sorted(missing)}")
    return out


# --- record shapes ------------------------------------------------------------------------------

REQUESTER: dict[str, Validator] = {
    "class": ident,
    "agency": name,
    "subject_ref": hex_digest,  # a keyed HMAC of an officer/account id, never the id itself
}

EXCEPTION: dict[str, Validator] = {
    "id": rule_id,
    "citation": citation,
    "kind": enum_of(EXCEPTION_KINDS, "exception kind"),
    "legal_basis": legal_basis,
    "reference": reference,
    "purpose": ident,
    "verified": boolean,
}

POLICY: dict[str, Validator] = {
    "id": rule_id,
    "version": lambda p, v: _str(p, v, POLICY_VERSION_RE, "policy version"),
    "hash": lambda p, v: _str(p, v, POLICY_HASH_RE, "policy hash (sha256 hex)"),
}

EVENT: dict[str, Validator] = {
    "type": ident,
    "event_id": reference,
    "person_ref": hex_digest,  # keyed HMAC of a person identifier (key held outside the log)
    "case_ref": reference,
    "obligation_ref": reference,
    "reference": reference,
    "instrument": ident,  # e.g. i_247a, i_200, judicial_warrant
    "outcome": ident,
    "state": ident,
    "amount": amount,
    "currency": lambda p, v: _str(p, v, CURRENCY_RE, "ISO 4217 currency code"),
    "department": name,
    "agency": name,
    "requester_class": ident,
    "disclosable": boolean,
    "count": count,
    "occurred_at": date_or_time,
    "due_at": date_or_time,
    "legal_basis": legal_basis,
    "citation": citation,
    "related_seq": count,
    # compliance toolkit (issue 16): the 040(d) hold bases as pack vocabulary codes, the police system's
    # local id sealed under the person key (AES-SIV, never in clear), and corrections (never edits)
    "hold_basis": list_of(ident, max_items=16),
    "booking_sealed": hex_digest,
    "person_key_id": hex_digest,  # which person key sealed it (a fingerprint, not the key): 060(b) warns on two
    "corrects": reference,
    "reason_code": ident,
}

DECISION_FIELDS: dict[str, Validator] = {
    "kind": enum_of(CALLER_KINDS, "record kind a caller may append"),
    "adapter": enum_of(ADAPTERS, "adapter"),
    "request_id": request_id,
    "action": enum_of(ACTIONS, "action"),
    "effect": enum_of(EFFECTS, "effect"),
    "citations": list_of(citation),
    "rules": list_of(rule_id),
    "categories": list_of(ident),
    "fields": list_of(field_path),
    "scope": ident,
    "requester": lambda p, v: dict_of(REQUESTER, required=frozenset({"class"}))(p, _requester_shape(p, v)),
    "purpose": ident,
    "exceptions": list_of(dict_of(EXCEPTION, required=frozenset({"id"})), max_items=64),
    "policy": dict_of(POLICY, required=frozenset({"id", "hash"})),
    "monitor": boolean,
    "route": route,
    "fingerprint": fingerprint,
    "department": name,
    "http_status": lambda p, v: _http_status(p, v),
    "event": dict_of(EVENT, required=frozenset({"type"})),
    "count": count,  # aggregated records: how many identical allowed decisions this one stands for
    "occurred_at": date_or_time,  # a refused event: when the refused act occurred (issue 16)
}


def _http_status(path: str, v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not 100 <= v <= 599:
        raise _fail(path, "must be an HTTP status code")
    return v


def _requester_shape(path: str, v: Any) -> Any:
    if isinstance(v, str):
        return {"class": v}
    if isinstance(v, Mapping):
        d = dict(v)
        if "cls" in d and "class" not in d:
            d["class"] = d.pop("cls")
        if "subject" in d:
            if d["subject"] is None:
                d.pop("subject")
            else:
                raise _fail(f"{path}.subject", "a requester subject is only logged as a keyed reference: "
                            "configure a correlation key or pass subject_ref")
        return d
    if hasattr(v, "cls"):  # a status_guard.model.Requester
        if getattr(v, "subject", None) is not None:
            raise _fail(f"{path}.subject", "a requester subject is only logged as a keyed reference: "
                        "configure a correlation key or pass subject_ref")
        return {"class": v.cls, "agency": getattr(v, "agency", None)}
    raise _fail(path, f"must be a class name or an object, got {type(v).__name__}")


def keyed_ref(key: bytes, value: str, *, purpose: str = "ref") -> str:
    """A pseudonymous reference: HMAC-SHA256 under a key kept outside the log.

    The value is NFKC-normalised and case-folded first, so ``A-123`` and ``a-123`` correlate.
    Without the key the reference cannot be reversed by trying every possible value."""
    if len(key) < 16:
        raise ValueError("correlation key must be at least 16 bytes")
    norm = unicodedata.normalize("NFKC", value).casefold().strip()
    msg = b"status_guard.audit.ref\x00" + purpose.encode() + b"\x00" + norm.encode()
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


def build_record(fields: Mapping[str, Any], *, correlation_key: bytes | None = None) -> dict[str, Any]:
    """Validate and normalise what a caller offers to the log. Raises :class:`AuditRecordError`.

    Returns a new dict holding only allow-listed keys with typed values (``None`` values dropped).
    The chain fields (``seq``, ``time``, ``prev_hash``, ``hash``...) are added by the log."""
    if not isinstance(fields, Mapping):
        raise _fail("record", f"must be a mapping, got {type(fields).__name__}")
    src = dict(fields)
    for reserved in ("seq", "time", "prev_hash", "hash", "writer", "v", "log", "chain", "checkpoint", "auth", "sth",
                     "frontier", "consistency", "discontinuity", "recovered"):
        if reserved in src:
            raise _fail(reserved, "is set by the audit log itself, not by the caller")
    req = src.get("requester")
    if correlation_key is not None and req is not None:
        subject = req.get("subject") if isinstance(req, Mapping) else getattr(req, "subject", None)
        if subject is not None:
            if not isinstance(subject, str):
                raise _fail("requester.subject", "must be a string")
            if isinstance(req, Mapping):
                req = {k: v for k, v in req.items() if k != "subject"}
            else:
                req = {"class": req.cls, "agency": getattr(req, "agency", None)}
            req["subject_ref"] = keyed_ref(correlation_key, subject, purpose="subject")
            src["requester"] = req
    out = _check_mapping("", src, DECISION_FIELDS, frozenset())
    kind = out.setdefault("kind", "decision")
    if kind == "event":
        if "event" not in out:
            raise _fail("event", "an event record needs an 'event' object")
        out.setdefault("adapter", "event")
    elif "event" in out:
        raise _fail("event", "only records of kind 'event' carry an 'event' object")
    else:
        for key in ("action", "effect", "adapter"):
            if key not in out:
                raise _fail(key, "a decision record needs it")
    return out


# --- stored records (verification) --------------------------------------------------------------

CHAIN_FIELDS: dict[str, Validator] = {
    "v": lambda p, v: _version(p, v),
    "seq": count,
    "time": utc_time,
    "writer": hex_digest,
    "prev_hash": hash64,
    "hash": lambda p, v: _str(p, v, re.compile(r"[0-9a-f]{64}"), "hash"),
    "auth": lambda p, v: _str(p, v, AUTH_RE, "writer authentication code (32 hex)"),
}

STH_FIELDS: dict[str, Validator] = {
    "log": hex_digest, "epoch": count, "size": count, "root": hash64, "head": hash64, "time": utc_time,
    "kind": lambda p, v: _str(p, v, MARKER_KIND_RE, "marker kind"), "writer": hex_digest, "key_id": hex_digest,
    "sig": lambda p, v: _str(p, v, SIGNATURE_RE, "Ed25519 signature (hex)"),
}

DISCONTINUITY_FIELDS: dict[str, Validator] = {
    "reason": ident,            # cut | replaced | deleted | rewritten | unauthenticated | operator
    "ticket": reference,        # the operator's ticket or incident reference
    "found_seq": count,         # where the log ended when the operator recovered it
    "lost": dict_of({"log": hex_digest, "epoch": count, "size": count, "root": hash64, "time": utc_time},
                    required=frozenset({"log", "size"})),
    "unauthenticated": dict_of({"from": count, "to": count}, required=frozenset({"from", "to"})),
    "previous_log": hex_digest,  # a new log started in place of a lost one
    "damage": ident,             # recover found the log damaged (what kind of damage: AuditDamagedError.code)
    # where the damaged log went: <log path>.damaged-<tag> (files), <table>_damaged_<tag> (PostgreSQL)
    "quarantined": dict_of({"tag": reference, "bytes": count, "sha256": hash64, "wal_bytes": count,
                            "wal_sha256": hash64, "rows": count, "max_seq": count}, required=frozenset({"tag"})),
}

MARKER_FIELDS: dict[str, Validator] = {
    "log": hex_digest,
    "chain": dict_of({"alg": enum_of(frozenset({"sha256", "hmac-sha256"}), "chain algorithm"),
                      "key_id": hex_digest}, required=frozenset({"alg"})),
    "recovered": dict_of({"torn_bytes": count, "torn_sha256": hash64}),
    "records": count,
    "checkpoint": dict_of({"log": hex_digest, "seq": count, "hash": hash64, "time": utc_time,
                           "key_id": hex_digest,
                           "sig": lambda p, v: _str(p, v, SIGNATURE_RE, "Ed25519 signature (hex)")},
                          required=frozenset({"log", "seq", "hash", "time", "key_id", "sig"})),
    # v2: signed tree heads (status_guard.audit.treehead), the Merkle frontier, consistency proofs
    "sth": dict_of(STH_FIELDS, required=frozenset({"log", "epoch", "size", "root", "head", "time", "kind", "writer"})),
    "frontier": list_of(hash64, max_items=64),
    "consistency": dict_of({"from": count, "proof": list_of(hash64, max_items=128)}, required=frozenset({"from", "proof"})),
    "discontinuity": dict_of(DISCONTINUITY_FIELDS, required=frozenset({"reason"})),
}


def _version(path: str, v: Any) -> int:
    if isinstance(v, bool) or v not in READABLE_VERSIONS:
        raise _fail(path, f"unknown record version (this verifier reads versions {list(READABLE_VERSIONS)})")
    return v


STORED_FIELDS: dict[str, Validator] = {
    **DECISION_FIELDS, **CHAIN_FIELDS, **MARKER_FIELDS, "kind": enum_of(KINDS, "record kind"),
}


def validate_stored(record: Mapping[str, Any]) -> str | None:
    """None when a stored record passes the allow-list, else a message naming the key."""
    try:
        _check_mapping("", record, STORED_FIELDS, frozenset({"v", "kind", "seq", "time", "prev_hash", "hash"}))
    except AuditRecordError as e:
        return str(e)
    return None
