"""Inline suppressions: a declared legal basis, written where the question is asked.

    <!-- status-guard: allow no-status-inquiry -- 8 U.S.C. §1324a (Form I-9) -->
    # status-guard: allow no-status-inquiry -- 8 U.S.C. §1324a (Form I-9)
    -- status-guard: allow-file no-status-inquiry -- 8 U.S.C. §1324a (Form I-9)

A suppression is not an off switch: it declares the legal basis the policy's exception for that rule asks
for (``required-by-law`` for 2.129.040(b)), and the scanner decides the field again with that declaration.
The finding stays in the report with the exception's effect (``flag``: allowed, audited) and its basis, so
a reviewer sees it. ``allow`` covers the finding on the same line or on the next line that is not blank;
``allow-file`` covers the whole file. A suppression

* naming a rule the policy does not have, or a rule that admits no declared legal basis (2.129.040(d)
  has none: a hold on a detainer alone is never lawful), or giving no basis, is itself a ``block``
  finding: a configuration that cannot mean what it says fails the scan;
* that covers no finding is a ``flag`` finding (stale: remove it).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model import Claim

_SUPPRESS_RE = re.compile(r"status-guard:\s*(?P<what>allow-file|allow)\b(?P<rest>.*)")
_CLOSERS = ("-->", "#}", "*/", "%}", "-%}")
_COMMENT_OPENERS = ("<!--", "{#", "#", "--", "//", "/*", "{%", ";")
_WORD_RE = re.compile(r"status-guard:\s*(?P<word>[A-Za-z][A-Za-z_-]*)")
_RULE_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:()\-]*")
_BASIS_RE = re.compile(r"[A-Za-z0-9§][A-Za-z0-9 .,;:§()'/&-]{4,159}")


@dataclass
class Suppression:
    line: int
    column: int
    whole_file: bool
    rules: tuple[str, ...]
    legal_basis: str
    problem: str | None = None
    claims: tuple[Claim, ...] = ()
    used: bool = field(default=False, compare=False)

    def covers(self, line: int, next_line: int | None) -> bool:
        return self.whole_file or line == self.line or line == next_line


def find(source: str) -> list[Suppression]:
    """Every ``status-guard: allow`` written inside a comment, with its line and column (1-based)."""
    out: list[Suppression] = []
    for n, text in enumerate(source.splitlines(), 1):
        at = text.find("status-guard:")
        if at == -1:
            continue
        before = text[:at]
        if not any(op in before for op in _COMMENT_OPENERS):
            continue  # not in a comment: a string or label that happens to say it
        m = _SUPPRESS_RE.match(text, at)
        if m is None:
            # a misspelled directive (`alow`, `allow_file`) is reported, never silently ignored (w16e F12)
            w = _WORD_RE.match(text, at)
            word = w.group("word") if w else ""
            close = difflib.get_close_matches(word.casefold(), ["allow", "allow-file"], n=1, cutoff=0.6) if word else []
            if close:
                out.append(Suppression(n, at + 1, False, (), "",
                                       problem=f'unknown directive `{word[:40]}` (did you mean "{close[0]}"?): '
                                               "write `status-guard: allow RULE -- LEGAL BASIS`"))
            continue
        rest = m.group("rest").rstrip()
        for closer in _CLOSERS:
            if rest.endswith(closer):
                rest = rest[: -len(closer)].rstrip()
                break
        head, sep, tail = rest.partition(" --")
        if not sep and rest.startswith("--"):
            head, tail = "", rest[2:]
        rules = tuple(_RULE_TOKEN.findall(head))
        basis = " ".join(tail.split())
        out.append(Suppression(n, at + 1, m.group("what") == "allow-file", rules, basis))
    return out


def next_code_line(source_lines: Sequence[str], line: int) -> int | None:
    """The first non-blank line after ``line`` (1-based), which an ``allow`` on its own line covers."""
    for i in range(line, len(source_lines)):
        if source_lines[i].strip():
            return i + 1
    return None


def resolve(policy: Any, s: Suppression) -> None:
    """Check a suppression against the policy and turn it into the claims it declares (or a problem)."""
    if s.problem is not None:
        return  # already named (a misspelled directive)
    if not s.rules:
        s.problem = "names no rule: write `status-guard: allow RULE -- LEGAL BASIS`"
        return
    if not s.legal_basis:
        s.problem = "gives no legal basis after `--`: the ordinance allows these questions only where a federal or " \
                    "state law requires them, and that law must be named"
        return
    if not _BASIS_RE.fullmatch(s.legal_basis):
        s.problem = "the legal basis must be a citation such as `8 U.S.C. §1324a (Form I-9)` (letters, digits, " \
                    "§ and punctuation; 5-160 characters)"
        return
    claims: list[Claim] = []
    f = policy.file
    for token in s.rules:
        rules = [r for r in policy.all_rules() if r.id == token or r.citation == token]
        if not rules:
            close = difflib.get_close_matches(token, [r.id for r in policy.all_rules()], n=1, cutoff=0.6)
            hint = f' (did you mean "{close[0]}"?)' if close else ""
            s.problem = f"names no rule of the policy: `{token[:60]}`{hint}"
            return
        found = []
        for rule in rules:
            found += [e for e in getattr(rule, "exceptions", ()) or ()
                      if (x := f.exceptions.get(e)) is not None and x.kind == "legal_basis"]
        if not found:
            rule = rules[0]
            s.problem = (f"names `{token[:60]}`, which admits no declared legal basis ({rule.citation}: the "
                         "ordinance makes no exception a suppression could declare)")
            return
        claims += [Claim(e, legal_basis=s.legal_basis) for e in found]
    s.claims = tuple(dict.fromkeys(claims))
