"""What a verification result means to an officer: one of four states, each with its own colour.

* ``verified``      (green)  — every record checked, and the check holds against an insider: an HMAC
  key or signed checkpoints verified with the public key, and the log compared with the witness.
  Not compared with a witness (none set): the same state (the figures are not in doubt, exit 0), in
  yellow, saying that records cut from the log's end would not show (``witnessed`` False).
* ``consistent``    (yellow) — the chain is intact, but a plain SHA-256 chain with no signature
  could have been re-hashed by someone with write access. Nothing more can be supplied.
* ``key_missing``   (yellow) — **cannot verify**: the log is HMAC-chained, or carries signed
  checkpoints, and the key to check it was not supplied. Not a tamper alarm: supply the key.
* ``wrong_key``     (yellow) — **cannot verify**: the key supplied is not this log's key (no record's
  MAC verifies while the chain is intact, or every signed head names another public key; see
  :func:`status_guard.audit.verify._wrong_key`). Not the tamper alarm: supply the log's own key.
* ``failed``        (red)    — records were edited, removed, inserted, reordered or cut (some MACs verify
  and some do not is an edit): the tamper alarm. A conversion of the stored bytes (CRLF line endings,
  an empty line at the end) stays red, and ``cause`` names it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

HMAC_FLAG = "--hmac-key-file"
PUBKEY_FLAG = "--public-key"
HMAC_ENV = "STATUS_GUARD_AUDIT_HMAC_KEY_FILE"
PUBKEY_ENV = "STATUS_GUARD_AUDIT_PUBLIC_KEY_FILE"
WITNESS_FLAG = "--witness"
# a witness that holds nothing of a log (w16f F01): what to do, said the same way everywhere
WITNESS_EMPTY_ADVICE = (
    "If this log was witnessed when it was written, this is the wrong witness folder or it is not mounted (a "
    "network share that is not mounted is an empty folder): restore or mount the witness folder and verify again; "
    "do NOT pull until you know. Only if this log was never witnessed (a witness set up for it today) run "
    "`status-guard audit witness pull --first-copy`: the witness then trusts the log as it is now.")


@dataclass(frozen=True)
class VerificationView:
    state: str            # verified | consistent | key_missing | wrong_key | failed
    headline: str
    detail: str
    css: str              # ok | warn | bad (the banner colour)
    supply: tuple[str, ...] = ()   # the options that would let the check complete
    # compared with the witness (the log's length kept outside it); a verified log that was not is shown in
    # yellow: records cut from its end would not show
    witnessed: bool = True
    # the cause a red result can name (the stored bytes were converted: CRLF line endings, an empty line at the end)
    cause: str = ""

    @property
    def alarm(self) -> bool:
        return self.state == "failed"

    @property
    def cannot_verify(self) -> bool:
        """The check could not be made with the key at hand (none supplied, or not this log's): yellow."""
        return self.state in ("key_missing", "wrong_key")


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
    if problems and kinds == {"wrong_key"}:
        which = getattr(v, "wrong_key", None)
        flag, env = (PUBKEY_FLAG, PUBKEY_ENV) if which == "public" else (HMAC_FLAG, HMAC_ENV)
        return VerificationView(
            "wrong_key", "Cannot verify: the key given is not this log's key",
            f"{span}: {problems[0].message} Start again with the log's own key ({flag}, or {env}).", "warn", (flag,))
    if problems:
        converted = next((p.message for p in problems if p.kind == "converted"), "")
        return VerificationView(
            "failed", "TAMPERING OR DAMAGE DETECTED: the audit log does not verify",
            (f"{converted} " if converted else "")
            + f"{len(problems)} problem(s) in {span}. Figures and records cannot be relied on until this is explained.",
            "bad", cause=converted)
    warn = " ".join(v.warnings)
    if v.tamper_evident:
        if not getattr(v, "cut_evident", True) and getattr(v, "witness_checked", False):
            # a witness was given and holds nothing of this log (w16f F01): an unmounted share, the wrong folder, or a
            # witness set up after the log -- never "not a sign of tampering", never an invitation to seed it
            return VerificationView(
                "verified", "Cannot verify against the witness: it holds nothing of this log",
                f"{span}, every hash and link intact, but the witness holds no tree head of this log, so records cut "
                f"from its end would not show. {WITNESS_EMPTY_ADVICE}", "warn", (WITNESS_FLAG,), witnessed=False)
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
