"""Content-Encoding: undo gzip, deflate and brotli with a bound on the decoded size. Any other
encoding cannot be inspected, so the caller refuses it (fail closed)."""

from __future__ import annotations

import zlib

from ..errors import LimitExceededError, UnparseableInputError

DECODABLE = frozenset({"gzip", "x-gzip", "deflate", "br", "identity", ""})


def encodings(header: str | None) -> list[str]:
    """The codings applied, in order (``Content-Encoding: gzip, br`` -> ["gzip", "br"])."""
    if not header:
        return []
    return [c.strip().lower() for c in header.split(",") if c.strip() and c.strip().lower() != "identity"]


def can_decode(header: str | None) -> bool:
    return all(c in DECODABLE for c in encodings(header))


def decode(body: bytes, header: str | None, limit: int) -> bytes:
    """Decode ``body`` (codings undone last-applied first). Raises LimitExceededError past ``limit``
    decoded bytes and UnparseableInputError for an unknown coding or a corrupt stream."""
    for coding in reversed(encodings(header)):
        if coding in ("gzip", "x-gzip"):
            body = _zlib(body, 16 + zlib.MAX_WBITS, limit, coding)
        elif coding == "deflate":
            try:
                body = _zlib(body, zlib.MAX_WBITS, limit, coding)
            except UnparseableInputError:  # some servers send raw deflate without the zlib header
                body = _zlib(body, -zlib.MAX_WBITS, limit, coding)
        elif coding == "br":
            body = _brotli(body, limit)
        else:
            raise UnparseableInputError(f"content encoding `{coding[:32]}` cannot be inspected")
    return body


def decode_prefix(data: bytes, header: str | None, n: int) -> bytes:
    """The first (up to) ``n`` decoded bytes of a stream of which ``data`` is the beginning — for
    looking at a body that passes through encoded (``sniff``). Raises UnparseableInputError for
    an unknown coding or a corrupt start."""
    for coding in reversed(encodings(header)):
        try:
            if coding in ("gzip", "x-gzip"):
                data = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, n)
            elif coding == "deflate":
                try:
                    data = zlib.decompressobj(zlib.MAX_WBITS).decompress(data, n)
                except zlib.error:
                    data = zlib.decompressobj(-zlib.MAX_WBITS).decompress(data, n)
            elif coding == "br":
                import brotli

                data = brotli.Decompressor().process(data, output_buffer_limit=n)[:n]
            else:
                raise UnparseableInputError(f"content encoding `{coding[:32]}` cannot be inspected")
        except (zlib.error, ValueError):
            raise UnparseableInputError(f"the {coding} body is corrupt") from None
        except Exception as exc:  # brotli.error and friends
            if isinstance(exc, UnparseableInputError):
                raise
            raise UnparseableInputError(f"the {coding} body is corrupt") from None
    return data


def _zlib(body: bytes, wbits: int, limit: int, coding: str) -> bytes:
    d = zlib.decompressobj(wbits)
    try:
        out = d.decompress(body, limit + 1)
    except zlib.error:
        raise UnparseableInputError(f"the {coding} body is corrupt") from None
    if len(out) > limit or d.unconsumed_tail:
        raise LimitExceededError("decoded body size in bytes", limit)
    if not d.eof:
        raise UnparseableInputError(f"the {coding} body is truncated")
    if d.unused_data:
        raise UnparseableInputError(f"the {coding} body has trailing data")
    return out


def _brotli(body: bytes, limit: int) -> bytes:
    import brotli

    d = brotli.Decompressor()
    try:
        out = d.process(body, output_buffer_limit=limit + 1)
        if len(out) > limit or not d.can_accept_more_data():
            raise LimitExceededError("decoded body size in bytes", limit)
        if not d.is_finished():
            raise UnparseableInputError("the br body is truncated")
    except brotli.error:
        raise UnparseableInputError("the br body is corrupt") from None
    return out
