"""Keys for the audit chain: an HMAC chain key, an Ed25519 checkpoint-signing key pair, and a
correlation key for pseudonymous references. Keys live in files outside the log and are never
written into it; records carry only a short key id (which reveals nothing about the key).

Key files:
* HMAC / correlation key: a text file holding at least 32 random bytes as hex (``keygen`` writes 64
  hex characters), mode 0600.
* Ed25519 private key: PKCS#8 PEM, unencrypted, mode 0600. Public key: SubjectPublicKeyInfo PEM.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .errors import AuditConfigError

ENV_HMAC_KEY_FILE = "STATUS_GUARD_AUDIT_HMAC_KEY_FILE"
ENV_SIGNING_KEY_FILE = "STATUS_GUARD_AUDIT_SIGNING_KEY_FILE"
ENV_CORRELATION_KEY_FILE = "STATUS_GUARD_AUDIT_CORRELATION_KEY_FILE"
MIN_SECRET_BYTES = 32


def _read(path: str | os.PathLike[str], what: str) -> bytes:
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_KEY_FILE_BYTES + 1)
    except OSError as e:
        raise AuditConfigError(f"cannot read the {what} file {os.fspath(path)!s}: {e.strerror}") from None
    if len(data) > MAX_KEY_FILE_BYTES:
        raise AuditConfigError(f"the {what} file {os.fspath(path)!s} is over {MAX_KEY_FILE_BYTES} bytes: not a key")
    return data


MAX_KEY_FILE_BYTES = 64 * 1024


def parse_secret(data: bytes | str, what: str = "HMAC key") -> bytes:
    """A secret written as hex text (``keygen`` writes 64 hex characters and a newline), or a raw
    random key of 32-64 bytes.

    Anything else is refused with a message saying what the file looks like instead, so a PEM key,
    a public key or a text file given by mistake is never taken as a secret."""
    if isinstance(data, str):
        data = data.encode()
    text = data.strip()
    if text and len(text) % 2 == 0 and all(c in b"0123456789abcdefABCDEF" for c in text):
        key = binascii.unhexlify(text)
        if len(key) < MIN_SECRET_BYTES:
            raise AuditConfigError(f"the {what} is {len(key)} bytes; at least {MIN_SECRET_BYTES} are required")
        return key
    textual = all(32 <= c < 127 or c in (9, 10, 13) for c in data[:4096])
    if not textual and MIN_SECRET_BYTES <= len(data) <= 2 * MIN_SECRET_BYTES:
        return bytes(data)  # a raw random key of 32-64 bytes
    if b"-----BEGIN" in data:
        looks = "a PEM file (an Ed25519 signing or public key?)"
    elif not data.strip():
        looks = "empty"
    elif textual:
        looks = "text that is not hex"
    else:
        looks = f"{len(data)} bytes of binary data (a raw key is 32-64 bytes)"
    raise AuditConfigError(f"the {what} file is not a key: it is {looks}. Expected hex text as written by "
                           "`status-guard audit keygen`")


def load_secret_file(path: str | os.PathLike[str], what: str = "HMAC key") -> bytes:
    return parse_secret(_read(path, what), what)


def coerce_hmac_key(key: bytes | str | os.PathLike[str] | None, what: str = "HMAC key") -> bytes | None:
    """bytes are taken as the key itself (>= 32 bytes); a str or path names a key file."""
    if key is None:
        return None
    if isinstance(key, (bytes, bytearray)):
        if len(key) < MIN_SECRET_BYTES:
            raise AuditConfigError(f"the {what} is {len(key)} bytes; at least {MIN_SECRET_BYTES} are required")
        return bytes(key)
    return load_secret_file(key, what)


def load_private_key(path: str | os.PathLike[str]) -> Ed25519PrivateKey:
    return parse_private_key(_read(path, "signing key"))


def parse_private_key(pem: bytes) -> Ed25519PrivateKey:
    if b"-----BEGIN PUBLIC KEY-----" in pem:
        raise AuditConfigError("the signing key file holds a PUBLIC key; the writer needs the private key "
                               "(the public key is for `audit verify --public-key`)")
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as e:
        raise AuditConfigError(f"the signing key is not an unencrypted PEM private key ({type(e).__name__})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise AuditConfigError("the signing key must be an Ed25519 key")
    return key


def coerce_signing_key(key: Ed25519PrivateKey | bytes | str | os.PathLike[str] | None) -> Ed25519PrivateKey | None:
    if key is None or isinstance(key, Ed25519PrivateKey):
        return key
    if isinstance(key, (bytes, bytearray)):
        return parse_private_key(bytes(key))
    return load_private_key(key)


def load_public_key(path: str | os.PathLike[str]) -> Ed25519PublicKey:
    return parse_public_key(_read(path, "public key"))


def parse_public_key(pem: bytes) -> Ed25519PublicKey:
    if b"PRIVATE KEY-----" in pem:
        raise AuditConfigError("the public key file holds a PRIVATE key; give the public key (the .pub file "
                               "written by `status-guard audit keygen`), and keep the private key away from verifiers")
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError, UnsupportedAlgorithm) as e:
        raise AuditConfigError(f"the public key is not a PEM public key ({type(e).__name__})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise AuditConfigError("the public key must be an Ed25519 key")
    return key


def coerce_public_key(key: Ed25519PublicKey | Ed25519PrivateKey | bytes | str | os.PathLike[str] | None
                      ) -> Ed25519PublicKey | None:
    if key is None or isinstance(key, Ed25519PublicKey):
        return key
    if isinstance(key, Ed25519PrivateKey):
        return key.public_key()
    if isinstance(key, (bytes, bytearray)):
        return parse_public_key(bytes(key))
    return load_public_key(key)


def public_key_id(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(b"status_guard.audit.signing-key\n" + raw).hexdigest()[:16]


def hmac_key_id(key: bytes) -> str:
    return hmac.new(key, b"status_guard.audit.hmac-key-id", hashlib.sha256).hexdigest()[:16]


def writer_auth_key(signing_key: Ed25519PrivateKey) -> bytes:
    """A MAC key every writer holding the signing key can derive, and nobody else: writers use it to
    authenticate each other's records (``auth``) before building on them. It never leaves memory."""
    raw = signing_key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                    serialization.NoEncryption())
    return hmac.new(raw, b"status_guard.audit.writer-auth.v1", hashlib.sha256).digest()


def record_auth(auth_key: bytes, record_hash_hex: str) -> str:
    """The ``auth`` code of a record: a MAC over its chain hash (which covers all its content)."""
    return hmac.digest(auth_key, b"status_guard.audit.auth\n" + record_hash_hex.encode("ascii", "replace"),
                       "sha256").hex()[:32]


def _write_private(path: Path, data: bytes, force: bool) -> None:
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if force else os.O_EXCL)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        raise AuditConfigError(f"{path} exists; refusing to overwrite a key (use --force)") from None
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(path, 0o600)


def write_signing_keypair(private_path: str | os.PathLike[str], public_path: str | os.PathLike[str],
                          *, force: bool = False) -> str:
    """Write a new Ed25519 key pair (private 0600, public 0644). Returns the key id."""
    key = Ed25519PrivateKey.generate()
    priv = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
    pub = key.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    _write_private(Path(private_path), priv, force)
    ppath = Path(public_path)
    if ppath.exists() and not force:
        raise AuditConfigError(f"{ppath} exists; refusing to overwrite a key (use --force)")
    ppath.write_bytes(pub)
    return public_key_id(key.public_key())


def write_secret_file(path: str | os.PathLike[str], *, force: bool = False) -> str:
    """Write a new 32-byte secret as hex (mode 0600). Returns its key id."""
    key = secrets.token_bytes(MIN_SECRET_BYTES)
    _write_private(Path(path), key.hex().encode() + b"\n", force)
    return hmac_key_id(key)
