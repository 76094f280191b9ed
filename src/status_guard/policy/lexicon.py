"""Lexicon data files of a policy pack: abbreviations, owner context, per-language lexicons,
standards vocabularies (Ed-Fi, CEDS, NIEM) and country names.

A pack lists its files under ``lexicon:`` (paths relative to the pack file)::

    lexicon:
      - cambridge-2.129/lexicon/abbreviations.yaml
      - cambridge-2.129/languages/vi.yaml
      - cambridge-2.129/vocabularies/niem-6.0.yaml

Each file says what it is (``kind:``) and is validated by its model below; errors name the file,
the line and the key, like the pack itself. Category ids must exist in the pack. The pack's hash
covers every lexicon file, so an audit record names the exact vocabulary that classified a field.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_LANG = r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------------------------- abbreviations
class Abbreviation(_Strict):
    """``abbr`` (one or more words, as normalised: ``crt``, ``ins no``) is read as ``expand``.

    Conditions look at the neighbouring *raw* tokens: ``when_next: [date, dt]`` expands ``rel``
    only before ``date``/``dt``; ``unless_next`` vetoes. An entry without conditions always applies;
    the first entry whose conditions hold wins (list conditional entries first)."""

    abbr: str = Field(min_length=1, max_length=40)
    expand: str = Field(min_length=1, max_length=120)
    when_next: list[str] = Field(default_factory=list)
    when_prev: list[str] = Field(default_factory=list)
    unless_next: list[str] = Field(default_factory=list)
    unless_prev: list[str] = Field(default_factory=list)
    unless_with: list[str] = Field(default_factory=list, description=(
        "Words that, anywhere in the text or in the field's other text (its label or name), mean the "
        "abbreviation is something harmless: `imm` next to 'immunization', `cit` next to 'citation'."))
    in_labels: bool = Field(default=False, description="Also expand inside labels (default: names only).")
    conventions: list[str] = Field(default_factory=list, description="Naming conventions where it is seen.")
    note: str = ""


class AbbreviationsFile(_Strict):
    kind: Literal["abbreviations"]
    title: str
    description: str = ""
    entries: list[Abbreviation] = Field(min_length=1)
    #: protected words that a one-letter typo or digits-for-letters still reach (``citizenhip``,
    #: ``c1t1zenship``); only tokens that are not a known word of any lexicon are tried
    fuzzy_words: list[str] = Field(default_factory=list)
    #: real words one letter away from a fuzzy word, never read as a typo (``residency``)
    not_typos: list[str] = Field(default_factory=list)


# ---------------------------------------------------------------------------------- owner context
class Owner(_Strict):
    """A kind of owner a path or label can name before (or after) a matched term: the address of
    an *employer* is a work address, the address of a *school* is nobody's home."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    words: dict[str, list[str]] = Field(description="Owner words by language.")
    rewrite: dict[str, str] = Field(default_factory=dict, description="category -> the category it becomes")
    drop: list[str] = Field(default_factory=list, description="categories this owner makes a look-alike")
    person: bool = Field(default=False, description="A person: stops the search (the address stays home).")
    max_distance: int | None = Field(
        default=None, ge=0, le=8,
        description="How many words may stand between this owner and the match (None: any, in a name).")
    summary: bool = Field(
        default=True, description="Whether the other text of a field (name or label) may borrow this owner.")
    after_words: bool = Field(
        default=True, description=(
            "May own a match it follows in a language matched by words (Spanish, Arabic, ...); "
            "false: only before it there (\"clase de ciudadanía\"), so a question followed by a "
            "note (\"¿Cuál es su ciudadanía? (clase de inglés)\") keeps its category. Scripts "
            "matched without spaces (\"시민권 준비반\", \"入籍公民课\") still take it after."))
    follows: bool = Field(
        default=False, description=(
            "May come right after the match even in English (``inmate_count``, ``releases_total``): "
            "a count is of the thing before it."))


class ContextFile(_Strict):
    kind: Literal["context"]
    title: str
    description: str = ""
    #: words that join a term to an owner after it ("address *of* employer", "dirección *del* trabajo")
    linkers: list[str] = Field(default_factory=list)
    #: how far after a match an owner may follow (in tokens, linkers included)
    after_window: int = Field(default=3, ge=0, le=8)
    #: category -> the categories that make it redundant in the same field: a field about how long,
    #: why or until when a person is held is not also an "is the person held" field
    subsumed_by: dict[str, list[str]] = Field(default_factory=dict)
    owners: list[Owner] = Field(min_length=1)


# ---------------------------------------------------------------------------------- languages
class LangTerm(_Strict):
    term: str = Field(min_length=1, max_length=120)
    not_with: list[str] = Field(default_factory=list)
    names_only: bool = False


class LanguageCategory(_Strict):
    terms: list[Union[str, LangTerm]] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)


class LookAlike(_Strict):
    """A phrase that is never the listed categories where it overlaps a match (a "Visa" card)."""

    phrase: str = Field(min_length=1, max_length=120)
    categories: list[str] = Field(min_length=1)
    whole_field: bool = Field(default=False, description=(
        "Veto the categories anywhere in the field (name and label), not only where the phrase "
        "overlaps a match: a detainer names the agency that asks, which is not the person's status."))
    note: str = ""


class LanguageFile(_Strict):
    kind: Literal["language"]
    language: str = Field(pattern=_LANG)
    name: str
    description: str = ""
    categories: dict[str, LanguageCategory]
    look_alikes: list[LookAlike] = Field(default_factory=list)
    owners: dict[str, list[str]] = Field(default_factory=dict, description="owner id -> words in this language")


# ---------------------------------------------------------------------------------- vocabularies
class VocabularyElement(_Strict):
    """One element of a standard. ``element`` is its name as it appears in data: a local name
    (``birthCountryDescriptor``), a prefixed name (``nc:PersonBirthDate``) or the tail of a path
    (``PersonBirthplace/RefCountryId``). ``container``: the categories apply to everything below
    it (a birth location's city is a place of birth), replacing location categories found there;
    a container with ``categories: []`` makes what is below it nobody's address."""

    element: str = Field(min_length=1, max_length=200)
    categories: list[str] = Field(default_factory=list)
    container: bool = False
    reference: bool = Field(
        default=False,
        description="Reference data or a directory (a code table, a court directory, an officer's record): "
                    "nothing at or below it is about a member of the public.")
    id: str | None = Field(default=None, description="The standard's own identifier (CEDS global id).")
    note: str = ""


class VocabularyFile(_Strict):
    kind: Literal["vocabulary"]
    id: str = Field(pattern=r"^[a-z][a-z0-9\-]*$")
    title: str
    version: str
    source: str = Field(description="Where the element names were read (repository, path, release).")
    prefixes: list[str] = Field(default_factory=list, description="Namespace prefixes of this standard.")
    match_local_names: bool = Field(
        default=True, description="A prefixed element also matches its local name without the prefix.")
    location_categories: list[str] = Field(
        default_factory=list,
        description="Categories a container replaces below it (an address under a birth location "
                    "is a place of birth, not a home address).")
    elements: list[VocabularyElement] = Field(min_length=1)

    @field_validator("prefixes")
    @classmethod
    def _prefixes(cls, v: list[str]) -> list[str]:
        for p in v:
            if not re.fullmatch(r"[A-Za-z][\w\-]{0,15}", p):
                raise ValueError(f"prefix `{p}` is not a namespace prefix")
        return v


# ---------------------------------------------------------------------------------- countries
class CountriesFile(_Strict):
    """Country names per language, generated from a maintained source (``tools/`` in the repo)."""

    kind: Literal["countries"]
    source: str
    languages: list[str]
    #: English names that stand for something else too often (Jordan, Chad, Georgia): not matched
    ambiguous: list[str] = Field(default_factory=list)
    #: ISO 3166-1 alpha-2 -> language -> names
    countries: dict[str, dict[str, list[str]]]
    #: ISO 3166-1 alpha-2 -> language -> demonyms (nationality adjectives / nouns), curated
    demonyms: dict[str, dict[str, list[str]]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _codes(self) -> CountriesFile:
        for code in list(self.countries) + list(self.demonyms):
            if not re.fullmatch(r"[A-Z]{2}", code):
                raise ValueError(f"`{code}` is not an ISO 3166-1 alpha-2 code")
        unknown = set(self.demonyms) - set(self.countries)
        if unknown:
            raise ValueError(f"demonyms for unknown country codes: {sorted(unknown)}")
        return self


LexiconFile = Annotated[
    Union[AbbreviationsFile, ContextFile, LanguageFile, VocabularyFile, CountriesFile],
    Field(discriminator="kind"),
]


class _FileWrapper(_Strict):
    file: LexiconFile


def parse_lexicon_data(data: Any) -> LexiconFile:
    """Validate one lexicon file's data (raises pydantic.ValidationError with the key path)."""
    return _FileWrapper.model_validate({"file": data}).file


# ---------------------------------------------------------------------------------- merged
class Lexicon(_Strict):
    """Every lexicon file of a pack, validated, in the order the pack lists them."""

    abbreviations: tuple[AbbreviationsFile, ...] = ()
    context: tuple[ContextFile, ...] = ()
    languages: tuple[LanguageFile, ...] = ()
    vocabularies: tuple[VocabularyFile, ...] = ()
    countries: tuple[CountriesFile, ...] = ()
    files: tuple[str, ...] = ()

    @classmethod
    def from_files(cls, files: list[tuple[str, LexiconFile]]) -> Lexicon:
        buckets: dict[str, list[Any]] = {"abbreviations": [], "context": [], "language": [], "vocabulary": [],
                                         "countries": []}
        for _, f in files:
            buckets[f.kind].append(f)
        return cls(abbreviations=tuple(buckets["abbreviations"]), context=tuple(buckets["context"]),
                   languages=tuple(buckets["language"]), vocabularies=tuple(buckets["vocabulary"]),
                   countries=tuple(buckets["countries"]), files=tuple(p for p, _ in files))

    def category_references(self) -> list[tuple[str, str]]:
        """(where, category id) for every category a lexicon file names: checked against the pack."""
        out: list[tuple[str, str]] = []
        for c in self.context:
            out += [("context subsumed_by", k) for k in c.subsumed_by]
            out += [("context subsumed_by", v) for vs in c.subsumed_by.values() for v in vs]
            for o in c.owners:
                out += [(f"context owner {o.id}", k) for k in list(o.rewrite) + list(o.rewrite.values()) + o.drop]
        for lang in self.languages:
            out += [(f"language {lang.language}", k) for k in lang.categories]
            out += [(f"language {lang.language} look-alike", k) for la in lang.look_alikes for k in la.categories]
        for v in self.vocabularies:
            out += [(f"vocabulary {v.id} {e.element}", k) for e in v.elements for k in e.categories]
            out += [(f"vocabulary {v.id} location_categories", k) for k in v.location_categories]
        return out

    def owner_references(self) -> list[tuple[str, str]]:
        return [(f"language {lang.language}", o) for lang in self.languages for o in lang.owners]

    @property
    def languages_covered(self) -> tuple[str, ...]:
        return tuple(lang.language for lang in self.languages)


EMPTY_LEXICON = Lexicon()

__all__ = [
    "Abbreviation", "AbbreviationsFile", "ContextFile", "CountriesFile", "EMPTY_LEXICON", "LanguageFile", "Lexicon",
    "LexiconFile", "LookAlike", "Owner", "VocabularyElement", "VocabularyFile", "parse_lexicon_data",
]
