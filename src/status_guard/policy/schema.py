"""The policy-pack file format, as pydantic models.

``policies/policy.schema.json`` is generated from these models (``status-guard policy schema``)
so editors can autocomplete and validate policy YAML.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

EffectName = Literal["allow", "flag", "redact", "strip", "block"]
ActionName = Literal["collect", "store", "select_by", "read", "disclose", "access", "detain"]
Ident = Field(pattern=r"^[a-z][a-z0-9_\-]*$", max_length=80)
CITATION_RE = r"^(\d+\.\d+(\.\d+)?(\([a-z]\))*|[0-9A-Z][\w .§()\-/,]*)$"


def _compiled_regex(v: str, what: str) -> str:
    """A policy regex must compile; the error names the key (the loader adds file and line)."""
    try:
        re.compile(v)
    except re.error as exc:
        raise ValueError(f"{what} does not compile: {exc}") from None
    return v


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Term(_Strict):
    """A lexicon term with conditions. ``not_with``: any of these words anywhere vetoes the term."""

    term: str = Field(min_length=1, max_length=120)
    not_with: list[str] = Field(default_factory=list)
    names_only: bool = False


TermEntry = Union[str, Term]


class Pattern(_Strict):
    """A regular expression over the raw (NFKC, invisible-stripped) name or label."""

    regex: str = Field(min_length=1, max_length=500)
    where: list[Literal["name", "label", "value"]] = Field(
        default_factory=lambda: ["name", "label"], description="What the pattern is matched against."
    )
    case_sensitive: bool = False
    description: str | None = None

    @field_validator("regex")
    @classmethod
    def _compiles(cls, v: str) -> str:
        return _compiled_regex(v, "regex")


class Detectors(_Strict):
    terms: dict[str, list[TermEntry]] = Field(
        default_factory=dict, description="Lexicon by language code (en, es, pt, ht, zh, ...)."
    )
    compact: list[str] = Field(
        default_factory=list,
        description="Strings matched inside the separator-free name (catches 'isuscitizenship').",
    )
    patterns: list[Pattern] = Field(default_factory=list)
    exclude: list[str] = Field(
        default_factory=list,
        description="Phrases that, where they overlap a match, mean it is a legitimate look-alike.",
    )
    classify_values: bool = Field(
        default=False, description="Also look for this category's terms in short field values."
    )


class Volunteered(_Strict):
    """Marks a category that stands for what a person *volunteered* in their own words (a free-text
    value of a field that did not ask), as opposed to a question a form asks. The collection
    adapter gives a free-text finding of a category in ``of`` this category instead, so rules can
    tell an inquiry (040(b)) from a resident's own story. ``topic_terms``: on a *topic* category,
    findings whose matched text is only one of these phrases name the subject ("they asked about
    my immigration status") without disclosing anyone's status."""

    of: list[str] = Field(min_length=1, description="Category ids whose volunteered mention this category stands for.")
    topic_terms: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Topic category only: phrases (by language) that name the subject without disclosing a status.",
    )


class Category(_Strict):
    title: str
    description: str = ""
    detectors: Detectors = Field(default_factory=Detectors)
    volunteered: Volunteered | None = Field(
        default=None, description="This category stands for a volunteered free-text mention (see docs/middleware.md)."
    )


class NamedThing(_Strict):
    title: str
    description: str = ""


class Requester(_Strict):
    title: str
    description: str = ""
    restricted: bool = Field(
        default=False, description="Responses to this class are redacted by default-deny rules."
    )
    audited: bool = Field(
        default=False,
        description="Every disclosure to this class is audited, even one that withholds nothing (e.g. a state "
                    "agency receiving police records in full). Restricted classes are always audited.",
    )


class Exception_(_Strict):
    """An exception to one or more rules. Using one is always audited."""

    citation: str
    title: str
    kind: Literal["legal_basis", "purpose", "verified_instrument"]
    purposes: list[str] = Field(default_factory=list, description="kind=purpose: the purposes that qualify.")
    effect: EffectName = Field(default="flag", description="The effect a covered hit takes instead.")
    description: str = ""


class Example(_Strict):
    name: str | None = None
    action: ActionName
    scope: str
    requester: str = "local"
    agency: str | None = None
    purpose: str | None = None
    fields: dict[str, Any] = Field(default_factory=dict, description="Field name -> value (classified by the pack).")
    labels: dict[str, str] = Field(default_factory=dict, description="Field name -> label text.")
    items: dict[str, list[str]] = Field(default_factory=dict, description="Path -> categories, unclassified.")
    public_record: list[str] = Field(default_factory=list)
    claims: list[dict[str, Any]] = Field(default_factory=list)
    expect: EffectName
    expect_citations: list[str] = Field(default_factory=list)
    expect_fields: dict[str, EffectName] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _has_input(self) -> Example:
        if self.action != "access" and not (self.fields or self.items):
            raise ValueError("an example needs `fields` or `items` (except for action `access`)")
        return self


class Rule(_Strict):
    id: str = Ident
    citation: str = Field(pattern=CITATION_RE)
    title: str
    reason: str = Field(min_length=10, description="Plain-language reason shown to users and clerks.")
    reason_i18n: dict[str, str] = Field(default_factory=dict)
    scopes: list[str] = Field(min_length=1, description="Scope ids, or ['*'].")
    actions: list[ActionName] = Field(min_length=1)
    categories: list[str] = Field(
        default_factory=list,
        description="Category ids; ['*'] = every item, classified or not (default-deny); [] = the action itself.",
    )
    requesters: list[str] = Field(default_factory=lambda: ["*"])
    purposes: list[str] = Field(default_factory=lambda: ["*"], description="Purposes the rule applies to; '*' any, 'none' = no purpose declared.")
    not_purposes: list[str] = Field(default_factory=list, description="Purposes the rule does not apply to.")
    effect: EffectName
    overrides: list[str] = Field(
        default_factory=list,
        description="effect=allow only: rule ids this carve-out overrides for items wholly in its categories.",
    )
    public_record_exempt: bool = Field(default=False, description="Items declared public record are not covered.")
    exceptions: list[str] = Field(default_factory=list)
    examples: list[Example] = Field(default_factory=list)

    @model_validator(mode="after")
    def _overrides_only_on_allow(self) -> Rule:
        if self.overrides and self.effect != "allow":
            raise ValueError("`overrides` is only meaningful on a rule whose effect is `allow`")
        return self


class ValueRule(_Strict):
    """A rule on the value written to a category (e.g. hold basis == ICE detainer -> refuse)."""

    id: str = Ident
    citation: str = Field(pattern=CITATION_RE)
    title: str
    reason: str = Field(min_length=10)
    reason_i18n: dict[str, str] = Field(default_factory=dict)
    scopes: list[str] = Field(min_length=1)
    actions: list[ActionName] = Field(min_length=1)
    category: str
    values: list[str] = Field(min_length=1, description="Normalised values that are forbidden...")
    phrases: list[str] = Field(
        default_factory=list,
        description="...or phrases that make a free-text part of the value forbidden (\"ICE detainer (I-247A)\").",
    )
    other_basis_words: list[str] = Field(
        default_factory=list,
        description="Words that make a part another basis even if it mentions a forbidden phrase (judicial, court).",
    )
    split: str = Field(
        default=r"[;,/+|\n]|\s&\s|\band\b|\by\b|\be\b",
        description="Regex splitting a free-text value into parts (each part is one basis).",
    )
    sole_basis: bool = Field(
        default=True, description="...when they are the only values given (a list mixing in another basis passes)."
    )

    @field_validator("split")
    @classmethod
    def _split_compiles(cls, v: str) -> str:
        return _compiled_regex(v, "split")
    effect: EffectName = "block"
    exceptions: list[str] = Field(default_factory=list)
    examples: list[Example] = Field(default_factory=list)


class Note(_Strict):
    citation: str
    title: str
    enforcement: Literal["rules", "events", "obligation", "report", "routing", "advisory", "not_software"]
    note: str


class HoldBasis(_Strict):
    """One code of the hold-basis vocabulary the police system records a detention with (040(d))."""

    label: str = Field(min_length=3, max_length=160, description="Plain-language name shown to the officer.")
    immigration_only: bool = Field(description="True when the code is an ICE detainer or administrative warrant: "
                                               "alone it may never be the basis of a hold (040(d)).")


class ComplianceData(_Strict):
    """Data for the compliance toolkit (events, report, dashboard): not rules."""

    time_zone: str = Field(description="IANA time zone of the jurisdiction: report periods and months are its "
                                       "calendar days (e.g. America/New_York).")
    hold_bases: dict[str, HoldBasis] = Field(
        default_factory=dict, description="The fixed vocabulary for `events add detained_on_ice_hold --hold-basis`.")

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone `{v}`") from None
        return v

    @field_validator("hold_bases")
    @classmethod
    def _codes(cls, v: dict[str, HoldBasis]) -> dict[str, HoldBasis]:
        for code in v:
            if not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", code):
                raise ValueError(f"hold basis code `{code}` must be lower_snake_case (it is stored in the log)")
        return v


class PolicyFile(_Strict):
    """A policy pack."""

    schema_: str | None = Field(default=None, alias="$schema")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-_]*$")
    jurisdiction: str
    title: str
    version: str
    effective: dt.date
    source: str | None = None
    languages: list[str] = Field(default_factory=lambda: ["en"])
    categories: dict[str, Category]
    scopes: dict[str, NamedThing]
    requesters: dict[str, Requester]
    purposes: dict[str, NamedThing] = Field(default_factory=dict)
    exceptions: dict[str, Exception_] = Field(default_factory=dict)
    public_record_fields: list[str] = Field(default_factory=list)
    rules: list[Rule]
    value_rules: list[ValueRule] = Field(default_factory=list)
    notes: list[Note] = Field(default_factory=list)
    departments: dict[str, Any] = Field(default_factory=dict, description="Complaint routing and report metadata.")
    text: dict[str, Any] | None = Field(default=None, description="Free-text recognizer data (see docs/text.md).")
    lexicon: list[str] = Field(
        default_factory=list,
        description="Lexicon data files, relative to the pack file: abbreviations, owner context, "
                    "languages, standards vocabularies, country names (see docs/classification.md).",
    )
    compliance: ComplianceData | None = Field(default=None, description="Compliance toolkit data (docs/compliance.md).")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _references_resolve(self) -> PolicyFile:
        cats, scopes, reqs = set(self.categories), set(self.scopes), set(self.requesters)
        purposes, excs = set(self.purposes), set(self.exceptions)
        if "unknown" not in reqs:
            raise ValueError("requesters must include `unknown` (the class used when no one is identified)")
        errors: list[str] = []
        ids: set[str] = set()

        def check(kind: str, where: str, values: list[str], known: set[str], extra: tuple[str, ...] = ("*",)) -> None:
            for v in values:
                if v not in known and v not in extra:
                    errors.append(f"{where}: unknown {kind} `{v}`")

        for i, r in enumerate(self.rules):
            where = f"rules[{i}] ({r.id})"
            if r.id in ids:
                errors.append(f"{where}: duplicate rule id")
            ids.add(r.id)
            check("scope", where, r.scopes, scopes)
            check("category", where, r.categories, cats)
            check("requester", where, r.requesters, reqs)
            check("purpose", where, r.purposes, purposes, ("*", "none"))
            check("purpose", where, r.not_purposes, purposes)
            check("exception", where, r.exceptions, excs, ())
        rule_ids = {r.id for r in self.rules}
        for r in self.rules:
            for o in r.overrides:
                if o not in rule_ids:
                    errors.append(f"rule {r.id}: overrides unknown rule `{o}`")
        for i, v in enumerate(self.value_rules):
            where = f"value_rules[{i}] ({v.id})"
            if v.id in ids:
                errors.append(f"{where}: duplicate rule id")
            ids.add(v.id)
            check("scope", where, v.scopes, scopes)
            check("category", where, [v.category], cats, ())
            check("exception", where, v.exceptions, excs, ())
        for eid, e in self.exceptions.items():
            check("purpose", f"exceptions.{eid}", e.purposes, purposes, ())
        seen_mention: dict[tuple[str, bool], str] = {}
        for cid, c in self.categories.items():
            if c.volunteered is None:
                continue
            check("category", f"categories.{cid}.volunteered.of", c.volunteered.of, cats, ())
            topic = bool(c.volunteered.topic_terms)
            for of in c.volunteered.of:
                if of == cid or (of in self.categories and self.categories[of].volunteered is not None):
                    errors.append(f"categories.{cid}.volunteered.of: `{of}` must be an ordinary category")
                other = seen_mention.setdefault((of, topic), cid)
                if other != cid:
                    errors.append(f"categories.{cid}.volunteered.of: `{of}` already has the "
                                  f"{'topic' if topic else 'volunteered'} category `{other}`")
        if errors:
            raise ValueError("; ".join(errors))
        return self


def json_schema() -> dict[str, Any]:
    schema = PolicyFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://status-guard.invalid/policy.schema.json"
    schema["title"] = "status_guard policy pack"
    return schema
