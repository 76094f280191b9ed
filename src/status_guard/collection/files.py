"""Uploaded file names: what a file is named for (2.129.040(b); in schools 040(k)).

A person uploads a scan of their green card as ``green_card.pdf``, ``tarjeta_de_residencia.pdf``,
``a-number.txt``; a form builder sends the same name in JSON (an attachment's ``filename``, an
upload URL ending in it: JotForm ``.../uploads/.../green_card.pdf``, Typeform ``file_url``). Asking
for that file asks the status it proves.

A file name is read like a field name, through the shared classifier (its stem tokenised: ``_``,
``-``, ``.``, camelCase and digits separate words), with the look-alikes of ``lookalikes.py``
(``citizenship_class_flyer.pdf`` names a service) and the pack's immigration-document names and
form numbers (``vocabulary.yaml`` ``status_documents``: ``I-551``, ``tarjeta verde``).

A file name that *is* a number the pack recognises as a value (``A123456789.pdf``, an A-number)
is read by the pack's value patterns too. A file named as a publication with a title of its own
(``flyer``, ``handbook``, ``brochure``, ``newsletter``, ``folleto``, ``dépliant`` and a word beyond
the protected term: ``Parent_Handbook_Immigration_Rights.pdf``, ``passport_to_fitness_flyer.pdf``)
is about its topic, not a person's document: what its words name is not asked (the value patterns
still hold); ``citizenship_flyer.pdf`` is still the subject asked alone.

One rule keeps unrelated names out: **a match must keep to the words the writer separated**. A
term found across a separator (``green_card`` in ``green_cardigan.jpg``, ``evergreen_card``) must
begin and end at word edges (a plural ``s`` allowed); inside one unseparated word (``greencard``)
a match counts as it is (fail closed: the guard cannot tell ``greencardscan`` from a word).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote, urlsplit

from ..normalize import normalize
from ..classify.result import Classification
from .services import names_only_the_service
from .lookalikes import asked
from .subjects import file_name_spellings, status_documents

_EXT = re.compile(r"\.[A-Za-z0-9]{1,8}$")
#: nouns that make a file a publication about its topic (every language of the upload forms)
PUBLICATION_WORDS = frozenset({
    "flyer", "flyers", "flier", "fliers", "handbook", "handbooks", "brochure", "brochures", "newsletter", "newsletters",
    "pamphlet", "pamphlets", "leaflet", "leaflets", "poster", "posters", "bulletin", "syllabus", "agenda",
    "folleto", "folletos", "volante", "volantes", "boletin", "panfleto", "panfletos", "afiche", "cartel",
    "folheto", "folhetos", "cartaz", "depliant", "depliants", "affiche", "prospectus", "feyet", "bilten",
    "傳單", "传单", "手册", "手冊", "宣传册", "宣傳冊",
})
#: nouns of a work *about* a topic — study material, a student's work, an exhibit (r12e F09): like a
#: publication, with a title word of its own (``US_Citizenship_Test_Study_Guide``,
#: ``Immigration_History_Essay``, ``refugee_art_show``, ``Passport_to_Cambridge_museum_pass``).
#: Never a word a scan of a document is named with (photo, scan, copy, card, paper, file).
WORK_NOUNS = frozenset({
    "guide", "guides", "guidebook", "study", "studies", "essay", "essays", "report", "reports", "homework",
    "assignment", "assignments", "project", "projects", "presentation", "presentations", "slides", "slideshow",
    "worksheet", "worksheets", "exhibit", "exhibits", "exhibition", "show", "museum", "poem", "poems", "story",
    "stories", "lesson", "lessons", "curriculum", "toolkit", "faq", "infographic", "zine", "mural", "timeline",
    "guia", "guias", "ensayo", "ensayos", "ensaio", "ensaios", "essai", "essais", "redaccion", "redacao", "tarea",
    "trabalho", "devoir", "devoirs", "exposicion", "exposicao", "exposition", "leccion", "licao", "lecon",
    "gid", "redaksyon", "bai luan", "huong dan",
    "指南", "作文", "论文", "論文", "作业", "作業", "展览", "展覽",
})
#: nouns that make a file a text about people's rights (``Know_Your_Rights_Immigrants``,
#: ``direitos_dos_imigrantes``, ``移民权利手册``): a topic, never a person's document; the term
#: beside it names whose rights, not what the file proves
TOPIC_NOUNS = frozenset({
    "rights", "derechos", "direitos", "droits", "dwa", "quyen", "xuquuq", "xuquuqda", "xuquuqaha", "права",
    "prava", "dereitos", "direitu", "direitus",
    "权利", "權利", "حقوق", "권리", "অধিকার", "መብት", "መብቶች",
})
_NAME_JOINERS = re.compile(r"[_+~]+|(?<=[^\W\d_])[-.](?=[^\W\d_])")
_COMPACT_REASON = ("name contains ", "label contains ")
#: extensions of files people upload (documents, scans, photos, archives)
FILE_EXTENSIONS = frozenset({
    "pdf", "jpg", "jpeg", "jpe", "jfif", "png", "gif", "heic", "heif", "tif", "tiff", "bmp", "webp", "svg", "doc",
    "docx", "odt", "rtf", "txt", "xls", "xlsx", "ods", "csv", "zip", "rar", "7z", "pages", "ppt", "pptx", "msg",
    "eml", "dng", "raw", "avif",
})
_BARE_NAME = re.compile(r"^[^\\/:*?\"<>|\r\n\t]{1,200}\.([A-Za-z0-9]{1,5})$")
_URLISH = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]{0,15}://[^\s/]+/|/|[A-Za-z]:\\)")


def stem_of(filename: str) -> str:
    """The file's own name: its directories and its extension removed."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return _EXT.sub("", base) or base


def label_of(filename: str) -> str:
    """A file name read as words, for people (``green_card.pdf`` -> ``green card``)."""
    base = stem_of(filename)
    return " ".join(_NAME_JOINERS.sub(" ", base).split()) or base


def file_name_in(value: Any, *, named: bool = False) -> str | None:
    """The name of the file a string value names: a bare file name (``I-551_front.jpg``) or a URL
    or path ending in one (an upload URL); None otherwise. Only the last path segment is the name.
    ``named``: the key says it holds a file's name (``filename``): no extension needed."""
    if not isinstance(value, str):
        return None
    s = value.strip()
    if named and s and len(s) <= 255 and re.search(r"[^\W\d_]", s) and not re.search(r"[/\\\r\n]", s):
        return s
    if not s or len(s) > 2048 or "." not in s:
        return None
    if _URLISH.match(s):
        if "://" in s or s.startswith("/"):
            path = urlsplit(s).path
        else:
            path = s
        last = unquote(path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1])
    else:
        last = s
    m = _BARE_NAME.match(last)
    if m is None or m.group(1).lower() not in FILE_EXTENSIONS:
        return None
    if not re.search(r"[^\W\d_]", stem_of(last)):
        return None  # ``2026.pdf``: nothing to read
    return last


def _edges(text: str) -> tuple[str, frozenset[int]]:
    """The text as the classifier's compact scan sees it, and the positions where a word the
    writer separated starts or ends."""
    words = normalize(text).split()
    edges = {0}
    pos = 0
    for w in words:
        pos += len(w)
        edges.add(pos)
    return "".join(words), frozenset(edges)


def _keeps_to_words(start: int, end: int, text: str, edges: frozenset[int]) -> bool:
    if not any(start < x < end for x in edges):
        return True  # inside one word the writer did not separate
    if start not in edges:
        return False
    return end in edges or (end + 1 in edges and text[end:end + 1] == "s")


def _raw_keeps_to_words(f: str, start: int, end: int) -> bool:
    """The same rule on the file name as sent (for the document patterns)."""
    inner = f[start:end]
    separated = bool(re.search(r"[-_ .]", inner)) or bool(re.search(r"[a-z][A-Z]", inner))
    if not separated:
        return True
    if start > 0 and f[start - 1].isalpha() and not (f[start - 1].islower() and f[start].isupper()):
        return False
    if end < len(f) and f[end].isalpha() and not (f[end - 1].islower() and f[end].isupper()):
        plural = f[end] in "sS" and (end + 1 == len(f) or not f[end + 1].isalpha())
        return plural
    return True


def documents_named(filename: str) -> tuple[frozenset[str], list[str]]:
    """Categories of the immigration documents a file is named for (pack names and form numbers),
    under every spelling the app or a person may use; a match must keep to the words."""
    cats: set[str] = set()
    titles: list[str] = []
    spellings = file_name_spellings(filename)
    for rx, cat, title in status_documents():
        for f in spellings:
            if any(_raw_keeps_to_words(f, m.start(), m.end()) for m in rx.finditer(f)):
                cats.add(cat)
                if title not in titles:
                    titles.append(title)
                break
    return frozenset(cats), titles


def _unleet(classifier: Any, text: str) -> str:
    variants = getattr(classifier, "variants", None)
    return variants.unleet(text)[0] if variants else text


def _only_across_words(classifier: Any, text: str, source: str, category: str) -> bool:
    """Every match of ``category`` in ``text`` is a compact one that runs across the words."""
    a = classifier.analyse(text, source)
    ms = [m for m in a.matches if m.category == category]
    if not ms or any(not m.compact for m in ms):
        return False
    joined, edges = _edges(_unleet(classifier, text))
    return all(not _keeps_to_words(m.start, m.end, joined, edges) for m in ms)


def read_file_name(classifier: Any, filename: str) -> tuple[frozenset[str], list[str]]:
    """What an uploaded file's name says it is: categories and why."""
    stem = stem_of(filename)
    words = label_of(filename)
    cats: set[str] = set()
    reasons: list[str] = []
    res, notes = asked(classifier, stem, words)
    if res.categories:
        # a city service's own paper (``youth_work_permit.pdf``, ``permiso_de_trabajo_juvenil.pdf``):
        # the name is read as the service's question is on a form (r12f F08)

        for cat in sorted(res.categories):
            why = names_only_the_service(classifier, words, cat)
            if why is not None:
                res = Classification(res.categories - {cat}, {k: v for k, v in res.reasons.items() if k != cat})
                notes = [*notes, why]
    for cat in sorted(res.categories):
        why = res.reasons.get(cat, ())
        if why and all(r.startswith(_COMPACT_REASON) for r in why) and all(
                _only_across_words(classifier, t, src, cat) for t, src in ((stem, "name"), (words, "label"))
                if any(m.category == cat for m in classifier.analyse(t, src).matches)):
            reasons.append(f"{cat}: not named: the term runs across the words of the file name `{words}`")
            continue
        cats.add(cat)
        reasons.extend(f"{cat}: the uploaded file's name: {r}" for r in why)
    reasons.extend(notes)
    doc_cats, titles = documents_named(filename)
    for cat in sorted(doc_cats):
        why = names_only_the_service(classifier, words, cat)
        if why is not None and cat not in cats:  # the same reading as above (r12f F08)
            doc_cats = doc_cats - {cat}
            reasons.append(f"not a status document: {why}")
    if doc_cats:
        cats |= doc_cats
        reasons.append("the uploaded file is named for " + " / ".join(titles))
    publication = _publication(classifier, words)
    if publication is not None and cats:
        reasons = [f"not a person's document: the file is a {publication} about {', '.join(sorted(cats))}"]
        cats = set()
    value = classifier.classify_value(stem) if stem else None
    for cat in sorted(value.categories if value is not None else ()):
        why = [r for r in value.reasons.get(cat, ()) if "matches pattern" in r]
        if why:
            cats.add(cat)
            reasons.extend(f"{cat}: the uploaded file's name: {r}" for r in why)
    return frozenset(cats), reasons


#: words that add no topic to a title (``my_passport_flyer`` is a passport)
_NO_TOPIC = frozenset({"to", "my", "our", "your", "and", "a", "an", "copy", "scan", "new", "final", "draft", "front",
                       "back", "page", "v", "version"})


def _publication(classifier: Any, words: str) -> str | None:
    """The publication noun of a file named as a publication *with a title of its own*
    (``passport_to_fitness_flyer``, ``Parent_Handbook_Immigration_Rights``), or None. The subject
    with a noun and nothing else (``citizenship_flyer``, ``green_card_brochure``) is still the
    subject: a title needs a word that is neither the protected term nor the noun."""
    flat = normalize(words)
    norm = flat.split()
    topic = next((w for w in norm if w in TOPIC_NOUNS), None)
    if topic is None:
        topic = next((w for w in TOPIC_NOUNS if not w.isascii() and w in flat), None)
    if topic is not None:
        return f"text on rights ('{topic}')"
    nouns = PUBLICATION_WORDS | WORK_NOUNS
    noun = next((w for w in norm if w in nouns), None)
    if noun is None:
        noun = next((w for w in nouns if " " in w and f" {w} " in f" {flat} "), None)
    if noun is None:
        noun = next((w for w in nouns if not w.isascii() and w in words), None)
    if noun is None:
        return None
    a = classifier.analyse(words, "label")
    covered: set[int] = set()
    for m in a.matches:
        if not m.compact:
            covered.update(range(m.start, m.end))
    compact_hit = any(m.compact for m in a.matches)
    linkers = getattr(getattr(classifier, "owners", None), "linkers", frozenset())
    for i, w in enumerate(a.words):
        if i in covered or w in nouns or w in _NO_TOPIC or w in linkers or w.isdigit():
            continue
        if compact_hit and not w.isascii():
            continue  # a term of a script written without spaces covers its own word
        if len(w) >= 3:
            return noun
    return None


__all__ = ["FILE_EXTENSIONS", "TOPIC_NOUNS", "WORK_NOUNS", "documents_named", "file_name_in", "label_of", "read_file_name", "stem_of"]
