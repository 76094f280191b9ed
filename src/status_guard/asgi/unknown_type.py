"""A response with no usable Content-Type, read as its receivers read it (r12c, issue 12 F11).

A browser given no type (or ``unknown/unknown``, ``application/unknown``, ``*/*``) sniffs the body
by the WHATWG MIME Sniffing Standard, "rules for identifying an unknown MIME type" (§7.1, with the
sniff-scriptable flag set): after leading whitespace, ``<!DOCTYPE HTML``, ``<HTML``, ``<HEAD``,
``<SCRIPT``, ``<IFRAME``, ``<H1``, ``<DIV``, ``<FONT``, ``<TABLE``, ``<A``, ``<STYLE``, ``<TITLE``,
``<B``, ``<BODY``, ``<BR``, ``<P`` or ``<!--`` (any case) followed by a space or ``>`` make it
HTML, and the page's forms are shown; ``<?xml`` makes it XML (an XHTML document in it shows its
forms too). A byte-order mark makes it plain text (shown as text, no form). A page's script that
fetches a form definition reads JSON whatever the type, so a body that parses as a JSON object or
array is read as one too. The checks are the spec's table, a few lines — the one PyPI package that
implements it is unmaintained and misreads its own mask table.

What the guard does with it: a requester the route restricts never gets an untyped body that is
not empty (refused, as before); everyone else gets it after its forms are read like the type it
sniffs as.
"""

from __future__ import annotations

import re

UNKNOWN_TYPES = frozenset({"", "unknown/unknown", "application/unknown", "*/*"})
_WS = b"\t\n\x0c\r "
_HTML_SIGNATURES = (b"<!DOCTYPE HTML", b"<HTML", b"<HEAD", b"<SCRIPT", b"<IFRAME", b"<H1", b"<DIV", b"<FONT",
                    b"<TABLE", b"<A", b"<STYLE", b"<TITLE", b"<B", b"<BODY", b"<BR", b"<P", b"<!--")
_XHTML = re.compile(rb"xmlns\s*=\s*[\"']http://www\.w3\.org/1999/xhtml[\"']")
SNIFF_BYTES = 1445  # the standard's resource header


def is_unknown(mt: str) -> bool:
    return mt in UNKNOWN_TYPES


def sniff_kind(body: bytes) -> str | None:
    """``"html"``, ``"json"`` or None (neither: shown as text or binary — no form)."""
    head = body[:SNIFF_BYTES]
    if head.startswith((b"\xef\xbb\xbf", b"\xfe\xff", b"\xff\xfe")):
        return None  # text/plain (§7.1 step: a byte-order mark)
    rest = head.lstrip(_WS)
    for sig in _HTML_SIGNATURES:
        n = len(sig)
        if len(rest) > n and rest[:n].upper() == sig and rest[n:n + 1] in (b" ", b">"):
            return "html"
    if rest.startswith(b"<?xml"):
        return "html" if _XHTML.search(body[:4096]) else None
    if rest[:1] in (b"{", b"["):
        return "json"  # read for form definitions; a body that does not parse is left as it is
    return None


__all__ = ["SNIFF_BYTES", "UNKNOWN_TYPES", "is_unknown", "sniff_kind"]
