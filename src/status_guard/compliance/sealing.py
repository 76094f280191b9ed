"""The police system's local id (a booking number), sealed so that only the holder of the person key
can read it back.

An officer closing a 040(g) obligation must know which booking it belongs to; the log must never
hold that id in clear. The id is encrypted with AES-SIV (RFC 5297, deterministic authenticated
encryption) under a key derived by HKDF-SHA256 from the person-reference key, padded to a fixed
length so the sealed form does not reveal how long the id is. Without the key it reads as random
hex; with it, :func:`unseal` gives the id back, and a forged or altered value fails to open.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .errors import EventError

PAD = 48  # bytes of padded id: sealed form is 16 + 48 = 64 bytes, 128 hex characters
_INFO = b"status_guard compliance booking seal v1"
_AD = [b"status_guard.booking"]
_keys: dict[bytes, AESSIV] = {}


def _cipher(person_key: bytes) -> AESSIV:
    c = _keys.get(person_key)
    if c is None:
        material = HKDF(algorithm=hashes.SHA256(), length=64, salt=None, info=_INFO).derive(person_key)
        c = _keys[person_key] = AESSIV(material)
    return c


def seal(person_key: bytes, local_id: str) -> str:
    """The sealed form (128 lower-case hex characters) of ``local_id``."""
    raw = local_id.strip().encode("utf-8")
    if not raw:
        raise EventError("{param} must not be empty", param="booking_id")
    if len(raw) > PAD - 1:
        raise EventError(f"{{param}} is longer than {PAD - 1} bytes", param="booking_id")
    padded = raw + b"\x80" + b"\x00" * (PAD - len(raw) - 1)
    return _cipher(person_key).encrypt(padded, _AD).hex()


def unseal(person_key: bytes | None, sealed: object) -> str | None:
    """The local id, or None without the key, or when the value was not sealed under this key."""
    if person_key is None or not isinstance(sealed, str):
        return None
    try:
        padded = _cipher(person_key).decrypt(bytes.fromhex(sealed), _AD)
    except (InvalidTag, ValueError):
        return None
    raw, sep, rest = padded.rpartition(b"\x80")
    if not sep or rest.strip(b"\x00"):
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


# what a reader sees where a sealed booking does not open under the key given (never an empty cell)
NO_MATCH = "cannot re-identify: the person key does not match"
KEY_MISMATCH_WARNING = ("the person key given (--person-key-file or STATUS_GUARD_PERSON_KEY_FILE) does not match "
                        "the key these entries were recorded with: no booking in this log can be re-identified "
                        "with it. Check that it is the key file made in docs/compliance.md step 2.")


def booking_words(person_key: bytes | None, sealed: object) -> str | None:
    """The booking a sealed value names; ``NO_MATCH`` when a key was given and the value does not open
    under it; None without a key or without a sealed value."""
    if person_key is None or not isinstance(sealed, str) or not sealed:
        return None
    return unseal(person_key, sealed) or NO_MATCH


def key_matches_none(person_key: bytes | None, sealed_values: object) -> bool:
    """True when a key was given, the log holds sealed bookings, and not one of them opens under the key:
    the key is not this log's (a wrong file, or a new key made after the entries were recorded)."""
    if person_key is None:
        return False
    seen = False
    for s in sealed_values:  # type: ignore[attr-defined]
        if isinstance(s, str) and s:
            seen = True
            if unseal(person_key, s) is not None:
                return False
    return seen


def key_id(person_key: bytes) -> str:
    """A fingerprint of the person key (32 hex characters; the key cannot be recovered from it): written
    beside each sealed booking so a report can tell entries made under two keys apart (w16e F02)."""
    import hashlib
    import hmac

    return hmac.new(bytes(person_key), b"status_guard:person-key-id", hashlib.sha256).hexdigest()[:32]
