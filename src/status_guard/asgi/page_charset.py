"""The characters of a served page, read the way a browser reads them (r12c, issue 12 F11).

A page the guard reads in the wrong encoding hides its questions: a UTF-16 page read as UTF-8 is
noise, so a status question in it reached the resident unchanged. The encoding is determined by
the HTML standard's algorithm ("determining the character encoding", WHATWG HTML §13.2.3.2) as
implemented by ``tinyhtml5`` (html5lib's maintained successor) with the WHATWG encoding labels of
``webencodings``: a byte-order mark first (it beats the HTTP header), then the HTTP ``charset``,
then a ``<meta charset>`` / ``http-equiv`` in the first 1024 bytes; with none of them, UTF-8 when
the bytes are valid UTF-8, else windows-1252 (the standard's default for these locales).

The rewritten page is written back in the same encoding, with the same byte-order mark, so the
browser reads it the same way; a character the encoding cannot hold becomes a character reference.
An encoding no codec implements (the standard's ``replacement`` encoding: a browser shows one
U+FFFD, no form) decodes to that.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16le"), (codecs.BOM_UTF16_BE, "utf-16be"))
_CODEC = {"utf-8": "utf-8", "utf-16le": "utf-16-le", "utf-16be": "utf-16-be"}


@dataclass(frozen=True)
class PageEncoding:
    name: str  # the WHATWG name (``utf-16le``, ``windows-1252``, ``shift_jis``)
    codec: str | None  # the Python codec (None: no codec — the ``replacement`` encoding)
    bom: bytes = b""


def _lookup(label: str | None) -> PageEncoding | None:
    if not label:
        return None
    import webencodings

    enc = webencodings.lookup(label.strip().strip("\"'"))
    if enc is None:
        return None
    if enc.name == "replacement":
        return PageEncoding(enc.name, None)
    return PageEncoding(enc.name, _CODEC.get(enc.name) or enc.codec_info.name)


def page_encoding(body: bytes, http_charset: str | None) -> PageEncoding:
    """The encoding a browser reads ``body`` in, given the HTTP ``charset`` parameter (or None)."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return PageEncoding(name, _CODEC[name], bom)
    declared = _lookup(http_charset)
    if declared is not None:
        return declared
    from tinyhtml5.inputstream import EncodingParser

    try:
        meta = EncodingParser(body[:1024]).get_encoding()
    except Exception:  # noqa: BLE001 - a prescan that fails finds no declaration
        meta = None
    if meta is not None:
        found = _lookup(meta.name)
        if found is not None:
            return found
    try:
        body.decode("utf-8")
        return PageEncoding("utf-8", "utf-8")
    except UnicodeDecodeError:
        return PageEncoding("windows-1252", "cp1252")


def decode_page(body: bytes, enc: PageEncoding) -> str:
    if enc.codec is None:
        return "\ufffd"
    try:
        return body[len(enc.bom):].decode(enc.codec, "replace")
    except LookupError:  # an encoding only webencodings implements (x-user-defined)
        import webencodings

        return webencodings.decode(body[len(enc.bom):], enc.name, errors="replace")[0]


def encode_page(text: str, enc: PageEncoding) -> bytes:
    if enc.codec is None:  # pragma: no cover - a page read as one U+FFFD has no form to rewrite
        return text.encode("utf-8")
    try:
        return enc.bom + text.encode(enc.codec, "xmlcharrefreplace")
    except LookupError:
        import webencodings

        return enc.bom + webencodings.encode(text, enc.name, errors="xmlcharrefreplace")


__all__ = ["PageEncoding", "decode_page", "encode_page", "page_encoding"]
