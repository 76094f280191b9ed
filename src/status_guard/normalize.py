"""Normalisation of field names, labels and short values before classification.

Passes, in order (each a plain function, testable alone):

1. ``strip_invisible``  — zero-width characters, soft hyphens, BOMs, bidi controls removed.
2. ``nfkc``             — Unicode NFKC (full-width letters, ligatures, superscripts fold).
3. ``fold_homoglyphs``  — Cyrillic / Greek letters that look Latin, inside otherwise Latin words.
4. ``split_identifier`` — camelCase, snake_case, kebab-case, dotted paths, brackets, digits.
5. ``strip_accents``    — NFKD, drop combining marks, recompose (``Dirección`` -> ``Direccion``,
                           ``địa chỉ`` -> ``dia chi``; Hangul syllables stay whole); Arabic letter
                           variants folded (ة -> ه, ى -> ي, tatweel removed).
6. ``casefold``         — then everything that is not a letter, digit or (Indic) vowel sign
                           becomes a space.

``tokens()`` returns the words; ``stem()`` folds a plural ``s`` so ``citizens`` meets ``citizen``
and drops the Arabic article (``الجنسية`` meets ``جنسية``). Chinese and Korean text is matched as
substrings of ``compact()`` (Korean particles attach to nouns: ``국적을``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x3164, 0xFEFF, 0xFFA0]
    + list(range(0x200B, 0x2010))  # ZWSP, ZWNJ, ZWJ, LRM, RLM
    + list(range(0x202A, 0x202F))  # bidi embeddings/overrides
    + list(range(0x2060, 0x2070))  # word joiner, invisible operators, bidi isolates
    + list(range(0xFE00, 0xFE10)),  # variation selectors
    None,
)

# Letters from other scripts that render like Latin ones. Folded only inside words that also
# contain Latin letters (or consist only of look-alikes), so real Cyrillic/Greek text is kept.
_HOMOGLYPHS = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
    "ɡ": "g", "һ": "h", "ӏ": "l", "ԛ": "q", "ԝ": "w", "ү": "y",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S", "Ԁ": "D", "Һ": "H", "Ԛ": "Q",
    "Ԝ": "W",
    # Greek
    "α": "a", "ο": "o", "ρ": "p", "ι": "i", "κ": "k", "ν": "v", "τ": "t", "υ": "u", "χ": "x",
    "ε": "e", "ς": "s", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K",
    "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Latin look-alikes from other blocks
    "ı": "i", "ȷ": "j", "ℓ": "l",
}
_HOMOGLYPH_TABLE = str.maketrans(_HOMOGLYPHS)
_WORD = re.compile(r"\w+", re.UNICODE)

# Identifier splitting: lower->Upper, acronym->Word, letter<->digit boundaries.
_CAMEL_1 = re.compile(r"([a-z\u00df-\u00ff])([A-Z\u00c0-\u00de])")
_CAMEL_2 = re.compile(r"([A-Z\u00c0-\u00de]+)([A-Z\u00c0-\u00de][a-z\u00df-\u00ff])")
_DIGITS = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
# Indic vowel signs and viramas are marks, not word characters, for `\w`: keep them inside words
# (dandas excepted), or Bengali words fall apart at every vowel sign.
_NON_WORD = re.compile(r"(?:[^\w\u0900-\u0963\u0966-\u0dff]|_)+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")


def strip_invisible(text: str) -> str:
    return text.translate(_INVISIBLE)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _is_latin_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha() or "\u00c0" <= ch <= "\u024f"


def _genuine_non_latin(word: str) -> bool:
    """A Cyrillic/Greek word that holds a letter with no Latin look-alike (``задержана``)."""
    return any(c.isalpha() and not _is_latin_letter(c) and c not in _HOMOGLYPHS for c in word)


def _script(ch: str) -> str:
    if _is_latin_letter(ch):
        return "latin"
    name = unicodedata.name(ch, "")
    return "cyrillic" if name.startswith("CYRILLIC") else "greek" if name.startswith("GREEK") else ""


#: Latin letter -> its look-alike in Cyrillic / Greek (the reverse of ``_HOMOGLYPHS``; first wins)
_REVERSE: dict[str, dict[str, str]] = {"cyrillic": {}, "greek": {}}
for _k, _v in _HOMOGLYPHS.items():
    if _script(_k) in _REVERSE:
        _REVERSE[_script(_k)].setdefault(_v, _k)
_REVERSE_TABLE = {k: str.maketrans(v) for k, v in _REVERSE.items()}


def _to_majority_script(word: str, real: bool = False) -> str:
    """A word written mostly in Cyrillic (or Greek) with a few Latin look-alike letters in it
    (``Местo``, ``Иммигрaционный``: TR39's mixed-script confusable) is that script's word: its
    Latin look-alikes take the majority script's letter. Latin-majority words are left to the
    Latin fold below. In real Cyrillic/Greek text (``real``) a tie goes to that script (``hа``
    in ``Вид hа жительство``)."""
    counts: dict[str, int] = {}
    for c in word:
        if c.isalpha():
            sc = _script(c)
            counts[sc] = counts.get(sc, 0) + 1
    latin = counts.pop("latin", 0)
    if not latin or not counts:
        return word
    major, n = max(counts.items(), key=lambda kv: kv[1])
    if major in _REVERSE_TABLE and (n > latin or (real and n == latin)):
        return word.translate(_REVERSE_TABLE[major])
    return word


def fold_homoglyphs(text: str) -> str:
    """Fold look-alike letters in words that are Latin, or made only of look-alikes — unless the
    text is real Russian/Greek (it holds a word with letters no Latin one looks like): then a word
    made only of look-alikes (``марта``, ``раса``) is a real word too and stays. A word mostly in
    Cyrillic/Greek with Latin look-alikes in it is first made whole in its own script."""
    if text.isascii():
        return text
    real = any(_genuine_non_latin(w) for w in _WORD.findall(text))
    text = _WORD.sub(lambda m: _to_majority_script(m.group(0), real), text)

    def fold(m: re.Match[str]) -> str:
        word = m.group(0)
        if not any(c in _HOMOGLYPHS for c in word):
            return word
        letters = [c for c in word if c.isalpha()]
        if any(_is_latin_letter(c) for c in letters) or (not real and all(c in _HOMOGLYPHS for c in letters)):
            return word.translate(_HOMOGLYPH_TABLE)
        return word

    return _WORD.sub(fold, text)


@lru_cache(maxsize=65536)
def tokens_unfolded(text: str) -> tuple[str, ...]:
    """Like :func:`tokens`, with no homoglyph folding: the lexicon compiles a Cyrillic term both
    ways (``раса`` alone folds to ``paca``; inside real Russian it stays ``раса``)."""
    for p in PASSES:
        if p is not fold_homoglyphs:
            text = p(text)
    return tuple(stem(t) for t in text.split())


def split_identifier(text: str) -> str:
    text = _CAMEL_2.sub(r"\1 \2", text)
    text = _CAMEL_1.sub(r"\1 \2", text)
    text = _DIGITS.sub(" ", text)
    return text


# Amharic writes one sound with several letter series (ሠ/ሰ, ሐ/ኀ/ሀ, ዐ/አ, ፀ/ጸ): one series each
_ETHIOPIC_HOMOPHONES = {
    **{0x1210 + i: 0x1200 + i for i in range(8)}, **{0x1280 + i: 0x1200 + i for i in range(8)},
    **{0x1220 + i: 0x1230 + i for i in range(8)}, **{0x12D0 + i: 0x12A0 + i for i in range(8)},
    **{0x1340 + i: 0x1338 + i for i in range(8)},
}
_LETTER_FOLD = str.maketrans({
    "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ı": "i",
    # Arabic: teh marbuta, alef maksura, Persian yeh/kaf, tatweel (spelling variants of one word)
    "\u0629": "\u0647", "\u0649": "\u064a", "\u06cc": "\u064a", "\u06a9": "\u0643", "\u0640": None,
    **{chr(k): chr(v) for k, v in _ETHIOPIC_HOMOPHONES.items()},
})


def strip_accents(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped).translate(_LETTER_FOLD)


def casefold_words(text: str) -> str:
    return _NON_WORD.sub(" ", text.casefold()).strip()


PASSES = (strip_invisible, nfkc, fold_homoglyphs, split_identifier, strip_accents, casefold_words)


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Run every pass; returns space-separated lower-case words."""
    for p in PASSES:
        text = p(text)
    return text


_AR_ARTICLES = ("\u0648\u0627\u0644", "\u0628\u0627\u0644", "\u0643\u0627\u0644", "\u0641\u0627\u0644", "\u0644\u0644", "\u0627\u0644")


def stem(token: str) -> str:
    """A deliberately small fold, applied to the lexicon and the input alike: an English/Romance
    plural ``s``; the Arabic article and its clitics (ال، وال، بال، كال، فال، لل)."""
    if len(token) > 4 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    if len(token) > 4 and "\u0621" <= token[0] <= "\u064a":
        for art in _AR_ARTICLES:
            if token.startswith(art) and len(token) - len(art) >= 3:
                return token[len(art):]
    return token


@lru_cache(maxsize=65536)
def tokens(text: str) -> tuple[str, ...]:
    return tuple(stem(t) for t in normalize(text).split())


def compact(text: str) -> str:
    """The normalised text with no separators: ``isUSCitizen`` -> ``isuscitizen``."""
    return normalize(text).replace(" ", "")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def raw_clean(text: str) -> str:
    """Invisible characters removed and NFKC + homoglyph folding, case kept: for case-sensitive patterns."""
    return fold_homoglyphs(nfkc(strip_invisible(text)))
