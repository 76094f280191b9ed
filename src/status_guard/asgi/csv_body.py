"""CSV / TSV response bodies: every cell is a leaf named by its column header.

Structure never switches redaction off:

* a byte-order mark is removed for parsing and restored; Excel's ``sep=;`` first line names the
  delimiter;
* blank lines before the header are kept; comment or other lines before it (a title, ``# export
  of …``) are document text — withheld from a default-deny requester, checked as values for
  others; the header is the first row that is neither blank nor a comment;
* the delimiter is the one the media type implies (``,`` / tab), unless another one (``;`` ``|``
  tab ``,``) splits the header and the rows consistently and the implied one does not; when two
  delimiters both read consistently the structure is uncertain and the body is refused;
* every cell of a row wider than the header, and cells under an empty header, have no name
  (checked as unnamed values: withheld from a default-deny requester);
* duplicate column names are decided per column position; quoted headers are unquoted;
* header cells are keys: a header that is itself a value (a date, an A-number) is replaced;
* a cell holding a spreadsheet formula (``=``, ``+``, ``@``) is code, not its column's value:
  document text;
* a blank line after data rows, or a row made only of known field names (another header), may
  start another section: every row from there on has no certain name (document text: withheld
  from a default-deny requester).

A body the ``csv`` module cannot read strictly is refused.

**The bytes sent are the checked rows, written again** (with the file's delimiter, line ending,
byte-order mark and ``sep=`` line) — also when nothing was withheld: free text in a visible
public-record column is redacted span by span, and nothing the reading did not show can pass.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

from ..disclose.leaves import Flat, KeyRef, Leaf, key_segment
from ..errors import LimitExceededError, UnparseableInputError
from .disclosure import Disclosure, RedactedBody

REDACTED = "[REDACTED]"
CANDIDATES = (",", ";", "\t", "|")


def _rows(text: str, delimiter: str) -> list[list[str]] | None:
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error:
        return None


def _header_index(rows: list[list[str]]) -> int | None:
    for i, r in enumerate(rows):
        if not any(c.strip() for c in r):
            continue
        if r[0].lstrip().startswith("#"):
            continue
        return i
    return None


def _consistent(rows: list[list[str]], h: int) -> bool:
    """The header has at least two cells and every non-blank row after it is as wide."""
    width = len(rows[h])
    if width < 2:
        return False
    data = [r for r in rows[h + 1:] if any(c.strip() for c in r)]
    return all(len(r) == width for r in data)


def _reads_as_header(row: list[str], header: list[str], d: Disclosure) -> bool:
    """A data row every cell of which reads like a field name, one at least a field the classifier
    knows (``name,home_address``, ``release_date,facility``), not all of them this table's header:
    another section's header, not a record."""
    from ..disclose.values import name_like_key

    cells = [c.strip() for c in row if c.strip()]
    if len(cells) < 2 or set(cells) <= {c.strip() for c in header}:
        return False
    return all(name_like_key(c) for c in cells) and any(d.classifier.classify(c).categories for c in cells)


def choose_delimiter(text: str, implied: str) -> tuple[str, list[list[str]], bool]:
    """The delimiter and rows. A reading is *consistent* when its header has two or more cells and
    every non-blank row below is as wide. The implied delimiter wins when it is consistent and no
    other is; another delimiter wins when it alone is consistent (a ``;`` file served as
    text/csv); two consistent readings are two possible tables: refused. No consistent reading
    (ragged rows, one column): the implied delimiter, *uncertain* — cells past the header, and
    cells that hold another delimiter, are unnamed."""
    parsed = {dl: _rows(text, dl) for dl in CANDIDATES}
    good = []
    for dl in CANDIDATES:
        rows = parsed[dl]
        if rows is None:
            continue
        h = _header_index(rows)
        if h is not None and _consistent(rows, h):
            good.append(dl)
    if len(good) > 1:
        raise UnparseableInputError("the CSV response reads consistently with more than one delimiter, so its "
                                    "columns are not certain")
    if good:
        return good[0], parsed[good[0]], True  # type: ignore[return-value]
    rows = parsed[implied]
    if rows is None:
        raise UnparseableInputError("the CSV response is malformed")
    return implied, rows, False


def redact_csv(body: bytes, charset: str, media: str, d: Disclosure) -> RedactedBody:
    try:
        text = body.decode(charset or "utf-8")
    except (UnicodeDecodeError, LookupError):
        raise UnparseableInputError("the CSV response is not valid text in its charset") from None
    bom = text.startswith("\ufeff")
    if bom:
        text = text[1:]
    if "\x00" in text:
        raise UnparseableInputError("the CSV response holds NUL characters")
    implied = "\t" if media == "text/tab-separated-values" else ","
    sep_line = ""
    m = re.match(r"sep=(.)(\r\n|\n|\r)", text)
    if m and m.group(1) in CANDIDATES:  # Excel's delimiter hint: the file says which it is
        sep_line, text = m.group(0), text[m.end():]
        rows_or_none = _rows(text, m.group(1))
        if rows_or_none is None:
            raise UnparseableInputError("the CSV response is malformed")
        delimiter, rows = m.group(1), rows_or_none
        h0 = _header_index(rows)
        certain = h0 is not None and _consistent(rows, h0)
    else:
        delimiter, rows, certain = choose_delimiter(text, implied)
    others = [c for c in CANDIDATES if c != delimiter]
    h = _header_index(rows)
    if h is None:
        # nothing but blank lines and comments: every non-blank line is document text
        h = len(rows)
        header: list[str] = []
    else:
        header = rows[h]
    if len(header) > d.limits.max_csv_columns:
        raise LimitExceededError("CSV column count", d.limits.max_csv_columns, len(header))
    counts = Counter(c.strip() for c in header)
    segs = []
    for j, name in enumerate(header):
        n = name.strip()
        segs.append(key_segment(n) if n and counts[n] == 1 and d.safe_key(n) else f"*{j}")
    flat = Flat()
    for j, name in enumerate(header):
        flat.keys.append(KeyRef(name.strip(), (), segs[j], (h, j)))
    section_break = False  # a blank line after data rows: what follows may be another table
    for r, row in enumerate(rows):
        if r == h:
            continue
        if r > h and not any(c.strip() for c in row):
            section_break = section_break or any(any(c.strip() for c in x) for x in rows[h + 1:r])
            continue
        if r > h and not section_break and _reads_as_header(row, header, d):
            section_break = True  # another header row without a blank line: a second section
        if r > h and (section_break or len(row) > len(header)):
            # a second section (its own header?) is not under this header; a row wider than the
            # header is not one of its records either: none of its cells has a certain name
            for j, cell in enumerate(row):
                flat.leaves.append(Leaf((), f"section[{r}][{j}]", cell, (r, j), kind="text"))
            continue
        if r < h:
            if any(c.strip() for c in row):
                for j, cell in enumerate(row):
                    flat.leaves.append(Leaf((), f"preamble[{r}][{j}]", cell, (r, j), kind="text"))
            continue
        for j, cell in enumerate(row):
            # no consistent reading: a cell holding another delimiter may be two cells run together
            # (a `;` file with one column): it has no certain name
            # a formula (=HYPERLINK("…"), +cmd, @SUM) is code a spreadsheet runs, not the column's
            # value: it has no certain name either (r10b F07)
            if j < len(header) and header[j].strip() and (certain or not any(o in cell for o in others)) \
                    and cell.lstrip()[:1] not in ("=", "+", "@"):
                flat.leaves.append(Leaf((header[j].strip(),), f"[{r - h - 1}].{segs[j]}", cell, (r, j)))
            else:
                flat.leaves.append(Leaf((), f"[{r - h - 1}].*{j}", cell, (r, j), kind="text"))
        if len(flat.leaves) > d.limits.max_response_leaves:
            raise LimitExceededError("CSV cell count", d.limits.max_response_leaves)
    out = d.run(flat)
    comment = [bool(r) and r[0].lstrip().startswith("#") for r in rows[:h]]
    withheld_cols: dict[str, None] = {}
    for i, leaf in enumerate(flat.leaves):
        r, j = leaf.ref
        if i in out.rewritten:
            rows[r][j] = out.rewritten[i]
        elif out.withheld(i):
            rows[r][j] = REDACTED
            withheld_cols.setdefault(leaf.path.split(".", 1)[-1] if r > h else "preamble", None)
    for r in range(min(h, len(rows))):  # a withheld preamble line becomes one cell
        if any(c == REDACTED for c in rows[r]):
            rows[r] = ["# " + REDACTED] if comment[r] else [REDACTED]
    renamed = 0
    for k in sorted(out.keys_withheld):
        renamed += 1
        rows[h][flat.keys[k].ref[1]] = REDACTED if renamed == 1 else f"{REDACTED} {renamed}"
        withheld_cols.setdefault(flat.keys[k].path + ".*key", None)
    terminator = "\r\n" if "\r\n" in text or "\n" not in text else "\n"
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=delimiter, lineterminator=terminator).writerows(rows)
    new = ("\ufeff" if bom else "") + sep_line + buf.getvalue()
    return RedactedBody(new.encode(charset or "utf-8"), (out.decision,), tuple(withheld_cols))


__all__ = ["choose_delimiter", "redact_csv"]
