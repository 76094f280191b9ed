"""What a verification result means to an officer: one of four states, each with its own colour.

* ``verified``      (green)  — every record checked, and the check holds against an insider: an HMAC
  key or signed checkpoints verified with the public key, and the log compared with the witness.
  Not compared with a witness (none set): the same state (the figures are not in doubt, exit 0), in
  yellow, saying that records cut from the log's end would not show (``witnessed`` False).
* ``consistent``    (yellow) — the chain is intact, but a plain SHA-256 chain with no signature
  could have been re-hashed by someone with write access. Nothing more can be supplied.
* ``key_missing``   (yellow) — **cannot verify**: the log is HMAC-chained, or carries signed
  checkpoints, and the key to check it was not supplied. Not a tamper alarm: supply the key.
* ``failed``        (red)    — records were edited, removed, inserted, reordered or cut, or the
  key supplied does not match: the tamper alarm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

HMAC_FLAG = "--hmac-key-file"
PUBKEY_FLAG = "--public-key"
HMAC_ENV = "STATUS_GUARD_AUDIT_HMAC_KEY_FILE"
PUBKEY_ENV = "STATUS_GUARD_AUDIT_PUBLIC_KEY_FILE"
WITNESS_FLAG = "--witness"


@dataclass(frozen=True)
class VerificationView:
    state: str            # verified | consistent | key_missing | failed
    headline: str
    detail: str
    css: str              # ok | warn | bad (the banner colour)
    supply: tuple[str, ...] = ()   # the options that would let the check complete
    # compared with the witness (the log's length kept outside it); a verified log that was not is shown in
    # yellow: records cut from its end would not show
    witnessed: bool = True

    @property
    def alarm(self) -> bool:
        return self.state == "failed"


def view_of(v: Any, *, hmac_key_given: bool = False) -> VerificationView:
    """The state of a :class:`status_guard.audit.VerifyReport` (``hmac_key_given``: whether the caller
    supplied an HMAC key, which turns an algorithm mismatch into a downgrade alarm)."""
    problems = list(v.problems)
    kinds = {p.kind for p in problems}
    span = f"{v.count} record(s)" + (f", seq {v.first_seq}–{v.last_seq}" if v.last_seq is not None else "")
    if problems and kinds == {"unverifiable"} and not hmac_key_given:
        return VerificationView(
            "key_missing", "Cannot verify: key not supplied",
            f"The log is HMAC-chained ({span}) and its key was not supplied, so its records could not be "
            f"checked. This is not a sign of tampering: start again with {HMAC_FLAG} (or set {HMAC_ENV}).",
            "warn", (HMAC_FLAG,))
    if problems:
        return VerificationView(
            "failed", "TAMPERING OR DAMAGE DETECTED: the audit log does not verify",
            f"{len(problems)} problem(s) in {span}. Figures and records cannot be relied on until this is explained.",
            "bad")
    warn = " ".join(v.warnings)
    if v.tamper_evident:
        if not getattr(v, "cut_evident", True):
            return VerificationView(
                "verified", "Log verified, but not compared with a witness",
                f"{span}, every hash and link intact. {v.integrity_basis}", "warn", (WITNESS_FLAG,), witnessed=False)
        return VerificationView("verified", "Log verified", f"{span}, every hash and link intact. {v.integrity_basis}",
                                "ok")
    signed = max(v.checkpoints_total, getattr(v, "heads_total", 0))
    if signed:
        return VerificationView(
            "key_missing", "Cannot verify: key not supplied",
            f"The chain is intact ({span}) and the log carries {signed} signed tree head(s), but "
            f"without the public key they were not checked, so a rewrite by someone with write access would not "
            f"show. This is not a sign of tampering: give {PUBKEY_FLAG} (or set {PUBKEY_ENV}).", "warn",
            (PUBKEY_FLAG,))
    return VerificationView(
        "consistent", "Log consistent (not proof against an insider)",
        f"{span}, every hash and link intact. {v.integrity_basis}" + (f" {warn}" if warn else ""), "warn")
