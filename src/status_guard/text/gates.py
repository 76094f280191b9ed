"""Pre-filter gates for recognizer regexes, derived from the patterns themselves (issue 15).

For a pattern P, :func:`derive_gate` finds a set S of literal strings such that *every* match of
P contains one of them (``born\\s+in`` → {"born"}; ``(?:dob|date of birth)`` → {"dob", "date of
birth"}).  When no string of S occurs in the text, P cannot match and need not run.  The gate
itself is a regex of the escaped strings compiled with P's own flags (case-insensitive whenever
any part of P is), so a gate literal matches exactly where the same literal inside P could: the
case rules are the ``regex`` engine's own, not an approximation.

The derivation is a walk over the pattern parsed by the standard library's parser.  It is
conservative: an element it does not understand contributes nothing, and a pattern it cannot
parse, or whose meaning could differ between ``re`` and ``regex`` (fuzzy ``{e<=1}``, POSIX
``[[:alpha:]]``), gets **no gate** and always runs.  ``\\p{..}`` classes are replaced by "any
character" before parsing (a superset, so the literals still required stay required).
"""

from __future__ import annotations

from typing import Any

import re
from re import _constants as C  # noqa: PLC2701 - the standard parser's opcodes
from re import _parser as P  # noqa: PLC2701

import ahocorasick
import regex

_MAX_SET = 48  # at most this many alternative strings in one exact set / gate
_ANY = r"[\s\S]"
_POSIX = re.compile(r"\[:\^?[A-Za-z]+:\]")

Strings = frozenset[str]


def _superset_props(pattern: str) -> str | None:
    """``pattern`` with every ``\\p{..}`` / ``\\P{..}`` (and any class containing one) replaced by
    "any character"; None when a class looks like a POSIX or nested set."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 < n and pattern[i + 1] in "pP":
                j = i + 2
                if j < n and pattern[j] == "{":
                    k = pattern.find("}", j)
                    if k < 0:
                        return None
                    j = k + 1
                else:
                    j += 1
                out.append(_ANY)
                i = j
                continue
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if c == "[":
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            has_prop = False
            while j < n and pattern[j] != "]":
                if pattern[j] == "\\":
                    if j + 1 < n and pattern[j + 1] in "pP":
                        has_prop = True
                    j += 2
                    continue
                if pattern[j] == "[":
                    return None  # POSIX class or nested set: the two parsers may disagree
                j += 1
            if j >= n:
                return None
            out.append(_ANY if has_prop else pattern[i:j + 1])
            i = j + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


class _Walk:
    def __init__(self) -> None:
        self.ignorecase = False
        self.refuse = False

    @staticmethod
    def _req(exact: Strings | None) -> Strings | None:
        """An exact set as a requirement (not when it can match the empty string)."""
        if exact and "" not in exact:
            return exact
        return None

    @staticmethod
    def best(cands: list[Strings]) -> Strings | None:
        cands = [c for c in cands if c and "" not in c and len(c) <= _MAX_SET]
        if not cands:
            return None
        return max(cands, key=lambda s: (min(len(x) for x in s), -len(s)))

    def seq(self, items: P.SubPattern | list) -> tuple[Strings | None, Strings | None]:
        run: set[str] = {""}
        whole = True
        cands: list[Strings] = []
        for op, av in items:
            ex, rq = self.node(op, av)
            if rq:
                cands.append(rq)
            if ex is not None and len(run) * len(ex) <= _MAX_SET:
                run = {a + b for a in run for b in ex}
                continue
            whole = False
            if self._req(frozenset(run)):
                cands.append(frozenset(run))
            run = set(ex) if ex is not None else {""}
        if self._req(frozenset(run)):
            cands.append(frozenset(run))
        return (frozenset(run) if whole else None), self.best(cands)

    def node(self, op: object, av: object) -> tuple[Strings | None, Strings | None]:  # noqa: C901, PLR0911
        if op is C.LITERAL:
            if av in (ord("{"), ord("}")):
                self.refuse = True  # may be a fuzzy constraint in ``regex``
            return frozenset({chr(av)}), None  # type: ignore[arg-type]
        if op is C.IN:
            items = list(av)  # type: ignore[call-overload]
            if items and all(o is C.LITERAL for o, _ in items) and len(items) <= 8:
                for _, v in items:
                    if v in (ord("{"), ord("}")):
                        self.refuse = True
                return frozenset(chr(v) for _, v in items), None
            return None, None
        if op is C.AT:
            return frozenset({""}), None
        if op is C.SUBPATTERN:
            _group, add, _del, p = av  # type: ignore[misc]
            if add & C.SRE_FLAG_IGNORECASE:
                self.ignorecase = True
            return self.seq(p)
        if op is getattr(C, "ATOMIC_GROUP", None):
            return self.seq(av)  # type: ignore[arg-type]
        if op is C.BRANCH:
            _, alts = av  # type: ignore[misc]
            infos = [self.seq(a) for a in alts]
            exact: Strings | None = None
            if all(ex is not None for ex, _ in infos):
                u = frozenset().union(*(ex for ex, _ in infos))  # type: ignore[misc]
                exact = u if len(u) <= _MAX_SET else None
            effs = [rq or self._req(ex) for ex, rq in infos]
            req = None
            if all(effs):
                u2 = frozenset().union(*effs)  # type: ignore[misc]
                req = u2 if len(u2) <= _MAX_SET else None
            return exact, req
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
            lo, hi, p = av  # type: ignore[misc]
            ex, rq = self.seq(p)
            if lo == 0:
                if hi == 1 and ex is not None:
                    return ex | {""}, None
                return None, None
            return (ex if lo == hi == 1 else None), self.best([c for c in (rq, self._req(ex)) if c])
        if op is C.ASSERT:
            _dir, p = av  # type: ignore[misc]
            ex, rq = self.seq(p)  # a positive look-around's text is in the text too
            return frozenset({""}), rq or self._req(ex)
        if op is C.ASSERT_NOT:
            self.seq(av[1])  # type: ignore[index]  # (walked for the refuse / ignorecase checks)
            return frozenset({""}), None
        return None, None  # anything else (ANY, CATEGORY, NOT_LITERAL, GROUPREF…): no information


def required_literals(pattern: str, *, ignorecase: bool) -> tuple[Strings, bool] | None:
    """(strings one of which every match of ``pattern`` contains, whether the gate must ignore
    case), or None when no such set can be derived (the pattern must always run)."""
    if _POSIX.search(pattern):
        return None
    sub = _superset_props(pattern)
    if sub is None:
        return None
    try:
        parsed = P.parse(sub, re.IGNORECASE if ignorecase else 0)
    except Exception:  # noqa: BLE001 - a ``regex``-only construct: no gate
        return None
    walk = _Walk()
    _exact, req = walk.seq(parsed)
    if walk.refuse or not req:
        return None
    ci = ignorecase or walk.ignorecase or bool(parsed.state.flags & C.SRE_FLAG_IGNORECASE)
    return req, ci


def _ascii_canonical(lit: str, ci: bool) -> str | None:
    """``lit`` as it can occur in ASCII text: lower-cased when ``ci`` (a non-ASCII letter becomes
    the ASCII letter the ``regex`` engine itself equates it with, e.g. the Kelvin sign → "k");
    None when it can never match ASCII text."""
    out = []
    for c in lit:
        if c.isascii():
            out.append(c.lower() if ci else c)
            continue
        if not ci or c not in ASCII_TWINS:
            return None  # equals no ASCII character (ASCII_TWINS is checked against the engine)
        out.append(ASCII_TWINS[c])
    return "".join(out)


_AMBIGUOUS = "\x00ambiguous"
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


#: the non-ASCII characters the ``regex`` engine equates with ASCII ones under IGNORECASE (V0), as
#: the lower-case ASCII character.  Computed by the engine itself over all of Unicode in
#: :func:`scan_ascii_twins`; tests/text/test_prefilter_gates.py checks this constant against it.
ASCII_TWINS = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}
_TABLE = {**{c: chr(c).lower() for c in range(ord("A"), ord("Z") + 1)}, **{ord(k): v for k, v in ASCII_TWINS.items()}}


def scan_ascii_twins() -> dict[str, str] | None:
    """Every non-ASCII character the ``regex`` engine matches with an ASCII pattern character under
    IGNORECASE, mapped to that character lower-cased (None: one equals two; ~2 s, for the test)."""
    out: dict[str, str] = {}
    everything = "".join(chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c <= 0xDFFF)
    flags = regex.V0 | regex.IGNORECASE
    for m in regex.finditer(r"[\x00-\x7f]", everything, flags=flags):
        ch = m.group()
        eq = {chr(a).lower() for a in range(128) if regex.fullmatch(regex.escape(chr(a)), ch, flags=flags)}
        if len(eq) != 1:
            return None
        out[ch] = eq.pop()
    return out


class Gate:
    """A necessary condition for one pattern: one of ``literals`` occurs in the text.

    Checked against the literals the :class:`Prefilter` found in one pass: a case-sensitive gate
    on any text as it is; a case-insensitive one on the text with ASCII letters lower-cased and
    their non-ASCII twins (``ASCII_TWINS``) folded to them
    (exact: letters compared as the ``regex`` engine equates them).  A case-insensitive gate with
    literal that holds non-ASCII characters is looked for, on non-ASCII text, by its longest ASCII
    run ("miércoles" → "rcoles": every match folds to it); one with no ASCII character ("月")
    makes the gate *unknown* on non-ASCII text, and the pattern runs."""

    __slots__ = ("ci", "literals", "keys", "exact", "fold_keys", "fold_unknown")

    def __init__(self, literals: Strings, ci: bool):
        self.ci = ci
        self.literals = literals
        keys = set()
        fold_keys = set()
        exact = True
        fold_unknown = False
        for lit in literals:
            if not ci:
                keys.add(lit)  # case-sensitive: compared as it is, on any text
                continue
            k = _ascii_canonical(lit, ci)
            if k == _AMBIGUOUS:
                exact = False
            elif k is not None:
                keys.add(k)
            run = max(_NON_ASCII.split(lit), key=len)
            if run:
                fold_keys.add(run.lower())
            else:
                fold_unknown = True
        #: for ASCII text: each literal as ASCII text can hold it (none: it cannot)
        self.keys = frozenset(keys)
        #: for non-ASCII text (folded): each literal's longest ASCII run
        self.fold_keys = frozenset(fold_keys)
        self.fold_unknown = fold_unknown
        #: False: some literal's ASCII form is ambiguous; the gate is never used
        self.exact = exact

    def open(self, found: tuple[bool, frozenset[str], frozenset[str]]) -> bool:
        """Whether the pattern may match (True also when it cannot be told)."""
        is_ascii, found_ci, found_cs = found
        if not self.exact:
            return True
        if not self.ci:
            return not self.keys.isdisjoint(found_cs)
        if is_ascii:
            return not self.keys.isdisjoint(found_ci)
        return self.fold_unknown or not self.fold_keys.isdisjoint(found_ci)


class Prefilter:
    """All gates' literals in two Aho-Corasick automata (case-insensitive on the lower-cased
    ASCII text, case-sensitive on the text), run once per text."""

    def __init__(self) -> None:
        self._ci: set[str] = set()
        self._cs: set[str] = set()
        self._auto: tuple[Any, Any] | None = None

    def gate(self, pattern: str, flags: int) -> Gate | None:
        """The gate of ``pattern`` (compiled with ``flags``), registered here; None: it always runs."""
        found = required_literals(pattern, ignorecase=bool(flags & regex.IGNORECASE))
        if found is None:
            return None
        strings, ci = found
        strings = frozenset(s for s in strings if not any(t != s and t in s for t in strings))
        g = Gate(strings, ci)
        if not g.exact:
            return None
        if ci:
            self._ci.update(g.keys | g.fold_keys)
        else:
            self._cs.update(g.keys)
        self._auto = None
        return g

    @staticmethod
    def _build(words: set[str]) -> Any:
        if not words:
            return None
        a = ahocorasick.Automaton()
        for w in words:
            a.add_word(w, w)
        a.make_automaton()
        return a

    def scan(self, text: str) -> tuple[bool, frozenset[str], frozenset[str]]:
        """(text is ASCII, case-insensitive literals found, case-sensitive literals found); on
        non-ASCII text the case-insensitive literals are looked for in the folded text, and only
        all-ASCII gates use them (see :class:`Gate`)."""
        if self._auto is None:
            self._auto = (self._build(self._ci), self._build(self._cs))
        ci_auto, cs_auto = self._auto
        is_ascii = text.isascii()
        found_ci: frozenset[str] = frozenset()
        if ci_auto is not None:
            # ASCII letters lower-cased and their non-ASCII twins folded to them; any other
            # character stays as it is (it equals no ASCII literal character)
            canon = text.lower() if is_ascii else text.translate(_TABLE)
            found_ci = frozenset(w for _, w in ci_auto.iter(canon))
        found_cs = frozenset(w for _, w in cs_auto.iter(text)) if cs_auto is not None else frozenset()
        return is_ascii, found_ci, found_cs


def derive_gate(pattern: str, flags: int) -> regex.Pattern[str] | None:
    """A regex whose absence from a text proves ``pattern`` (compiled with ``flags``) cannot
    match it, or None."""
    found = required_literals(pattern, ignorecase=bool(flags & regex.IGNORECASE))
    if found is None:
        return None
    strings, ci = found
    # a string containing another of the set adds nothing ("A-" when "A" is there)
    strings = frozenset(s for s in strings if not any(t != s and t in s for t in strings))
    gate_flags = regex.V0 | (regex.IGNORECASE if ci else 0)  # literals only: no other flag matters
    alts = sorted(strings, key=lambda s: (-len(s), s))
    return regex.compile("|".join(regex.escape(s) for s in alts), flags=gate_flags)
