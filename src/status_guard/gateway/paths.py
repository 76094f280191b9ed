"""One path, read one way: the guard routes on the same path the upstream will resolve.

The middleware matches ``scope["path"]`` (percent-decoded once) against route prefixes; the
upstream (nginx, Apache, Tomcat, IIS) resolves the raw path its own way — it may remove dot
segments, merge ``//``, decode ``%2F``, treat ``\\`` as ``/``, drop ``;params``, decode twice, or
ignore case. Any of those can turn ``/records/../custody/7`` into a custody visit the guard
never saw as one. The gateway therefore forwards the raw path unchanged, and **refuses** (400,
audited in metrics) any path whose reading could differ:

* a dot segment (``.`` or ``..``) or an empty segment (``//``);
* characters that Unicode NFKC changes (fullwidth ``／``, ``．``, ``ｃ``; ligatures);
* an encoded ``/``, ``\\``, NUL or control character, or a raw ``\\``;
* a percent sign left after decoding (``%252e``: decoded twice by some servers);
* invalid UTF-8 in percent-escapes;
* ``;`` (Java path parameters) unless ``allow_semicolon``.

With ``case_insensitive`` the guard matches on the lower-cased path (the raw path still goes
upstream unchanged).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

_ENCODED_BAD = re.compile(rb"%(2f|5c|00|0[1-9a-f]|1[0-9a-f]|7f)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class PathCheck:
    ok: bool
    reason: str = ""
    path: str = ""  # what the guard should match on


def check_path(raw_path: bytes, *, allow_semicolon: bool = False, case_insensitive: bool = False,
               route_of: Callable[[str], object] | None = None) -> PathCheck:
    """``route_of`` (path -> route): with ``allow_semicolon``, a path whose route differs with and
    without its ``;params`` is refused (an app that does not strip them would read another route)."""
    if not raw_path.startswith(b"/"):
        return PathCheck(False, "the path does not start with /")
    if b"\\" in raw_path:
        return PathCheck(False, "the path holds a backslash")
    if _ENCODED_BAD.search(raw_path):
        return PathCheck(False, "the path holds an encoded slash, backslash or control character")
    try:
        decoded = unquote_to_bytes(raw_path).decode("utf-8")
    except UnicodeDecodeError:
        return PathCheck(False, "the path's percent-escapes are not UTF-8")
    if _CONTROL.search(decoded):
        return PathCheck(False, "the path holds a control character")
    if "%" in decoded:
        return PathCheck(False, "the path is percent-encoded twice")
    if not allow_semicolon and ";" in decoded:
        return PathCheck(False, "the path holds ';' (path parameters)")
    if unicodedata.normalize("NFKC", decoded) != decoded:
        # fullwidth ／ ． ｃ..., ligatures: a server that normalises would read another path
        return PathCheck(False, "the path changes under Unicode normalisation (look-alike characters)")
    segments = decoded.split("/")[1:]
    for i, seg in enumerate(segments):
        base = seg.split(";", 1)[0] if allow_semicolon else seg
        if base in (".", ".."):
            return PathCheck(False, "the path holds a dot segment")
        if base == "" and i != len(segments) - 1:
            return PathCheck(False, "the path holds an empty segment (//)")
    path = guard_path(decoded, allow_semicolon=allow_semicolon)
    if path != decoded and (route_of is None or route_of(path) != route_of(decoded)):
        return PathCheck(False, "the path's ';' parameters change which route it is")
    return PathCheck(True, path=path.lower() if case_insensitive else path)


def guard_path(decoded: str, *, allow_semicolon: bool) -> str:
    """With ``allow_semicolon``, the path the guard matches: path parameters removed from every
    segment (``/custody;jsessionid=1/7`` is ``/custody/7`` to Tomcat)."""
    if not allow_semicolon or ";" not in decoded:
        return decoded
    return "/".join(seg.split(";", 1)[0] for seg in decoded.split("/"))
