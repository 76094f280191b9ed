"""Is a body that claims to be binary really binary?

A route may declare binary response types that pass to every requester unchecked (images, fonts,
audio, video). A label is not proof: an M3U or PLS playlist is text under ``audio/…``, an ASX
playlist is XML under ``video/x-ms-asf``, and any app can send a record as ``image/png``. For a
restricted requester the first bytes of such a body are looked at before anything is sent: a body
that starts like text is refused (it could carry a record), one that starts like binary data
streams on unchanged.

Binary: a known file signature (PNG, JPEG, GIF, WebP/WAV/AVI, ISO-BMFF video and AVIF, MP3, Ogg,
FLAC, Matroska/WebM, ASF, MPEG-TS, fonts, WebAssembly, ICO, TIFF, MIDI), or a NUL byte or other
control bytes among the first bytes (BMP, TrueType, AIFF headers have them). Text: anything else that decodes as UTF-8 / UTF-16 with a
byte-order mark, or whose bytes are mostly printable ASCII.
"""

from __future__ import annotations

#: how many bytes are looked at
SNIFF_BYTES = 512

_SIGNATURES = (
    b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"RIFF", b"ID3", b"OggS", b"fLaC",
    b"\x1aE\xdf\xa3", b"\x30\x26\xb2\x75\x8e\x66\xcf\x11", b"wOFF", b"wOF2", b"OTTO", b"\x00\x01\x00\x00",
    b"\x00asm", b"\x00\x00\x01\x00", b"II*\x00", b"MM\x00*", b"MThd", b"#!AMR",
    b"\xff\xfb", b"\xff\xf3", b"\xff\xf2", b"\xff\xf1", b"\xff\xf9",
)
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\x1b")


def looks_like_text(head: bytes) -> bool:
    """Whether the first bytes of a body read as text (and so could carry a record)."""
    if not head:
        return False
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True  # a text byte-order mark
    if len(head) >= 8 and head[4:8] == b"ftyp":
        return False  # ISO-BMFF: MP4, MOV, AVIF, HEIC
    if head[0] == 0x47 and (len(head) < 189 or head[188] == 0x47):
        return False  # MPEG transport stream
    if head.startswith(_SIGNATURES):
        return False
    if any(b < 0x20 and b not in _TEXT_CONTROLS for b in head):
        return False  # NUL and other control bytes: binary data
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a character cut at the end of the sample
            return True
    printable = sum(1 for b in head if 0x20 <= b < 0x7F or b in _TEXT_CONTROLS)
    return printable >= 0.9 * len(head)


__all__ = ["SNIFF_BYTES", "looks_like_text"]
