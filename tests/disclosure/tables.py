"""Generated CSV bodies, HTML tables and XML documents, with their ground truth (see
generators.py): every structural trap the review found, and more."""

from __future__ import annotations

import csv
import io
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from hypothesis import strategies as st

from .generators import PROTECTED_KEYS, STATUS_KEYS, Maker, Truth

# a column is (header text, kind): kind "protected" | "status" | "public"
PUBLIC_COLUMNS = ["charge", "Arrest Date"]  # declared: `charge` and `"Arrest Date"` (top-level names)


@st.composite
def columns(draw: Any) -> list[tuple[str, str]]:
    cols: list[tuple[str, str]] = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["protected", "protected", "status", "public"]))
        if kind == "protected":
            cols.append((draw(st.sampled_from(PROTECTED_KEYS + ["Home Address", "Employer Name"])), kind))
        elif kind == "status":
            cols.append((draw(st.sampled_from(STATUS_KEYS)), kind))
        else:
            cols.append((draw(st.sampled_from(PUBLIC_COLUMNS)), kind))
    if draw(st.booleans()) and cols:  # a duplicate column name
        cols.append(cols[draw(st.integers(0, len(cols) - 1))])
    return cols


def _cell(m: Maker, kind: str, draw: Any) -> str:
    if kind == "public":
        return m.public_scalar()
    if kind == "status":
        if draw(st.integers(0, 3)) == 0:  # a non-status value stored in the status column
            tok = m.t.token("p")
            m.t.protected.append(tok)
            return draw(st.sampled_from([f"2026-12-01 {tok}", f"12 Elm St {tok}"]))
        return m.status_scalar()
    v = m.protected_scalar()
    return str(v)


@st.composite
def csv_tables(draw: Any) -> tuple[tuple[bytes, str, bool], Truth]:
    t = Truth()
    m = Maker(draw, t)
    cols = draw(columns())
    n_rows = draw(st.integers(1, 5))
    rows = [[_cell(m, k, draw) for _, k in cols] for _ in range(n_rows)]
    delimiter = draw(st.sampled_from([",", ",", ";", "\t", "|"]))
    media = "text/tab-separated-values" if delimiter == "\t" and draw(st.booleans()) else "text/csv"
    implied = "\t" if media == "text/tab-separated-values" else ","
    ragged = draw(st.booleans())
    if ragged:  # cells past the header's width carry protected values
        for r in rows:
            if draw(st.booleans()):
                r.append(str(m.protected_scalar()))
    buf = io.StringIO(newline="")
    quote_all = draw(st.booleans())
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n",
                   quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    preamble = ""
    for _ in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(["blank", "comment", "title"]))
        if kind == "blank":
            preamble += "\r\n"
        else:
            tok = t.token("p")
            t.protected.append(tok)
            preamble += (f"# export for case {tok}\r\n" if kind == "comment" else f"# Booking report {tok}\r\n")
    w.writerow([c for c, _ in cols])
    w.writerows(rows)
    text = preamble + buf.getvalue()
    if draw(st.booleans()):
        text = "\ufeff" + text
    # certain: the columns can be known (the implied delimiter, or another one read consistently)
    wide_enough = len(cols) >= 2
    # a row wider than the header is withheld whole (r10b F09): its declared cells need not reach
    certain = (delimiter == implied or wide_enough) and not ragged
    if delimiter != implied and not wide_enough:
        certain = False
    return (text.encode("utf-8"), media, certain), t


@st.composite
def html_tables(draw: Any) -> tuple[tuple[bytes, bool], Truth]:
    t = Truth()
    m = Maker(draw, t)
    cols = draw(columns())
    header_style = draw(st.sampled_from(["thead", "th_row", "td_row"]))
    if header_style == "td_row" and not any(k == "protected" and _classified(c) for c, k in cols):
        header_style = "thead"  # a <td> header is recognised by the protected columns it names
    rows = []
    for _ in range(draw(st.integers(1, 4))):
        cells = []
        for c, k in cols:
            tag = "th" if draw(st.integers(0, 5)) == 0 else "td"  # body rows written with <th>
            value = escape(_cell(m, k, draw))
            attrs = ""
            if draw(st.integers(0, 3)) == 0:  # attributes of a cell carry values too
                tok = t.token("p")
                t.protected.append(tok)
                attrs = f" title={quoteattr('12 Elm St ' + tok)} data-release={quoteattr(tok)}"
            inner = value
            if draw(st.integers(0, 4)) == 0:  # a hidden input inside a cell
                tok = t.token("p")
                t.protected.append(tok)
                inner += f'<input type="hidden" name="home_address" value="{tok}">'
            if draw(st.integers(0, 5)) == 0:
                tok = t.token("p")
                t.protected.append(tok)
                inner += f"<!-- release {tok} -->"
            cells.append(f"<{tag}{attrs}>{inner}</{tag}>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    head_cells = "".join(f"<{'td' if header_style == 'td_row' else 'th'}>{escape(c)}</{'td' if header_style == 'td_row' else 'th'}>"
                         for c, _ in cols)
    caption = ""
    if draw(st.booleans()):
        tok = t.token("p")
        t.protected.append(tok)
        caption = f"<caption>Bookings of {tok}</caption>"
    if header_style == "thead":
        table = f"<table>{caption}<thead><tr>{head_cells}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    else:
        table = f"<table>{caption}<tr>{head_cells}</tr>{''.join(rows)}</table>"
    outside = ""
    if draw(st.booleans()):
        tok = t.token("p")
        t.protected.append(tok)
        outside = draw(st.sampled_from([f"<p>Prepared for {tok}</p>", f'<input type="hidden" value="{tok}">',
                                        f"<!-- {tok} -->", f'<div title="{tok}">x</div>',
                                        f"<script>var record = {{'address': '{tok}'}}</script>"]))
    body = f"<!DOCTYPE html><html><head><title>Report</title></head><body>{outside}{table}</body></html>"
    return (body.encode("utf-8"), True), t


def _classified(name: str) -> bool:
    from status_guard import Guard

    global _G
    try:
        g = _G
    except NameError:
        g = _G = Guard.default(audit="memory:")
    return bool(g.classify_field(name))


NS = {"nc": "http://release.niem.gov/niem/niem-core/5.0/", "j": "http://release.niem.gov/niem/domains/jxdm/7.0/",
      "im": "http://release.niem.gov/niem/domains/immigration/5.0/"}
XML_PROTECTED = ["PersonFullName", "PersonBirthDate", "LocationStreet", "ReleaseDate", "CourtEventDate",
                 "Notes", "home_address", "IncarcerationStatus", "detention_length_days"]
XML_STATUS = ["citizenship", "immigration_status", "ImmigrationStatus", "CitizenshipStatus"]


@st.composite
def xml_documents(draw: Any) -> tuple[bytes, Truth]:
    t = Truth()
    m = Maker(draw, t)

    def el(name: str, inner: str, attrs: str = "", prefix: str | None = None) -> str:
        pfx = f"{prefix}:" if prefix else ""
        return f"<{pfx}{name}{attrs}>{inner}</{pfx}{name}>"

    def protected_el(depth: int) -> str:
        name = draw(st.sampled_from(XML_PROTECTED))
        prefix = draw(st.sampled_from([None, "nc", "j"]))
        if depth > 0 and draw(st.booleans()):
            return el(name, "".join(protected_el(depth - 1) for _ in range(draw(st.integers(1, 2)))), prefix=prefix)
        attrs = ""
        if draw(st.integers(0, 3)) == 0:
            tok = t.token("p")
            t.protected.append(tok)
            attrs = f' nc:note="{tok}"'
        return el(name, escape(str(m.protected_scalar())), attrs, prefix)

    def person(depth: int) -> str:
        parts = []
        for _ in range(draw(st.integers(1, 4))):
            what = draw(st.sampled_from(["protected", "status", "status_nested", "status_attr", "case", "mixed",
                                         "comment", "child"]))
            if what == "protected":
                parts.append(protected_el(1))
            elif what == "status":
                parts.append(el(draw(st.sampled_from(XML_STATUS)), escape(m.status_scalar()),
                                prefix=draw(st.sampled_from([None, "im"]))))
            elif what == "status_nested":
                parts.append(el(draw(st.sampled_from(XML_STATUS)), protected_el(0), prefix="im"))
            elif what == "status_attr":
                parts.append(el("Detail", escape(str(m.protected_scalar())),
                                f' citizenship="{escape(m.status_scalar())}"'))
            elif what == "case":
                parts.append(el("case_number", escape(m.public_scalar())))
            elif what == "mixed":  # mixed content: document text, never carved out
                tok = t.token("p")
                t.protected.append(tok)
                parts.append(el("citizenship", f"US citizen <b>since</b> {tok}"))
            elif what == "comment":
                tok = t.token("p")
                t.protected.append(tok)
                parts.append(f"<!-- release {tok} --><?note {tok}?>")
            elif what == "child" and depth > 0:
                parts.append(el("Person", person(depth - 1), prefix="nc"))
        return "".join(parts)

    ns = " ".join(f'xmlns:{k}="{v}"' for k, v in NS.items())
    charge = ""
    if draw(st.booleans()):
        charge = el("Arrest", el("charge", escape(m.public_scalar())))  # `arrest.charge` is declared
    root = draw(st.sampled_from(["Booking", "Records"]))
    decl = '<?xml version="1.0" encoding="UTF-8"?>' if draw(st.booleans()) else ""
    if root == "Booking":
        # the root element is the first name: Booking.Arrest.charge is not `arrest.charge`
        body = f"{decl}<Booking {ns}>{el('Person', person(2), prefix='nc')}</Booking>"
    else:
        body = f"{decl}<arrest {ns}>{el('charge', escape(m.public_scalar()))}{el('Person', person(1), prefix='nc')}</arrest>"
    del charge
    return body.encode("utf-8"), t


__all__ = ["csv_tables", "html_tables", "xml_documents"]
