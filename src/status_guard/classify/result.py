"""The result of classification: categories, each with the reasons that produced it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Mapping


@dataclass(frozen=True)
class Classification:
    categories: frozenset[str]
    reasons: Mapping[str, tuple[str, ...]]

    def __bool__(self) -> bool:
        return bool(self.categories)

    def merged(self, other: Classification) -> Classification:
        if not other.categories:
            return self
        if not self.categories:
            return other
        reasons: dict[str, tuple[str, ...]] = dict(self.reasons)
        for k, v in other.reasons.items():
            reasons[k] = tuple(dict.fromkeys(reasons.get(k, ()) + v))
        return Classification(self.categories | other.categories, reasons)

    @cached_property
    def reason_list(self) -> tuple[str, ...]:
        return self.all_reasons()

    def all_reasons(self) -> tuple[str, ...]:
        out: list[str] = []
        for cat in sorted(self.reasons):
            out.extend(f"{cat}: {r}" for r in self.reasons[cat])
        return tuple(out)


EMPTY = Classification(frozenset(), {})


def build(found: Mapping[str, list[str]]) -> Classification:
    if not found:
        return EMPTY
    return Classification(frozenset(found), {k: tuple(v) for k, v in found.items()})
