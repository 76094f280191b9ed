"""Is this file a status-guard audit log at all, and if not, what does it look like?

``audit verify`` given the wrong file (a CSV export, a report, a witness's heads file) must say
"not an audit log" (bad input, exit 2), never raise the tamper alarm (exit 1). A genuine log with a
damaged or edited line must stay the alarm. The line between them: a stored line with the shape of
a record (a JSON object with ``seq``, ``prev_hash`` and ``hash``) — any one, even if its hash or
content no longer verifies — makes the file an audit log. Only the first bytes are read.
"""

from __future__ import annotations

import os
import re

import orjson

SNIFF_BYTES = 64 * 1024
RECORD_KEYS = (b'"seq":', b'"prev_hash":', b'"hash":')
# a marker record's first key (keys are stored sorted): the writer's MAC, 32 hex digits
MARKER_START = re.compile(rb'\{"auth":"[0-9a-f]{32}"')


def _first_line(head: bytes) -> bytes:
    for line in head.splitlines():
        if line.strip():
            return line.strip()
    return b""


def record_shaped(line: bytes) -> bool:
    """A line that was (or was meant to be) an audit record: JSON object text with the chain's link
    (``prev_hash``), or a marker's chain declaration, or a record's hash and writer MAC. Deliberately
    textual: a record with a broken byte, or the cut-off start of one (keys are stored sorted, so a torn
    first record holds ``auth`` and ``chain`` before ``prev_hash``), is still recognised."""
    line = line.lstrip()
    return line.startswith(b"{") and (all(k in line for k in RECORD_KEYS) or b'"prev_hash":"' in line
                                      or b'"chain":{"alg":"' in line
                                      or (b'"auth":"' in line and b'"hash":"' in line)
                                      or MARKER_START.match(line) is not None)


def holds_record_shaped_line(path: str) -> bool:
    """True when one of the first lines of ``path`` has the shape of an audit record."""
    try:
        with open(path, "rb") as f:
            head = f.read(SNIFF_BYTES)
    except OSError:
        return False
    return any(record_shaped(line) for line in head.splitlines())


def looks_like(path: str) -> str:
    """A few words for what the file at ``path`` seems to be (cheap: its first bytes)."""
    try:
        with open(path, "rb") as f:
            head = f.read(SNIFF_BYTES)
    except OSError:
        return "a file that cannot be read"
    if not head.strip():
        return "an empty file"
    if head.startswith(b"SQLite format 3\x00"):
        return "a SQLite database (give it as sqlite:PATH)"
    if head.startswith(b"%PDF"):
        return "a PDF document"
    if head.startswith((b"PK\x03\x04", b"\x1f\x8b")):
        return "a compressed archive (zip or gzip): unpack it first"
    if b"\x00" in head[:4096]:
        return "a binary file"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return "a binary file (not UTF-8 text)"
    line = _first_line(head)
    stripped = text.lstrip()
    if stripped.startswith("<"):
        return "an HTML or XML document"
    if stripped.startswith("["):
        return "a JSON document (an array), not JSON Lines"
    if line.startswith(b"{"):
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError:
            return "a JSON document spread over several lines, not JSON Lines"
        if isinstance(obj, dict) and obj.get("type") == "status_guard.tree_head":
            return "a witness's heads file (give it as --witness file:PATH)"
        keys = ", ".join(sorted(map(str, obj))[:5]) if isinstance(obj, dict) else ""
        return f"JSON Lines of another kind (its first object has {keys or 'no keys'})"
    if line.count(b",") >= 1 and b"{" not in line:
        return "a CSV file (a spreadsheet export?)"
    return "plain text"


def describe(path: str | None, description: str) -> str:
    """'<path> is not a status-guard audit log: it looks like …' (the path, or the sink's description)."""
    where = path if path else description
    what = looks_like(path) if path and os.path.isfile(path) else "no record in it could be read"
    return f"{where} is not a status-guard audit log: it looks like {what}" if path else f"{where} is not a " \
        f"status-guard audit log: {what}"
