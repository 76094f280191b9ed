"""The text a page's script puts on screen: every string literal of a script, read as the browser
reads it — JavaScript escapes undone (``\\u0063itizen``, ``\\x3c``), adjacent literals joined across
``+`` (``"Are you a U.S. " + "citizen?"``), ``atob("…")`` decoded, markup inside a literal read as
its text — with the control names it can be tied to (the key it is the value of, the
``name``/``key``/``id`` of the object or call it sits in, the element ids its statement names).

Used to withhold a script whose literals ask a protected question (2.129.040(b)): the script is
sent to the browser, so what it writes is on the page even when no ``<label>`` holds it (r12f F01).
Bounded: at most ``MAX_LITERALS`` literals per script, each at most ``MAX_LITERAL`` characters."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any

MAX_LITERALS = 4096
MAX_LITERAL = 2000
MAX_JOINED = 16 * 1024
ALONE = 24  # up to this many candidate literals are each classified alone
GROUP = 8  # beyond it, in groups of this many first
_NAME_LIKE = re.compile(r"[\w.\-\[\]#/:]+")
_TOKEN = re.compile(r"""(["'])((?:\\[\s\S]|(?!\1)[^\\\n])*)\1|`((?:\\[\s\S]|[^`\\])*)`|//[^\n]*|/\*[\s\S]*?\*/""")
_ESCAPE = re.compile(r"""\\(u\{[0-9A-Fa-f]{1,6}\}|u[0-9A-Fa-f]{4}|x[0-9A-Fa-f]{2}|\r\n|[\s\S])""")
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "", "f": "", "v": "", "0": "", "\n": "", "\r": "", "\u2028": "",
           "\u2029": ""}
_TAG = re.compile(r"<[^<>]{0,400}>")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9A-Fa-f]{1,6}|[A-Za-z]{2,8});")
_PLUS = re.compile(r"\s*\+\s*")
_KEY_BEFORE = re.compile(r"""(?:["']([\w.\-\[\]]{1,64})["']|([A-Za-z_$][\w$]{0,63}))\s*(?::|=(?!=))\s*(?:atob\s*\(\s*)?$""")
_NAMED = re.compile(r"""["']?\b(?:name|key|id|field|fieldName|questionId|valueName|for|htmlFor)\b["']?\s*[:=]\s*"""
                    r"""["'`]([\w.\-\[\]]{1,64})["'`]""")
_BY_ID = re.compile(r"""(?:getElementById|getElementsByName)\s*\(\s*["'`]([\w.\-\[\]:]{1,64})["'`]"""
                    r"""|["'`][#]([\w\-]{1,64})["'`]|\[name=["']?([\w.\-\[\]]{1,64})""")
_ATOB = re.compile(r"atob\s*\(\s*$")
_B64 = re.compile(r"[A-Za-z0-9+/=\s]{8,}")
_STATEMENT_WINDOW = 400
_TEXT_KEYS = frozenset({"label", "title", "text", "question", "placeholder", "description", "prompt", "textContent",
                        "innerText", "innerHTML", "tooltip", "hint", "help", "caption", "legend", "ariaLabel"})


def _unescape(raw: str) -> str:
    def one(m: re.Match[str]) -> str:
        e = m.group(1)
        if e[0] == "u" and len(e) > 1:
            try:
                return chr(int(e[2:-1] if e[1] == "{" else e[1:], 16))
            except (ValueError, OverflowError):
                return ""
        if e[0] == "x" and len(e) == 3:
            return chr(int(e[1:], 16))
        return _SIMPLE.get(e, e if e != "\r\n" else "")

    return _ESCAPE.sub(one, raw) if "\\" in raw else raw


def shown_text(value: str) -> str:
    """A literal as a person reads it on screen: markup dropped, entities read, spaces folded."""
    if "<" in value:
        value = _TAG.sub(" ", value)
    if "&" in value:
        import html

        value = html.unescape(value)
    return " ".join(value.split())


@dataclass
class Literal:
    start: int
    end: int
    value: str  # unescaped, joined across ``+``, as shown
    ties: list[str]  # control names / element ids it can be tied to


def _atob(value: str) -> str | None:
    if not _B64.fullmatch(value):
        return None
    try:
        return base64.b64decode("".join(value.split()) + "==", validate=False).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def literals(text: str) -> list[Literal]:
    """Every string literal of script ``text`` (comments skipped), joined across ``+``."""
    raw: list[tuple[int, int, str]] = []
    for m in _TOKEN.finditer(text):
        if len(raw) >= MAX_LITERALS:
            break
        if m.group(2) is None and m.group(3) is None:
            continue  # a comment
        body = m.group(2) if m.group(2) is not None else m.group(3)
        if len(body) > MAX_LITERAL * 4:
            continue
        if m.group(3) is not None and "${" in body:
            body = re.sub(r"\$\{[^}]{0,200}\}", " ", body)  # a template's static text
        value = _unescape(body)
        if _ATOB.search(text, max(0, m.start() - 16), m.start()):
            value = _atob(value) or value
        raw.append((m.start(), m.end(), value))
    out: list[Literal] = []
    i = 0
    while i < len(raw):
        start, end, value = raw[i]
        j = i + 1
        while j < len(raw) and _PLUS.fullmatch(text, end, raw[j][0]) and len(value) < MAX_LITERAL:
            end, value = raw[j][1], value + raw[j][2]
            j += 1
        i = j
        shown = shown_text(value)[:MAX_LITERAL]
        if shown:
            out.append(Literal(start, end, shown, []))
    return out


def tie(text: str, lit: Literal) -> list[str]:
    """The names ``lit`` can be tied to: the key it is the value of (``{"q7": "…"}``, unless that key
    names a text property), the name/key/id in its statement (``render({label: "…", name: "q7"})``)
    and the element ids/names its statement looks up (``getElementById("l").textContent = "…"``)."""
    out: list[str] = []
    before = text[max(0, lit.start - 80):lit.start]
    m = _KEY_BEFORE.search(before)
    if m is not None:
        key = m.group(1) or m.group(2)
        if key not in _TEXT_KEYS:
            out.append(key)
    lo = max(text.rfind(";", max(0, lit.start - _STATEMENT_WINDOW), lit.start), lit.start - _STATEMENT_WINDOW, 0)
    hi_semi = text.find(";", lit.end, lit.end + _STATEMENT_WINDOW)
    hi = hi_semi if hi_semi >= 0 else min(len(text), lit.end + _STATEMENT_WINDOW)
    statement = text[lo:hi]
    for m in _NAMED.finditer(statement):
        out.append(m.group(1))
    for m in _BY_ID.finditer(statement):
        out.append(next(g for g in m.groups() if g))
    return list(dict.fromkeys(n for n in out if n))[:8]


def asking_literals(text: str, asks: Any, keep: Any = None, tie_all: bool = True) -> list[Literal]:
    """The literals of ``text`` that ask a protected question (``asks(text) -> bool``), with their
    ties (``tie_all`` False: only the kept literals are tied — when no name of the page is in the
    script, no literal can be tied to one). ``keep(lit) -> bool``: which literals are worth a classification (a script's many strings
    are not each classified: the cost of a page stays near its parse). The kept literals are
    classified together first: a script that says nothing protected costs one call."""
    lits = []
    for lit in literals(text):
        if len(lit.value) <= 3 or (len(lit.value) < 64 and _NAME_LIKE.fullmatch(lit.value)):
            continue  # a name, a path, an id
        if tie_all:
            lit.ties = tie(text, lit)
        if keep is None or keep(lit):
            if not tie_all:
                lit.ties = tie(text, lit)
            lits.append(lit)
    if not lits:
        return []
    out = []
    # few candidates: each classified alone; many: a group of them is read alone only when the group
    # together says something protected (a script of 4 000 strings costs ~500 classifications)
    step = 1 if len(lits) <= ALONE else GROUP
    for i in range(0, len(lits), step):
        group = lits[i:i + step]
        if step > 1 and not asks(" \n ".join(lit.value for lit in group)[:MAX_JOINED]):
            continue
        for lit in group:
            if asks(lit.value):
                out.append(lit)
                if len(out) >= 16:
                    return out
    return out
