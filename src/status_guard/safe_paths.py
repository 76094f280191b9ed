"""Making decisions safe to write to the audit log.

A field name a client chose can hold anything (a date, a phone number, an A-number used as a
key); the audit log's allow-list rightly refuses such strings. ``audit_safe`` rewrites the paths of
a decision's copy so that the record is accepted without ever carrying a value; request ids are
generated without digits for the same reason.
"""

from __future__ import annotations

import dataclasses
import os
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from .model import Decision

_NO_DIGITS = str.maketrans("0123456789", "ghijklmnop")


def new_request_id() -> str:
    """128 random bits as 32 letters a-p. Hex ids contain an ``a`` followed by 8+ digits in about
    3 % of cases, which the audit log rightly refuses as a possible A-number; letters never do."""
    return os.urandom(16).hex().translate(_NO_DIGITS)


def audit_safe(d: Decision) -> Decision:
    """The decision with every field path made safe for the audit record's allow-list (a field
    name a client chose can hold anything); the decision itself is unchanged. Paths that are
    already safe (nearly all) cost one cached lookup."""
    if all(safe_path(f.path) == f.path for f in d.fields) and all(
        safe_path(p) == p for h in d.hits for p in h.paths
    ):
        return d
    fields = tuple(dataclasses.replace(f, path=safe_path(f.path)) for f in d.fields)
    hits = tuple(dataclasses.replace(h, paths=tuple(safe_path(p) for p in h.paths)) for h in d.hits)
    return dataclasses.replace(d, fields=fields, hits=hits)


#: At most this many field paths in one audit record (the log's allow-list takes 256).
MAX_RECORD_PATHS = 200
_INDEX = re.compile(r"\[\d+\]")
_MASKED = re.compile(r"(?:(?<=^)|(?<=\.))\*\d+(?=$|[.\[])")  # a key shown by its position, ``*3``


def summarise_paths(paths: Iterable[str], limit: int = MAX_RECORD_PATHS, *, names: bool = False) -> list[str]:
    """The field paths of one decision as an audit record can hold them, never failing: list
    positions become ``[*]`` (``students[*].place_of_birth`` once, not 3 000 times), each path is
    made safe (``safe_path``; ``names``: the paths are schema names — ``safe_name_path``), duplicates go; if more than ``limit`` remain, paths are cut to
    their first names followed by ``.**`` (``students[*].**``) until they fit. Value-free and
    deterministic; nothing is dropped without a ``**`` saying so."""
    templates = list(dict.fromkeys(_MASKED.sub("*", _INDEX.sub("[*]", p)) for p in paths))
    out = list(dict.fromkeys((safe_name_path if names else safe_path)(t) for t in templates))
    if len(out) <= limit:
        return out
    split = [p.split(".") for p in out]
    for k in range(max(len(s) for s in split) - 1, 0, -1):
        cut = list(dict.fromkeys(".".join(s) if len(s) <= k else ".".join(s[:k]) + ".**" for s in split))
        if len(cut) <= limit:
            return cut
    heads = list(dict.fromkeys(s[0] for s in split))
    deep = {s[0] for s in split if len(s) > 1}
    heads = [h + ".**" if h in deep else h for h in heads]
    return heads if len(heads) <= limit else heads[: limit - 1] + ["**"]


_UNSAFE = re.compile(r"[^\w.\[\]*-]", re.UNICODE)
_LONG_DIGITS = re.compile(r"\d{3,}")
_DATE_LIKE = re.compile(r"\d[-/.]\d")
_LONG_INDEX = re.compile(r"\[\d{5,}\]")


_LOG_DIGITS = re.compile(r"\d{5,}")  # what the audit log refuses as a possible value (records._DIGIT_RUN)
_LOG_SHAPES = re.compile(r"\d[-/.]\d|(?<!\d)\d{3}[\s.-]\d{4}(?!\d)|\d{3}[- ]\d{2}[- ]\d{4}")


@lru_cache(maxsize=65536)
def safe_name_path(path: str) -> str:
    """A path of schema names (SQL ``table.column``): kept exactly — ``address2``, ``t2024``,
    ``q1_2023`` keep their digits — except what the audit log would refuse as a value (a run of
    5+ digits, a date/phone/SSN shape), which ``safe_path`` masks."""
    p = unicodedata.normalize("NFC", path)
    if len(p) > 200:
        return safe_path(p)
    out = []
    for seg in p.split("."):  # only a name the log would refuse is masked, not its neighbours
        if _UNSAFE.search(seg) or _LOG_DIGITS.search(seg) or _LOG_SHAPES.search(seg):
            seg = safe_path(seg)
        out.append(seg)
    whole = ".".join(out)
    return whole if not (_LOG_DIGITS.search(whole) or _LOG_SHAPES.search(whole)) else safe_path(whole)


@lru_cache(maxsize=65536)
def safe_path(path: str) -> str:
    p = unicodedata.normalize("NFC", path)
    p = _LONG_INDEX.sub("[*]", p)
    p = _UNSAFE.sub("_", p)
    # digits outside list indices: runs of 3+ and date-like shapes look like values to the audit log
    parts = re.split(r"(\[\d{1,4}\])", p)
    parts = [x if x.startswith("[") else _LONG_DIGITS.sub("n", x) for x in parts]
    p = "".join(parts)
    if _DATE_LIKE.search(re.sub(r"\[\d{1,4}\]", "", p)):
        p = re.sub(r"(?<!\[)\d(?![\d]*\])", "n", p)
    return p[:200] or "_"


