"""Run the examples embedded in a policy's rules (``status-guard policy test``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model import Claim, Item, Requester

if TYPE_CHECKING:  # pragma: no cover
    from ..guard import Guard
    from .schema import Example


@dataclass(frozen=True)
class ExampleResult:
    rule: str
    index: int
    name: str
    ok: bool
    expected: str
    got: str
    problems: tuple[str, ...]
    explanation: str


def run_example(guard: Guard, rule_id: str, index: int, ex: Example) -> ExampleResult:
    items: list[Item] = []
    if ex.fields:
        items.extend(guard.items_from_fields(ex.fields, ex.labels))
    for path, cats in ex.items.items():
        items.append(Item(path, frozenset(cats), ("given by the example",)))
    claims = [
        Claim(
            exception=c["exception"],
            legal_basis=str(c.get("legal_basis", "")),
            reference=c.get("reference"),
            categories=frozenset(c["categories"]) if c.get("categories") else None,
            verified=bool(c.get("verified", False)),
        )
        for c in ex.claims
    ]
    d = guard.decide(
        ex.action,
        items,
        scope=ex.scope,
        requester=Requester(ex.requester, ex.agency),
        purpose=ex.purpose,
        claims=claims,
        public_record_fields=ex.public_record,
    )
    problems: list[str] = []
    if d.effect.value != ex.expect:
        problems.append(f"expected effect {ex.expect}, got {d.effect.value}")
    for c in ex.expect_citations:
        if c not in d.citations:
            problems.append(f"expected citation {c} among {list(d.citations) or 'none'}")
    if ex.expect != "allow" and not any(h.rule == rule_id for h in d.hits):
        problems.append(f"rule {rule_id} did not fire (fired: {[h.rule for h in d.hits] or 'none'})")
    for path, eff in ex.expect_fields.items():
        f = d.field(path)
        if f is None:
            problems.append(f"no field {path} in the decision")
        elif f.effect.value != eff:
            problems.append(f"field {path}: expected {eff}, got {f.effect.value}")
    return ExampleResult(
        rule_id, index, ex.name or f"example {index + 1}", not problems, ex.expect, d.effect.value,
        tuple(problems), d.explain(),
    )


def run_examples(guard: Guard) -> list[ExampleResult]:
    out = []
    for rule in guard.policy.all_rules():
        for i, ex in enumerate(rule.examples):
            out.append(run_example(guard, rule.id, i, ex))
    return out
