"""The driver: leaves and keys in, one Decision and what to withhold out. Format-blind — JSON
(``apply_json``), CSV, HTML tables and XML (the middleware's body modules) all come through here.

    flatten (format) -> classify_leaves -> key_items -> decide (per leaf; carve-outs per leaf;
    public-record patterns) -> free_text (spans in what stays visible) -> apply (format)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model import Decision, Effect, Item
from .audience import WITHHELD, Audience
from .classify_leaves import classify_leaves
from .free_text import redact_free_text
from .keys import key_items, public_prefixes
from .leaves import Flat


@dataclass
class Outcome:
    decision: Decision
    #: per leaf (same order as ``Flat.leaves``): the effect on its value
    effects: list[Effect]
    #: indices into ``Flat.keys`` of keys to rename
    keys_withheld: set[int] = field(default_factory=set)
    #: leaf index -> value with protected spans replaced (the leaf stays visible otherwise)
    rewritten: dict[int, str] = field(default_factory=dict)

    def withheld(self, i: int) -> bool:
        return self.effects[i] in WITHHELD

    @property
    def changed(self) -> bool:
        return bool(self.keys_withheld or self.rewritten or any(e in WITHHELD for e in self.effects))


def run(guard: Any, flat: Flat, audience: Audience, *, text: bool = True) -> Outcome:
    """Decide every leaf and key of ``flat`` for ``audience``. ``guard``: a Guard (its classifier,
    its decision engine and, when ``text``, its free-text detector)."""
    leaves = flat.leaves
    # free text withholds the carve-out's categories too: 8 U.S.C. §1373 / 2.129.070 release a
    # status value under its own status key and nothing else (docs/middleware.md, Disclosure pass
    # 2); a narrative that states a status carries other protected content with it (review r13f F01)
    text_hidden = audience.hidden | audience.carve_hidden
    detector = guard._free_text_detector() if text and text_hidden else None
    spans = text_hidden & frozenset(detector.categories) if detector is not None else frozenset()
    items, lc = classify_leaves(guard.classifier, audience, leaves, spans)
    pubs = public_prefixes(leaves[i].names for i, it in enumerate(items) if it.public_record) if audience.public else set()
    kitems = key_items(guard.classifier, audience, flat.keys, pubs, detector)
    all_items: list[Item] = items + [it for _, it in kitems]
    decision = guard.decide("disclose", all_items, scope=audience.scope, requester=audience.requester,
                            purpose=audience.purpose, claims=(), public_record_fields=None)
    fields = decision.fields
    n = len(items)
    effects = [f.effect for f in fields[:n]]
    keys_withheld = {ki for (ki, _), f in zip(kitems, fields[n:]) if f.effect in WITHHELD}
    outcome = Outcome(decision, effects, keys_withheld)
    if text and text_hidden:
        if detector is not None:
            # a status value the carve-out released is status vocabulary and nothing else
            # (``status_values``): there is no free text in it to look into
            visible = [i for i, e in enumerate(effects) if e not in WITHHELD and not items[i].carve_out]
            short = frozenset(i for i in visible if items[i].public_record)
            found = redact_free_text(detector, text_hidden, leaves, visible, short)
            if found.items:
                span_decision = guard.decide("disclose", list(found.items.values()), scope=audience.scope,
                                             requester=audience.requester, purpose=audience.purpose, claims=(),
                                             public_record_fields=None)
                for i in found.unchecked:
                    effects[i] = Effect.REDACT
                outcome.rewritten = {i: v for i, v in found.rewritten.items() if i not in found.unchecked}
                for i in outcome.rewritten:
                    if effects[i] not in WITHHELD:
                        effects[i] = Effect.REDACT
                outcome.decision = merge(decision, span_decision)
            # a category the value classifier saw in a free-text leaf and left to the span pass:
            # if the span pass did not find it, the leaf is withheld whole (fail closed)
            for i, wanted in lc.deferred.items():
                if effects[i] in WITHHELD:
                    continue
                got = found.items[i].categories if i in found.items else frozenset()
                if not wanted <= got:
                    effects[i] = Effect.REDACT
                    outcome.rewritten.pop(i, None)
                    outcome.decision = merge(outcome.decision, guard.decide(
                        "disclose", [Item(leaves[i].path, wanted, ("free text holds it",), carve_out=False)],
                        scope=audience.scope, requester=audience.requester, purpose=audience.purpose, claims=(),
                        public_record_fields=None))
    return outcome


def merge(first: Decision, second: Decision) -> Decision:
    """``first`` with ``second``'s field outcomes replacing those of the same path, and its hits
    added."""
    touched = {f.path for f in second.fields}
    fields = tuple(f for f in first.fields if f.path not in touched) + second.fields
    return Decision(
        effect=Effect.strongest([first.effect, second.effect]),
        action=first.action, scope=first.scope, requester=first.requester, purpose=first.purpose,
        hits=first.hits + second.hits, fields=fields, policy=first.policy,
        exceptions_used=tuple(dict.fromkeys(first.exceptions_used + second.exceptions_used)),
        messages={**first.messages, **second.messages},
    )


def withheld_paths(flat: Flat, outcome: Outcome) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(redacted, removed) display paths, for :class:`status_guard.redact.Redaction`."""
    redacted: list[str] = []
    removed: list[str] = []
    for i, e in enumerate(outcome.effects):
        if e in WITHHELD:
            (removed if e is Effect.STRIP else redacted).append(flat.leaves[i].path)
    for k in sorted(outcome.keys_withheld):
        redacted.append(flat.keys[k].path + ".*key")
    return tuple(redacted), tuple(removed)






__all__ = ["Outcome", "merge", "run", "withheld_paths"]
