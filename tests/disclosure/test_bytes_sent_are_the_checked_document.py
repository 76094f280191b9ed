"""What is sent is what was checked (review round 1, flaws R05, R06, R07, R08, R09, R13).

Invariants, for a restricted requester (2.129.040(e): a federal officer in police scope):

* **The bytes sent are the re-serialised checked document** — also when nothing needs
  withholding. JSON: the parsed document (so the first value of a duplicate key, which the parse
  never showed the guard, is not sent); CSV / TSV: the checked rows written again (free text in an
  all-public CSV is redacted span by span like in JSON); XML: the checked tree (comments,
  processing instructions — before the root too — are not sent; a namespace URI that carries a
  value is replaced); HTML: the checked tree (comments, and for default-deny requesters scripts,
  templates and ``<style>``, removed). The original bytes are never sent after a check.
* **Merged table cells** are placed as a browser places them (the HTML table model): a
  ``colspan`` cell is a value of every column it covers, a ``rowspan`` moves the cells below; no
  protected value reaches the requester whatever the spans.
"""

from __future__ import annotations

import csv
import io
import json
import re

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard
from status_guard.asgi import RouteConfig
from status_guard.asgi.config import Limits
from status_guard.asgi.disclosure import Disclosure
from status_guard.asgi.html_body import redact_html
from status_guard.asgi.responses import redact_body
from status_guard.disclose.paths import compile_patterns

from .asgi_helpers import PUBLIC, fetch, serving
from .generators import letters

SETTINGS = settings(max_examples=200, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
MENTIONS = ["released 2026-11-{d:02d} to {d} Elm St", "lives at {d} Prospect Street", "release date 2026-12-{d:02d}",
            "next hearing 2026-12-{d:02d}"]


def _d(guard: Guard, requester: str = "federal") -> Disclosure:
    return Disclosure(guard, guard.audience("police", requester, None, compile_patterns(PUBLIC)), Limits())


def _mention(draw) -> tuple[str, list[str]]:
    d = draw(st.integers(1, 28))
    m = draw(st.sampled_from(MENTIONS)).format(d=d)
    secrets = [s for s in re.findall(r"2026-\d\d-\d\d|\d+ Elm St|\d+ Prospect Street", m)]
    return m, secrets


# --- JSON: duplicate keys -----------------------------------------------------------------------
@st.composite
def duplicate_key_documents(draw):
    """A JSON object text where some keys occur twice: the first value protected, the last harmless."""
    members, secrets = [], []
    for n in range(draw(st.integers(1, 4))):
        key = draw(st.sampled_from(["charge", "citizenship", "booking_id", "notes", "home_address"]))
        d = draw(st.integers(1, 28))
        hidden = draw(st.sampled_from([f"released 2026-11-{d:02d} to {d} Elm St", f"{d} Elm St zq{letters(n)}",
                                       f"2026-12-{d:02d}"]))
        secrets.append(hidden)
        last = draw(st.sampled_from(["PUB", "asylee", "B-1", "trespass"]))
        members += [f'"{key}": {json.dumps(hidden)}', f'"{key}": {json.dumps(last)}']
    return "{" + ", ".join(members) + "}", secrets


@SETTINGS
@given(case=duplicate_key_documents())
def test_federal_officer_never_receives_the_value_a_duplicate_key_hid_from_the_guard(guard: Guard, case) -> None:
    body, secrets = case
    r = redact_body("json", body.encode(), "utf-8", "application/json", _d(guard))
    out = r.body.decode()
    assert not [s for s in secrets if s in out], out
    # the bytes are exactly the redaction of the document the parse produced
    assert orjson.loads(r.body) == guard.redact(orjson.loads(body), "police", "federal",
                                                public_record_fields=list(PUBLIC)).document


# --- CSV / TSV whose every column is public -------------------------------------------------------
@st.composite
def all_public_csv(draw):
    cols = draw(st.lists(st.sampled_from(["charge", "booking_id"]), min_size=1, max_size=3))
    sep = draw(st.sampled_from([",", "\t"]))
    media = "text/tab-separated-values" if sep == "\t" else "text/csv"
    rows, secrets = [], []
    for _ in range(draw(st.integers(1, 4))):
        row = []
        for _c in cols:
            if draw(st.booleans()):
                m, s = _mention(draw)
                secrets += s
                row.append(draw(st.sampled_from(["assault; {}", "{}", "PUB\r\n{}", "trespass, {}"])).format(m))
            else:
                row.append(draw(st.sampled_from(["PUB-1", "trespass", "B-77"])))
        rows.append(row)
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=sep, lineterminator="\r\n").writerows([cols, *rows])
    return buf.getvalue().encode(), media, secrets


@SETTINGS
@given(case=all_public_csv())
def test_free_text_in_an_all_public_csv_is_redacted_span_by_span(guard: Guard, case) -> None:
    body, media, secrets = case
    r = redact_body("csv", body, "utf-8", media, _d(guard))
    out = r.body.decode()
    assert not [s for s in secrets if s in out], out
    sep = "\t" if media == "text/tab-separated-values" else ","
    got = list(csv.reader(io.StringIO(out, newline=""), delimiter=sep))
    sent = list(csv.reader(io.StringIO(body.decode(), newline=""), delimiter=sep))
    assert len(got) == len(sent) and all(len(a) == len(b) for a, b in zip(got, sent))  # same table, re-written


# --- XML: comments, processing instructions, namespace URIs ---------------------------------------
@st.composite
def xml_with_hidden_text(draw):
    secrets: list[str] = []

    def secret() -> str:
        d = draw(st.integers(1, 28))
        s = draw(st.sampled_from([f"2026-11-{d:02d}", f"{d}-Elm-St", f"release-2026-12-{d:02d}"]))
        secrets.append(s)
        return s

    parts = []
    for _ in range(draw(st.integers(1, 4))):
        what = draw(st.sampled_from(["comment", "pi", "ns", "public", "public_text"]))
        if what == "comment":
            parts.append(f"<!-- {secret()} -->")
        elif what == "pi":
            parts.append(f"<?app {secret()}?>")
        elif what == "ns":
            parts.append(f'<p:x xmlns:p="urn:x:{secret()}">1</p:x>')
        elif what == "public":
            parts.append("<ChargeText>PUB</ChargeText>")
        else:
            m, s = _mention(draw)
            secrets.extend(s)
            parts.append(f"<ChargeText>assault; {m}</ChargeText>")
    before = f"<?xml-stylesheet href=\"/x/{secret()}.xsl\"?>" if draw(st.booleans()) else ""
    return f"{before}<b>{''.join(parts)}</b>".encode(), secrets


@SETTINGS
@given(case=xml_with_hidden_text())
def test_nothing_the_xml_parse_set_aside_reaches_a_federal_officer(guard: Guard, case) -> None:
    body, secrets = case
    r = redact_body("xml", body, "utf-8", "application/xml", _d(guard))
    out = r.body.decode()
    assert not [s for s in secrets if s in out], out
    assert "<!--" not in out and "<?app" not in out and "<?xml-stylesheet" not in out


# --- HTML tables with merged cells ---------------------------------------------------------------
HEADER = [("booking_id", "public"), ("charge", "public"), ("home address", "protected"), ("release date", "protected")]


def _layout(rows: list[list[tuple[int, int]]]) -> list[list[list[int]]]:
    """The test's own HTML table model (an oracle): the columns each (colspan, rowspan) cell covers."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, cells in enumerate(rows):
        col, placed = 0, []
        for cs, rs in cells:
            while (r, col) in taken:
                col += 1
            cols = list(range(col, col + cs))
            for rr in range(r, min(len(rows), r + rs)):
                for cc in cols:
                    taken.add((rr, cc))
            placed.append(cols)
            col += cs
        out.append(placed)
    return out


@st.composite
def merged_tables(draw):
    rows = [[(draw(st.integers(1, 3)), draw(st.integers(1, 3))) for _ in range(draw(st.integers(1, 4)))]
            for _ in range(draw(st.integers(1, 4)))]
    layout = _layout(rows)
    secrets, n = [], 0
    body_rows = []
    for cells, placed in zip(rows, layout):
        tds = []
        for (cs, rs), cols in zip(cells, placed):
            n += 1
            protected = any(c >= len(HEADER) or HEADER[c][1] == "protected" for c in cols)
            text = f"{n} Elm St zq{letters(n)}" if protected else f"PUB{letters(n)}"
            if protected:
                secrets.append(f"zq{letters(n)}")
            tds.append(f'<td colspan="{cs}" rowspan="{rs}">{text}</td>')
        body_rows.append("<tr>" + "".join(tds) + "</tr>")
    head = "".join(f"<th>{h}</th>" for h, _ in HEADER)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body_rows)}</tbody></table>".encode(), secrets


@SETTINGS
@given(case=merged_tables())
def test_merged_cells_never_carry_a_protected_column_to_a_federal_officer(guard: Guard, case) -> None:
    body, secrets = case
    r = redact_html(body, "utf-8", _d(guard), header_item=lambda texts: False)
    out = r.body.decode()
    assert not [s for s in secrets if s in out], out


# --- the reviewer's reproducers, through the middleware -------------------------------------------
def test_all_public_csv_and_tsv_are_redacted_span_by_span_not_sent_byte_for_byte() -> None:
    """R05."""
    for body, ct in [("booking_id,charge\r\nB1,assault; released 2026-11-29 to 77 Elm St\r\n", "text/csv"),
                     ("charge\r\nreleased 2026-11-29 to 77 Elm St\r\n", "text/csv"),
                     ('booking_id,charge\r\nB1,"PUB\r\nreleased 2026-11-29 to 77 Elm St"\r\n', "text/csv"),
                     ("charge\tcharge\r\nPUB\treleased 2026-11-29 to 77 Elm St\r\n", "text/tab-separated-values")]:
        r = fetch(serving(body, ct))
        assert r.status_code == 200 and "2026-11-29" not in r.text and "77 Elm St" not in r.text, r.text


def test_all_public_xml_loses_its_comments_and_processing_instructions() -> None:
    """R06."""
    for body in ['<b><ChargeText>PUB</ChargeText><citizenship>asylee</citizenship><!-- release 2026-11-29 to 77 Elm St --></b>',
                 '<b><ChargeText>assault; released 2026-11-29 to 77 Elm St</ChargeText></b>',
                 '<?app release 2026-11-29?><b><ChargeText>PUB</ChargeText></b>']:
        r = fetch(serving(body, "application/xml"))
        assert "2026-11-29" not in r.text and "77 Elm St" not in r.text, r.text


def test_merged_html_cells_over_a_protected_column_are_withheld() -> None:
    """R07."""
    t = "<table><thead><tr><th>booking_id</th><th>charge</th><th>home address</th></tr></thead><tbody>{}</tbody></table>"
    rts = [RouteConfig("/", "police", public_record_fields=("charge", "booking_id"), restricted_html="tables")]
    for row, secret in [("<tr><td>B1</td><td colspan=2>PUB Elm St 77</td></tr>", "Elm St 77"),
                        ("<tr><td>B1</td><td colspan=2>Ana Pereira, 2026-11-29</td></tr>", "2026-11-29"),
                        ("<tr><td rowspan=2>B1</td><td>PUB</td></tr><tr><td>PUB2</td><td>Elm St 77</td></tr>",
                         "Elm St 77")]:
        r = fetch(serving(t.format(row), "text/html", routes=rts))
        assert secret not in r.text, r.text


def test_a_duplicate_json_key_cannot_smuggle_a_value_past_the_guard() -> None:
    """R08."""
    for body in ['{"charge":"released 2026-11-29 to 77 Elm St","charge":"PUB"}',
                 '{"citizenship":"SENTINEL 77 Elm St","citizenship":"asylee"}']:
        r = fetch(serving(body, "application/json"))
        assert r.status_code == 200 and "77 Elm St" not in r.text, r.text


def test_style_sheets_cannot_display_an_address_to_a_federal_officer() -> None:
    """R09."""
    page = ("<table><thead><tr><th>charge</th></tr></thead><tbody><tr><td>PUB</td></tr></tbody></table>"
            "<style>.n::after{content:'77 Elm St, released 2026-11-29'}</style><p class=n></p>")
    r = fetch(serving(page, "text/html", routes=[RouteConfig("/", "police", public_record_fields=("charge",),
                                                             restricted_html="tables")]))
    assert "77 Elm St" not in r.text and "PUB" in r.text


def test_an_xml_namespace_uri_carrying_a_value_is_replaced() -> None:
    """R13."""
    r = fetch(serving('<b xmlns:p="urn:x:77-Elm-St:2026-11-29"><p:x>1</p:x></b>', "application/xml"))
    assert "2026-11-29" not in r.text and "Elm" not in r.text, r.text
    standard = ('<j:Booking xmlns:j="http://release.niem.gov/niem/domains/jxdm/7.0/" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><j:ChargeText>PUB</j:ChargeText></j:Booking>')
    r = fetch(serving(standard, "application/xml"))
    assert "http://release.niem.gov/niem/domains/jxdm/7.0/" in r.text and "XMLSchema-instance" in r.text
