"""Public-record path patterns: which leaves of a response the Public Records Law makes available.

G.L. c. 66 §10 / c. 4 §7(26), read with 2.129.040(e): what a member of the public may obtain may
also reach a federal officer. A deployment declares those fields as **path patterns**; this module
is the one syntax used everywhere (``Guard.redact``, the middleware per route and per middleware,
CSV / HTML-table columns, XML elements, ``check_sql`` columns).

Syntax (one pattern per string)::

    pattern  := step ( "." step | "[*]" | "[]" )*
    step     := name | '"' any text '"' | "*" | "**"

* ``charge`` — the top-level field ``charge`` (and each row's ``charge`` column of a CSV or a
  top-level list: list positions are transparent, see below). It does **not** match
  ``employer.charge``: a name matches where it is written, never anywhere.
* ``bookings[*].charge`` or ``bookings.charge`` — the charge of every booking. List positions are
  transparent; ``[*]`` / ``[]`` may be written for clarity. A fixed position (``[0]``) is an error.
* ``person.*.case_number`` — ``*`` is exactly one name, any name.
* ``**.charge`` — ``**`` is any number of names (zero or more): ``charge`` at any depth. Only when
  written explicitly.
* ``"Booking date"`` — a name with dots, brackets or spaces, quoted.
* Names compare after case and word-separator folding only (camelCase / snake_case /
  kebab-case / spaces): ``bookingDate`` = ``booking_date`` = ``Booking date``. Nothing else is
  folded: ``chargé``, fullwidth or Cyrillic look-alikes, ``_charge``, ``charge[]``,
  ``booking.date`` are other names (:func:`name_key`).
* A declaration is a list of strings: a single string, ``None`` or a nested list is a start-up
  error naming the argument (:func:`declared_patterns`).
* A pattern names **leaves** (values), never a subtree: ``home_address`` releases a scalar
  ``home_address`` field, not ``home_address.street``. The last step must therefore be a name,
  not ``*`` or ``**``.
* XML: names are element / attribute local names (``nc:PersonName`` is ``PersonName``), and the
  root element is the first step (``**.ChargeText`` is usually what you want). SQL: a column is
  ``table.column`` (``bookings.charge``; ``**.charge`` for any table).

A malformed pattern raises :class:`PolicyError` naming it — at start-up, when the middleware or
the Guard is built, never at the first request.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ..errors import PolicyError
from ..normalize import normalize

_SEP = "\x1f"  # joins normalised names for matching; cannot occur in a normalised name


@dataclass(frozen=True)
class PathPatterns:
    """A compiled, validated set of public-record path patterns. Empty: nothing is public."""

    patterns: tuple[str, ...] = ()
    _regex: re.Pattern[str] | None = field(default=None, repr=False, compare=False)

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def matches(self, names: Sequence[object]) -> bool:
        """Whether a leaf reached through ``names`` (mapping keys / element names / table and
        column; list positions left out) is declared public record."""
        if self._regex is None:
            return False
        return _match(self._regex, tuple(str(n) for n in names if not isinstance(n, int)))

    def matches_path(self, path: str) -> bool:
        """The same for a dotted path string (``bookings[3].charge``, ``people.arrest_date``)."""
        if self._regex is None:
            return False
        return _match_path(self._regex, path)

    def __or__(self, other: PathPatterns) -> PathPatterns:
        if not other.patterns:
            return self
        if not self.patterns:
            return other
        return compile_patterns(self.patterns + tuple(p for p in other.patterns if p not in self.patterns))


NOTHING = PathPatterns()


def declared_patterns(patterns: object, *, where: str = "public_record_fields") -> tuple[str, ...]:
    """A declaration as given by a deployment, checked for its *shape*: a list (tuple, set, ...)
    of strings. A single string (``"charge"`` for ``["charge"]`` would otherwise be read letter by
    letter), ``None``, a mapping, a nested list or a non-string element is a :class:`PolicyError`
    naming ``where`` — the same check in ``Guard``, ``Guard.redact``, the middleware, ``RouteConfig``
    and ``check_sql``."""
    if patterns is None:
        raise PolicyError(f"{where} must be a list of path patterns (use () for none), not None")
    if isinstance(patterns, (str, bytes, bytearray)):
        raise PolicyError(f"{where} must be a list of path patterns, not a single string: "
                          f"write [{patterns!r}]")
    if isinstance(patterns, PathPatterns):
        return patterns.patterns
    if isinstance(patterns, dict) or not isinstance(patterns, Iterable):
        raise PolicyError(f"{where} must be a list of path patterns, not {type(patterns).__name__}")
    out = tuple(patterns)
    for p in out:
        if not isinstance(p, str):
            raise PolicyError(f"{where}: every path pattern must be a string, got {type(p).__name__} {p!r:.60}")
    return out


def compile_patterns(patterns: Iterable[str] | None, *, where: str = "public_record_fields") -> PathPatterns:
    """Validate and compile. ``where`` names the configuration in error messages. ``None`` here
    means "nothing declared" (an optional argument left out); entry points that take a
    deployment's declaration call :func:`declared_patterns` first, which refuses it."""
    if patterns is None:
        return NOTHING
    pats = tuple(dict.fromkeys(declared_patterns(patterns, where=where)))
    if not pats:
        return NOTHING
    return _compiled(pats, where)


@lru_cache(maxsize=256)
def _compiled(pats: tuple[str, ...], where: str) -> PathPatterns:
    parts = []
    for p in pats:
        if not isinstance(p, str):
            raise PolicyError(f"{where}: a path pattern must be a string, got {type(p).__name__}")
        parts.append(_to_regex(parse_pattern(p, where=where)))
    return PathPatterns(pats, re.compile("(?:" + "|".join(parts) + ")\\Z"))


def parse_pattern(pattern: str, *, where: str = "public_record_fields") -> tuple[str, ...]:
    """The steps of a pattern: normalised names, ``*`` or ``**``. Raises PolicyError naming it."""

    def bad(why: str) -> PolicyError:
        shown = pattern if len(pattern) <= 80 else pattern[:77] + "..."
        return PolicyError(f"{where}: invalid public-record path pattern {shown!r}: {why}")

    if not pattern.strip():
        raise bad("it is empty")
    steps: list[str] = []
    i, n = 0, len(pattern)
    expect_step = True  # at the start and after a "."
    ends_in_list = False  # the last thing written was [*] / []
    while i < n:
        ch = pattern[i]
        if ch not in "[" and not ch.isspace():
            ends_in_list = False
        if ch == "[":
            j = pattern.find("]", i)
            if j == -1:
                raise bad("a '[' is not closed")
            inner = pattern[i + 1 : j].strip()
            if inner not in ("", "*"):
                if inner.isdigit():
                    raise bad("fixed list positions ([0]) are not supported; write [*] (list positions are "
                              "transparent)")
                raise bad(f"only [*] or [] may stand in brackets (a quoted name is written \"...\"), not [{inner}]")
            if expect_step and steps:
                raise bad("'[*]' cannot follow a '.'")
            i = j + 1
            expect_step = False
            ends_in_list = True
            continue
        if ch == ".":
            if expect_step:
                raise bad("a name is missing (two dots, or a leading dot)")
            expect_step = True
            i += 1
            continue
        if not expect_step:
            raise bad(f"a '.' is missing before position {i + 1}")
        if ch == '"':
            j = pattern.find('"', i + 1)
            if j == -1:
                raise bad("a quote is not closed")
            raw = pattern[i + 1 : j]
            name = name_key(raw)
            if not normalize(raw):
                raise bad(f"the quoted name \"{raw}\" has no letters or digits")
            steps.append(name)
            i = j + 1
        else:
            m = re.compile(r'[^.\[\]"]+').match(pattern, i)
            assert m is not None
            raw = m.group(0)
            stripped = raw.strip()
            if stripped in ("*", "**"):
                steps.append(stripped)
            elif "*" in stripped:
                raise bad(f"'*' stands alone as a step ('*' one name, '**' any number of names), not inside {stripped!r}")
            else:
                name = name_key(stripped)
                if not normalize(stripped):
                    raise bad(f"the name {stripped!r} has no letters or digits")
                steps.append(name)
            i = m.end()
        expect_step = False
    if expect_step:
        raise bad("it ends with a '.'")
    if not steps:
        raise bad("it names no field")
    if ends_in_list:
        raise bad("the last step must be a field name, not a list position: a pattern names the field "
                  "(write e.g. 'bookings[*].charge'; a list of bare values is never declared whole)")
    if steps[-1] in ("*", "**"):
        raise bad("the last step must be a field name: a pattern names values, not whole subtrees "
                  "(write e.g. '**.charge', not 'bookings.**')")
    for a, b in zip(steps, steps[1:]):
        if a == "**" and b == "**":
            raise bad("'**' twice in a row")
    return tuple(steps)


def _to_regex(steps: tuple[str, ...]) -> str:
    out: list[str] = []
    for s in steps[:-1]:
        if s == "**":
            out.append(f"(?:[^{_SEP}]*{_SEP})*")
        elif s == "*":
            out.append(f"[^{_SEP}]*{_SEP}")
        else:
            out.append(re.escape(s) + _SEP)
    out.append(re.escape(steps[-1]))
    return "".join(out)


@lru_cache(maxsize=65536)
def _match(regex: re.Pattern[str], names: tuple[str, ...]) -> bool:
    if not names:
        return False
    return regex.match(_SEP.join(_norm(n) for n in names)) is not None


@lru_cache(maxsize=65536)
def _match_path(regex: re.Pattern[str], path: str) -> bool:
    from ..redact import split_path

    return _match(regex, tuple(str(p) for p in split_path(path) if not isinstance(p, int)))


_SEPARATORS = re.compile(r"[ _-]")
_CAMEL_1 = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_CAMEL_2 = re.compile(r"(?<=[A-Z])(?=[A-Z][a-z])")
_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """How a declared name and a leaf's name are compared: ``bookingDate`` = ``booking_date`` =
    ``Booking date`` = ``booking-date`` (case and word separators), and **nothing else** — no
    accent stripping, no Unicode folding, no look-alike folding, no invisible characters dropped.
    A name with a leading / trailing / doubled separator or any character that is not a letter
    or digit (``_charge``, ``charge_``, ``charge[]``, ``booking.date``, ``charge\u200b``) only
    matches itself, written exactly: normalising it would let a declaration release a different
    key (``chargé``, fullwidth ``ｃｈａｒｇｅ``, Cyrillic ``chаrge`` are different names)."""
    text = name.strip(" ")
    words = _SEPARATORS.split(text)
    if not text or any(not w or not all(ch.isalnum() for ch in w) for w in words):
        return "\x00" + name.replace(_SEP, " ")  # exact spelling only
    parts: list[str] = []
    for w in words:
        w = _DIGIT.sub(" ", _CAMEL_2.sub(" ", _CAMEL_1.sub(" ", w)))
        parts.extend(w.split())
    return " ".join(parts).casefold()


def _norm(name: str) -> str:
    return name_key(name)


__all__ = ["NOTHING", "PathPatterns", "compile_patterns", "declared_patterns", "name_key", "parse_pattern"]
