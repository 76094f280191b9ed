"""The decision engine: one pure function from what is being done to a Decision.

    decide(policy, action, items, scope, requester, purpose, claims) -> Decision

Passes, in order:
1. ``applicable_rules``  — rules for (scope, action) whose requester/purpose conditions hold;
2. ``match_items``       — which items each rule covers (by category, '*' = every item, or the
                           action itself when the rule names no category);
3. ``apply_overrides``   — carve-outs (effect ``allow`` + ``overrides``) remove hits on items wholly
                           inside their categories (e.g. 8 U.S.C. §1373 status sharing);
4. ``apply_exceptions``  — declared legal bases, qualifying purposes, verified instruments turn a
                           hit into the exception's effect (audited, never silent);
5. ``value_rules``       — rules on values (a hold whose sole basis is an ICE detainer);
6. ``combine``           — per item and overall, the strongest effect wins.
No I/O; no values in the result.
"""

from __future__ import annotations

import re
from dataclasses import replace
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from .errors import PolicyError
from .model import (
    MISSING,
    Claim,
    Decision,
    Effect,
    ExceptionUse,
    FieldOutcome,
    Item,
    Requester,
    RuleHit,
)
from .disclose.paths import NOTHING, PathPatterns, compile_patterns
from .normalize import normalize, raw_clean
from .policy import Policy, Rule, ValueRule

ACTIONS = frozenset({"collect", "store", "select_by", "read", "disclose", "access", "detain"})


def _purpose_ok(rule: Rule, purpose: str | None) -> bool:
    if purpose in rule.not_purposes:
        return False
    if "*" in rule.purposes:
        return True
    if purpose is None:
        return "none" in rule.purposes
    return purpose in rule.purposes


def applicable_rules(policy: Policy, scope: str, action: str, requester: Requester, purpose: str | None) -> list[Rule]:
    return [
        r
        for r in policy.rules_for(scope, action)
        if ("*" in r.requesters or requester.cls in r.requesters) and _purpose_ok(r, purpose)
    ]


def _is_public_record(item: Item, public_record: PathPatterns) -> bool:
    """An item is public record when its adapter marked it (a disclosed leaf matched by its exact
    location) or when its path matches a declared path pattern (``bookings.charge`` for the
    column ``charge`` of table ``bookings``). Never by its last name alone: see
    ``status_guard.disclose.paths``."""
    if item.public_record:
        return True
    if not public_record:
        return False
    return public_record.matches_path(item.path)


def match_items(rule: Rule, items: Sequence[Item], public_paths: frozenset[str]) -> list[tuple[Item, frozenset[str]]]:
    """The items a rule covers, with the categories that made it cover them. ``public_paths``: the
    paths of items declared public record (see ``public_record_paths``)."""
    out: list[tuple[Item, frozenset[str]]] = []
    exempt = public_paths if rule.public_record_exempt else frozenset()
    if "*" in rule.categories:
        return [(it, it.categories) for it in items if it.path not in exempt]
    cats = frozenset(rule.categories)
    for it in items:
        hit = it.categories & cats
        if hit and it.path not in exempt:
            out.append((it, hit))
    return out


def public_record_paths(items: Sequence[Item], public_record: PathPatterns) -> frozenset[str]:
    return frozenset(it.path for it in items if _is_public_record(it, public_record))


def _exception_for(
    policy: Policy, rule_id: str, exception_ids: Iterable[str], cats: frozenset[str], purpose: str | None,
    claims: Sequence[Claim],
) -> ExceptionUse | None:
    for eid in exception_ids:
        exc = policy.file.exceptions[eid]
        if exc.kind == "purpose":
            if purpose is not None and purpose in exc.purposes:
                return ExceptionUse(eid, exc.citation, rule_id, "purpose", purpose=purpose)
            continue
        for c in claims:
            if c.exception != eid:
                continue
            if c.categories is not None and cats and not cats <= c.categories:
                continue
            if exc.kind == "legal_basis" and c.legal_basis.strip():
                return ExceptionUse(eid, exc.citation, rule_id, "legal_basis", c.legal_basis.strip(), c.reference)
            if exc.kind == "verified_instrument" and c.verified and (c.reference or "").strip():
                return ExceptionUse(
                    eid, exc.citation, rule_id, "verified_instrument", c.legal_basis.strip(), c.reference
                )
    return None


def _parts(vr: ValueRule, value: Any) -> list[str] | None:
    """The value as a list of parts, each one basis: list items, and free text split on the
    rule's separators ("criminal warrant; ICE detainer" is two bases)."""
    if value is MISSING or value is None:
        return None
    vals = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
    splitter = _compiled_split(vr.split)
    out: list[str] = []
    for v in vals:
        if v is None:
            continue
        for part in splitter.split(raw_clean(str(v)).casefold()):
            norm = normalize(part)
            if norm:
                out.append(norm)
    return out


@lru_cache(maxsize=64)
def _compiled_split(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


@lru_cache(maxsize=4096)
def _part_is_forbidden(vr_id: str, values: frozenset[str], phrases: tuple[str, ...], others: tuple[str, ...],
                       part: str) -> bool:
    if part.replace(" ", "_") in values:
        return True
    words = set(part.split())
    if any(o in words for o in others):
        return False  # a judicial / criminal basis, even if a detainer is mentioned alongside
    squeezed = part.replace(" ", "")
    return any(f" {p} " in f" {part} " or p.replace(" ", "") in squeezed for p in phrases)


def _value_rule_fires(vr: ValueRule, value: Any) -> bool:
    parts = _parts(vr, value)
    if not parts:
        return False
    values = frozenset(normalize(v).replace(" ", "_") for v in vr.values)
    phrases = tuple(normalize(p) for p in vr.phrases)
    others = tuple(normalize(o) for o in vr.other_basis_words)
    present = [_part_is_forbidden(vr.id, values, phrases, others, p) for p in parts]
    return all(present) if vr.sole_basis else any(present)


def validate_claims(policy: Policy, claims: Sequence[Claim]) -> None:
    for c in claims:
        if c.exception not in policy.file.exceptions:
            raise PolicyError(
                f"claim names unknown exception `{c.exception}` (policy {policy.id} knows: "
                f"{', '.join(policy.file.exceptions) or 'none'})"
            )


def decide(
    policy: Policy,
    *,
    action: str,
    items: Sequence[Item],
    scope: str,
    requester: Requester,
    purpose: str | None = None,
    claims: Sequence[Claim] = (),
    public_record: PathPatterns | Iterable[str] = NOTHING,
    block_as_strip: bool = False,
) -> Decision:
    """Decide. ``block_as_strip``: a category hit that would block becomes ``strip`` (the route
    is configured to drop the offending field and let the rest through); action-level blocks stay."""
    if action not in ACTIONS:
        raise PolicyError(f"unknown action `{action}`")
    policy.check_scope(scope)
    policy.check_requester(requester.cls)
    policy.check_purpose(purpose)
    validate_claims(policy, claims)
    if not isinstance(public_record, PathPatterns):
        public_record = compile_patterns(tuple(public_record))

    rules = applicable_rules(policy, scope, action, requester, purpose)
    # item path -> list of (rule, categories, effect, exception)
    per_item: dict[str, list[tuple[Rule | ValueRule, frozenset[str], Effect, ExceptionUse | None]]] = {}
    action_hits: list[RuleHit] = []
    by_path = {it.path: it for it in items}

    carve_outs = [r for r in rules if r.effect == "allow" and r.overrides]
    public_paths = public_record_paths(items, public_record) if any(r.public_record_exempt for r in rules) else frozenset()
    if len(by_path) == len(items) and len(items) > 1:
        # records of a list repeat the same fields: the category rules and carve-outs depend only
        # on an item's categories and public-record status, so they run once per distinct pair
        # and the (shared, read-only) hit list fans out to every item of the pair
        reps: dict[tuple[frozenset[str], bool, bool | None], Item] = {}
        members: dict[tuple[frozenset[str], bool, bool | None], list[str]] = {}
        for it in items:
            gkey = (it.categories, it.path in public_paths, it.carve_out)
            if gkey not in reps:
                reps[gkey] = it
                members[gkey] = []
            members[gkey].append(it.path)
        if len(reps) < len(items):
            rep_items = list(reps.values())
            rep_public = frozenset(it.path for it in rep_items if it.path in public_paths)
            rep_hits = _category_hits(policy, rules, carve_outs, rep_items, rep_public, purpose, claims,
                                      block_as_strip, action_hits)
            for gkey, rep in reps.items():
                shared = rep_hits.get(rep.path)
                if shared:
                    for path in members[gkey]:
                        per_item[path] = shared
            _add_value_hits(policy, scope, action, items, purpose, claims, per_item, copy_on_write=True)
            return combine(policy, action, scope, requester, purpose, items, per_item, action_hits)
    per_item.update(_category_hits(policy, rules, carve_outs, items, public_paths, purpose, claims, block_as_strip,
                                   action_hits))
    _add_value_hits(policy, scope, action, items, purpose, claims, per_item, copy_on_write=False)
    return combine(policy, action, scope, requester, purpose, items, per_item, action_hits)


_FEDERAL_OFFICER = re.compile(r"\b(?:a|any) federal officer\b")
UNKNOWN_WORDING = "a requester of class `unknown` (not identified, so treated like a federal officer)"


def _for_unknown(hit: RuleHit) -> RuleHit:
    """A rule written for federal officers that also covers unidentified requesters says which
    class it was applied to, instead of calling an unidentified requester a federal officer."""
    if not _FEDERAL_OFFICER.search(hit.reason):
        return hit
    return replace(hit, reason=_FEDERAL_OFFICER.sub(UNKNOWN_WORDING, hit.reason, count=1))


def _category_hits(
    policy: Policy, rules: list[Rule], carve_outs: list[Rule], items: Sequence[Item], public_paths: frozenset[str],
    purpose: str | None, claims: Sequence[Claim], block_as_strip: bool, action_hits: list[RuleHit],
) -> dict[str, list[tuple[Any, frozenset[str], Effect, ExceptionUse | None]]]:
    """Passes 1-4 for ``items`` (unique paths): item path -> its hits, in rule order. Action-level
    hits are appended to ``action_hits``."""
    per_item: dict[str, list[tuple[Any, frozenset[str], Effect, ExceptionUse | None]]] = {}
    by_path = {it.path: it for it in items}
    for rule in rules:
        if rule.effect == "allow" and not rule.overrides and not rule.exceptions:
            continue  # a plain allow rule only documents intent
        if not rule.categories:
            exc = _exception_for(policy, rule.id, rule.exceptions, frozenset(), purpose, claims)
            eff = Effect(policy.file.exceptions[exc.exception].effect) if exc else Effect(rule.effect)
            action_hits.append(RuleHit(rule.id, rule.citation, rule.reason, eff, frozenset(), (), exc))
            continue
        if rule in carve_outs:
            continue
        for it, cats in match_items(rule, items, public_paths):
            exc = _exception_for(policy, rule.id, rule.exceptions, cats, purpose, claims)
            eff = Effect(policy.file.exceptions[exc.exception].effect) if exc else Effect(rule.effect)
            if block_as_strip and eff is Effect.BLOCK:
                eff = Effect.STRIP
            per_item.setdefault(it.path, []).append((rule, cats, eff, exc))

    # carve-outs: items wholly inside the carve-out's categories lose the overridden hits — a
    # document leaf only when it is itself a status value under a status key (``carve_out``)
    for co in carve_outs:
        co_cats = frozenset(co.categories)
        for path, hits in list(per_item.items()):
            it = by_path[path]
            if it.carve_out is not False and it.categories and it.categories <= co_cats:
                kept = [h for h in hits if h[0].id not in co.overrides]
                if len(kept) != len(hits):
                    kept.append((co, it.categories, Effect.ALLOW, None))
                per_item[path] = kept
    return per_item


def _add_value_hits(
    policy: Policy, scope: str, action: str, items: Sequence[Item], purpose: str | None, claims: Sequence[Claim],
    per_item: dict[str, list[tuple[Any, frozenset[str], Effect, ExceptionUse | None]]], *, copy_on_write: bool,
) -> None:
    """Pass 5: value rules. ``copy_on_write``: hit lists may be shared between items."""
    for vr in policy.value_rules_for(scope, action):
        for it in items:
            if vr.category in it.categories and _value_rule_fires(vr, it.value):
                exc = _exception_for(policy, vr.id, vr.exceptions, frozenset({vr.category}), purpose, claims)
                eff = Effect(policy.file.exceptions[exc.exception].effect) if exc else Effect(vr.effect)
                hit = (vr, frozenset({vr.category}), eff, exc)
                if copy_on_write:
                    per_item[it.path] = per_item.get(it.path, []) + [hit]
                else:
                    per_item.setdefault(it.path, []).append(hit)


def combine(
    policy: Policy,
    action: str,
    scope: str,
    requester: Requester,
    purpose: str | None,
    items: Sequence[Item],
    per_item: dict[str, list[tuple[Any, frozenset[str], Effect, ExceptionUse | None]]],
    action_hits: list[RuleHit],
) -> Decision:
    fields: list[FieldOutcome] = []
    # rule id -> (rule, effect, exception) -> paths, categories
    grouped: dict[tuple[str, Effect, ExceptionUse | None], tuple[Any, list[str], set[str]]] = {}
    # items with the same hits (records of a list) share one summary
    summaries: dict[tuple[Any, ...], tuple[Effect, tuple[str, ...], tuple[str, ...]]] = {}
    # a hit list shared by several items (see ``decide``): its summary and the path lists of its
    # grouped entries, computed at its first item
    shared: dict[int, tuple[tuple[Effect, tuple[str, ...], tuple[str, ...]],
                            list[tuple[list[str], set[str], frozenset[str]]]]] = {}
    for it in items:
        hits = per_item.get(it.path)
        if not hits:
            fields.append(FieldOutcome(it.path, it.categories, Effect.ALLOW, (), (), it.reasons))
            continue
        known = shared.get(id(hits))
        if known is not None:
            fields.append(FieldOutcome(it.path, it.categories, known[0][0], known[0][1], known[0][2], it.reasons))
            for paths, cat_set, cats in known[1]:
                paths.append(it.path)
                cat_set.update(cats)  # a no-op on content; keeps the set built exactly as per item
            continue
        key = tuple((h[0].id, h[2], h[3]) for h in hits)
        summary = summaries.get(key)
        if summary is None:
            summary = (
                Effect.strongest(h[2] for h in hits),
                tuple(dict.fromkeys(h[0].id for h in hits)),
                tuple(dict.fromkeys(h[0].citation for h in hits if h[2] is not Effect.ALLOW or h[3])),
            )
            summaries[key] = summary
        fields.append(FieldOutcome(it.path, it.categories, summary[0], summary[1], summary[2], it.reasons))
        entries: list[tuple[list[str], set[str], frozenset[str]]] = []
        for rule, cats, heff, exc in hits:
            if heff is Effect.ALLOW and exc is None and not getattr(rule, "overrides", None):
                continue
            key = (rule.id, heff, exc)
            entry = grouped.setdefault(key, (rule, [], set()))
            entry[1].append(it.path)
            entry[2].update(cats)
            entries.append((entry[1], entry[2], cats))
        shared[id(hits)] = (summary, entries)
    hits_out = list(action_hits)
    for (rid, heff, exc), (rule, paths, cats) in grouped.items():
        hits_out.append(
            RuleHit(rid, rule.citation, rule.reason, heff, frozenset(cats), tuple(paths), exc, isinstance(rule, ValueRule))
        )
    if requester.cls == "unknown":  # the reason names the class actually asking
        hits_out = [_for_unknown(h) for h in hits_out]
    # strongest first, then by citation, for stable explanations
    hits_out.sort(key=lambda h: (-h.effect.rank, h.citation, h.rule))
    effect = Effect.strongest([h.effect for h in hits_out] + [f.effect for f in fields])
    exceptions = tuple(dict.fromkeys(h.exception for h in hits_out if h.exception is not None))
    messages = {
        h.rule: tuple(f"{lang}:{txt}" for lang, txt in policy.rule(h.rule).reason_i18n.items()) for h in hits_out
    }
    return Decision(
        effect=effect,
        action=action,
        scope=scope,
        requester=requester,
        purpose=purpose,
        hits=tuple(hits_out),
        fields=tuple(fields),
        policy=policy.ref,
        exceptions_used=exceptions,
        messages=messages,
    )
