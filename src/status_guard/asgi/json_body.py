"""JSON, NDJSON and JSONP response bodies through the disclosure passes.

JSON is parsed with orjson (``NaN``, invalid UTF-8, integers past 64 bits: unparseable, so
refused); an NDJSON body is one list of documents (one decision, one audit record, however many
lines); JSONP (``callback({...});``) is redacted inside its call — any other JavaScript cannot be
checked and is refused to a restricted requester.

**The bytes sent are the checked document, serialised** — even when nothing was withheld. The
original bytes are never sent after a check: they can hold what the parse did not show (the
first of two values under a duplicate key — ``{"charge": "<address>", "charge": "PUB"}`` parses
to the second), so only the serialisation of what was decided is provably what was checked.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from ..disclose.apply_json import apply_json
from ..disclose.leaves import json_leaves
from ..disclose.pipeline import withheld_paths
from ..errors import LimitExceededError, UnparseableInputError
from .disclosure import Disclosure, RedactedBody


def parse_json(body: bytes, what: str = "JSON response") -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        msg = str(exc).lower()
        if "recursion" in msg or "depth" in msg:
            raise LimitExceededError("JSON nesting depth", 1024) from None
        raise UnparseableInputError(f"the {what} is not valid JSON") from None


def redact_document(doc: Any, d: Disclosure) -> tuple[Any, RedactedBody | None, Any]:
    """(document, the outcome when changed, decision)."""
    flat = json_leaves(doc, safe_key=d.safe_key, max_depth=d.limits.max_response_depth,
                       max_leaves=d.limits.max_response_leaves)
    out = d.run(flat)
    if not out.changed:
        return doc, None, out.decision
    redacted, removed = withheld_paths(flat, out)
    return apply_json(doc, flat, out), RedactedBody(b"", (out.decision,), redacted + removed), out.decision


def redact_json(body: bytes, d: Disclosure) -> RedactedBody:
    doc = parse_json(body)
    new, changed, decision = redact_document(doc, d)
    if changed is None:  # nothing withheld: still the checked document, not the original bytes
        return RedactedBody(orjson.dumps(doc), (decision,), ())
    return RedactedBody(orjson.dumps(new), changed.decisions, changed.redacted)


def redact_ndjson(body: bytes, d: Disclosure) -> RedactedBody:
    lines = body.split(b"\n")
    docs: list[Any] = []
    for n, line in enumerate(lines):
        if not line.strip():
            continue
        docs.append(parse_json(line, f"NDJSON line {n + 1}"))
    new, changed, decision = redact_document(docs, d)
    out = b"\n".join(orjson.dumps(doc) for doc in new) + (b"\n" if body.endswith(b"\n") and new else b"")
    if changed is None:
        return RedactedBody(out, (decision,), ())
    return RedactedBody(out, changed.decisions, changed.redacted)


_JSONP = re.compile(rb"\A\s*(?:/\*\*/\s*)?(?:typeof\s+[\w$.]+\s*===?\s*['\"]function['\"]\s*&&\s*)?"
                    rb"([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*\(\s*(.*?)\s*\)\s*;?\s*\Z", re.DOTALL)


def redact_jsonp(body: bytes, d: Disclosure) -> RedactedBody:
    """``callback(<json>);`` — the JSON inside is redacted; anything else is JavaScript the guard
    cannot check."""
    m = _JSONP.match(body)
    if m is None:
        raise UnparseableInputError("this JavaScript response is not a JSONP call around JSON, so it cannot be checked")
    inner = redact_json(m.group(2), d)
    return RedactedBody(b"/**/" + m.group(1) + b"(" + inner.body + b");", inner.decisions, inner.redacted)


__all__ = ["parse_json", "redact_document", "redact_json", "redact_jsonp", "redact_ndjson"]
