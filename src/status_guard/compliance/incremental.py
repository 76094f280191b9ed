"""Verify only what was appended to an already verified log — the one seam to the audit package.

A :class:`VerifiedPrefix` is a checkpoint of our own: the verifier's result for the first ``items``
stored records, the digest of their bytes, and the audit package's :class:`VerifiedState` (where
that verification ended: chain head, Merkle frontier, writer sessions, signed heads).
:func:`verify_extension` hands the records after it to
:func:`status_guard.audit.verify.verify_from`, which applies the full verifier's checks to them and
returns the result for the whole log. Whenever anything is unusual (a torn line, a problem of any
kind, no state to resume from) it returns None and the caller verifies the whole log again with
:func:`status_guard.audit.verify.verify_items`. So the fast path can only ever say "verified" when
the full verifier would, and every problem is named by the full verifier itself
(``tests/compliance/test_incremental_verification.py`` checks this on logs generated with
hypothesis, tampered and not).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import orjson

from status_guard.audit.sinks.base import RawItem
from status_guard.audit.verify import VerifyReport, verify_from


@dataclass(frozen=True)
class VerifiedPrefix:
    items: int                       # stored records (lines or rows) covered
    digest: str                      # digest of their bytes (source._digest)
    report: VerifyReport             # the verifier's result for them (its ``state`` resumes it)
    records: list[dict[str, Any]]    # parsed, in storage order

    def with_digest(self, digest: str) -> VerifiedPrefix:
        return replace(self, digest=digest)

    @classmethod
    def of(cls, report: VerifyReport, records: list[dict[str, Any]], items: Sequence[RawItem], digest: str, *,
           public_key: Any = None) -> VerifiedPrefix | None:
        """The prefix a full verification establishes, or None when it cannot be extended safely (the
        log did not verify, ends in a torn line, or the verifier left no state to resume from)."""
        if not report.ok or report.state is None or not items or not items[-1].complete:
            return None
        if len(records) != len(items):
            return None
        return cls(items=len(items), digest=digest, report=report, records=records)


def verify_extension(base: VerifiedPrefix, new: Sequence[RawItem], *, hmac_key: bytes | None,
                     public_key: Any, position_name: str = "line") -> VerifiedPrefix | None:
    """The verified prefix extended by ``new`` (the records stored after it), or None: verify in full."""
    if not new:
        return base
    state = base.report.state
    if state is None:
        return None
    parsed: list[dict[str, Any]] = []
    for it in new:
        if not it.complete:
            return None
        try:
            rec = orjson.loads(it.data)
        except orjson.JSONDecodeError:
            return None
        if not isinstance(rec, dict):
            return None
        parsed.append(rec)
    report = verify_from(state, iter(new), hmac_key=hmac_key, public_key=public_key, allow_open_tail=True,
                         position_name=position_name)
    if not report.ok or report.state is None:
        return None
    if base.report.witness_checked:  # the prefix was compared with the witness; the appended records only grow it
        report = replace(report, witness_checked=True, witness_heads_matched=base.report.witness_heads_matched)
    return replace(base, items=base.items + len(new), report=report, records=base.records + parsed)
