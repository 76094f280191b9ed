"""Combining the per-action decisions of one statement (store + select_by + read) into one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..model import Decision, Effect, Requester, RuleHit


def merge_decisions(decisions: Sequence[Decision]) -> Decision:
    """The strongest effect wins; every hit, field outcome and exception is kept. ``action`` is the
    action of the strongest decision (the first one on a tie), so the audit names what refused."""
    if not decisions:
        raise ValueError("merge_decisions needs at least one decision")
    if len(decisions) == 1:
        return decisions[0]
    effect = Effect.strongest(d.effect for d in decisions)
    primary = next(d for d in decisions if d.effect is effect)
    hits: list[RuleHit] = []
    for d in decisions:
        hits.extend(d.hits)
    hits.sort(key=lambda h: (-h.effect.rank, h.citation, h.rule))
    messages: dict[str, tuple[str, ...]] = {}
    for d in decisions:
        messages.update(d.messages)
    return replace(
        primary,
        effect=effect,
        hits=tuple(hits),
        fields=tuple(f for d in decisions for f in d.fields),
        exceptions_used=tuple(dict.fromkeys(e for d in decisions for e in d.exceptions_used)),
        messages=messages,
    )


def with_requester(decision: Decision, requester: Requester) -> Decision:
    if decision.requester is requester or decision.requester == requester:
        return decision
    return replace(decision, requester=requester)


__all__ = ["merge_decisions", "with_requester"]
