"""Which response bodies can be checked, and by which module. Every format goes through the same
disclosure passes (``status_guard.disclose``) — only flattening and applying differ:

    JSON  -> json_body.redact_json          NDJSON -> json_body.redact_ndjson
    JSONP -> json_body.redact_jsonp          CSV/TSV -> csv_body.redact_csv
    XML   -> xml_body.redact_xml             HTML  -> html_body.redact_html (after forms)

Anything that cannot be parsed raises :class:`UnparseableInputError`; the middleware then refuses
the response (fail closed). A type with no module here (``text/plain``, SVG, PDF, other
JavaScript …) is refused to a restricted requester unless the route declares it a binary
pass-through type.
"""

from __future__ import annotations

from .csv_body import redact_csv
from .disclosure import Disclosure, RedactedBody
from .json_body import redact_json, redact_jsonp, redact_ndjson
from .requests import is_json_type
from .xml_body import redact_xml

CSV_TYPES = frozenset({"text/csv", "application/csv", "text/tab-separated-values"})
NDJSON_TYPES = frozenset({"application/x-ndjson", "application/ndjson", "application/jsonl",
                          "application/x-jsonlines", "application/jsonlines"})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
XML_TYPES = frozenset({"application/xml", "text/xml"})
JS_TYPES = frozenset({"application/javascript", "text/javascript", "application/x-javascript",
                      "text/ecmascript", "application/ecmascript", "text/x-javascript"})
NOT_XML = frozenset({"image/svg+xml", "application/xhtml+xml"})  # SVG: drawing instructions, refused


def kind_of(mt: str) -> str | None:
    """The body module for a media type (``None``: no module can check it)."""
    if mt in HTML_TYPES:
        return "html"
    if mt in NDJSON_TYPES:
        return "ndjson"
    if is_json_type(mt):
        return "json"
    if mt in CSV_TYPES:
        return "csv"
    if mt in JS_TYPES:
        return "jsonp"
    if mt in XML_TYPES or (mt.endswith("+xml") and mt not in NOT_XML):
        return "xml"
    return None


def redact_text(body: bytes, charset: str, d: Disclosure) -> RedactedBody:
    """Plain text, read as one free-text value: protected spans withheld (or the whole text)."""
    from ..errors import UnparseableInputError
    from .json_body import redact_document

    try:
        text = body.decode(charset or "utf-8")
    except (UnicodeDecodeError, LookupError):
        raise UnparseableInputError("the text body could not be decoded") from None
    doc, changed, decision = redact_document({"text": text}, d)
    if changed is None:
        return RedactedBody(body, (decision,), ())
    out = doc.get("text") if isinstance(doc, dict) else None
    new = out.encode(charset or "utf-8", "replace") if isinstance(out, str) else b""
    return RedactedBody(new, changed.decisions, changed.redacted)


def redact_body(kind: str, body: bytes, charset: str, mt: str, d: Disclosure) -> RedactedBody:
    if kind == "json":
        return redact_json(body, d)
    if kind == "ndjson":
        return redact_ndjson(body, d)
    if kind == "jsonp":
        return redact_jsonp(body, d)
    if kind == "csv":
        return redact_csv(body, charset, mt, d)
    if kind == "xml":
        return redact_xml(body, d)
    raise ValueError(f"no body module for {kind}")  # pragma: no cover - the middleware never asks


__all__ = ["CSV_TYPES", "Disclosure", "HTML_TYPES", "JS_TYPES", "NDJSON_TYPES", "RedactedBody", "XML_TYPES",
           "kind_of", "redact_body", "redact_text"]
