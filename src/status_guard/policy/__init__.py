"""Policy packs: the file format (``schema``), the loader (``loader``) and the compiled form."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable

from ..errors import PolicyError
from ..model import PolicyRef
from .lexicon import EMPTY_LEXICON, Lexicon
from .loader import load_policy_file, load_policy_full, parse_policy, parse_policy_text
from .schema import PolicyFile, Rule, ValueRule, json_schema

__all__ = ["Lexicon", "Policy", "PolicyFile", "Rule", "ValueRule", "json_schema", "load_policy", "default_policy_path"]


def default_policy_path() -> Path:
    """The Cambridge pack: ``policies/`` in a source checkout, else the copy shipped in the wheel."""
    here = Path(__file__).resolve()
    for candidate in (
        here.parents[3] / "policies" / "cambridge-2.129.yaml",  # repo checkout: src/status_guard/policy
        here.parents[1] / "data" / "cambridge-2.129.yaml",
    ):
        if candidate.is_file():
            return candidate
    raise PolicyError("the Cambridge policy pack was not found next to the package")


@dataclass(frozen=True, eq=False)
class Policy:
    """A validated policy pack with its rule index."""

    file: PolicyFile
    hash: str
    path: str = "<memory>"
    #: the pack's lexicon files (abbreviations, context, languages, vocabularies, countries)
    lexicon: Lexicon = EMPTY_LEXICON
    _index: dict[tuple[str, str], tuple[Rule, ...]] = field(default_factory=dict, repr=False)

    @property
    def id(self) -> str:
        return self.file.id

    @property
    def version(self) -> str:
        return self.file.version

    @cached_property
    def ref(self) -> PolicyRef:
        return PolicyRef(self.file.id, self.file.version, self.hash)

    @cached_property
    def restricted_requesters(self) -> frozenset[str]:
        return frozenset(k for k, v in self.file.requesters.items() if v.restricted)

    @property
    def audited_requesters(self) -> frozenset[str]:
        """Classes every disclosure to whom is audited (the pack's ``audited: true``)."""
        return frozenset(k for k, v in self.file.requesters.items() if v.audited)

    def rules_for(self, scope: str, action: str) -> tuple[Rule, ...]:
        key = (scope, action)
        hit = self._index.get(key)
        if hit is None:
            hit = tuple(
                r for r in self.file.rules if (scope in r.scopes or "*" in r.scopes) and action in r.actions
            )
            self._index[key] = hit
        return hit

    def value_rules_for(self, scope: str, action: str) -> tuple[ValueRule, ...]:
        return tuple(
            v for v in self.file.value_rules if (scope in v.scopes or "*" in v.scopes) and action in v.actions
        )

    @cached_property
    def _rules_by_id(self) -> dict[str, Rule | ValueRule]:
        return {r.id: r for r in self.all_rules()}

    def rule(self, rule_id: str) -> Rule | ValueRule:
        try:
            return self._rules_by_id[rule_id]
        except KeyError:
            raise PolicyError(f"no rule `{rule_id}` in policy {self.id}") from None

    def all_rules(self) -> Iterable[Rule | ValueRule]:
        yield from self.file.rules
        yield from self.file.value_rules

    # -- name checks (an unknown name is a configuration error, never guessed) -------------------
    def check_scope(self, scope: str) -> str:
        if scope not in self.file.scopes:
            raise PolicyError(f"unknown scope `{scope}` (policy {self.id} knows: {', '.join(self.file.scopes)})")
        return scope

    def check_requester(self, cls: str) -> str:
        if cls not in self.file.requesters:
            raise PolicyError(
                f"unknown requester class `{cls}` (policy {self.id} knows: {', '.join(self.file.requesters)})"
            )
        return cls

    def check_purpose(self, purpose: str | None) -> str | None:
        if purpose is not None and purpose not in self.file.purposes:
            raise PolicyError(f"unknown purpose `{purpose}` (policy {self.id} knows: {', '.join(self.file.purposes)})")
        return purpose


def load_policy(path: str | Path | None = None, *, cache: bool = True) -> Policy:
    """A pack from its file. With ``cache`` (and a cache directory: see :mod:`.cache`), a pack
    validated before — every input file byte-for-byte the same — is read from the local cache
    together with its compiled lexicon; otherwise it is validated and compiled, and cached."""
    p = Path(path) if path is not None else default_policy_path()
    if not cache:
        model, digest, lexicon = load_policy_full(p)
        return Policy(model, digest, str(p), lexicon)
    from . import cache as _cache

    try:
        raw = p.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        model, digest, lexicon = load_policy_full(p)  # reports the error as without a cache
        return Policy(model, digest, str(p), lexicon)
    resolved = p.resolve()
    from ..classify.lexicon import CompiledLexicon, remember_compiled

    hit = _cache.load(resolved, raw)
    if hit is not None:
        model, digest, lexicon, compiled = hit
    else:
        model, digest, lexicon = parse_policy(text, str(p))
        compiled = CompiledLexicon(model.categories, lexicon)
        _cache.store(resolved, raw, list(model.lexicon), (model, digest, lexicon, compiled))
    remember_compiled(model.categories, lexicon, compiled)
    return Policy(model, digest, str(p), lexicon)


def policy_from_text(text: str, filename: str = "<memory>", base_dir: str | Path | None = None) -> Policy:
    """A pack from YAML text; ``base_dir`` resolves its ``lexicon:`` files (if it lists any)."""
    model, digest, lexicon = parse_policy(text, filename, base_dir)
    return Policy(model, digest, filename, lexicon)
