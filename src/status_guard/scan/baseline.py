"""A baseline: the findings a team has adopted, so CI fails only on new ones.

    status-guard scan app/ --write-baseline status-guard-baseline.json   # adopt what is there today
    status-guard scan app/ --baseline status-guard-baseline.json         # CI: fail only on what is new

A finding is matched by its fingerprint (file, kind, field name, rule, action — not its line, so editing
around it does not break the match), as many times as the baseline lists it. Adopted findings stay in
every report, marked ``baselined`` (SARIF ``baselineState: unchanged``); they stop failing the build.
Entries that no longer match anything are reported (``fixed``) so the file can be refreshed. A file that
could not be parsed is never adopted: an unchecked file is never a pass.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import StatusGuardError
from .findings import Finding, Kind

VERSION = 1
MAX_BYTES = 20_000_000


class BaselineError(StatusGuardError):
    """The baseline file cannot be read or is not a status-guard baseline."""


@dataclass(frozen=True)
class BaselineEntry:
    fingerprint: str
    file: str
    kind: str
    name: str
    rule_id: str
    effect: str
    count: int = 1


def adoptable(f: Finding) -> bool:
    return f.kind is not Kind.UNPARSEABLE and f.kind is not Kind.SUPPRESSION and not f.suppressed


def to_json(findings: Iterable[Finding], policy: dict[str, str]) -> str:
    counts: Counter[str] = Counter()
    first: dict[str, Finding] = {}
    for f in findings:
        if not adoptable(f):
            continue
        counts[f.fingerprint] += 1
        first.setdefault(f.fingerprint, f)
    entries = [{"fingerprint": fp, "file": first[fp].file, "kind": first[fp].kind.value, "name": first[fp].name,
                "rule_id": first[fp].rule_id, "effect": first[fp].effect.value, "count": n}
               for fp, n in sorted(counts.items(), key=lambda kv: (first[kv[0]].file, first[kv[0]].name, kv[0]))]
    doc = {"status_guard_baseline": VERSION, "policy": policy,
           "note": "Findings adopted by this project: `status-guard scan --baseline FILE` fails only on new ones.",
           "findings": entries}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


REGENERATE = ("; regenerate it with `status-guard scan <the same paths> --write-baseline {path}` (this adopts "
              "every current finding again: review the list it prints)")


def _json_words(msg: str) -> str:
    """The JSON parser's complaint in plain words."""
    words = {"Expecting value": "a value was expected (a missing value, or a stray comma)",
             "Expecting ',' delimiter": "a comma is missing",
             "Expecting ':' delimiter": "a colon is missing",
             "Expecting property name enclosed in double quotes": "a name in double quotes was expected (a stray "
                                                                   "comma before a closing brace?)",
             "Unterminated string starting at": "a text in quotes is not closed",
             "Extra data": "there is more after the end of the baseline",
             "Invalid control character at": "a text in quotes holds a line break or control character"}
    return words.get(msg, msg[:1].lower() + msg[1:])


def load(path: str | Path) -> list[BaselineEntry]:
    p = Path(path)
    try:
        if p.stat().st_size > MAX_BYTES:
            raise BaselineError(f"{p.name} is larger than {MAX_BYTES} bytes")
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"no baseline file at {p} (create it with --write-baseline)") from None
    except (OSError, UnicodeDecodeError) as e:
        raise BaselineError(f"{p} cannot be read ({getattr(e, 'strerror', None) or 'not UTF-8 text'}){REGENERATE.format(path=p)}") \
            from None
    return load_text(text, str(p))


def load_text(text: str, name: str = "baseline") -> list[BaselineEntry]:
    p = name
    again = REGENERATE.format(path=p)
    try:
        doc: Any = json.loads(text)
    except json.JSONDecodeError as e:
        # where and what, in words (never the parser's class name): the officer can open the file at that line
        raise BaselineError(f"{p} is not a valid baseline file: line {e.lineno} column {e.colno}: "
                            f"{_json_words(e.msg)}{again}") from None
    if not isinstance(doc, dict) or doc.get("status_guard_baseline") != VERSION or not isinstance(doc.get("findings"), list):
        raise BaselineError(f"{p} is not a valid baseline file: it is not a status-guard baseline (version "
                            f"{VERSION}){again}")
    out = []
    for i, e in enumerate(doc["findings"]):
        if not isinstance(e, dict) or not isinstance(e.get("fingerprint"), str):
            raise BaselineError(f"{p} is not a valid baseline file: finding {i + 1} has no fingerprint{again}")
        count = e.get("count", 1)
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise BaselineError(f"{p} is not a valid baseline file: finding {i + 1} has a count that is not a "
                                f"whole number of at least 1{again}")
        out.append(BaselineEntry(e["fingerprint"], str(e.get("file", "")), str(e.get("kind", "")),
                                 str(e.get("name", "")), str(e.get("rule_id", "")), str(e.get("effect", "")), count))
    return out


def apply(findings: Iterable[Finding], entries: Iterable[BaselineEntry]) -> tuple[list[Finding], list[BaselineEntry]]:
    """(findings with ``baselined`` set where adopted, entries that matched nothing)."""
    from dataclasses import replace

    left: Counter[str] = Counter()
    by_fp: dict[str, BaselineEntry] = {}
    for e in entries:
        left[e.fingerprint] += e.count
        by_fp.setdefault(e.fingerprint, e)
    out = []
    for f in findings:
        if adoptable(f) and left[f.fingerprint] > 0:
            left[f.fingerprint] -= 1
            out.append(replace(f, baselined=True))
        else:
            out.append(f)
    fixed = [BaselineEntry(fp, by_fp[fp].file, by_fp[fp].kind, by_fp[fp].name, by_fp[fp].rule_id, by_fp[fp].effect, n)
             for fp, n in left.items() if n > 0]
    return out, fixed
