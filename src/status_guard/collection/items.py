"""Asked or volunteered: from labelled leaves to the items the decision engine reads.

2.129.040(b) forbids the City to *inquire*. A question the form asks — in a field's name, its
label, the page that served it, or a form builder's question text — is an inquiry, and its answer
carries the question's categories. What a person writes in their own words in a field that did not
ask (a complaint, a comment, a note) is not an inquiry: a protected category found there is given
the pack's *volunteered* category instead (``volunteered_status``; ``status_topic`` when the words
only name the subject), and the pack's rules decide — flagged in city scope, the disclosing words
removed before the school system keeps them in schools scope (040(k)).

A short answer that is itself a status ("Permanent resident") is read by the field's subject
(``subjects.py``): a generic question id asks it; a notes field volunteers it; a field about
another subject (a parking permit type) is a look-alike.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model import MISSING, Item
from ..normalize import normalize, tokens
from .choices import asked_by_choices
from .counts import counted_service
from .services import form_offers, offers_a_service, service_field, service_question
from .files import file_name_in, read_file_name
from . import statements
from .lookalikes import asked as asked_by
from .answers import status_answer
from .subjects import subject_of
from .view import Leaf, name_read

FREE_TEXT_MIN = 24


def looks_like_free_text(value: Any) -> bool:
    return isinstance(value, str) and len(value) >= FREE_TEXT_MIN and " " in value.strip()


@dataclass(frozen=True)
class MentionMap:
    """From the policy pack: which category stands for a volunteered mention of which."""

    disclosure: dict[str, str]
    topic: dict[str, str]
    topic_terms: dict[str, frozenset[str]]

    @property
    def mapped(self) -> frozenset[str]:
        return frozenset(self.disclosure) | frozenset(self.topic)


_MAPS: weakref.WeakKeyDictionary[Any, MentionMap] = weakref.WeakKeyDictionary()


def mention_map(policy: Any) -> MentionMap:
    hit = _MAPS.get(policy)
    if hit is not None:
        return hit
    disclosure: dict[str, str] = {}
    topic: dict[str, str] = {}
    terms: dict[str, frozenset[str]] = {}
    for cid, cat in policy.file.categories.items():
        v = getattr(cat, "volunteered", None)
        if v is None:
            continue
        if v.topic_terms:
            terms[cid] = frozenset(normalize(t) for ts in v.topic_terms.values() for t in ts if normalize(t))
            for of in v.of:
                topic[of] = cid
        else:
            for of in v.of:
                disclosure[of] = cid
    m = MentionMap(disclosure, topic, terms)
    _MAPS[policy] = m
    return m


@dataclass
class Mention:
    """A span of a value that holds a volunteered category (for removal in schools scope)."""

    index: int | None  # position in a list value, None for a plain string
    start: int
    end: int
    category: str  # the volunteered category it was given


@dataclass
class LeafResult:
    leaf: Leaf
    item: Item
    mentions: list[Mention] = field(default_factory=list)


def _values(value: Any) -> list[tuple[int | None, str]]:
    if isinstance(value, str):
        return [(None, value)]
    if isinstance(value, list):
        return [(i, v) for i, v in enumerate(value) if isinstance(v, str)]
    return []


def build_items(guard: Any, leaves: Sequence[Leaf], *, text: bool = True) -> list[LeafResult]:
    """One item per leaf that answers (or, for a definition, asks) a question."""
    classifier = guard.classifier
    mmap = mention_map(guard.policy)
    titles = {cid: c.title for cid, c in guard.policy.file.categories.items()}
    detector = None
    out: list[LeafResult] = []
    siblings = tuple(dict.fromkeys(name_read(lf.read_name if lf.read_name is not None else lf.key_path)
                                   for lf in leaves if lf.key_path and not lf.ignore_name))[:256]
    offered = form_offers(
        [t for lf in leaves if not lf.is_file
         for t in (name_read(lf.read_name if lf.read_name is not None else lf.key_path) if lf.key_path else None,
                   lf.label, lf.value if isinstance(lf.value, str) and len(lf.value) <= 120 else None) if t])
    # a field of the form that names another subject ("permit=parking"): a generic qualifier beside
    # it ("type=Permanent resident") is that subject's type (r12f F09)
    other_subject = next((f"{n}={v}" for lf in leaves if not lf.is_file and lf.key_path and isinstance(lf.value, str)
                          and 0 < len(lf.value) <= 40
                          for n in (name_read(lf.key_path),) for v in (lf.value.strip(),)
                          if _names_another_subject(classifier, n, v)), None)
    for lf in leaves:
        if lf.role in ("question", "skip"):
            continue
        # layout containers and question numbers inside the path are not read
        name = "" if lf.ignore_name else name_read(lf.read_name if lf.read_name is not None else lf.key_path)
        label = lf.label
        value = lf.value
        if lf.role == "definition":
            label = f"{label} / {value}" if label else (value if isinstance(value, str) else None)
            value = MISSING
        # an uploaded file's name is read by ``files.py`` (as a name, keeping to its words), not as
        # the label of the field that carried it
        asked, lookalike_notes = asked_by(classifier, name, None if lf.is_file else label, siblings)
        asked, count_notes = counted_service(classifier, name, label, value, asked)
        if not lf.is_file:
            asked = _asks_in_words(asked, name, label, lookalike_notes)
            asked, service_notes = service_question(classifier, asked, label)
            lookalike_notes += service_notes
            if offered:
                asked, service_notes = service_field(classifier, asked, name, label, offered)
                lookalike_notes += service_notes
        lookalike_notes += count_notes
        cats: set[str] = set(asked.categories) | set(lf.known)
        reasons: list[str] = list(asked.reason_list) + lookalike_notes
        if name and not lf.is_file and not lf.ignore_name:  # ``i797``, ``n400``: a document's form number
            form_cats, form_reasons = form_number_named(name)
            cats |= form_cats
            reasons.extend(form_reasons)
        if lf.choices:  # the options the question offered: statuses among them ask status
            offered, offered_reasons = asked_by_choices(classifier, lf.choices, name, label)
            cats |= offered
            reasons.extend(offered_reasons)
        for fn in lf.file_names:
            file_cats, file_reasons = read_file_name(classifier, fn)
            cats |= file_cats
            reasons.extend(file_reasons)
        if lf.ignore_name and lf.key_path:
            reasons.append(f"name `{lf.key_path.rpartition('.')[2]}` read as a question number in a survey run")
        if lf.known and lf.known_reason:
            reasons.extend(f"{c}: {lf.known_reason}" for c in sorted(lf.known))
        if lf.label and lf.label_source:
            reasons.append(f"labelled by {lf.label_source}")
        mentions: list[Mention] = []
        strings = _values(value) if value is not MISSING else []
        if lf.file_names:  # a file's name is read above, as a name; the other strings as answers
            strings = [(i, s) for i, s in strings if file_name_in(s) is None]
        if strings and not lf.is_file:
            subject = subject_of(name, label or "")
            if subject == "generic" and other_subject is not None and not label and _qualifier(name) and all(
                    RESIDENT_WORDS & set(tokens(s_)) for _, s_ in strings):  # a resident's parking permit
                subject = "unrelated"
                reasons.append(f"`{name}` qualifies the form's `{other_subject}`: another subject's type")
            short = [(i, s) for i, s in strings if s.strip() and not looks_like_free_text(s)]
            if short and subject != "free_text":
                vc = classifier.classify_value([s for _, s in short])
                services = _services_named(classifier, [s for _, s in short]) if vc.categories - cats else set()
                for c in sorted(vc.categories - cats):
                    if c in services:
                        reasons.append(f"{c}: the answer names a city service ({titles.get(c, c).lower()} words "
                                       "beside a service noun), not the person's status")
                    elif subject == "unrelated":
                        reasons.append(f"{c}: a {titles.get(c, c).lower()} answer in a field about another "
                                       "subject is a look-alike, not a status")
                    else:
                        cats.add(c)
                        reasons.append(f"{c}: the answer is a {titles.get(c, c).lower()} answer and the "
                                       "question's name says nothing else")
            if subject in ("generic", "other"):
                # a status read whole ("Lawful permanent resident", "美国公民", "H-1B") — short or not
                for _, s_ in strings:
                    hit = status_answer(s_)
                    if hit is not None and hit[0] not in cats and hit[0] in titles:
                        cats.add(hit[0])
                        reasons.append(f"{hit[0]}: {hit[1]} and the question's name says nothing else "
                                       "(2.129.040(b))")
            scan = [(i, s) for i, s in strings if looks_like_free_text(s) or (subject == "free_text" and s.strip())
                    or (subject == "generic" and " " in s.strip())]
            if scan and text:
                if detector is None:
                    detector = _detector(guard)
                if detector is not None:
                    for i, s in scan:
                        answer_like = subject == "generic" and not looks_like_free_text(s)
                        found = detector.detect(s)
                        services = _service_clauses(classifier, s, found) if found or statements.statements(s) else []
                        for f in found:
                            c = f.category
                            if c in asked.categories or c in lf.known:
                                cats.add(c)
                                continue
                            if answer_like and _names_a_service(s):
                                reasons.append(f"{c}: the answer names a city service, not the person's status")
                                continue
                            if not answer_like and _within(services, f.start, f.end):
                                reasons.append(f"{c}: the words name a city service (a class, a clinic, an "
                                               "appointment), not the person's status")
                                continue
                            if answer_like:  # a short answer to a question whose name says nothing
                                if c not in cats:
                                    reasons.append(f"{c}: the answer is a {titles.get(c, c).lower()} answer and "
                                                   "the question's name says nothing else")
                                cats.add(c)
                                continue
                            mapped = _mapped(mmap, c, s[f.start:f.end])
                            if mmap.topic.get(c) and statements.topic_span(s[f.start:f.end]):
                                mapped = mmap.topic[c]  # "tình trạng nhập cư", "statut d'immigration": the subject
                            if _about_a_group(s, f.end) and mmap.topic.get(c):
                                mapped = mmap.topic[c]  # "undocumented residents", "Refugee Advocacy
                                # Coalition": the subject, nobody's status (040(k) is about a person)
                            if mapped is None:
                                cats.add(c)
                                reasons.append(f"{c}: free text mentions it")
                                continue
                            cats.add(mapped)
                            mentions.append(Mention(i, f.start, f.end, mapped))
                        _said(s, i, services, mmap, asked.categories | lf.known, answer_like, cats, reasons,
                              mentions)
                    for mc in sorted({m.category for m in mentions}):
                        reasons.append(f"{mc}: the person mentioned it in their own words; the form did not ask")
        item = Item(lf.path, frozenset(cats), tuple(dict.fromkeys(reasons)), lf.value)
        out.append(LeafResult(lf, item, mentions))
    return out


def form_number_named(name: str) -> tuple[frozenset[str], list[str]]:
    """A field named by an immigration document's form number alone (``i797``, ``I-551``,
    ``n_400``; its last name segment): the document is asked (r12e F12: a lone ``i797`` was never
    read). A number in a survey run is not read here (``numbering``: ``ignore_name``)."""
    from .files import documents_named
    from .numbering import _NUMBERED

    last = name.replace(" ", "_").rpartition(".")[2]
    if _NUMBERED.match(last) is None and _NUMBERED.match(last.replace("_", "")) is None:
        return frozenset(), []
    cats, titles = documents_named(last)
    if not cats:
        return frozenset(), []
    return cats, [f"{c}: the field is named by the form number of {' / '.join(titles)}" for c in sorted(cats)]


_GROUP_NOUNS = frozenset({
    "residents", "resident", "immigrants", "families", "people", "communities", "community", "workers", "youth",
    "neighbors", "neighbours", "populations", "population", "persons", "individuals", "advocacy", "coalition",
    "alliance", "association", "council", "network", "organization", "organisation", "center", "centre",
    "committee", "rights", "justice", "services", "affairs", "office", "program", "programs", "fund", "project",
    "task", "policy", "policies", "law", "laws", "issues", "act", "protections", "students",
})


#: names that qualify another field's subject ("type" of a permit)
QUALIFIERS = frozenset({"type", "kind", "category", "class", "tipo", "categoria", "clase", "classe", "tip", "kalite"})


#: a permit's type that names its holder's residence ("Permanent resident" parking), not a status
RESIDENT_WORDS = frozenset({"resident", "residents", "residency", "residence", "residente", "residentes", "rezidan"})


def _qualifier(name: str) -> bool:
    return name.strip().lower() in QUALIFIERS


def _names_another_subject(classifier: Any, name: str, value: str) -> bool:
    """A field and its short value name a subject of another kind ("permit" = "parking") and
    nothing protected."""
    if not name or _qualifier(name) or subject_of(name, value) != "unrelated":
        return False
    return not (classifier.classify(name, value).categories or classifier.classify("", f"{value} {name}").categories
                or classifier.classify_value([value]).categories)


#: the categories a statement about status stands for (its words are the pack's ``volunteered_statements``)
STATEMENT_CATEGORY = "immigration_status"


def _asks_in_words(asked: Any, name: str, label: str | None, notes: list[str]) -> Any:
    """A question put to the person about their status in words the classifier's terms do not hold
    ("¿Tiene usted papeles?", "Bu ten papel?"): an inquiry (2.129.040(b)) wherever a form asks it —
    a field's name or label, a form builder's question, the page that served the form."""
    if STATEMENT_CATEGORY in asked.categories:
        return asked
    from .lookalikes import without_statements

    # a welcoming statement ("we will never ask what your immigration status is") asks nothing
    for text in (without_statements(label)[0], name):
        q = statements.inquiry(text)
        if q is not None:
            from ..classify.result import Classification

            why = f"label asks '{q.phrase}' ({q.lang}): a question about the person's status"
            return asked.merged(Classification(frozenset({STATEMENT_CATEGORY}), {STATEMENT_CATEGORY: (why,)}))
    return asked


def _service_clauses(classifier: Any, text: str, found: Iterable[Any] = ()) -> list[tuple[int, int]]:
    """Clauses of a person's text that name a city service ("sign up for the DACA renewal clinic",
    "护照申请预约", "公民入籍课程报名"): every status word in them stands beside a service noun of
    ``vocabulary.yaml`` (``services``, ``answer_services``, ``signup``; at most one word between, or
    touching in scripts written without spaces), and the pack's look-alike reading of the clause
    finds no status left (a person addressed — "my DACA renewal" — keeps it)."""
    from ..classify.lexicon import compact_script
    from ..normalize import compact
    from .lookalikes import _occurrences, answer_states_a_fact, vocab

    v = vocab()
    nouns = v.services + v.answer_services + v.signup
    spans = list(found)
    out = []
    for a, b in statements.clauses(text):
        clause = text[a:b]
        if answer_states_a_fact(clause):  # "DACA application 2027-03-01", "TPS expired": a fact of a status
            continue
        if offers_a_service(clause):
            out.append((a, b))
            continue
        words = tuple(tokens(clause))
        status = [tuple(tokens(text[f.start:f.end])) for f in spans if a <= f.start and f.end <= b]
        status += [tuple(tokens(m)) for m in statements.phrase_matches(clause)]
        status = [w for w in status if w]
        if not status:
            continue
        occ = _occurrences(nouns, words)
        ctext = compact(clause)
        beside_all = True
        for sw in status:
            at = [i for i in range(len(words) - len(sw) + 1) if words[i:i + len(sw)] == sw]
            if any(_owned(words, i) for i in at):  # "mon green card assistance", "my DACA renewal": theirs
                beside_all = False
                break
            near = any(j0 - (i + len(sw)) <= 1 and j0 >= i + len(sw) or i - j1 <= 1 and i >= j1
                       for i in at for j0, j1, _ in occ)
            if not near:
                sc = compact("".join(sw))
                k = ctext.find(sc)
                near = k >= 0 and compact_script(sc) and any(
                    compact_script(p.ctext) and p.ctext in ctext[max(0, k - len(p.ctext) - 2):k + len(sc) + len(p.ctext) + 2]
                    for p in nouns)
            if not near:
                beside_all = False
                break
        if not beside_all:
            continue
        res, _ = asked_by(classifier, "", clause, answer=True)
        if not (res.categories & vocab_service_categories()):
            out.append((a, b))
    return out


def _owned(words: tuple[str, ...], i: int) -> bool:
    """A word of the person's own ("my", "mon", "mi") or addressing them ("your", "su") just before a
    status word: the status is someone's, not a service's name."""
    from .lookalikes import _occurrences, vocab

    before = words[max(0, i - 2):i]
    mine = statements.first_person_words()
    return any(w in mine for w in before) or bool(_occurrences(vocab().addressed, before))


def _within(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in spans)


def _said(text: str, index: int | None, services: list[tuple[int, int]], mmap: "MentionMap", asked: frozenset[str],
          answer_like: bool, cats: set[str], reasons: list[str], mentions: list["Mention"]) -> None:
    """What the person's own words say of a status that the recognisers did not find (``statements``):
    a first-person statement is a volunteered status, a threat or a quote names the subject; in
    answer to a field that asked, it is the answer."""
    for st in statements.statements(text):
        if _within(services, st.start, st.end):
            continue
        if STATEMENT_CATEGORY in asked or (answer_like and st.kind == "disclosing"):
            cats.add(STATEMENT_CATEGORY)
            continue
        if st.kind == "disclosing":
            mapped = mmap.disclosure.get(STATEMENT_CATEGORY)
        else:  # a quoted question or the subject named
            mapped = mmap.topic.get(STATEMENT_CATEGORY) or mmap.disclosure.get(STATEMENT_CATEGORY)
        if mapped is None:
            cats.add(STATEMENT_CATEGORY)
            reasons.append(f"{STATEMENT_CATEGORY}: free text says '{st.phrase}' ({st.lang})")
            continue
        if any(m.index == index and m.category == mapped and m.start <= st.start and st.end <= m.end
               for m in mentions):
            continue
        if st.kind == "disclosing":  # the whole clause goes (the recognisers' span may be a part of it)
            mentions[:] = [m for m in mentions if not (m.index == index and st.start <= m.start and m.end <= st.end)]
        cats.add(mapped)
        mentions.append(Mention(index, st.start, st.end, mapped))


def _about_a_group(text: str, end: int) -> bool:
    """The words after a status word name a group or an organisation, not the person speaking
    ("undocumented residents", "Refugee Advocacy Coalition")."""
    after = tokens(text[end:end + 60])[:3]
    return any(w in _GROUP_NOUNS for w in after[:2]) and not any(w in ("i", "me", "my", "am") for w in
                                                                  tokens(text[max(0, end - 40):end]))


def _names_a_service(value: str) -> bool:
    """A short answer naming a service ("Naturalization ceremony", "Citizenship class") and no person."""
    from .lookalikes import _occurrences, vocab

    from ..classify.lexicon import compact_script
    from ..normalize import compact
    from .lookalikes import answer_states_a_fact

    words = tuple(tokens(value))
    if not words or len(words) > 6 or answer_states_a_fact(value):
        return False
    v = vocab()
    ctext = compact(value)
    nouns = v.services + v.answer_services
    found = bool(_occurrences(nouns, words)) or any(compact_script(p.ctext) and p.ctext in ctext for p in nouns)
    addressed = bool(_occurrences(v.addressed, words)) or any(
        compact_script(p.ctext) and p.ctext in ctext for p in v.addressed)
    return found and not addressed


def vocab_service_categories() -> frozenset[str]:
    from .lookalikes import vocab

    return vocab().categories


def _services_named(classifier: Any, values: list[str]) -> set[str]:
    """Categories every short answer that carries them names only as a city service (a choice of
    "Naturalization ceremony" or "Citizenship class" answers which service, not a status)."""
    from .lookalikes import answer_states_a_fact

    named: set[str] | None = None
    for v in values:
        vc = classifier.classify_value([v])
        if not vc.categories:
            continue
        if answer_states_a_fact(v):
            return set()
        res, _ = asked_by(classifier, "", v, answer=True)
        gone = set(vc.categories) - set(res.categories)
        if _names_a_service(v):  # a short answer: the service noun anywhere in it (any script)
            gone |= set(vc.categories) & vocab_service_categories()
        named = gone if named is None else named & gone
    return named or set()


def _mapped(mmap: MentionMap, category: str, span: str) -> str | None:
    topic = mmap.topic.get(category)
    if topic is not None and normalize(span) in mmap.topic_terms.get(topic, frozenset()):
        return topic
    return mmap.disclosure.get(category) or topic


def _detector(guard: Any) -> Any:
    text = guard._text_integration()
    if text is None:
        return None
    return text.detector_for(guard)


def redacted_value(value: Any, mentions: Iterable[Mention], categories: frozenset[str], marker: str) -> Any:
    """``value`` with the spans of ``categories`` replaced by ``marker`` (a list value element by
    element). Overlapping spans are merged."""
    by_index: dict[int | None, list[tuple[int, int]]] = {}
    for m in mentions:
        if m.category in categories:
            by_index.setdefault(m.index, []).append((m.start, m.end))

    def cut(s: str, spans: list[tuple[int, int]]) -> str:
        spans.sort()
        merged: list[list[int]] = []
        for a, b in spans:
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        out, pos = [], 0
        for a, b in merged:
            out.append(s[pos:a])
            out.append(marker)
            pos = b
        out.append(s[pos:])
        return "".join(out)

    if isinstance(value, str):
        spans = by_index.get(None)
        return cut(value, spans) if spans else value
    if isinstance(value, list):
        return [cut(v, by_index[i]) if i in by_index and isinstance(v, str) else v for i, v in enumerate(value)]
    return value
