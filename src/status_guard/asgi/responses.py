"""Redaction of response bodies for a requester the policy restricts: JSON (nested, arrays),
NDJSON, CSV and HTML tables. JSON goes through ``guard.redact`` (the core); CSV columns and HTML
table columns are decided as items named by their header. Anything that cannot be parsed raises
:class:`UnparseableInputError` — the middleware then refuses the response (fail closed)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from ..errors import LimitExceededError, UnparseableInputError
from ..model import Decision, Effect, Item
from ..redact import REDACTED, Redaction
from .config import Limits
from .requests import loads_json

RedactDoc = Callable[[Any], Redaction]
DecideColumns = Callable[[Sequence[Item]], Decision]
ColumnItem = Callable[[str], Item]

WITHHELD = frozenset({Effect.REDACT, Effect.STRIP, Effect.BLOCK})

CSV_TYPES = frozenset({"text/csv", "application/csv", "text/tab-separated-values"})
NDJSON_TYPES = frozenset({"application/x-ndjson", "application/ndjson", "application/jsonl",
                          "application/x-jsonlines", "application/jsonlines"})


@dataclass(frozen=True)
class RedactedBody:
    body: bytes
    decisions: tuple[Decision, ...]
    redacted: tuple[str, ...]  # paths or column names withheld (no values)


def redact_json(body: bytes, redact_doc: RedactDoc, limits: Limits) -> RedactedBody:
    doc = loads_json(body, limits, "JSON response")
    r = redact_doc(doc)
    if not r.changed:
        return RedactedBody(body, (r.decision,), ())
    return RedactedBody(orjson.dumps(r.document), (r.decision,), r.redacted + r.removed)


def redact_ndjson(body: bytes, redact_doc: RedactDoc, limits: Limits) -> RedactedBody:
    out: list[bytes] = []
    decisions: list[Decision] = []
    redacted: dict[str, None] = {}
    for n, line in enumerate(body.split(b"\n")):
        if not line.strip():
            out.append(line)
            continue
        if n >= limits.max_json_keys:
            raise LimitExceededError("NDJSON line count", limits.max_json_keys)
        doc = loads_json(line, limits, f"NDJSON line {n + 1}")
        r = redact_doc(doc)
        decisions.append(r.decision)
        for p in r.redacted + r.removed:
            redacted.setdefault(p, None)
        out.append(orjson.dumps(r.document) if r.changed else line.rstrip(b"\r"))
    return RedactedBody(b"\n".join(out), tuple(_distinct(decisions)), tuple(redacted))


def _distinct(decisions: list[Decision]) -> list[Decision]:
    """One decision per distinct outcome, so a 10 000-line export is not 10 000 audit records."""
    seen: dict[tuple[Any, ...], Decision] = {}
    for d in decisions:
        key = (d.effect, tuple((f.path.split("]", 1)[-1], f.effect) for f in d.fields))
        seen.setdefault(key, d)
    return list(seen.values())


def redact_csv(body: bytes, charset: str, media: str, column_item: ColumnItem, decide: DecideColumns,
               limits: Limits) -> RedactedBody:
    try:
        text = body.decode(charset or "utf-8")
    except (UnicodeDecodeError, LookupError):
        raise UnparseableInputError("the CSV response is not valid text in its charset") from None
    delimiter = "\t" if media == "text/tab-separated-values" else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error:
        raise UnparseableInputError("the CSV response is malformed") from None
    if not rows:
        return RedactedBody(body, (), ())
    header = rows[0]
    if len(header) > limits.max_csv_columns:
        raise LimitExceededError("CSV column count", limits.max_csv_columns, len(header))
    items = [column_item(h) for h in header]
    decision = decide(items)
    withheld = [i for i, f in enumerate(decision.fields) if f.effect in WITHHELD]
    if not withheld:
        return RedactedBody(body, (decision,), ())
    for row in rows[1:]:
        for i in withheld:
            if i < len(row):
                row[i] = REDACTED
        if len(row) > len(header):  # cells past the header have no name: nothing says they are safe
            for i in range(len(header), len(row)):
                row[i] = REDACTED
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return RedactedBody(buf.getvalue().encode(charset or "utf-8"), (decision,), tuple(header[i] for i in withheld))


def redact_html_tables(body: bytes, charset: str, column_item: ColumnItem, decide: DecideColumns) -> RedactedBody:
    """Every ``<table>``: columns are named by the header row (``<thead>`` or a first row of
    ``<th>``); cells of withheld columns are replaced by the placeholder. A table with no header
    row has unnamed columns, which the policy treats like any unclassified item."""
    from selectolax.lexbor import LexborHTMLParser

    if b"<table" not in body.lower():
        return RedactedBody(body, (), ())
    try:
        text = body.decode(charset or "utf-8")
    except (UnicodeDecodeError, LookupError):
        raise UnparseableInputError("the HTML response is not valid text in its charset") from None
    tree = LexborHTMLParser(text)
    decisions: list[Decision] = []
    withheld_names: dict[str, None] = {}
    changed = False
    for table in tree.css("table"):
        rows = [r for r in table.css("tr") if _same(_nearest_table(r), table)]
        if not rows:
            continue
        header_rows = _header_rows(rows, column_item, decide)
        has_header = bool(header_rows)
        width = max(len(_cells(r)) for r in rows)
        spans = any(_spans(c) for r in rows for c in _cells(r))
        texts = [[_cell_text(c) for c in _cells(r)] for r in header_rows]
        names = [" ".join(t[i] for t in texts if i < len(t) and t[i]) or f"column {i + 1}" for i in range(width)]
        items = [column_item(n) for n in names]
        decision = decide(items)
        decisions.append(decision)
        withheld = {i for i, f in enumerate(decision.fields) if f.effect in WITHHELD}
        if withheld and spans:  # merged cells make column positions unreliable: withhold them all
            withheld = set(range(width))
        for i in withheld:
            withheld_names.setdefault(names[i], None)
        for r in rows[len(header_rows):]:
            for i, cell in enumerate(_cells(r)):
                if i in withheld:
                    for child in list(cell.iter(include_text=True)):
                        child.remove() if child.parent is not None else None
                    cell.insert_child(REDACTED)
                    changed = True
    if not changed:
        return RedactedBody(body, tuple(decisions), ())
    out = tree.html or ""
    return RedactedBody(out.encode(charset or "utf-8", "xmlcharrefreplace"), tuple(decisions), tuple(withheld_names))


def _header_rows(rows: list[Any], column_item: ColumnItem, decide: DecideColumns) -> list[Any]:
    """The rows that name the columns: every leading row made only of ``<th>`` (a grouped header
    spans two rows), or else a first row of ``<td>`` whose texts name a protected category (a
    header written with ``<td><b>Citizenship</b></td>``) — its column is then withheld, never
    read as data."""
    header: list[Any] = []
    for r in rows[:8]:
        cells = _cells(r)
        if cells and all(c.tag == "th" for c in cells):
            header.append(r)
        else:
            break
    if header:
        return header
    items = [column_item(_cell_text(c)) for c in _cells(rows[0])]
    if items and any(f.categories and f.effect in WITHHELD for f in decide(items).fields):
        return [rows[0]]
    return []


def _cells(row: Any) -> list[Any]:
    return [c for c in row.iter() if c.tag in ("th", "td")]


def _spans(cell: Any) -> bool:
    for a in ("colspan", "rowspan"):
        v = (cell.attributes.get(a) or "1").strip()
        if v != "1":
            return True
    return False


def _nearest_table(node: Any) -> Any:
    p = node.parent
    while p is not None and p.tag != "table":
        p = p.parent
    return p


def _cell_text(node: Any) -> str:
    return " ".join((node.text(deep=True, separator=" ") or "").split())


def _same(a: Any, b: Any) -> bool:
    """selectolax hands out a new wrapper per access: compare the underlying node."""
    return a is not None and b is not None and a.mem_id == b.mem_id
