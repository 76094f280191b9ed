"""Pass 1 — tokenise a field name as a *path*: ``nc:EmploymentLocation/nc:LocationAddress``,
``student.addresses[0].city``, ``person[address][street]``, ``Student/BirthData/BirthCountry``.

Each segment keeps its namespace prefix (only prefixes of a loaded standard are prefixes:
``imm:status`` is not a namespace) and its normalised words. Later passes read the segments:
standards vocabularies look up whole segments, the owner-context pass walks back through the
ancestors (the address *under an employer* is a work address). Labels are one segment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..normalize import tokens

_SEPARATORS = re.compile(r"[/\\.\[\]>|]+|::")
_PREFIXED = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_\-]{0,15}):(?!:)(.+)$")
#: prefixes of XML Schema itself and of generated namespaces: always prefixes
_GENERIC_PREFIXES = frozenset({"xs", "xsd", "xsi", "ns", "ns0", "ns1", "ns2", "ns3", "tns"})


@dataclass(frozen=True, slots=True)
class Segment:
    prefix: str | None
    text: str
    words: tuple[str, ...]


def split_segments(name: str, prefixes: frozenset[str] = frozenset()) -> tuple[Segment, ...]:
    """The segments of a name, outermost first (empty segments dropped)."""
    return _split(name, prefixes)


@lru_cache(maxsize=32768)
def _split(name: str, prefixes: frozenset[str]) -> tuple[Segment, ...]:
    out: list[Segment] = []
    for part in _SEPARATORS.split(name):
        if not part or not part.strip() or part.strip().isdigit():
            continue  # a list index ([0]) is not a segment
        prefix = None
        m = _PREFIXED.match(part)
        if m and (m.group(1).lower() in prefixes or m.group(1).lower() in _GENERIC_PREFIXES):
            prefix, part = m.group(1).lower(), m.group(2)
        words = tokens(part)
        if words or prefix:
            out.append(Segment(prefix, part, words))
    return tuple(out)


def single_segment(text: str) -> tuple[Segment, ...]:
    """A label or a value: one segment, no prefixes."""
    words = tokens(text)
    return (Segment(None, text, words),) if words else ()
