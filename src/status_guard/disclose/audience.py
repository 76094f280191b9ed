"""Who receives a disclosure, and what the policy withholds from them — computed once per
(scope, requester class, purpose, public-record declarations) and reused by every pass."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Effect, Item, Requester
from .paths import PathPatterns

WITHHELD = frozenset({Effect.REDACT, Effect.STRIP, Effect.BLOCK})


@dataclass(frozen=True)
class Audience:
    scope: str
    requester: Requester
    purpose: str | None
    #: categories this requester may not receive here
    hidden: frozenset[str]
    #: an unclassified, undeclared value is withheld (040(e) default-deny for federal officers in
    #: police scope; the public in police scope)
    default_deny: bool
    #: the categories carve-outs may release here (8 U.S.C. §1373: citizenship, immigration status)
    carve: frozenset[str]
    public: PathPatterns
    #: carve-out categories withheld here when the carve-out does not apply (free text: a status
    #: stated in a narrative is not a status value under its own key, r13f F01)
    carve_hidden: frozenset[str] = frozenset()

    @property
    def restricted(self) -> bool:
        """Whether anything at all can be withheld from this audience."""
        return self.default_deny or bool(self.hidden)


def audience_for(guard: object, scope: str, requester: Requester, purpose: str | None,
                 public: PathPatterns) -> Audience:
    """Build (uncached: ``Guard.audience`` caches it)."""
    decide = guard.decide  # type: ignore[attr-defined]
    policy = guard.policy  # type: ignore[attr-defined]
    cats = sorted(policy.file.categories)
    probe = [Item(f"probe.{c}", frozenset({c})) for c in cats] + [Item("probe.unclassified")]
    d = decide("disclose", probe, scope=scope, requester=requester, purpose=purpose, claims=())
    hidden = frozenset(c for c, f in zip(cats, d.fields) if f.effect in WITHHELD)
    default_deny = d.fields[-1].effect in WITHHELD
    carve: set[str] = set()
    from ..decide import applicable_rules

    for r in applicable_rules(policy, scope, "disclose", requester, purpose):
        if r.effect == "allow" and r.overrides:
            carve.update(r.categories)
    carve_hidden: frozenset[str] = frozenset()
    if carve:
        cc = sorted(carve)
        dc = decide("disclose", [Item(f"probe.{c}", frozenset({c}), carve_out=False) for c in cc],
                    scope=scope, requester=requester, purpose=purpose, claims=())
        carve_hidden = frozenset(c for c, f in zip(cc, dc.fields) if f.effect in WITHHELD)
    return Audience(scope, requester, purpose, hidden, default_deny, frozenset(carve), public, carve_hidden)


__all__ = ["Audience", "WITHHELD", "audience_for"]
