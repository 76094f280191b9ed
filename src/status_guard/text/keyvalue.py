"""Key–value lines inside a narrative go through the *field* classifier (issue 13, item 5).

Booking narratives and intake notes carry fields as text: ``POB: Port-au-Prince``,
``Citizenship: Haiti``, ``Employer - Star Market``, ``USCIS# 098-765-432``, ``Ngày ra tòa: 9/12``.
Each key is classified exactly like a form field name (abbreviations, languages, typos), and the
value after it is reported with the key's categories. A value that says nothing (``N/A``,
``none``, ``unknown``, ``—``) is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
import bisect

import regex

#: an export-style key that may start a field in the middle of a line: a word joined by "_"
#: (``BKG_RLS_DT``, ``alien_reg_nbr``) followed by its separator
_JOINED_KEY = r"\p{L}[\p{L}\p{N}]*(?:_[\p{L}\p{N}]+)+[ \t]*[:=：]"
#: a key: 1-6 words starting with a letter (any script; a word may join its parts with "_", ".",
#: "-" or run camelCase together, as export columns do), at the start of a line, after ; | • , after
#: a sentence or a comma, after a wide gap (two spaces or a tab: a pasted export row), or — for a
#: "_"-joined key — after any space; then ":" "=" "：" " - " or "#" (USCIS#, A#), then the value up to
#: the end of the line, the next separator, or the next "Key:" on the same line
_KEY_VALUE = regex.compile(
    r"(?:^|(?<=[\n;|•·؛])|(?<=[.!?。]\s)|(?<=[,،]\s)|(?<=[ ]{2}|\t)|(?<=[ \t]-[ \t])|(?<=[ \t])(?=" + _JOINED_KEY + r"))[ \t]*"
    r"(?P<key>\p{L}[\p{L}\p{M}\p{N}_'’./()&°º-]*(?:[ \t]+[\p{L}\p{M}\p{N}_'’./()&-]+){0,5}?)"
    r"[ \t]*(?P<sep>[:=：]|[ \t]-[ \t]|\#)[ \t]*"
    r"(?P<value>[^\n;|•؛]{1,160}?)"
    # the value ends at the line's end, a separator, or where the next "Key:" starts after a comma
    # or a full stop (Arabic and CJK have no capital letters to mark a sentence), after a wide gap,
    # or where a "_"-joined key starts
    r"(?=[ \t]*(?:$|[\n;|•؛]|(?:[,،.。]|-(?=[ \t]))[ \t]*\p{L}[\p{L}\p{M}_'’./ -]{0,30}?[ \t]*[:=：]|\.[ \t]+\p{Lu}|\.$)"
    r"|(?:[ ]{2,}|\t)[ \t]*\p{L}[\p{L}\p{M}\p{N}_'’./()&-]{0,40}(?:[ ][\p{L}\p{M}\p{N}_'’./()&-]+){0,3}[ \t]*[:=：]"
    r"|[ \t]+" + _JOINED_KEY + ")",
    regex.MULTILINE,
)
_EMPTY_VALUE = regex.compile(r"^\W*(?:n/?a|none|unknown|unk|not known|not applicable|nil|null|-+|—|\?+)?\W*$",
                             regex.IGNORECASE)
_NOT_KEY = regex.compile(r"^(?:https?|ftp|mailto|tel|re|fw|fwd|note|notes|update|nb|ps|p\.s)$", regex.IGNORECASE)
SCORE = 0.85

#: a number written right after its label ("Alien Reg No 098-765-432", "USCIS Number A098765432",
#: "Alien Reg. No.: 098765432" inside another field's value): up to 5 words of label, then an
#: A-number-shaped value
#: Each label word is bounded (``LABEL_WORD_MAX`` characters): unbounded, the search tried every
#: position of a long unbroken token (a pasted link, a base64 blob) and scanned to its end from each,
#: O(n²) — 4 000 characters cost ~2 s (review r15b F01/F03).  A label word longer than that names
#: nothing the field classifier reads; the number is still found after the label's last words.
LABEL_WORD_MAX = 64
_LW = "{0,%d}" % (LABEL_WORD_MAX - 1)
_LW1 = "{1,%d}" % LABEL_WORD_MAX
_LABEL_NUMBER = regex.compile(
    r"(?P<label>\p{L}[\p{L}\p{M}\p{N}_'’./()-]" + _LW + r"(?:[ \t]+[\p{L}\p{M}\p{N}_'’./()-]" + _LW1
    + r"){0,4})(?:[ \t]*[.:：#=-]+[ \t]*|[ \t]+)"
    r"(?P<value>(?<![\w-])A?[- ]?(?:\d{3}[- ]?\d{3}[- ]?\d{3}|\d{2}[- ]?\d{3}[- ]?\d{3})(?![\w-]))"
)
#: the categories a label before a bare number may give it: an identifier, never a date or a place
LABEL_NUMBER_CATEGORIES = frozenset({"alien_registration_number"})
#: every value _LABEL_NUMBER can match holds this (both number shapes end in it): without it the
#: (linear but not free) label search is skipped
_VALUE_CORE = regex.compile(r"\d{2}[- ]?\d{3}[- ]?\d{3}")


#: an export column key: capitals joined by "_" (``RLS_DT``, ``NEXT_CRT_DT``), then a space and its value
#: up to the next such key, the line's end or a sentence end (a space-separated JMS row, r13e F14)
_CAPS_KEY = r"\p{Lu}[\p{Lu}\p{N}]*(?:_[\p{Lu}\p{N}]+)+"
_SPACED_ROW = regex.compile(
    r"(?<![\w\"])(?P<key>" + _CAPS_KEY + r")[ \t]+(?P<value>(?:(?!" + _CAPS_KEY + r"\b)[^\s:=|,;\"][^\s|;\"]*[ \t]?){1,6})")
#: a pasted JSON member: "KEY": "value"
_VALUE_STOP = regex.compile(r",|\.(?=\s|$)|[ \t]+\p{Lu}\p{Ll}+[ \t]+\p{Ll}")
_JSON_MEMBER = regex.compile(r'"(?P<key>\p{L}[\p{L}\p{N}_ .-]{0,40})"[ \t]*:[ \t]*"(?P<value>[^"\n]{1,160})"')
#: a pasted XML element with text content: <BirthPlace>Jacmel</BirthPlace> (review r13f F02/F03)
_XML_ELEMENT = regex.compile(
    r"<(?P<key>\p{L}[\p{L}\p{N}_.:-]{0,40})(?:[ \t][^<>\n]{0,200})?>[ \t]*(?P<value>[^<>\n]{1,160}?)[ \t]*</(?P=key)[ \t]*>")
#: a header line and a data line of a pipe-, comma- or tab-separated export
_CELL_SEP = regex.compile(r"[|,\t]")
_RUN_ON = regex.compile(r"[ \t]+\p{Lu}\p{Ll}")
_HEADER_CELL = regex.compile(r"^[ \t]*\p{L}[\p{L}\p{N}_. -]{0,40}[ \t]*$")


#: a short capital key without "_" (``POB``, ``CITZ``, ``DOB``) and its value in capitals or digits,
#: in a list of such pairs ("DOB 3/4/90, POB Jacmel HT, CITZ HT") or alone on its line (r13e F14)
_SHORT_KEY = r"\p{Lu}[\p{Lu}\p{N}]{1,9}"
_RUN_ON_SENTENCE = r"[ \t]+\p{Lu}\p{Ll}+[ \t]+\p{Ll}"
_VALUE_TOKEN = r"[\p{Lu}\p{N}](?:[^\s,;.]|\.(?![\s.]|$)){0,40}"
_CAPS_PAIR = regex.compile(
    r"(?:^|(?<=[,;(]|[ \t]))(?P<key>" + _SHORT_KEY + r"|" + _CAPS_KEY + r")[ \t]+"
    r"(?P<value>" + _VALUE_TOKEN + r"(?:[ \t]+" + _VALUE_TOKEN + r"){0,3})"
    # the value ends at a separator, a sentence end, the line's end, or where the row runs on into
    # a sentence ("…, AGCY CPD Report by Sgt. Doe")
    r"(?=[ \t]*(?:[,;)]|\.(?:\s|$)|$)|" + _RUN_ON_SENTENCE + ")", regex.MULTILINE)
_BLANK = regex.compile(r"[ \t.]*")
_PAIR_GAP = regex.compile(r"[ \t]*[,;][ \t]*")
#: one-column layout: a key alone on its line, its value alone on the next
_KEY_LINE = regex.compile(r"^[ \t]*(?:" + _CAPS_KEY + r"|" + _SHORT_KEY + r")[ \t]*$")


def _caps_pairs(text: str) -> list[KeyValue]:
    pairs = list(_CAPS_PAIR.finditer(text, timeout=1.0))
    out: list[KeyValue] = []
    breaks = [i for i, c in enumerate(text) if c == "\n"] if pairs else []
    for i, m in enumerate(pairs):
        joined_before = i > 0 and _PAIR_GAP.fullmatch(text, pairs[i - 1].end(), m.start()) is not None
        joined_after = i + 1 < len(pairs) and _PAIR_GAP.fullmatch(text, m.end(), pairs[i + 1].start()) is not None
        if not (joined_before or joined_after):
            # alone on its line (newline positions are bisected: a scan per pair would be O(n²))
            at = bisect.bisect_left(breaks, m.start())
            line_start = breaks[at - 1] + 1 if at > 0 else 0
            line_end = breaks[at] if at < len(breaks) else len(text)
            if (_BLANK.fullmatch(text, line_start, m.start()) is None
                    or _BLANK.fullmatch(text, m.end(), line_end) is None):
                continue
        s, e = m.span("value")
        while e > s and text[e - 1] in " \t\r,.":
            e -= 1
        out.append(KeyValue(m.group("key"), s, e))
    return out


def _column_pairs(lines: list[str], pos: list[int]) -> list[KeyValue]:
    out: list[KeyValue] = []
    k = 0
    while k < len(lines) - 1:
        head, data = lines[k], lines[k + 1]
        if not _KEY_LINE.match(head) or not data.strip() or len(data) > 80:
            k += 1
            continue
        lead = len(data) - len(data.lstrip())
        out.append(KeyValue(head.strip(), pos[k + 1] + lead, pos[k + 1] + len(data.rstrip(" \t\r.,"))))
        k += 2  # the value line is not the next key
    return out


@dataclass(frozen=True, slots=True)
class KeyValue:
    key: str
    value_start: int
    value_end: int


def export_rows(text: str) -> list[KeyValue]:
    """Fields of a pasted export with no ``:``/``=``: a space-separated row of capital ``_`` keys,
    JSON members, and a header line followed by a data line with as many cells (r13e F14)."""
    out: list[KeyValue] = []
    if "_" in text:
        for m in _SPACED_ROW.finditer(text, timeout=1.0):
            s, e = m.span("value")
            cut = _VALUE_STOP.search(text, s, e)
            if cut is not None:
                e = cut.start()
            while e > s and text[e - 1] in " \t\r,.":
                e -= 1
            if e > s:
                out.append(KeyValue(m.group("key"), s, e))
    if '"' in text:
        for m in _JSON_MEMBER.finditer(text, timeout=1.0):
            out.append(KeyValue(m.group("key"), *m.span("value")))
    if "</" in text:
        for m in _XML_ELEMENT.finditer(text, timeout=1.0):
            if not _EMPTY_VALUE.match(m.group("value")):
                out.append(KeyValue(m.group("key").rpartition(":")[2], *m.span("value")))
    lines = text.split("\n")
    pos = [0]
    for ln in lines:
        pos.append(pos[-1] + len(ln) + 1)
    out.extend(_caps_pairs(text))
    if "\n" in text:
        out.extend(_column_pairs(lines, pos))
    for k in range(len(lines) - 1):
        head, data = lines[k], lines[k + 1]
        if not _CELL_SEP.search(head):
            continue
        sep = max("|,\t", key=head.count)
        hcells, dcells = head.split(sep), data.split(sep)
        # the header may follow a sentence on its line ("Copied from JMS: BKG_NO|…"), the data line
        # may run on into the next sentence ("…|HAITI Report by Sgt. Doe, unit 4.")
        hcells[0] = regex.split(r"[\s:]+", hcells[0].strip())[-1]
        if len(dcells) > len(hcells):
            dcells = dcells[:len(hcells) - 1] + [sep.join(dcells[len(hcells) - 1:])]
        if len(hcells) < 2 or len(hcells) != len(dcells) or not all(_HEADER_CELL.match(c) for c in hcells):
            continue
        end = _RUN_ON.search(dcells[-1])
        if end:
            dcells[-1] = dcells[-1][:end.start()]
        at = pos[k + 1]
        for h, d in zip(hcells, dcells):
            if d.strip() and not _EMPTY_VALUE.match(d):
                lead = len(d) - len(d.lstrip())
                out.append(KeyValue(h.strip(), at + lead, at + len(d.rstrip())))
            at += len(d) + 1
    return out


def key_values(text: str, _depth: int = 0) -> list[KeyValue]:
    out: list[KeyValue] = export_rows(text) if _depth == 0 else []
    if ":" not in text and "=" not in text and "：" not in text and "#" not in text and " - " not in text:
        return out
    for m in _KEY_VALUE.finditer(text, timeout=1.0):
        key = m.group("key").strip()
        if not key or _NOT_KEY.match(key) or len(key) > 60:
            continue
        value = m.group("value")
        if _EMPTY_VALUE.match(value):
            continue
        s, e = m.span("value")
        while e > s and text[e - 1] in " \t\r,.":
            e -= 1
        if m.group("sep") == "#":
            # USCIS# 098-765-432, A# 204-113-998: the word before #; and the whole key when it is a
            # label of several words ("Alien Reg No # 098-765-432")
            words = key.split()
            if len(words) > 1:
                out.append(KeyValue(key + " number", s, e))
            key = words[-1] + " number"
        out.append(KeyValue(key, s, e))
        if _depth < 2:
            # a value may itself be a field ("Intake: Alien Reg No: 098-765-432"): read it too
            out.extend(KeyValue(kv.key, s + kv.value_start, s + kv.value_end)
                       for kv in key_values(text[s:e], _depth + 1))
    return out


def classify_key_values(text: str, classify: Callable[[str], Iterable[str]]) -> list[tuple[str, int, int]]:
    """(category, start, end) for each value whose key the field classifier recognises."""
    found: list[tuple[str, int, int]] = []
    for kv in key_values(text):
        for cat in sorted(classify(kv.key)):
            found.append((cat, kv.value_start, kv.value_end))
    numbers = _LABEL_NUMBER.finditer(text, timeout=1.0, overlapped=False) if _VALUE_CORE.search(text) else ()
    for m in numbers:
        words = m.group("label").split()
        # the label is the last 1-5 words before the number; the longest one the classifier reads wins
        for n in range(len(words), 0, -1):
            cats = set(classify(" ".join(words[-n:]))) & LABEL_NUMBER_CATEGORIES
            if cats:
                for cat in sorted(cats):
                    found.append((cat, *m.span("value")))
                break
    return found
