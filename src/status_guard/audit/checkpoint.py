"""Signed checkpoints over the chain head (Ed25519).

A checkpoint says: "in log L, the record with sequence number S has hash H, as of time T", signed
by the writer's key. It is itself appended to the chain, and can be exported and kept elsewhere
(a second machine, a ticket, a printout) as an anchor: a log that no longer contains record S with
hash H has been rewritten or cut. Verification needs only the public key.

Why it matters even with a SHA-256 chain: anyone who can write the file can recompute every hash
after an edit; nobody without the private key can produce a checkpoint for the new hashes.
"""

from __future__ import annotations

from typing import Any, Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .canonical import canonical
from .keys import public_key_id

CHECKPOINT_DOMAIN = b"status_guard.audit.checkpoint.v1\n"


def checkpoint_message(log_id: str, seq: int, head_hash: str, time: str) -> bytes:
    return CHECKPOINT_DOMAIN + canonical({"log": log_id, "seq": seq, "hash": head_hash, "time": time})


def sign_checkpoint(key: Ed25519PrivateKey, log_id: str, seq: int, head_hash: str, time: str) -> dict[str, Any]:
    sig = key.sign(checkpoint_message(log_id, seq, head_hash, time))
    return {"log": log_id, "seq": seq, "hash": head_hash, "time": time,
            "key_id": public_key_id(key.public_key()), "sig": sig.hex()}


def check_signature(cp: Mapping[str, Any], public_key: Ed25519PublicKey) -> str | None:
    """None when the checkpoint's signature is valid under ``public_key``, else why not."""
    if cp.get("key_id") != public_key_id(public_key):
        return "signed by a different key than the public key given"
    try:
        sig = bytes.fromhex(str(cp["sig"]))
        public_key.verify(sig, checkpoint_message(str(cp["log"]), int(cp["seq"]), str(cp["hash"]), str(cp["time"])))
    except (InvalidSignature, ValueError, KeyError, TypeError):
        return "signature does not verify"
    return None
